"""The home page's "waiting for you" cards, contributed by each app.

An app registers `provider(user) -> DashboardCard | None` in its AppConfig.ready(); a
provider returns None when the card does not concern the user (wrong role). Each card
costs the provider one query at most.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from .models import User


@dataclass(frozen=True)
class DashboardCard:
    title: str
    count: int
    url: str
    hint: str = ""
    urgent: bool = False  # shown in red: overdue promises, breached targets...


Provider = Callable[[User], "DashboardCard | None"]
_PROVIDERS: list[Provider] = []


def register_dashboard_card(provider: Provider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def dashboard_cards(user: User) -> list[DashboardCard]:
    return [card for provider in _PROVIDERS if (card := provider(user)) is not None]


def open_promises_card(user: User) -> DashboardCard:
    from django.db.models import Count, Q
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from .models import Commitment

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
