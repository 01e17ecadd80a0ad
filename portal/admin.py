from django.contrib import admin

from .models import CustomerLink, Incident, Survey


@admin.register(CustomerLink)
class CustomerLinkAdmin(admin.ModelAdmin):
    list_display = ("customer", "created_by", "created_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("customer__code", "customer__name", "created_by__username")
    readonly_fields = ("customer", "created_by", "created_at")
    exclude = ("token",)  # the secret is sent from the links page, not read here


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("ticket", "rating", "created_at")
    readonly_fields = ("ticket", "rating", "comment", "created_at")


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    """What the portal refused: read only, a record of who knocked and why."""

    list_display = ("created_at", "kind", "ip", "path", "customer", "ticket")
    list_filter = ("kind",)
    search_fields = ("ip", "path", "detail")
    readonly_fields = ("kind", "ip", "path", "detail", "customer", "ticket", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
