"""A ticket's timeline: the numbered events that record what happened to it, and who hears
about a step. Used by the ticket workflow and by the apps that act on tickets (capa,
installations, the SLA escalations)."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F

from accounts.models import User
from accounts.selectors import users_with_roles

from . import models as m
from .models import Ticket


@dataclass(frozen=True)
class Said:
    """What the system says on the timeline: a code registered with
    `models.register_event_text` and its parameters (JSON), worded when it is shown."""

    code: str
    params: dict = field(default_factory=dict)


def record_event(
    ticket: Ticket,
    *,
    kind: str,
    by: User,
    text: "str | Said" = "",
    action: str = "",
    from_state: str = "",
    to_state: str = "",
    internal: bool = False,
) -> m.Event:
    """Append to the timeline. The caller holds the ticket's row lock.

    `text` is either what a person wrote (stored as it is) or a `Said` (stored as code and
    parameters, so each reader sees it in their own language)."""
    code, params = "", {}
    if isinstance(text, Said):
        code, params, text = text.code, text.params, ""
    Ticket.objects.filter(pk=ticket.pk).update(last_seq=F("last_seq") + 1)
    ticket.last_seq = Ticket.objects.values_list("last_seq", flat=True).get(pk=ticket.pk)
    return m.Event.objects.create(
        ticket=ticket,
        seq=ticket.last_seq,
        kind=kind,
        action=action,
        from_state=from_state,
        to_state=to_state,
        text=text,
        code=code,
        params=params,
        internal=internal,
        actor=by,
    )


def people_for(roles: Iterable[str], ticket: Ticket) -> list[User]:
    """The people a step is announced to: role slugs, plus "lead" (the service lead) and
    "creator" (who took the complaint)."""
    people: dict[int, User] = {}
    role_names = [r for r in roles if r not in ("lead", "creator")]
    if role_names:
        for u in users_with_roles(*role_names):
            people[u.pk] = u
    if "lead" in roles and ticket.service_lead_id:
        people[ticket.service_lead_id] = ticket.service_lead
    if "creator" in roles:
        people[ticket.created_by_id] = ticket.created_by
    return list(people.values())
