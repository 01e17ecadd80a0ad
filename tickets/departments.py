"""The departments a complaint is copied to at intake (procedure §3-5.2.1, docs/workflow.md
"Notifications"): those sales chooses on the intake form and always those the procedure names.
Its own module because the intake form and the workflow table both read it."""

from collections.abc import Iterable

from accounts.roles import Role

from .models import Remedy

R = Role

INTAKE_CC = (str(R.QC), str(R.TECHNICAL))
# The departments sales may copy at intake, by the role that answers for each.
DEPARTMENTS = tuple(
    str(r)
    for r in (
        R.PROJECT_MANAGER,
        R.PRODUCTION_MANAGER,
        R.QC,
        R.TECHNICAL,
        R.PURCHASING,
        R.FINANCE,
        R.SALES_MANAGER,
    )
)
# A return is led by sales: the sales manager is copied at intake and the person who logged
# it on every later step. An exchange brings in the project manager at intake (who plans the
# service and is told of its progress by the rows above).
REMEDY_INTAKE_CC = {
    str(Remedy.RETURN): (str(R.SALES_MANAGER),),
    str(Remedy.EXCHANGE): (str(R.PROJECT_MANAGER),),
}


def intake_cc_required(remedy: str) -> tuple[str, ...]:
    """The departments the procedure always copies at intake for this remedy."""
    return (*INTAKE_CC, *REMEDY_INTAKE_CC.get(str(remedy), ()))


def intake_cc(remedy: str, chosen: Iterable[str] = ()) -> list[str]:
    """What the intake notification copies: the chosen departments and the required ones,
    in DEPARTMENTS order (stored on the ticket, so the page shows who was told)."""
    wanted = {str(c) for c in chosen} | set(intake_cc_required(remedy))
    return [d for d in DEPARTMENTS if d in wanted]
