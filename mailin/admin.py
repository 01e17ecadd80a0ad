from django.contrib import admin

from .models import InboundAttachment, InboundMessage, MailboxState


class AttachmentInline(admin.TabularInline):
    model = InboundAttachment
    extra = 0
    can_delete = False
    fields = ("original_name", "declared_type", "extension", "is_image", "refused", "size")
    readonly_fields = fields


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    """Read-only: mail is acted on through the inbox pages, which go through the services."""

    list_display = ("received_at", "from_address", "subject", "status", "reason", "customer", "ticket")
    list_filter = ("status", "reason")
    search_fields = ("from_address", "subject", "message_id")
    inlines = [AttachmentInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MailboxState)
class MailboxStateAdmin(admin.ModelAdmin):
    list_display = ("key", "last_poll_at", "last_ok_at", "last_error_at", "last_error", "lease_until")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
