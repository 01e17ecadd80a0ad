"""Who may do what with sales objections.

Row rules (a salesperson opens and edits only their own objections; the sales manager
reads everyone's but edits only their own; staff admins edit any) are the object rules
below, asked through `can(user, action, objection)` by the services, pages and API. The
lists need the same rules as a database filter: `visible_filter` / `editable_filter`
say them again as a `Q`, beside the predicates they mirror, and
tests/core/test_object_rules.py checks that both give the same answer for every kind of
user and objection.
"""

from django.db.models import Q
from rules import predicate

from accounts.permissions import can, holds_role_for, is_admin, register
from accounts.roles import Role

LOGGERS = [Role.SALES, Role.SALES_MANAGER]


@predicate
def is_objection_owner(user, objection) -> bool:
    return objection.owner_id == user.pk


# The sales manager (and staff): reads every salesperson's objections.
reads_every_objection = holds_role_for("objections.view_all")


@predicate
def logged_against_prospect(user, prospect) -> bool:
    """Anyone who logged an objection against the prospect may say who it turned out to be."""
    return prospect.objections.filter(owner_id=user.pk).exists()


register("objections.log", LOGGERS)
register("objections.view_all", [Role.SALES_MANAGER])
register("objections.playbook", LOGGERS)
register("objections.trends", [Role.SALES_MANAGER])
# Every role may read a customer's history (objections read-only, tickets by their own rules).
register("objections.customer_history", Role)

# One objection: open it, change it, delete it; link its prospect to a customer.
register("objections.view", LOGGERS, rule=is_objection_owner | reads_every_objection)
register("objections.edit", LOGGERS, rule=is_admin | is_objection_owner)
register("objections.delete", LOGGERS, rule=is_admin | is_objection_owner)
register("objections.link_prospect", LOGGERS, rule=reads_every_objection | logged_against_prospect)
# A customer who raised no objection: its owner records the outcome, and so may the sales
# manager, who follows these sales up (there is no salesperson's argument to keep here).
register("objections.quiet_edit", LOGGERS, rule=is_objection_owner | reads_every_objection)


def visible_filter(user) -> Q:
    """The objections `can(user, "objections.view", o)` allows, as a filter."""
    if not can(user, "objections.view"):
        return Q(pk__in=[])
    return Q() if reads_every_objection(user) else Q(owner_id=user.pk)


def editable_filter(user) -> Q:
    """The objections `can(user, "objections.edit", o)` allows, as a filter."""
    if not can(user, "objections.edit"):
        return Q(pk__in=[])
    return Q() if is_admin(user) else Q(owner_id=user.pk)


def quiet_filter(user) -> Q:
    """The quiet contacts `can(user, "objections.quiet_edit", c)` allows, as a filter."""
    if not can(user, "objections.quiet_edit"):
        return Q(pk__in=[])
    return Q() if reads_every_objection(user) else Q(owner_id=user.pk)
