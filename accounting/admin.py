from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Account, ExportJob, Period, QualityDispute, VatRate, Voucher, VoucherLine


@admin.register(Account)
class AccountAdmin(SimpleHistoryAdmin):
    """Each company maps the standard codes to its own sub-accounts here."""

    list_display = ("code", "name", "company_code", "company_name", "parent")
    list_editable = ("company_code", "company_name")
    search_fields = ("code", "name", "company_code", "company_name")
    readonly_fields = ("code",)

    def has_delete_permission(self, request, obj=None):
        return False  # the rules refer to every standard code


@admin.register(VatRate)
class VatRateAdmin(admin.ModelAdmin):
    list_display = ("label", "rate", "is_default", "active")
    list_editable = ("is_default", "active")


class ViewOnlyAdmin(admin.ModelAdmin):
    """Shown, never changed here: the books change only through the services the pages and the
    API call (role checks, reversal of posted vouchers, generation guard). An admin edit of a
    posted dispute's figures and `generation` followed by "generate" booked it twice."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(QualityDispute)
class QualityDisputeAdmin(ViewOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("number", "node", "outcome", "invoice_status", "booking_date", "created_by")
    list_filter = ("node", "outcome", "invoice_status")
    raw_id_fields = ("customer", "shipment", "material_batch", "supplier", "ticket", "created_by")

    def has_change_permission(self, request, obj=None):
        return False  # also hides simple-history's "revert" (it would rewrite figures and generation)


class VoucherLineInline(admin.TabularInline):
    model = VoucherLine
    extra = 0
    can_delete = False
    readonly_fields = ("line_no", "account", "account_code", "account_name", "side", "amount", "summary")


@admin.register(Voucher)
class VoucherAdmin(ViewOnlyAdmin):
    """Read-only: vouchers change only through the services (and posted ones never)."""

    list_display = ("__str__", "period", "date", "state", "dispute")
    list_filter = ("state", "period")
    inlines = [VoucherLineInline]


@admin.register(Period)
class PeriodAdmin(ViewOnlyAdmin):
    """Closing and reopening go through the periods page (period_close refuses unposted vouchers)."""

    list_display = ("__str__", "status", "closed_by", "closed_at")


@admin.register(ExportJob)
class ExportJobAdmin(ViewOnlyAdmin):
    list_display = ("__str__", "status", "created_by", "created_at")
