"""Who may do what in accounting. Finance books; managers and purchasing/QC may look."""

from rules import predicate

from accounts.permissions import register
from accounts.roles import Role


@predicate
def prepared_the_voucher(user, voucher) -> bool:
    return voucher.created_by_id == user.pk


VIEWERS = [
    Role.FINANCE,
    Role.PURCHASING,
    Role.QC,
    Role.SALES_MANAGER,
    Role.PRODUCTION_MANAGER,
    Role.SERVICE_LEAD,
]

register("accounting.view", VIEWERS)  # disputes, vouchers (read only)
register("accounting.preview", VIEWERS)  # run the rules on an input, saving nothing
register("accounting.dispute_edit", [Role.FINANCE])
# Four eyes: the reviewer (审核) is never the preparer (制单), admins included.
register("accounting.voucher_review", [Role.FINANCE], rule=~prepared_the_voucher)
register("accounting.voucher_post", [Role.FINANCE])
register("accounting.period_close", [Role.FINANCE])
register("accounting.export", [Role.FINANCE])
register("accounting.claim_edit", [Role.PURCHASING, Role.FINANCE])  # procedure §3-3.2: purchasing claims
