from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import Notification
from .services import notification_retry


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
