from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Commitment,
    Contact,
    Customer,
    MaterialBatch,
    Notification,
    Product,
    Shipment,
    Site,
    Supplier,
    User,
)
from .services import notification_retry

admin.site.site_header = _("KeSuTong administration")
admin.site.site_title = _("KeSuTong")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Profile"), {"fields": ("full_name", "phone", "language")}))
    list_display = ("username", "full_name", "email", "is_staff", "is_active")
    search_fields = ("username", "full_name", "email")


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "created_at")
    search_fields = ("code", "name")
    inlines = [ContactInline, SiteInline]


@admin.register(Supplier)
class SupplierAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "quality_deposit_balance")
    search_fields = ("code", "name")


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "specification", "unit")
    search_fields = ("code", "name", "specification")


@admin.register(Shipment)
class ShipmentAdmin(SimpleHistoryAdmin):
    list_display = ("customer", "product", "lot_number", "quantity", "ship_date")
    list_filter = ("ship_date",)
    search_fields = ("lot_number", "order_number", "customer__name", "product__name")
    autocomplete_fields = ("customer", "product")


@admin.register(MaterialBatch)
class MaterialBatchAdmin(SimpleHistoryAdmin):
    list_display = (
        "batch_number",
        "material",
        "supplier",
        "unit_price",
        "quantity_received",
        "received_date",
    )
    search_fields = ("batch_number", "material", "supplier__name")
    autocomplete_fields = ("supplier",)


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ("description", "owner", "due_at", "status", "reminded_at", "escalated_at", "closed_at")
    list_filter = ("status",)
    search_fields = ("description", "owner__username", "owner__full_name")
    raw_id_fields = ("owner", "created_by", "customer")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Failed and uncertain rows are the admin's to look at: filter by status, then retry."""

    list_display = ("subject", "recipient", "status", "attempts", "next_attempt_at", "created_at", "sent_at")
    list_filter = ("status", "event", "cc")
    search_fields = ("subject", "key", "recipient__username", "recipient__email")
    raw_id_fields = ("recipient",)
    readonly_fields = ("key", "claimed_at", "sent_at", "read_at", "created_at", "attempts", "last_error")
    actions = ["retry"]

    @admin.action(description=_("Send the selected failed or uncertain notifications again"))
    def retry(self, request, queryset):
        count = notification_retry(ids=queryset.values_list("pk", flat=True), by=request.user)
        self.message_user(
            request,
            _("%(count)s notification(s) queued again. Uncertain ones may reach their recipient twice.")
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
