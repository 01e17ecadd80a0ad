"""The conditions and guards the workflow table (`tickets/workflow.py`) names.

A *condition* is a fact about a ticket, written twice on purpose: as a test on one ticket
(what a service checks) and as a filter on many (what "my work" asks the database). Both
are declared side by side here so they cannot drift apart; tests/tickets compare them.

A *guard* is what a person must satisfy, beyond their role and the ticket's state, before
an action is offered or taken; a refused guard is reported with its own error and message.
Guards are plain named objects; the object-permission predicates (tickets.predicates) stand
behind them, so a guard and `can(user, action, ticket)` give one answer (docs/workflow.md,
"Guards").
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rules import Predicate

from accounts.models import User
from accounts.permissions import is_admin

from .errors import MissingData, NotAllowed, TicketError, WrongState
from .models import PurchaseRequest, Ticket
from .predicates import holds_signing_capacity, is_service_lead_of


@dataclass(frozen=True)
class Condition:
    name: str
    doc: str  # English, for docs/workflow.md
    test: Callable[[Ticket], bool]
    q: Callable[[], Q]

    def __call__(self, ticket: Ticket) -> bool:
        return self.test(ticket)


def _fields(name: str, doc: str, **values) -> Condition:
    """A condition that is just some of the ticket's own columns having these values."""
    return Condition(
        name=name,
        doc=doc,
        test=lambda t: all(getattr(t, k) == v for k, v in values.items()),
        q=lambda: Q(**values),
    )


PROJECT_UNSIGNED = _fields("project_unsigned", "the project manager has not signed", pm_signed=False)
PRODUCTION_UNSIGNED = _fields(
    "production_unsigned", "the production manager has not signed", production_signed=False
)
BOTH_SIGNED = _fields("both_signed", "both managers have signed", pm_signed=True, production_signed=True)
CUSTOMER_UNSATISFIED = _fields(
    "customer_unsatisfied",
    "the customer is not satisfied with the last disposition form",
    customer_unsatisfied=True,
)
NOT_FOLLOWED_UP = _fields("not_followed_up", "no sales follow-up recorded yet", followed_up=False)
OPEN_PURCHASE = Condition(
    name="open_purchase",
    doc="a purchase request is still open",
    test=lambda t: t.purchases.filter(status=PurchaseRequest.Status.OPEN).exists(),
    q=lambda: Q(
        Exists(PurchaseRequest.objects.filter(ticket=OuterRef("pk"), status=PurchaseRequest.Status.OPEN))
    ),
)


@dataclass(frozen=True)
class Guard:
    name: str
    doc: str  # English, for docs/workflow.md
    test: Callable[[Ticket, User], bool]
    error: type[TicketError]
    message: str | Promise
    # The object rule behind it, registered with the action so `can(user, action, ticket)`
    # asks it too (tickets.permissions); None for a guard that is a fact, not a permission.
    rule: Predicate | None = None

    def refusal(self, ticket: Ticket, user: User) -> TicketError | None:
        """The error to raise if this user may not pass now, else None."""
        if self.test(ticket, user):
            return None
        return self.error(self.message, ticket=ticket)


LEAD_RULE = is_admin | is_service_lead_of


SERVICE_LEAD_ONLY = Guard(
    name="service_lead_only",
    doc="only the ticket's service lead (or an admin)",
    test=lambda ticket, user: bool(LEAD_RULE(user, ticket)),
    error=NotAllowed,
    message=_("Only the ticket's service lead may do this."),
    rule=LEAD_RULE,
)
UNSIGNED_CAPACITY = Guard(
    name="unsigned_capacity",
    doc="the signer holds a manager capacity not yet signed on this form",
    test=lambda ticket, user: bool(holds_signing_capacity(user, ticket)),
    error=WrongState,
    message=_("You have already signed this disposition form."),
    rule=holds_signing_capacity,
)
BOTH_SIGNATURES = Guard(
    name="both_signatures",
    doc="both managers have signed the disposition form",
    test=lambda ticket, user: BOTH_SIGNED(ticket),
    error=MissingData,
    message=_("Both the project manager and the production manager must sign first."),
)
UNSATISFIED_CUSTOMER = Guard(
    name="unsatisfied_customer",
    doc="the customer is not satisfied with the last disposition form",
    test=lambda ticket, user: CUSTOMER_UNSATISFIED(ticket),
    error=WrongState,
    message=_("Only a disposition form the customer is not satisfied with needs an override."),
)
