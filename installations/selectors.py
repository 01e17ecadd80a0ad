"""Reads on installations."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import can
from tickets.models import Installation, InstallationEvent, InstallationIssue
from ui.dashboard import DashboardCard

IMPROVEMENT = InstallationIssue.Source.IMPROVEMENT
# QC's "my work" card lists this many improvement requests, then links to the list.
TRACK_SHOWN = 10


def installations() -> QuerySet[Installation]:
    return (
        Installation.objects.select_related("customer", "ticket")
        .annotate(
            issue_count=Count("issues"),
            open_issue_count=Count(
                "issues", filter=Q(issues__fixed_at__isnull=True) & ~Q(issues__source=IMPROVEMENT)
            ),
            open_improvement_count=Count(
                "issues", filter=Q(issues__fixed_at__isnull=True, issues__source=IMPROVEMENT)
            ),
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
        .prefetch_related(
            "issues__created_by",
            "issues__fixed_by",
            "issues__conference_users",
            Prefetch("events", queryset=InstallationEvent.objects.select_related("actor")),
        )
        .get(pk=pk)
    )


def improvements_to_track() -> QuerySet[InstallationIssue]:
    """Customer improvement requests still open on installations both managers have signed:
    QC tracks them (procedure §3-5.3), oldest first."""
    return (
        InstallationIssue.objects.filter(
            source=IMPROVEMENT,
            fixed_at__isnull=True,
            installation__status__in=[Installation.Status.SIGNED, Installation.Status.VERIFIED],
        )
        .select_related("installation__customer")
        .order_by("created_at", "id")
    )


def improvements_card(user: User) -> dict:
    """QC's "my work": the improvement requests to track (one query; none for other roles)."""
    if not can(user, "tickets.installation_improvement_close"):
        return {"issues": []}
    issues = list(improvements_to_track()[: TRACK_SHOWN + 1])
    return {"issues": issues[:TRACK_SHOWN], "more": len(issues) > TRACK_SHOWN}


def improvements_dashboard_card(user: User) -> DashboardCard | None:
    """The home page's card for QC: how many improvement requests wait to be tracked."""
    if not can(user, "tickets.installation_improvement_close"):
        return None
    return DashboardCard(
        title=_("Improvement requests to track"),
        count=improvements_to_track().count(),
        url=reverse("tickets:installations") + "?improvements=open",
    )
