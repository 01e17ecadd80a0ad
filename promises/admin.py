from django.contrib import admin

from accounts.permissions import can

from .models import Commitment


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ("description", "owner", "due_at", "status", "reminded_at", "escalated_at", "closed_at")
    list_filter = ("status",)
    search_fields = ("description", "owner__username", "owner__full_name")
    raw_id_fields = ("owner", "created_by", "customer")
    CLOSING_FIELDS = ("status", "outcome_note", "closed_at", "closed_by")

    def get_readonly_fields(self, request, obj=None):
        """Closing a promise here follows the "commitments.close" rule (its owner or their
        own manager), as on /promises/: for anyone else its closing fields are read-only."""
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and not can(request.user, "commitments.close", obj):
            fields += tuple(f for f in self.CLOSING_FIELDS if f not in fields)
        return fields
