from accounts.permissions import register
from accounts.roles import WORKING_ROLES, Role

# A shared library: everyone who speaks with customers reads and writes it (field history keeps
# who changed what); the general manager reads.
SPEAKERS = [Role.SALES, Role.SALES_MANAGER, Role.PROJECT_MANAGER, Role.PRODUCTION_MANAGER, Role.SERVICE_LEAD]
register("phrases.view", Role)
register("phrases.edit", [r for r in WORKING_ROLES if r in SPEAKERS])
