"""The tickets app's actions and who may take them (workflow rows register themselves)."""

from core.permissions import register
from core.roles import Role

from .workflow import TRANSITIONS

R = Role

register("tickets.view", Role)
register("tickets.create", [R.SALES, R.SALES_MANAGER, R.PROJECT_MANAGER])
register("tickets.note", Role)
register("tickets.purchase_request", [R.SERVICE_LEAD, R.PRODUCTION_MANAGER])
register("tickets.purchasing", [R.PURCHASING])
for transition in TRANSITIONS.values():
    register(transition.action, transition.roles)
