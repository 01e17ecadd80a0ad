from accounts.permissions import register
from accounts.roles import Role

register("commitments.view", Role)
# Kept-on-time rates: the managers overdue promises are escalated to.
register("commitments.team", [Role.SALES_MANAGER, Role.PRODUCTION_MANAGER])
