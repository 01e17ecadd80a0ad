"""The tickets app's actions and who may take them (workflow rows register themselves:
docs/workflow.md, "Actions").

Object rules (asked as `can(user, action, ticket)`): only the ticket's service lead
escalates, starts the service and submits the disposition form; a manager signs (or
disputes) a disposition form only in a capacity they hold that is still unsigned; the
rectification record of an installation likewise.
"""

import operator
from functools import reduce

from rules import Predicate

from accounts.permissions import register
from accounts.roles import WORKING_ROLES, Role

from .predicates import holds_installation_capacity
from .workflow import TRANSITIONS

R = Role


def transition_rule(transition) -> Predicate | None:
    """A workflow action's object rule: those of its guards (tickets.guards), all of them."""
    found = [guard.rule for guard in transition.guards if guard.rule is not None]
    return reduce(operator.and_, found) if found else None


register("tickets.view", Role)
register("tickets.watch", Role)  # reading along: the general manager too
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
    register(transition.action, transition.roles, rule=transition_rule(transition))

# CAPA effectiveness checks (docs/tickets.md): QC verifies; everyone else may look.
register("tickets.capa_view", Role)
register("tickets.capa_verify", [R.QC])
# Installation & commissioning (procedure §3-5.3, docs/tickets.md)
register("tickets.installation_view", Role)
register("tickets.installation_edit", [R.PROJECT_MANAGER, R.SERVICE_LEAD, R.PRODUCTION_MANAGER])
register("tickets.installation_issue", [R.SERVICE_LEAD, R.PROJECT_MANAGER, R.PRODUCTION_MANAGER, R.TECHNICAL])
register(
    "tickets.installation_sign", [R.PROJECT_MANAGER, R.PRODUCTION_MANAGER], rule=holds_installation_capacity
)
register("tickets.installation_verify", [R.QC])
# After both signatures QC tracks and closes the customer's improvement requests left open.
register("tickets.installation_improvement_close", [R.QC])
