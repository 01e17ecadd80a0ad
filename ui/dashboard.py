"""The home page's "waiting for you" cards, contributed by each app.

An app registers `provider(user) -> DashboardCard | None` in its AppConfig.ready(); a
provider returns None when the card does not concern the user (wrong role). Each card
costs the provider one query at most.
"""

from collections.abc import Callable
from dataclasses import dataclass

from accounts.models import User


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
