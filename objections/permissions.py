"""Who may do what with sales objections.

Row-level rules (a salesperson only opens their own objections; the sales manager reads
everyone's but edits only their own) live in selectors.objections_visible_to /
objections_editable_by, used by the pages and the API alike.
"""

from accounts.permissions import register
from accounts.roles import Role

register("objections.log", [Role.SALES, Role.SALES_MANAGER])
register("objections.view_all", [Role.SALES_MANAGER])
register("objections.playbook", [Role.SALES, Role.SALES_MANAGER])
register("objections.trends", [Role.SALES_MANAGER])
# Every role may read a customer's history (objections read-only, tickets by their own rules).
register("objections.customer_history", Role)
