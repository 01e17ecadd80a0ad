from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models as m


class ViewOnly:
    """Tickets and their workflow records change only through the services the pages call
    (states, sign-offs, notifications, audit trail); the admin shows them (issue 11.4)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = m.Event
    extra = 0
    fields = ("seq", "kind", "action", "from_state", "to_state", "text", "internal", "actor", "created_at")
    readonly_fields = fields
    can_delete = False


class PhotoInline(admin.TabularInline):
    model = m.Photo
    extra = 0
    fields = ("image", "original_name", "size", "created_by", "created_at")
    readonly_fields = fields
    can_delete = False


@admin.register(m.Ticket)
class TicketAdmin(ViewOnly, SimpleHistoryAdmin):
    list_display = ("number", "state", "customer", "severity", "safety", "service_lead", "created_at")
    list_filter = ("state", "severity", "safety", "remedy", "channel")
    search_fields = ("number", "customer__name", "description", "customer_words")
    list_select_related = ("customer", "service_lead")
    raw_id_fields = ("customer", "shipment", "product", "service_lead", "created_by")
    # The workflow moves tickets; the admin may look and correct texts, not jump states.
    readonly_fields = ("number", "state", "version", "pm_signed", "production_signed", "intake_token")
    inlines = [PhotoInline, EventInline]


@admin.register(m.PurchaseRequest)
class PurchaseRequestAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ("ticket", "item", "quantity", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("ticket", "created_by")


for model in (
    m.ServicePlan,
    m.Assignment,
    m.QCReview,
    m.ProgressEntry,
    m.Disposition,
    m.SignOff,
    m.ArchiveRecord,
    m.FollowUp,
):
    admin.site.register(model, type(f"{model.__name__}Admin", (ViewOnly, admin.ModelAdmin), {}))


@admin.register(m.SlaTarget)
class SlaTargetAdmin(admin.ModelAdmin):
    """Targets per severity (wall-clock hours from intake); the lists and the escalation
    task read them on their next request or run."""

    list_display = ("severity", "first_response_hours", "resolution_hours", "warn_percent")
    list_editable = ("first_response_hours", "resolution_hours", "warn_percent")


@admin.register(m.SlaEscalation)
class SlaEscalationAdmin(admin.ModelAdmin):
    list_display = ("ticket", "kind", "due_at", "created_at")
    list_filter = ("kind",)
    search_fields = ("ticket__number",)
    list_select_related = ("ticket",)
    readonly_fields = ("ticket", "kind", "due_at", "created_at")

    def has_add_permission(self, request) -> bool:
        return False  # written by the escalation task only


@admin.register(m.CapaCheck)
class CapaCheckAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ("ticket", "due_on", "status", "verified_by", "verified_at", "notified_at")
    list_filter = ("status",)
    raw_id_fields = ("ticket", "disposition", "created_by", "verified_by")


class InstallationIssueInline(admin.TabularInline):
    model = m.InstallationIssue
    extra = 0
    raw_id_fields = ("created_by", "fixed_by", "conference_users")


class InstallationEventInline(ViewOnly, admin.TabularInline):
    model = m.InstallationEvent
    extra = 0
    fields = ("created_at", "kind", "actor", "text")
    readonly_fields = fields


@admin.register(m.Installation)
class InstallationAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ("title", "customer", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = (
        "customer",
        "ticket",
        "shipment",
        "created_by",
        "pm_signed_by",
        "production_signed_by",
        "verified_by",
    )
    inlines = [InstallationIssueInline, InstallationEventInline]
