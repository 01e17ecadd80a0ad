"""Who reads the inbox and acts on its mail (docs/mailin.md).

Sales see the drafts of their own customers; sales managers see everything (unmatched
senders, ignored and failed mail) and match a sender to a customer. A draft is confirmed or
discarded by its salesperson or a sales manager."""

from rules import predicate

from accounts.permissions import has_role, is_admin, register
from accounts.roles import Role


@predicate
def is_owner(user, message) -> bool:
    return message.owner_id == user.pk


@predicate
def is_sales_manager(user) -> bool:
    return has_role(user, Role.SALES_MANAGER)


register("mailin.view", [Role.SALES, Role.SALES_MANAGER])
register("mailin.view_all", [Role.SALES_MANAGER])
register("mailin.assign", [Role.SALES_MANAGER])
register("mailin.handle", [Role.SALES, Role.SALES_MANAGER], rule=is_owner | is_sales_manager | is_admin)
