"""The tickets app's actions and who may take them (workflow rows register themselves).

Object rules (asked as `can(user, action, ticket)`): only the ticket's service lead
escalates, starts the service and submits the disposition form; a manager signs (or
disputes) a disposition form only in a capacity they hold that is still unsigned; the
rectification record of an installation likewise.
"""

from rules import predicate

from core.permissions import has_role, is_admin, register
from core.roles import WORKING_ROLES, Role

from .models import Installation, SignOff
from .workflow import TRANSITIONS

R = Role


@predicate
def is_service_lead_of(user, ticket) -> bool:
    return ticket.service_lead_id == user.pk


def signing_capacities(user, ticket) -> list[tuple[str, str]]:
    """The sign-off capacities (value, label) this user holds and that are still unsigned
    on the ticket: the project manager's and the production manager's; an admin either."""
    signed = {
        SignOff.Capacity.PROJECT: ticket.pm_signed,
        SignOff.Capacity.PRODUCTION: ticket.production_signed,
    }
    return [
        (value, label)
        for value, label in SignOff.Capacity.choices
        if not signed[value] and (is_admin(user) or has_role(user, value))
    ]


@predicate
def holds_signing_capacity(user, ticket) -> bool:
    return bool(signing_capacities(user, ticket))


def installation_capacities(user, installation) -> list[str]:
    """The capacities ("project", "production") this user may still sign an installation's
    rectification record in; none once it is signed by both."""
    if installation.status != Installation.Status.OPEN:
        return []
    admin = is_admin(user)
    result = []
    if installation.pm_signed_by_id is None and (admin or has_role(user, R.PROJECT_MANAGER)):
        result.append("project")
    if installation.production_signed_by_id is None and (admin or has_role(user, R.PRODUCTION_MANAGER)):
        result.append("production")
    return result


@predicate
def holds_installation_capacity(user, installation) -> bool:
    return bool(installation_capacities(user, installation))


# Workflow actions with a rule on the ticket besides their roles (workflow.TRANSITIONS).
LEAD_ONLY = ("escalate", "start_service", "submit_disposition")
SIGNING = ("sign_off", "dispute")
TRANSITION_RULES = {
    **dict.fromkeys(LEAD_ONLY, is_admin | is_service_lead_of),
    **dict.fromkeys(SIGNING, holds_signing_capacity),
}

register("tickets.view", Role)
register("tickets.create", [R.SALES, R.SALES_MANAGER, R.PROJECT_MANAGER])
register("tickets.note", WORKING_ROLES)  # the general manager reads only
register("tickets.purchase_request", [R.SERVICE_LEAD, R.PRODUCTION_MANAGER])
register("tickets.purchasing", [R.PURCHASING])
# The list's CSV/XLSX export: the people who analyse complaints (the dashboards' roles).
register(
    "tickets.export",
    [R.SALES_MANAGER, R.PROJECT_MANAGER, R.PRODUCTION_MANAGER, R.QC, R.FINANCE, R.GENERAL_MANAGER],
)
for transition in TRANSITIONS.values():
    register(transition.action, transition.roles, rule=TRANSITION_RULES.get(transition.name))

# CAPA effectiveness checks (DESIGN §2): QC verifies; everyone else may look.
register("tickets.capa_view", Role)
register("tickets.capa_verify", [R.QC])
# Installation & commissioning (§3-5.3)
register("tickets.installation_view", Role)
register("tickets.installation_edit", [R.PROJECT_MANAGER, R.SERVICE_LEAD, R.PRODUCTION_MANAGER])
register("tickets.installation_issue", [R.SERVICE_LEAD, R.PROJECT_MANAGER, R.PRODUCTION_MANAGER, R.TECHNICAL])
register(
    "tickets.installation_sign", [R.PROJECT_MANAGER, R.PRODUCTION_MANAGER], rule=holds_installation_capacity
)
register("tickets.installation_verify", [R.QC])
