"""Who may do what in accounting. Finance books; managers and purchasing/QC may look."""

from accounts.permissions import register
from accounts.roles import Role

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
register("accounting.voucher_review", [Role.FINANCE])
register("accounting.voucher_post", [Role.FINANCE])
register("accounting.period_close", [Role.FINANCE])
register("accounting.export", [Role.FINANCE])
register("accounting.claim_edit", [Role.PURCHASING, Role.FINANCE])  # seed §3-3.2: purchasing claims
