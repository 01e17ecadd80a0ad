"""The complaint procedure (DESIGN §2, seed §3-5.2) declared once.

Every action a person can take on a ticket is one row: the states it starts from, the
state it leads to (None: the ticket stays where it is), the roles allowed, the form that
says what must be recorded, and who is told. `services.ticket_transition` is the only
code that applies a row; pages, API and permissions all read this table.
"""

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role

from . import forms
from .models import State

R = Role


@dataclass(frozen=True)
class Transition:
    name: str
    label: str | Promise
    sources: frozenset[str]
    target: str | None
    roles: frozenset[str]
    form: type
    # Roles told of it; "lead" = the ticket's service lead, "creator" = who logged it.
    notify: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    button: str = "primary"
    extra: dict = field(default_factory=dict)

    @property
    def action(self) -> str:
        return f"tickets.{self.name}"


def _t(name, label, sources, target, roles, form, notify=(), cc=(), button="primary") -> Transition:
    return Transition(
        name=name,
        label=label,
        sources=frozenset(str(s) for s in sources),
        target=str(target) if target else None,
        roles=frozenset(str(r) for r in roles),
        form=form,
        notify=tuple(str(n) for n in notify),
        cc=tuple(str(c) for c in cc),
        button=button,
    )


S = State
TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        # §3-5.2.2 the project manager plans the service
        _t(
            "plan",
            _("Plan the service"),
            [S.RECEIVED, S.REOPENED],
            S.PLANNED,
            [R.PROJECT_MANAGER],
            forms.PlanForm,
            notify=[R.PRODUCTION_MANAGER],
        ),
        # not our complaint: refused with a reason, only before planning
        _t(
            "reject",
            _("Reject"),
            [S.RECEIVED],
            S.REJECTED,
            [R.PROJECT_MANAGER, R.SALES_MANAGER],
            forms.ReasonForm,
            notify=["creator"],
            button="outline-danger",
        ),
        # §3-5.2.3 production names the service lead, who prepares
        _t(
            "assign",
            _("Assign a service lead"),
            [S.PLANNED],
            S.ASSIGNED,
            [R.PRODUCTION_MANAGER],
            forms.AssignForm,
            notify=["lead", R.PURCHASING],
        ),
        # §3-5.2.4 the lead cannot find a solution: QC organises a review
        _t(
            "escalate",
            _("Ask QC for a review"),
            [S.ASSIGNED, S.IN_SERVICE],
            S.QC_REVIEW,
            [R.SERVICE_LEAD],
            forms.ReasonForm,
            notify=[R.QC],
            button="outline-warning",
        ),
        _t(
            "conclude_review",
            _("Record the QC review"),
            [S.QC_REVIEW],
            S.IN_SERVICE,
            [R.QC],
            forms.QCReviewForm,
            notify=["lead", R.PROJECT_MANAGER],
        ),
        # §3-5.2.5 the lead travels; the project manager tracks progress
        _t(
            "start_service",
            _("Start the service"),
            [S.ASSIGNED],
            S.IN_SERVICE,
            [R.SERVICE_LEAD],
            forms.ProgressForm,
            notify=[R.PROJECT_MANAGER],
        ),
        _t(
            "progress",
            _("Add a progress entry"),
            [S.IN_SERVICE],
            None,
            [R.SERVICE_LEAD, R.PROJECT_MANAGER],
            forms.ProgressForm,
            button="outline-primary",
        ),
        # §3-5.2.6 the disposition form, with the customer's satisfaction
        _t(
            "submit_disposition",
            _("Submit the disposition form"),
            [S.IN_SERVICE],
            S.CONFIRMING,
            [R.SERVICE_LEAD],
            forms.DispositionForm,
            notify=[R.PROJECT_MANAGER, R.PRODUCTION_MANAGER],
        ),
        # §3-5.2.7 both managers sign, in either order; either may dispute
        _t(
            "sign_off",
            _("Sign off the disposition form"),
            [S.CONFIRMING],
            None,
            [R.PROJECT_MANAGER, R.PRODUCTION_MANAGER],
            forms.SignOffForm,
            notify=[R.QC],
        ),
        _t(
            "dispute",
            _("Dispute the corrective actions"),
            [S.CONFIRMING],
            S.QC_REVIEW,
            [R.PROJECT_MANAGER, R.PRODUCTION_MANAGER],
            forms.DisputeForm,
            notify=[R.QC, "lead"],
            button="outline-warning",
        ),
        _t(
            "archive",
            _("Archive (QC)"),
            [S.CONFIRMING],
            S.ARCHIVED,
            [R.QC],
            forms.ArchiveForm,
            notify=["creator", R.SALES_MANAGER],
        ),
        # §3-5.2.8 sales keeps the relationship warm after the service
        _t(
            "follow_up",
            _("Record the sales follow-up"),
            [S.ARCHIVED],
            None,
            [R.SALES, R.SALES_MANAGER],
            forms.FollowUpForm,
            button="outline-primary",
        ),
        # a failed effectiveness check reopens the work
        _t(
            "reopen",
            _("Reopen"),
            [S.ARCHIVED],
            S.REOPENED,
            [R.QC, R.PROJECT_MANAGER],
            forms.ReasonForm,
            notify=[R.PROJECT_MANAGER, R.PRODUCTION_MANAGER],
            button="outline-danger",
        ),
    ]
}

# Who is told when a ticket is logged (§3-5.2.1): project and production, cc the departments.
INTAKE_NOTIFY = (str(R.PROJECT_MANAGER), str(R.PRODUCTION_MANAGER))
INTAKE_CC = (str(R.QC), str(R.TECHNICAL))
