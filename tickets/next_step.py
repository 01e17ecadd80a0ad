"""Who a ticket waits for now, by name: read from the workflow table (`workflow.waiting_now`),
shown on the ticket page, in the message after each action and in each e-mail, so nobody has
to guess what happens next."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.roles import Role
from accounts.selectors import users_with_roles
from notify.params import param_type
from ui.batch import prepared_rows

from .models import Ticket
from .workflow import CREATOR, LEAD, TRANSITIONS, waiting_now

NAMES_SHOWN = 3  # a role held by many: the first few names, then "…"


@param_type
@dataclass(frozen=True)
class NextStep:
    action_name: str  # what they are to do: the workflow action (its label is `action`)
    role_slug: str  # the role (its label is `role`)
    people: tuple[str, ...]  # who, by name
    more: bool  # more people hold the role than are named
    since: datetime.datetime | None  # since when the ticket waits in this state

    @property
    def action(self) -> str:
        """The action's label in the active language."""
        transition = TRANSITIONS.get(self.action_name)
        return str(transition.label) if transition else self.action_name

    @property
    def role(self) -> str:
        """The role's label in the active language."""
        try:
            return str(Role(self.role_slug).label)
        except ValueError:
            return self.role_slug


@param_type
@dataclass(frozen=True)
class NextStepsLine:
    """The steps as one line of text, worded when shown (an e-mail's "Next step")."""

    steps: list[NextStep]

    def __str__(self) -> str:
        return describe(self.steps)

    def __bool__(self) -> bool:
        return bool(self.steps)


def _since(ticket: Ticket) -> datetime.datetime | None:
    entered = [e for e in ticket.events.all() if e.to_state == ticket.state]
    return max((e.created_at for e in entered), default=ticket.created_at)


def people_reads(ticket: Ticket) -> dict[str, QuerySet]:
    """For each role the ticket waits for, the people next_steps names (a page reads them
    with its other records and passes them as `people`)."""
    return {
        waiting.role: prepared_rows("tickets.waiting", _people_of, str(waiting.role))
        for _transition, waiting in waiting_now(ticket)
        if waiting.person not in (LEAD, CREATOR)
    }


def _people_of(role: str) -> QuerySet:
    return users_with_roles(role).order_by("id")[: NAMES_SHOWN + 1]


def next_steps(ticket: Ticket, people: dict[str, list] | None = None) -> list[NextStep]:
    since = None
    steps = []
    read = people or {}
    for transition, waiting in waiting_now(ticket):
        if waiting.person == LEAD:
            people = [ticket.service_lead] if ticket.service_lead_id else []
        elif waiting.person == CREATOR:
            people = [ticket.created_by]
        elif waiting.role in read:
            people = read[waiting.role]
        else:
            people = list(_people_of(waiting.role))
        since = since or _since(ticket)
        steps.append(
            NextStep(
                action_name=transition.name,
                role_slug=waiting.role,
                people=tuple(p.display_name for p in people[:NAMES_SHOWN]),
                more=len(people) > NAMES_SHOWN,
                since=since,
            )
        )
    return steps


def describe(steps: list[NextStep]) -> str:
    """One line of plain text in the active language: "等待 生产经理 刘强 指派服务负责人；…"
    (for messages and e-mails)."""
    parts = []
    for step in steps:
        who = " ".join([step.role, "、".join(step.people) + ("…" if step.more else "")]).strip()
        parts.append(_("waiting for %(who)s to %(action)s") % {"who": who, "action": step.action})
    return "；".join(parts)
