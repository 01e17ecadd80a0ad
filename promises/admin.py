from django.contrib import admin

from .models import Commitment


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ("description", "owner", "due_at", "status", "reminded_at", "escalated_at", "closed_at")
    list_filter = ("status",)
    search_fields = ("description", "owner__username", "owner__full_name")
    raw_id_fields = ("owner", "created_by", "customer")
