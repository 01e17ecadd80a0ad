"""What an action changes besides its own record: the ticket's sign-off flags and SLA
clocks (applied to the locked ticket before it is saved) and the CAPA side effects (run
after the action's timeline entry, because they add entries of their own). Named by the
rows of `tickets/workflow.py`; docs/workflow.md lists them per action."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import User
from apperrors.exceptions import Invalid
from promises.services import commitment_promise, commitments_keep_for_source

from .errors import MissingData
from .models import SignOff, Ticket
from .signals import actions_accepted, actions_reopened


@dataclass(frozen=True)
class Effect:
    name: str
    doc: str  # English, for docs/workflow.md
    apply: Callable[[Ticket, User, dict], None]
    # False: a change to the ticket's own columns, saved with the transition.
    # True: a separate record with its own timeline entry, after the transition's entry.
    after_event: bool = False


def _void_signatures(ticket: Ticket, by: User, d: dict) -> None:
    ticket.pm_signed = ticket.production_signed = False


def _sign(ticket: Ticket, by: User, d: dict) -> None:
    if d["capacity"] == SignOff.Capacity.PROJECT:
        ticket.pm_signed = True
    else:
        ticket.production_signed = True


def _mark_unsatisfied(ticket: Ticket, by: User, d: dict) -> None:
    ticket.customer_unsatisfied = True


def _clear_unsatisfied(ticket: Ticket, by: User, d: dict) -> None:
    ticket.customer_unsatisfied = False


def _followed_up(ticket: Ticket, by: User, d: dict) -> None:
    ticket.followed_up = True


def _keep_callback(ticket: Ticket, by: User, d: dict) -> None:
    commitments_keep_for_source(source=ticket, by=by, outcome_note=d["note"])


def _next_callback(ticket: Ticket, by: User, d: dict) -> None:
    if not d.get("next_callback_due_at"):
        return
    try:
        commitment_promise(
            source=ticket, by=by, description=d["next_callback_note"], due_at=d["next_callback_due_at"]
        )
    except Invalid as exc:  # the promise's errors, on the follow-up form's fields
        names = {"description": "next_callback_note", "due_at": "next_callback_due_at"}
        raise MissingData(exc.message, errors={names.get(k, k): v for k, v in exc.errors.items()}) from exc


def _stop_response_clock(ticket: Ticket, by: User, d: dict) -> None:
    if ticket.responded_at is None:  # a reopened ticket keeps its first response
        ticket.responded_at = timezone.now()


def _stop_resolution_clock(ticket: Ticket, by: User, d: dict) -> None:
    ticket.resolved_at = timezone.now()


def _restart_resolution_clock(ticket: Ticket, by: User, d: dict) -> None:
    ticket.resolved_at = None


# CAPA lives in its own app (capa/), which listens: tickets does not import it.
def _schedule_capa(ticket: Ticket, by: User, d: dict) -> None:
    actions_accepted.send(sender=Ticket, ticket=ticket, by=by)


def _cancel_capa(ticket: Ticket, by: User, d: dict) -> None:
    actions_reopened.send(sender=Ticket, ticket=ticket, by=by)


VOID_SIGNATURES = Effect("void_signatures", "both sign-offs start again", _void_signatures)
SIGN = Effect("sign", "the signer's capacity counts as signed", _sign)
# The customer's satisfaction (procedure §3-5.2.6): sign-offs start only after it (or a
# manager's override); leaving the service step for a QC review needs a new form anyway.
MARK_UNSATISFIED = Effect(
    "mark_unsatisfied", "the sign-offs wait for a satisfied customer (or an override)", _mark_unsatisfied
)
CLEAR_UNSATISFIED = Effect(
    "clear_unsatisfied", "no longer waits for the customer's satisfaction", _clear_unsatisfied
)
FOLLOWED_UP = Effect("followed_up", "the ticket counts as followed up", _followed_up)
KEEP_CALLBACK = Effect(
    "keep_callback",
    "the ticket's open call-back promises that the caller may close are closed as kept, with the note",
    _keep_callback,
)
NEXT_CALLBACK = Effect(
    "next_callback",
    "a new call-back promise is made when the customer was promised one (after the old ones are kept)",
    _next_callback,
)
# SLA clocks (tickets/sla.py): first response ends at the plan or the rejection; resolution
# at the archive or the rejection, and runs again when the ticket is reopened.
STOP_RESPONSE_CLOCK = Effect(
    "stop_response_clock", "stops the first-response clock (if still running)", _stop_response_clock
)
STOP_RESOLUTION_CLOCK = Effect("stop_resolution_clock", "stops the resolution clock", _stop_resolution_clock)
RESTART_RESOLUTION_CLOCK = Effect(
    "restart_resolution_clock", "the resolution clock runs again", _restart_resolution_clock
)
SCHEDULE_CAPA = Effect(
    "schedule_capa",
    "schedules a CAPA effectiveness check of the disposition form's actions",
    _schedule_capa,
    after_event=True,
)
CANCEL_CAPA = Effect(
    "cancel_capa",
    "cancels the ticket's scheduled CAPA check (the actions are being redone)",
    _cancel_capa,
    after_event=True,
)
