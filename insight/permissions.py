"""Who sees the quality dashboards and reports (docs/insight.md "Who sees what").

Dashboards: the roles the complaint procedure makes answerable for quality (QC, project
and production managers), the sales manager, finance and the general manager. Money (the
cost of poor quality) only for those who already read the disputes' vouchers in accounting
(finance, QC, production and sales managers) and the general manager: not the project
manager, not sales. The 8D report holds what the ticket page shows, so every role reads it.
Nothing here writes: the general manager holds no other action.
"""

from accounts.permissions import register
from accounts.roles import Role

R = Role

register(
    "insight.view",
    [R.QC, R.PROJECT_MANAGER, R.PRODUCTION_MANAGER, R.SALES_MANAGER, R.FINANCE, R.GENERAL_MANAGER],
)
register("insight.cost", [R.FINANCE, R.QC, R.PRODUCTION_MANAGER, R.SALES_MANAGER, R.GENERAL_MANAGER])
register("insight.report_8d", Role)
