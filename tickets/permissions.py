"""The tickets app's actions and who may take them (workflow rows register themselves)."""

from accounts.permissions import register
from accounts.roles import WORKING_ROLES, Role

from .workflow import TRANSITIONS

R = Role

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
    register(transition.action, transition.roles)

# CAPA effectiveness checks (DESIGN §2): QC verifies; everyone else may look.
register("tickets.capa_view", Role)
register("tickets.capa_verify", [R.QC])
# Installation & commissioning (§3-5.3)
register("tickets.installation_view", Role)
register("tickets.installation_edit", [R.PROJECT_MANAGER, R.SERVICE_LEAD, R.PRODUCTION_MANAGER])
register("tickets.installation_issue", [R.SERVICE_LEAD, R.PROJECT_MANAGER, R.PRODUCTION_MANAGER, R.TECHNICAL])
register("tickets.installation_sign", [R.PROJECT_MANAGER, R.PRODUCTION_MANAGER])
register("tickets.installation_verify", [R.QC])
