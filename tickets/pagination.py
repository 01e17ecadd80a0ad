"""A paginator that stops counting at a cap.

COUNT(*) over a hundred thousand tickets costs more than the whole page; nobody pages
past the twentieth page of complaints, they narrow the filters. So the count stops at
CAP (a LIMITed subquery reads at most CAP+1 index entries) and the page says "1000+".
"""

from functools import cached_property

from django.core.paginator import Paginator

CAP = 1000


class CappedPaginator(Paginator):
    capped = False

    @cached_property
    def count(self) -> int:
        # No ORDER BY inside the count: any CAP+1 matching rows will do; and only their
        # keys, not the list's columns and computed SLA targets.
        n = self.object_list.order_by().values("pk")[: CAP + 1].count()
        self.capped = n > CAP
        return min(n, CAP)
