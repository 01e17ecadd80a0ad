"""A customer's history across apps, without the apps importing each other.

Each app registers a provider in its AppConfig.ready():

    register_customer_timeline(provider)

where `provider(customer, user) -> Iterable[TimelineEntry]` returns what that user may
see of the customer in that app. `customer_timeline()` merges them newest first.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from accounts.models import User
from masterdata.models import Customer


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime.datetime
    kind: str  # "ticket", "objection", "commitment", ... (used for icons and filters)
    title: str
    url: str = ""
    body: str = ""
    badges: tuple[str, ...] = field(default_factory=tuple)


Provider = Callable[[Customer, User], Iterable[TimelineEntry]]
_PROVIDERS: list[Provider] = []


def register_customer_timeline(provider: Provider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def customer_timeline(*, customer: Customer, user: User) -> list[TimelineEntry]:
    entries = [entry for provider in _PROVIDERS for entry in provider(customer, user)]
    return sorted(entries, key=lambda e: e.when, reverse=True)
