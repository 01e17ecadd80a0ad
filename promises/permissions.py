from rules import predicate

from accounts.permissions import register
from accounts.roles import Role

from .services import commitment_managers


@predicate
def is_commitment_owner(user, commitment) -> bool:
    return commitment.owner_id == user.pk


@predicate
def is_owners_manager(user, commitment) -> bool:
    """One of the people the owner's overdue promises escalate to (their own managers,
    services.commitment_managers): not any manager of any team."""
    return any(m.pk == user.pk for m in commitment_managers(commitment.owner))


register("commitments.view", Role)
# Kept-on-time rates: the managers overdue promises are escalated to.
register("commitments.team", [Role.SALES_MANAGER, Role.PRODUCTION_MANAGER])
# A promise is closed (kept or broken) by its owner or their own manager, nobody else.
register("commitments.close", Role, rule=is_commitment_owner | is_owners_manager)
# A call-back promise on a complaint or objection: the people who speak with customers.
register(
    "commitments.make",
    [Role.SALES, Role.SALES_MANAGER, Role.PROJECT_MANAGER, Role.PRODUCTION_MANAGER, Role.SERVICE_LEAD],
)
