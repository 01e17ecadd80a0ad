from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.permissions import ObjectRuleAdmin

from .models import Objection, ObjectionType, Prospect, QuietContact


@admin.register(ObjectionType)
class ObjectionTypeAdmin(admin.ModelAdmin):
    """The editable list of objection types; deactivate rather than delete a used one."""

    list_display = ("code", "name", "name_en", "sort_order", "active")
    list_editable = ("name", "name_en", "sort_order", "active")
    search_fields = ("code", "name", "name_en")


@admin.register(Prospect)
class ProspectAdmin(admin.ModelAdmin):
    list_display = ("name", "phone", "customer", "created_by", "created_at")
    search_fields = ("name", "phone")
    autocomplete_fields = ("customer",)


@admin.register(Objection)
class ObjectionAdmin(ObjectRuleAdmin, SimpleHistoryAdmin):
    """Changed and deleted by the same rules as on the pages ("objections.edit"/"delete")."""

    change_action = "objections.edit"
    delete_action = "objections.delete"
    list_display = (
        "id",
        "created_at",
        "owner",
        "customer",
        "prospect",
        "type",
        "stage",
        "genuineness",
        "outcome",
    )
    list_filter = ("type", "stage", "genuineness", "technique", "outcome")
    search_fields = ("words", "response", "customer__name", "prospect__name")
    raw_id_fields = ("owner", "customer", "prospect")
    date_hierarchy = "created_at"


@admin.register(QuietContact)
class QuietContactAdmin(ObjectRuleAdmin, SimpleHistoryAdmin):
    """Customers who raised no objection; changed by the same rule as on the pages."""

    change_action = "objections.quiet_edit"
    list_display = ("id", "created_at", "owner", "customer", "prospect", "stage", "outcome")
    list_filter = ("stage", "outcome")
    search_fields = ("note", "customer__name", "prospect__name")
    raw_id_fields = ("owner", "customer", "prospect")
    date_hierarchy = "created_at"
