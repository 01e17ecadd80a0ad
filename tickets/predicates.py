"""Object rules on one ticket or installation, as django-rules predicates: defined once, asked
by `can(user, action, obj)` (tickets.permissions registers them with the actions) and by the
workflow's guards (tickets.guards), so the table and the permission check cannot disagree."""

from rules import predicate

from accounts.permissions import has_role, is_admin
from accounts.roles import Role

from .models import Installation, SignOff

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
