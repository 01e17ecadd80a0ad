"""What the customer reads about their complaint: one plain sentence per state and what
happens next, in the customer's words, not the workflow's (no role, step or person names)."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tickets.models import State


@dataclass(frozen=True)
class Stage:
    headline: Promise
    next: Promise
    step: int  # 1..5 on the customer's progress bar
    closed: bool = False


STAGES: dict[str, Stage] = {
    State.RECEIVED: Stage(
        _("We have received your complaint."),
        _("Our team is deciding how to handle it. Your contact at our company will call you back."),
        1,
    ),
    State.PLANNED: Stage(
        _("A plan to handle your complaint has been made."),
        _("A service engineer is being assigned to your case."),
        2,
    ),
    State.ASSIGNED: Stage(
        _("A service engineer has been assigned."),
        _("The engineer will contact you to arrange the service."),
        2,
    ),
    State.QC_REVIEW: Stage(
        _("Our quality department is examining the cause."),
        _("Once the cause is found, the service starts and we will keep you informed."),
        2,
    ),
    State.IN_SERVICE: Stage(
        _("The service is under way."),
        _("When the work is done we will ask you to confirm the result."),
        3,
    ),
    State.CONFIRMING: Stage(
        _("The work is done and the result is being checked."),
        _("After our final check the case is closed."),
        4,
    ),
    State.ARCHIVED: Stage(
        _("Your complaint has been resolved and closed."),
        _("Please tell us how satisfied you are with how we handled it."),
        5,
        closed=True,
    ),
    State.REJECTED: Stage(
        _("Your complaint has been closed without a service."),
        _("If you have questions, please contact your contact at our company."),
        5,
        closed=True,
    ),
    State.REOPENED: Stage(
        _("Your complaint has been reopened."),
        _("Our team is planning the further handling and will contact you."),
        2,
    ),
}

STEPS = (
    pgettext_lazy("portal progress", "Received"),
    pgettext_lazy("portal progress", "Planned"),
    pgettext_lazy("portal progress", "In service"),
    pgettext_lazy("portal progress", "Checking"),
    pgettext_lazy("portal progress", "Closed"),
)


def stage_of(state: str) -> Stage:
    return STAGES[state]
