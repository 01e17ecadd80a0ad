"""Reads for accounting pages, the API and exports."""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, Max, Prefetch, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Substr
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.permissions import can
from ui.batch import prepared_rows
from ui.dashboard import DashboardCard

from .exports import GENERIC, neutralise, write_csv
from .models import Account, Period, QualityDispute, VatRate, Voucher, VoucherLine


def chart_mapping() -> dict[str, tuple[str, str]]:
    """Standard code -> (code, name) the company books under (its own sub-account if mapped)."""
    return {a.code: (a.booking_code, a.booking_name) for a in Account.objects.all()}


def default_vat_rate() -> Decimal:
    rate = VatRate.objects.filter(is_default=True).values_list("rate", flat=True).first()
    return rate if rate is not None else Decimal("0.13")


def voucher_list(*, state: str = "", period: Period | None = None) -> QuerySet[Voucher]:
    qs = Voucher.objects.select_related("period", "dispute__ticket", "created_by").annotate(
        debit_total=Sum("lines__amount", filter=Q(lines__side="debit")),
        credit_total=Sum("lines__amount", filter=Q(lines__side="credit")),
        line_count=Count("lines"),
    )
    if state:
        qs = qs.filter(state=state)
    if period:
        qs = qs.filter(period=period)
    return qs.order_by("-period__year", "-period__month", "state", "number", "-id")


def voucher_detail(pk: int) -> Voucher:
    return (
        Voucher.objects.select_related(
            "period", "dispute__ticket", "created_by", "reviewed_by", "posted_by", "reverses"
        )
        .prefetch_related(Prefetch("lines", queryset=VoucherLine.objects.order_by("line_no")), "events__by")
        .get(pk=pk)
    )


def voucher_totals(voucher: Voucher) -> tuple[Decimal, Decimal]:
    debit = sum((line.amount for line in voucher.lines.all() if line.side == "debit"), Decimal(0))
    credit = sum((line.amount for line in voucher.lines.all() if line.side == "credit"), Decimal(0))
    return debit, credit


def dispute_list() -> QuerySet[QualityDispute]:
    return (
        QualityDispute.objects.select_related(
            "customer", "supplier", "material_batch", "created_by", "ticket"
        )
        .annotate(voucher_count=Count("vouchers"))
        .order_by("-id")
    )  # GROUP BY drops Meta.ordering


def ticket_disputes_query(ticket) -> QuerySet[QualityDispute]:
    vouchers = Voucher.objects.select_related("period").order_by("generation", "position", "id")
    return (
        QualityDispute.objects.filter(ticket=ticket)
        .order_by("id")
        .prefetch_related(Prefetch("vouchers", queryset=vouchers))
    )


def ticket_disputes(ticket) -> list[QualityDispute]:
    """A complaint ticket's disputes with their vouchers (for the ticket page), in two queries
    (one when it has none)."""
    return list(ticket_disputes_query(ticket))


def vouchers_waiting_card(user):
    """Home-page card for finance: vouchers to review or post."""
    if not can(user, "accounting.voucher_post"):
        return None
    waiting = Voucher.objects.filter(state__in=[Voucher.State.DRAFT, Voucher.State.REVIEWED]).count()
    return DashboardCard(
        title=_("Vouchers to review or post"), count=waiting, url=reverse("accounting:voucher_list")
    )


def ticket_disputes_reads(request, ticket) -> dict:
    if not can(request.user, "accounting.view"):
        return {}
    return {"disputes": prepared_rows("accounting.ticket_disputes", ticket_disputes_query, ticket)}


def ticket_disputes_panel(request, ticket, rows) -> str:
    """The quality-dispute card of a complaint ticket's page: finance may open one from the
    ticket; roles that may view accounting see its disputes and their vouchers."""
    may_view = can(request.user, "accounting.view")
    may_open = can(request.user, "accounting.dispute_edit")
    if not (may_view or may_open):
        return ""
    context = {
        "ticket": ticket,
        "may_open": may_open,
        "may_view": may_view,
        "disputes": rows.get("disputes", []),
    }
    return render_to_string("accounting/_ticket_disputes.html", context, request=request)


# ---------------------------------------------------------------- month-end


@dataclass(frozen=True)
class BalanceRow:
    """One line of the 科目发生额及余额表; balances are debit minus credit (negative: credit)."""

    account_code: str
    account_name: str
    opening: Decimal
    debit: Decimal
    credit: Decimal

    @property
    def closing(self) -> Decimal:
        return self.opening + self.debit - self.credit

    @staticmethod
    def direction(balance: Decimal) -> str:
        return "借" if balance > 0 else "贷" if balance < 0 else "平"


def _sums(lines: QuerySet[VoucherLine]) -> dict[str, tuple[Decimal, Decimal, str]]:
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=18, decimal_places=2))
    rows = (
        lines.values("account_code")
        .annotate(
            debit=Coalesce(Sum("amount", filter=Q(side="debit")), zero),
            credit=Coalesce(Sum("amount", filter=Q(side="credit")), zero),
            name=Max("account_name"),
        )
        .order_by()
    )
    return {r["account_code"]: (r["debit"], r["credit"], r["name"]) for r in rows}


def period_balances(period: Period) -> list[BalanceRow]:
    """科目发生额及余额表 of the accounts the disputes touched: posted vouchers only (the books),
    opening = everything posted before the period, then the period's debits and credits (red
    lines negative in their own column), closing. Two queries whatever the number of lines."""
    posted = VoucherLine.objects.filter(voucher__state=Voucher.State.POSTED, voucher__dispute__isnull=False)
    earlier = Q(voucher__period__year__lt=period.year) | Q(
        voucher__period__year=period.year, voucher__period__month__lt=period.month
    )
    before = _sums(posted.filter(earlier))
    during = _sums(posted.filter(voucher__period=period))
    rows = []
    for code in sorted(set(before) | set(during)):
        d0, c0, name0 = before.get(code, (Decimal(0), Decimal(0), ""))
        debit, credit, name = during.get(code, (Decimal(0), Decimal(0), name0))
        row = BalanceRow(code, name or name0, d0 - c0, debit, credit)
        if row.opening or row.debit or row.credit or row.closing:
            rows.append(row)
    return rows


def export_check(period: Period, rows: list[BalanceRow] | None = None) -> list[str]:
    """Write the period's generic journal export (COPY on PostgreSQL, as the export job does),
    add its lines up per account and compare them with the balance table, to the fen.
    Returns the differences (empty: the export and the table agree exactly)."""
    rows = period_balances(period) if rows is None else rows
    out = io.BytesIO()
    write_csv(out, "generic", {"period": period})
    lines = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"), newline="")))
    headers = [c.header for c in GENERIC]
    code_at, debit_at, credit_at = (headers.index(h) for h in ("科目代码", "借方金额", "贷方金额"))
    exported: dict[str, list[Decimal]] = {}
    for line in lines[1:]:
        sums = exported.setdefault(line[code_at], [Decimal(0), Decimal(0)])
        sums[0] += Decimal(line[debit_at] or 0)
        sums[1] += Decimal(line[credit_at] or 0)
    differences = []
    table = {neutralise(r.account_code): r for r in rows if r.debit or r.credit}
    for code in sorted(set(table) | set(exported)):
        row = table.get(code)
        want = (row.debit, row.credit) if row else (Decimal(0), Decimal(0))
        got = tuple(exported.get(code, (Decimal(0), Decimal(0))))
        if want != got:
            differences.append(f"{code}: {want[0]}/{want[1]} ≠ {got[0]}/{got[1]}")
    return differences


# -- the cost of poor quality (read by insight/, docs/insight.md) ---------------------------
# A posted line's effect on profit, by the standard account it is booked under: losses and
# expenses (stoppage, cost of sales, after-sales compensation, admin and litigation costs,
# impairments) and revenue given up. A credit to a loss account is what a supplier bears
# (procedure §2.5: Dr 1221 质量索赔 / Cr the loss). On the purchase side a negative (red) debit to
# a loss account is the supplier's allowance on material already used: also recovered.
LOSS_ACCOUNTS = ("5101", "6401", "6601", "6602", "6701", "6702")
REVENUE_ACCOUNTS = ("6001",)
PURCHASE_NODES = ("before_issue", "after_issue")


def ticket_quality_costs(ticket_ids) -> dict[int, tuple[Decimal, Decimal]]:
    """{ticket id: (cost, recovered from suppliers)} from the posted vouchers of the quality
    disputes opened from those tickets (red-letter reversals are posted too, so they net)."""
    return quality_costs_by_ticket(ticket_quality_cost_rows(ticket_ids))


def quality_costs_by_ticket(rows) -> dict[int, tuple[Decimal, Decimal]]:
    return {r["voucher__dispute__ticket_id"]: (r["cost"], r["recovered"]) for r in rows}


def ticket_quality_cost_rows(ticket_ids) -> QuerySet:
    """ticket_quality_costs' query: a row per ticket with its cost and recovered sums."""
    money = DecimalField(max_digits=16, decimal_places=2)
    zero = Value(Decimal("0"), output_field=money)
    lines = VoucherLine.objects.filter(
        voucher__state=Voucher.State.POSTED, voucher__dispute__ticket_id__in=ticket_ids
    ).annotate(code=Substr("account__code", 1, 4))
    loss, revenue = Q(code__in=LOSS_ACCOUNTS), Q(code__in=REVENUE_ACCOUNTS)
    debit, credit = Q(side=VoucherLine.Side.DEBIT), Q(side=VoucherLine.Side.CREDIT)
    purchase = Q(voucher__dispute__node__in=PURCHASE_NODES)
    return (
        lines.values("voucher__dispute__ticket_id")
        .annotate(
            cost=Sum(
                Case(
                    When(loss & debit & ~(purchase & Q(amount__lt=0)), then=F("amount")),
                    When(revenue & credit, then=-F("amount")),
                    When(revenue & debit, then=F("amount")),
                    default=zero,
                    output_field=money,
                )
            ),
            recovered=Sum(
                Case(
                    When(loss & credit, then=F("amount")),
                    When(loss & debit & purchase & Q(amount__lt=0), then=-F("amount")),
                    default=zero,
                    output_field=money,
                )
            ),
        )
        .order_by()
    )
