"""Who a ticket waits for now, by name: read from the workflow table (`workflow.waiting_now`),
shown on the ticket page, in the message after each action and in each e-mail, so nobody has
to guess what happens next."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.roles import Role
from accounts.selectors import users_with_roles

from .models import Ticket
from .workflow import CREATOR, LEAD, waiting_now

NAMES_SHOWN = 3  # a role held by many: the first few names, then "…"


@dataclass(frozen=True)
class NextStep:
    action: str  # what they are to do (the action's label)
    role: str  # the role's label
    people: tuple[str, ...]  # who, by name
    more: bool  # more people hold the role than are named
    since: datetime.datetime | None  # since when the ticket waits in this state


def _since(ticket: Ticket) -> datetime.datetime | None:
    entered = [e for e in ticket.events.all() if e.to_state == ticket.state]
    return max((e.created_at for e in entered), default=ticket.created_at)


def next_steps(ticket: Ticket) -> list[NextStep]:
    since = None
    steps = []
    for transition, waiting in waiting_now(ticket):
        if waiting.person == LEAD:
            people = [ticket.service_lead] if ticket.service_lead_id else []
        elif waiting.person == CREATOR:
            people = [ticket.created_by]
        else:
            people = list(users_with_roles(waiting.role).order_by("id")[: NAMES_SHOWN + 1])
        since = since or _since(ticket)
        steps.append(
            NextStep(
                action=str(transition.label),
                role=str(Role(waiting.role).label),
                people=tuple(p.display_name for p in people[:NAMES_SHOWN]),
                more=len(people) > NAMES_SHOWN,
                since=since,
            )
        )
    return steps


def describe(steps: list[NextStep]) -> str:
    """One line of plain text: "等待 生产经理 刘强 指派服务负责人；…" (for messages and e-mails)."""
    parts = []
    for step in steps:
        who = " ".join([step.role, "、".join(step.people) + ("…" if step.more else "")]).strip()
        parts.append(_("waiting for %(who)s to %(action)s") % {"who": who, "action": step.action})
    return "；".join(parts)
