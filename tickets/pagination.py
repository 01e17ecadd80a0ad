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

    def _get_page(self, object_list, *args, **kwargs):
        # The page's keys first, then its rows: PostgreSQL otherwise joins customer, product
        # and people to every matching ticket before it sorts and keeps fifty (56 ms for
        # page 3 of a project manager's 8,000 waiting tickets; 4 ms this way). Same query count.
        # `object_list` is Django's slice of the list for this page.
        keys = object_list.values("pk")
        return super()._get_page(self.object_list.filter(pk__in=keys), *args, **kwargs)
