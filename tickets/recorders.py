"""What each workflow action records: the step record its form's data becomes, and the
text of its timeline entry. Named by the rows of `tickets/workflow.py`; called by
`services.ticket_transition` on the locked ticket, before its state changes. Changes to
the ticket's flags and clocks are the rows' effects (`tickets/effects.py`), not here."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from . import models as m
from .errors import ConcurrentChange
from .forms import CLASSIFICATION_FIELDS
from .models import Ticket
from .timeline import Said


def record_plan(ticket: Ticket, by: User, d: dict) -> Said:
    plan = m.ServicePlan.objects.create(ticket=ticket, created_by=by, **d)
    return Said(
        "plan",
        {"start": str(plan.start_date), "end": str(plan.end_date), "mode": plan.mode, "scope": plan.scope},
    )


def record_reason(ticket: Ticket, by: User, d: dict) -> str:
    ticket.reason = d["reason"]
    return d["reason"]


def record_timeline_only(ticket: Ticket, by: User, d: dict) -> str:
    """The reason lives in the timeline only (escalate)."""
    return d["reason"]


def record_assign(ticket: Ticket, by: User, d: dict) -> Said:
    lead = d["lead"]
    m.Assignment.objects.create(
        ticket=ticket,
        created_by=by,
        lead=lead,
        preliminary_analysis=d["preliminary_analysis"],
        tools_materials=d["tools_materials"],
    )
    ticket.service_lead = lead
    m.PurchaseRequest.objects.bulk_create(
        [
            m.PurchaseRequest(ticket=ticket, created_by=by, item=item, quantity=quantity)
            for item, quantity in d["purchase_items"]
        ]
    )
    return Said("assign", {"lead": lead.display_name, "analysis": d["preliminary_analysis"]})


def _classify(ticket: Ticket, d: dict) -> dict:
    """Take the quality classification off the form's data onto the ticket (what the
    dashboards count); a field left empty keeps what the ticket had."""
    d = dict(d)
    for name in CLASSIFICATION_FIELDS:
        value = d.pop(name, None)
        if value:
            setattr(ticket, name, value)
    return d


def record_review(ticket: Ticket, by: User, d: dict) -> str:
    d = _classify(ticket, d)
    m.QCReview.objects.create(ticket=ticket, created_by=by, **d)
    return f"{d['root_cause']} → {d['solution']}"


def record_progress(ticket: Ticket, by: User, d: dict) -> str:
    m.ProgressEntry.objects.create(ticket=ticket, created_by=by, text=d["text"])
    return d["text"]


def record_disposition(ticket: Ticket, by: User, d: dict) -> str:
    d = _classify(ticket, d)
    m.Disposition.objects.create(ticket=ticket, created_by=by, **d)
    return d["work_done"]


def record_unsatisfied(ticket: Ticket, by: User, d: dict) -> Said:
    """The form is kept (a manager may override and have it signed); the timeline says
    what the customer said."""
    d = _classify(ticket, d)
    m.Disposition.objects.create(ticket=ticket, created_by=by, **d)
    return Said("unsatisfied", {"satisfaction": d["satisfaction"], "said": d["customer_feedback"]})


def current_disposition(ticket: Ticket) -> m.Disposition | None:
    return m.Disposition.objects.filter(ticket=ticket).order_by("-created_at", "-id").first()


def _signoff(ticket: Ticket, by: User, d: dict, decision: str) -> Said:
    capacity = d["capacity"]
    m.SignOff.objects.create(
        ticket=ticket,
        created_by=by,
        disposition=current_disposition(ticket),
        capacity=capacity,
        decision=decision,
        comment=d.get("comment", ""),
    )
    return Said("signoff", {"capacity": capacity, "decision": decision, "comment": d.get("comment", "")})


def record_signoff(ticket: Ticket, by: User, d: dict) -> Said:
    return _signoff(ticket, by, d, m.SignOff.Decision.APPROVED)


def record_dispute(ticket: Ticket, by: User, d: dict) -> Said:
    return _signoff(ticket, by, d, m.SignOff.Decision.DISPUTED)


def record_archive(ticket: Ticket, by: User, d: dict) -> str:
    m.ArchiveRecord.objects.create(ticket=ticket, created_by=by, **d)
    return " ".join(x for x in (d["archive_ref"], d["note"]) if x)


# A follow-up identical to the same person's last one within this window is the same one
# posted twice (a double click, a client retrying without a version): it is not recorded again.
FOLLOW_UP_REPEAT_WINDOW = datetime.timedelta(minutes=10)


def record_follow_up(ticket: Ticket, by: User, d: dict) -> str:
    # The ticket row is locked (ticket_transition), so two posts at once are serialised here.
    last = ticket.followups.filter(created_by=by).order_by("-created_at", "-id").first()
    if (
        last is not None
        and last.note == d["note"]
        and last.satisfaction == d["satisfaction"]
        and timezone.now() - last.created_at < FOLLOW_UP_REPEAT_WINDOW
    ):
        raise ConcurrentChange(_("This follow-up has already been recorded."), ticket=ticket)
    m.FollowUp.objects.create(ticket=ticket, created_by=by, note=d["note"], satisfaction=d["satisfaction"])
    return d["note"]
