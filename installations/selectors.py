"""Reads on installations."""

from django.db.models import Count, Q, QuerySet

from tickets.models import Installation


def installations() -> QuerySet[Installation]:
    return (
        Installation.objects.select_related("customer", "ticket")
        .annotate(
            issue_count=Count("issues"),
            open_issue_count=Count("issues", filter=Q(issues__fixed_at__isnull=True)),
        )
        .order_by("-created_at", "-id")
    )


def installation_for_page(pk: int) -> Installation:
    return (
        Installation.objects.select_related(
            "customer",
            "ticket",
            "shipment",
            "shipment__product",
            "pm_signed_by",
            "production_signed_by",
            "verified_by",
            "created_by",
        )
        .prefetch_related("issues__created_by", "issues__fixed_by")
        .get(pk=pk)
    )
