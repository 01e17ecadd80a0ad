"""CAPA effectiveness checks (docs/workflow.md, "Effects"): the write actions (reads: capa.selectors).

Archiving a ticket schedules a check of the corrective and preventive actions on its
disposition form. QC records the result; a failed check reopens the ticket through
`tickets.services.ticket_transition` (action "reopen"), so the workflow table stays the only
place that says how a ticket moves.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import can
from accounts.roles import Role
from accounts.selectors import users_with_roles
from notify.services import notify
from tickets import models as m
from tickets.errors import MissingData, NotAllowed, WrongState
from tickets.models import CapaCheck, Ticket, register_event_text
from tickets.selectors import current_disposition
from tickets.services import ticket_transition
from tickets.timeline import Said, record_event


def capa_due_date(archived_on: datetime.date) -> datetime.date:
    return archived_on + datetime.timedelta(days=getattr(settings, "CAPA_CHECK_AFTER_DAYS", 30))


# The timeline entries of the checks (tickets.models.Event.shown_text), worded for the reader.
@register_event_text("capa_scheduled")
def _scheduled_text(p: dict) -> str:
    return _("CAPA effectiveness check scheduled for %(date)s.") % {"date": p["date"]}


@register_event_text("capa_cancelled")
def _cancelled_text(p: dict) -> str:
    return _("CAPA effectiveness check cancelled: the ticket was reopened.")


@register_event_text("capa_verified")
def _verified_text(p: dict) -> str:
    verdict = _("CAPA check: effective.") if p["effective"] else _("CAPA check: not effective.")
    return f"{verdict} {p['note']}"


def capa_schedule(*, ticket: Ticket, by: User) -> CapaCheck:
    """Schedule the check for a ticket just archived. Called inside the archive transaction."""
    disposition = current_disposition(ticket)
    check = CapaCheck.objects.create(
        ticket=ticket,
        disposition=disposition,
        corrective_action=disposition.corrective_action if disposition else "",
        preventive_action=disposition.preventive_action if disposition else "",
        due_on=capa_due_date(timezone.localdate()),
        created_by=by,
    )
    record_event(
        ticket,
        kind=m.Event.Kind.PROGRESS,
        by=by,
        action="capa_scheduled",
        text=Said("capa_scheduled", {"date": f"{check.due_on:%Y-%m-%d}"}),
    )
    return check


def capa_cancel_scheduled(*, ticket: Ticket, by: User, reason: str) -> int:
    """A reopened ticket's scheduled check is cancelled (the reason kept as its note), so the
    next archive can schedule a check of the new actions. Called inside the reopen
    transaction; a check that failed and caused the reopen is no longer scheduled."""
    cancelled = CapaCheck.objects.filter(ticket=ticket, status=CapaCheck.Status.SCHEDULED).update(
        status=CapaCheck.Status.CANCELLED, result_note=reason
    )
    if cancelled:
        record_event(
            ticket,
            kind=m.Event.Kind.PROGRESS,
            by=by,
            action="capa_cancelled",
            text=Said("capa_cancelled"),
        )
    return cancelled


def capa_verify(*, check: CapaCheck, by: User, effective: bool, note: str) -> CapaCheck:
    """QC records the result. Not effective: the ticket is reopened with the failure as reason.

    Refused (and nothing changed) for a role other than QC, a check already verified, or a
    result without evidence / without saying what failed.
    """
    if not can(by, "tickets.capa_verify", check):
        raise NotAllowed(_("Only QC may verify a CAPA effectiveness check."))
    note = (note or "").strip()
    if not note:
        message = _("Record the evidence that the actions work.") if effective else _("Record what failed.")
        raise MissingData(message, errors={"note": [message]})
    with transaction.atomic():
        current = CapaCheck.objects.select_for_update().select_related("ticket").get(pk=check.pk)
        if current.status == CapaCheck.Status.CANCELLED:
            raise WrongState(_("This CAPA check was cancelled when the ticket was reopened."))
        if current.status != CapaCheck.Status.SCHEDULED:
            raise WrongState(_("This CAPA check has already been verified."))
        ticket = Ticket.objects.select_for_update(of=("self",)).get(pk=current.ticket_id)
        if not effective and ticket.state != m.State.ARCHIVED:
            raise WrongState(_("The ticket is no longer archived; it cannot be reopened by this check."))
        current.status = CapaCheck.Status.EFFECTIVE if effective else CapaCheck.Status.NOT_EFFECTIVE
        current.result_note = note
        current.verified_by = by
        current.verified_at = timezone.now()
        current.save()
        record_event(
            ticket,
            kind=m.Event.Kind.PROGRESS,
            by=by,
            action="capa_verified",
            text=Said("capa_verified", {"effective": effective, "note": note}),
        )
        if not effective:
            reason = _("Failed CAPA effectiveness check: %(note)s") % {"note": note}
            ticket_transition(ticket=ticket, to="reopen", by=by, data={"reason": reason})
    return current


def capa_notify_due(*, today: datetime.date | None = None) -> int:
    """Tell QC about every check that has fallen due, once per check. Returns how many."""
    today = today or timezone.localdate()
    qc = list(users_with_roles(Role.QC))
    told = 0
    for pk in CapaCheck.objects.filter(
        status=CapaCheck.Status.SCHEDULED, due_on__lte=today, notified_at__isnull=True
    ).values_list("pk", flat=True):
        with transaction.atomic():
            check = (
                CapaCheck.objects.select_for_update(skip_locked=True)
                .select_related("ticket")
                .filter(pk=pk, notified_at__isnull=True)
                .first()
            )
            if check is None:  # another worker took it
                continue
            notify(
                event_key=f"capa:{check.pk}:due",
                event="ticket.capa_due",
                recipients=qc,
                template="tickets/email/capa_due",
                context={"ticket": check.ticket, "check": check},
                link=check.ticket.get_absolute_url(),
                number=check.ticket.number,
            )
            check.notified_at = timezone.now()
            check.save(update_fields=["notified_at"])
            told += 1
    return told


def on_actions_accepted(sender, *, ticket: Ticket, by: User, **kwargs) -> None:
    """tickets.signals.actions_accepted (the workflow's schedule_capa effect, at the archive):
    schedule a check of the corrective actions, inside the step's transaction."""
    capa_schedule(ticket=ticket, by=by)


def on_actions_reopened(sender, *, ticket: Ticket, by: User, **kwargs) -> None:
    """tickets.signals.actions_reopened (the cancel_capa effect, at a reopening): the actions
    are being redone, so the scheduled check is cancelled."""
    capa_cancel_scheduled(ticket=ticket, by=by, reason=ticket.reason)
