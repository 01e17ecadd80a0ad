"""The home page's card of the signed-in person's open promises."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from ui.dashboard import DashboardCard

from .models import Commitment


def open_promises_card(user: User) -> DashboardCard:
    counts = Commitment.objects.filter(owner=user, status=Commitment.Status.OPEN).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=timezone.now()))
    )
    return DashboardCard(
        title=_("My open promises"),
        count=counts["open"],
        url=reverse("commitments"),
        hint=_("%(n)s overdue") % {"n": counts["overdue"]} if counts["overdue"] else "",
        urgent=bool(counts["overdue"]),
    )
