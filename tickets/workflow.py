"""The complaint procedure, declared once (docs/workflow.md is generated from this file).

Every action a person can take on a ticket is one row: the states it starts from, the
state it leads to (None: the ticket stays where it is), the roles allowed, the guards a
person must pass besides their role, the form that says what must be recorded and the
recorder that writes it, the timeline entry's kind, the effects on the ticket (sign-off
flags, SLA clocks, CAPA checks), who is told, and who the ticket waits for while it
stands in one of the row's source states.

`services.ticket_transition` is the only code that applies a row and does so without
knowing any row by name; "my work" (`selectors.my_work`), the actions offered on the page
and in the API (`services.allowed_transitions`), the permissions (`tickets.permissions`)
and docs/workflow.md (`manage.py workflow_doc`) all read this table.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import roles_of
from accounts.roles import Role

from . import effects as fx
from . import forms
from . import guards as g
from . import recorders as rec
from .departments import DEPARTMENTS, INTAKE_CC, REMEDY_INTAKE_CC, intake_cc, intake_cc_required  # noqa: F401
from .errors import TicketError
from .models import Event, Remedy, State, Ticket
from .timeline import Said

R = Role
S = State
K = Event.Kind

# People named by their relation to the ticket rather than by role.
LEAD = "lead"  # the ticket's service lead
CREATOR = "creator"  # who logged it

CLOSED_STATES = frozenset({str(S.ARCHIVED), str(S.REJECTED)})
OPEN_STATES = frozenset(str(s) for s in S.values) - CLOSED_STATES
# Where parts can still be requested and bought for the service.
PURCHASE_STATES = frozenset({str(S.ASSIGNED), str(S.IN_SERVICE), str(S.QC_REVIEW)})


@dataclass(frozen=True)
class Recipient:
    """Who is told of an action: a role, LEAD or CREATOR; only when `when` holds (checked
    after the action was applied)."""

    who: str
    when: g.Condition | None = None


@dataclass(frozen=True)
class Waiting:
    """The ticket waits for people holding `role` (only the ticket's LEAD or CREATOR among
    them if `person` says so), while it stands in `states` and `when` holds. On a
    transition `states` defaults to its sources; it then shows in "my work"."""

    role: str
    person: str | None = None
    when: g.Condition | None = None
    states: frozenset[str] | None = None
    why: str = ""  # the action it waits for, or (for WATCHING) why it is listed
    # Listed under "I follow up", not "waiting for me": nothing is asked of them now.
    follow: bool = False


@dataclass(frozen=True)
class Transition:
    name: str
    label: str | Promise
    sources: frozenset[str]
    target: str | None
    roles: frozenset[str]
    form: type
    record: Callable[[Ticket, User, dict], str | Said]  # writes the step record; returns the timeline text
    event: str  # the kind of its timeline entry
    guards: tuple[g.Guard, ...] = ()
    effects: tuple[fx.Effect, ...] = ()
    notify: tuple[Recipient, ...] = ()
    cc: tuple[str, ...] = ()
    waits: tuple[Waiting, ...] = ()
    button: str = "primary"
    step: str = ""  # the section of the written procedure (docs/workflow.md, "Procedure")
    # A way out of the normal path (refuse, escalate, dispute, reopen): offered after the
    # normal next step and closed, so that taking it is a deliberate choice.
    escape: bool = False

    @property
    def action(self) -> str:
        return f"tickets.{self.name}"

    def refusal(self, ticket: Ticket, user: User) -> TicketError | None:
        """The first guard this user fails on this ticket now (an error to raise), or None."""
        for guard in self.guards:
            error = guard.refusal(ticket, user)
            if error is not None:
                return error
        return None

    def recipients(self, ticket: Ticket) -> tuple[str, ...]:
        """Who is told, on the ticket as the action left it."""
        return tuple(r.who for r in self.notify if r.when is None or r.when(ticket))


def _recipient(r) -> Recipient:
    return r if isinstance(r, Recipient) else Recipient(str(r))


def _waiting(w, name: str, sources: frozenset[str]) -> Waiting:
    w = w if isinstance(w, Waiting) else Waiting(str(w))
    return Waiting(
        role=str(w.role),
        person=w.person,
        when=w.when,
        states=w.states or sources,
        why=w.why or name,
        follow=w.follow,
    )


def _t(
    name: str,
    label,
    sources: Iterable,
    target,
    roles: Iterable,
    form: type,
    *,
    record,
    event,
    guards=(),
    effects=(),
    notify=(),
    cc=(),
    waits=(),
    button: str = "primary",
    step: str = "",
    escape: bool = False,
) -> Transition:
    sources = frozenset(str(s) for s in sources)
    return Transition(
        name=name,
        label=label,
        sources=sources,
        target=str(target) if target else None,
        roles=frozenset(str(r) for r in roles),
        form=form,
        record=record,
        event=str(event),
        guards=tuple(guards),
        effects=tuple(effects),
        notify=tuple(_recipient(n) for n in notify),
        cc=tuple(str(c) for c in cc),
        waits=tuple(_waiting(w, name, sources) for w in waits),
        button=button,
        step=step,
        escape=escape,
    )


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        # The project manager plans the service.
        _t(
            "plan",
            _("Plan the service"),
            [S.RECEIVED, S.REOPENED],
            S.PLANNED,
            [R.PROJECT_MANAGER],
            forms.PlanForm,
            record=rec.record_plan,
            event=K.TRANSITION,
            effects=[fx.STOP_RESPONSE_CLOCK],
            notify=[R.PRODUCTION_MANAGER],
            waits=[R.PROJECT_MANAGER],
            step="3-5.2.2",
        ),
        # Not our complaint: refused with a reason, only before planning.
        _t(
            "reject",
            _("Reject"),
            [S.RECEIVED],
            S.REJECTED,
            [R.PROJECT_MANAGER, R.SALES_MANAGER],
            forms.ReasonForm,
            record=rec.record_reason,
            event=K.TRANSITION,
            effects=[fx.STOP_RESPONSE_CLOCK, fx.STOP_RESOLUTION_CLOCK],
            notify=[CREATOR],
            waits=[R.SALES_MANAGER],
            button="outline-danger",
            escape=True,
        ),
        # Production names the service lead, who prepares; parts to buy go to purchasing.
        _t(
            "assign",
            _("Assign a service lead"),
            [S.PLANNED],
            S.ASSIGNED,
            [R.PRODUCTION_MANAGER],
            forms.AssignForm,
            record=rec.record_assign,
            event=K.TRANSITION,
            notify=[LEAD, Recipient(R.PURCHASING, when=g.OPEN_PURCHASE)],
            waits=[R.PRODUCTION_MANAGER],
            step="3-5.2.3",
        ),
        # The lead cannot find a solution: QC organises a review.
        _t(
            "escalate",
            _("Ask QC for a review"),
            [S.ASSIGNED, S.IN_SERVICE],
            S.QC_REVIEW,
            [R.SERVICE_LEAD],
            forms.ReasonForm,
            record=rec.record_timeline_only,
            event=K.TRANSITION,
            guards=[g.SERVICE_LEAD_ONLY],
            effects=[fx.CLEAR_UNSATISFIED],  # the review's solution needs a new form anyway
            notify=[R.QC],
            button="outline-warning",
            step="3-5.2.4",
            escape=True,
        ),
        _t(
            "conclude_review",
            _("Record the QC review"),
            [S.QC_REVIEW],
            S.IN_SERVICE,
            [R.QC],
            forms.QCReviewForm,
            record=rec.record_review,
            event=K.TRANSITION,
            notify=[LEAD, R.PROJECT_MANAGER],
            waits=[R.QC],
            step="3-5.2.4",
        ),
        # The lead travels; the project manager tracks progress.
        _t(
            "start_service",
            _("Start the service"),
            [S.ASSIGNED],
            S.IN_SERVICE,
            [R.SERVICE_LEAD],
            forms.ProgressForm,
            record=rec.record_progress,
            event=K.TRANSITION,
            guards=[g.SERVICE_LEAD_ONLY],
            notify=[R.PROJECT_MANAGER],
            waits=[Waiting(R.SERVICE_LEAD, person=LEAD)],
            step="3-5.2.5",
        ),
        _t(
            "progress",
            _("Add a progress entry"),
            [S.IN_SERVICE],
            None,
            [R.SERVICE_LEAD, R.PROJECT_MANAGER],
            forms.ProgressForm,
            record=rec.record_progress,
            event=K.PROGRESS,
            waits=[R.PROJECT_MANAGER],
            button="outline-primary",
            step="3-5.2.5",
        ),
        # The disposition form, with the customer's satisfaction.
        _t(
            "submit_disposition",
            _("Submit the disposition form"),
            [S.IN_SERVICE],
            S.CONFIRMING,
            [R.SERVICE_LEAD],
            forms.DispositionForm,
            record=rec.record_disposition,
            event=K.TRANSITION,
            guards=[g.SERVICE_LEAD_ONLY],
            # A new form needs both signatures again; its form insists the customer is satisfied.
            effects=[fx.VOID_SIGNATURES, fx.CLEAR_UNSATISFIED],
            notify=[R.PROJECT_MANAGER, R.PRODUCTION_MANAGER],
            waits=[Waiting(R.SERVICE_LEAD, person=LEAD)],
            step="3-5.2.6",
        ),
        # Only a satisfied customer moves the form on ("客户满意后"): otherwise the form is
        # kept with what the customer said and the service goes on (or to a QC review).
        _t(
            "customer_unsatisfied",
            _("The customer is not satisfied"),
            [S.IN_SERVICE],
            None,
            [R.SERVICE_LEAD],
            forms.UnsatisfiedForm,
            record=rec.record_unsatisfied,
            event=K.PROGRESS,
            guards=[g.SERVICE_LEAD_ONLY],
            effects=[fx.VOID_SIGNATURES, fx.MARK_UNSATISFIED],
            notify=[R.PROJECT_MANAGER, R.PRODUCTION_MANAGER, CREATOR],
            button="outline-danger",
            step="3-5.2.6",
        ),
        # A manager may still have the kept form signed, saying why.
        _t(
            "override_satisfaction",
            _("Start the sign-offs without the customer's satisfaction"),
            [S.IN_SERVICE],
            S.CONFIRMING,
            [R.PROJECT_MANAGER, R.PRODUCTION_MANAGER],
            forms.OverrideForm,
            record=rec.record_timeline_only,
            event=K.TRANSITION,
            guards=[g.UNSATISFIED_CUSTOMER],
            effects=[fx.VOID_SIGNATURES, fx.CLEAR_UNSATISFIED],
            notify=[R.PROJECT_MANAGER, R.PRODUCTION_MANAGER, LEAD, CREATOR],
            button="outline-warning",
            step="3-5.2.6",
        ),
        # Both managers sign, in either order; either may dispute. QC is told once both signed.
        _t(
            "sign_off",
            _("Sign off the disposition form"),
            [S.CONFIRMING],
            None,
            [R.PROJECT_MANAGER, R.PRODUCTION_MANAGER],
            forms.SignOffForm,
            record=rec.record_signoff,
            event=K.SIGNOFF,
            guards=[g.UNSIGNED_CAPACITY],
            effects=[fx.SIGN],
            notify=[Recipient(R.QC, when=g.BOTH_SIGNED)],
            waits=[
                Waiting(R.PROJECT_MANAGER, when=g.PROJECT_UNSIGNED),
                Waiting(R.PRODUCTION_MANAGER, when=g.PRODUCTION_UNSIGNED),
            ],
            step="3-5.2.7",
        ),
        _t(
            "dispute",
            _("Dispute the corrective actions"),
            [S.CONFIRMING],
            S.QC_REVIEW,
            [R.PROJECT_MANAGER, R.PRODUCTION_MANAGER],
            forms.DisputeForm,
            record=rec.record_dispute,
            event=K.SIGNOFF,
            guards=[g.UNSIGNED_CAPACITY],
            effects=[fx.VOID_SIGNATURES],
            notify=[R.QC, LEAD],
            button="outline-warning",
            step="3-5.2.7",
            escape=True,
        ),
        # The service lead may dispute them too, with the reason on the timeline.
        _t(
            "lead_dispute",
            _("Dispute the corrective actions (service lead)"),
            [S.CONFIRMING],
            S.QC_REVIEW,
            [R.SERVICE_LEAD],
            forms.LeadDisputeForm,
            record=rec.record_timeline_only,
            event=K.TRANSITION,
            guards=[g.SERVICE_LEAD_ONLY],
            effects=[fx.VOID_SIGNATURES],
            notify=[R.QC, R.PROJECT_MANAGER, R.PRODUCTION_MANAGER],
            button="outline-warning",
            step="3-5.2.7",
        ),
        _t(
            "archive",
            _("Archive (QC)"),
            [S.CONFIRMING],
            S.ARCHIVED,
            [R.QC],
            forms.ArchiveForm,
            record=rec.record_archive,
            event=K.TRANSITION,
            guards=[g.BOTH_SIGNATURES],
            effects=[fx.STOP_RESOLUTION_CLOCK, fx.SCHEDULE_CAPA],
            notify=[CREATOR, R.SALES_MANAGER],
            waits=[Waiting(R.QC, when=g.BOTH_SIGNED)],
            step="3-5.2.7",
        ),
        # Sales keeps the relationship warm after the service.
        _t(
            "follow_up",
            _("Record the sales follow-up"),
            [S.ARCHIVED],
            None,
            [R.SALES, R.SALES_MANAGER],
            forms.FollowUpForm,
            record=rec.record_follow_up,
            event=K.FOLLOWUP,
            effects=[fx.FOLLOWED_UP, fx.KEEP_CALLBACK, fx.NEXT_CALLBACK],
            waits=[
                Waiting(R.SALES, person=CREATOR, when=g.NOT_FOLLOWED_UP),
                Waiting(R.SALES_MANAGER, when=g.NOT_FOLLOWED_UP),
            ],
            button="outline-primary",
            step="3-5.2.8",
        ),
        # The customer complained again, or a CAPA check failed: the work starts over.
        _t(
            "reopen",
            _("Reopen"),
            [S.ARCHIVED],
            S.REOPENED,
            [R.QC, R.PROJECT_MANAGER],
            forms.ReasonForm,
            record=rec.record_reason,
            event=K.TRANSITION,
            effects=[fx.RESTART_RESOLUTION_CLOCK, fx.CANCEL_CAPA],
            notify=[R.PROJECT_MANAGER, R.PRODUCTION_MANAGER],
            button="outline-danger",
            escape=True,
        ),
    ]
}

# Work that is not one of the table's actions but still belongs in someone's "my work".
WATCHING: tuple[Waiting, ...] = (
    Waiting(
        str(R.SALES),
        person=CREATOR,
        states=OPEN_STATES,
        why="sales follows their own complaints until they are closed",
        follow=True,
    ),
    Waiting(
        str(R.PURCHASING),
        when=g.OPEN_PURCHASE,
        states=PURCHASE_STATES,
        why="parts requested for the service are still to be bought",
    ),
)

# Every reason a ticket can wait for someone: the rows' and WATCHING, in table order.
WAITS: tuple[Waiting, ...] = (*(w for t in TRANSITIONS.values() for w in t.waits), *WATCHING)

# Who is told when a ticket is logged (procedure §3-5.2.1): project and production, cc the
# departments: those sales chooses on the intake form (DEPARTMENTS) and always those the
# procedure names (INTAKE_CC, and REMEDY_INTAKE_CC for the remedy asked).
INTAKE_NOTIFY = (str(R.PROJECT_MANAGER), str(R.PRODUCTION_MANAGER))
REMEDY_CC = {str(Remedy.RETURN): (CREATOR,)}


def _is_admin(user: User) -> bool:
    return bool(user.is_staff or user.is_superuser)


def applies_to(w: Waiting, ticket: Ticket, user: User, roles: frozenset[str]) -> bool:
    """Whether this reason to wait names this user for this ticket as it is now."""
    if w.role not in roles or ticket.state not in w.states:
        return False
    if w.person == LEAD and ticket.service_lead_id != user.pk:
        return False
    if w.person == CREATOR and ticket.created_by_id != user.pk:
        return False
    return w.when is None or w.when(ticket)


def waits_for(ticket: Ticket, user: User, *, follow: bool = False) -> bool:
    """Whether the ticket, as it is now, waits for this user (`follow`: is one they follow
    up): the table read for one ticket, what `selectors.my_work` and `my_follow_ups` ask the
    database for many. Admins see every open ticket as waiting."""
    if _is_admin(user) and ticket.state in OPEN_STATES:
        return not follow
    roles = roles_of(user)
    return any(applies_to(w, ticket, user, roles) for w in WAITS if w.follow == follow)


def waiting_now(ticket: Ticket) -> list[tuple[Transition, Waiting]]:
    """What the ticket waits for now, and whom: each action whose reason to wait holds
    (the "next step" shown on the ticket, after each action and in its e-mail)."""
    return [
        (t, w)
        for t in TRANSITIONS.values()
        if not t.escape  # a way out is a choice someone may make, not what the ticket waits for
        for w in t.waits
        if ticket.state in w.states and (w.when is None or w.when(ticket))
    ]
