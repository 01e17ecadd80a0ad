"""Accounting benchmark (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kst_accounting \
        .venv/bin/python benchmarks/accounting_bench.py

1. Vouchers for 10,000 disputes: the pure rules (no database), then saved through the services.
2. 1,000,000 journal lines exported to CSV (the app's export: generic, Kingdee and U8 layouts)
   against PostgreSQL's COPY of the same rows to a file, printed as a ratio; the export's peak
   memory (ru_maxrss of a child process that does only the export). Targets, for every layout:
   export <= 2x COPY, peak <= 200 MB.

The accounting tables of the target database are TRUNCATEd before and after (posted vouchers
cannot be deleted row by row: the immutability triggers refuse it). `--keep` leaves the seeded
lines in place; `--reuse` then times only the exports on them (no truncate, no seeding), `--runs N`
keeps the fastest of N runs, `--skip-python` leaves out the slow Python writer.
"""

import argparse
import datetime
import os
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from accounting import rules, services  # noqa: E402
from accounting.exports import write_csv  # noqa: E402
from benchmarks._db import ensure_database  # noqa: E402

TABLES = (
    "accounting_exportjob, accounting_voucherevent, accounting_voucherline, accounting_voucher, "
    "accounting_vouchercounter, accounting_period, accounting_historicalqualitydispute, "
    "accounting_qualitydispute"
)

SAMPLES = [
    {"node": "after_issue", "outcome": "return", "invoice_status": "invoiced_deducted",
     "affected_quantity": "3", "unit_price": "4850.50"},
    {"node": "before_issue", "outcome": "return", "invoice_status": "not_invoiced", "quantity": "50",
     "affected_quantity": "8", "unit_price": "1234.56"},
    {"node": "after_issue", "outcome": "exchange", "affected_quantity": "4", "unit_price": "2500"},
    {"node": "after_issue", "outcome": "stoppage_loss", "stoppage_type": "short_planned", "wages": "12000",
     "depreciation": "3000.50", "supplier_recoverable": "5000"},
    {"node": "after_sale", "outcome": "return", "invoice_status": "invoiced", "affected_quantity": "5",
     "unit_price": "8000", "unit_cost": "5500"},
    {"node": "after_sale", "outcome": "indirect_loss_compensation", "compensation_to_customer": "80000",
     "supplier_recourse": "30000"},
    {"node": "litigation", "outcome": "litigation_lost_prepayment", "prepaid_balance": "200000"},
    {"node": "litigation", "outcome": "litigation_costs", "costs": "15800"},
]  # fmt: skip


def _truncate() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")


def _mb(kilobytes: int) -> float:
    return kilobytes / 1024  # Linux reports ru_maxrss in KiB


def bench_rules(n: int) -> None:
    inputs = [dict(SAMPLES[i % len(SAMPLES)], vat_rate=str(Decimal("0.13"))) for i in range(n)]
    start = time.perf_counter()
    vouchers = lines = 0
    for data in inputs:
        for v in rules.generate(data):
            vouchers += 1
            lines += len(v.lines)
    took = time.perf_counter() - start
    print(
        f"rules only   : {n:>9,} disputes -> {vouchers:,} vouchers, {lines:,} lines in {took:6.2f} s "
        f"({n / took:,.0f} disputes/s)"
    )


def bench_services(n: int) -> None:
    from accounts.models import User

    group, _ = Group.objects.get_or_create(name="finance")
    by, _ = User.objects.get_or_create(username="bench-finance", defaults={"full_name": "基准测试"})
    by.groups.add(group)
    start = time.perf_counter()
    vouchers = 0
    for i in range(n):
        data = dict(SAMPLES[i % len(SAMPLES)])
        fields = {k: (Decimal(v) if k in rules.NUMBER_FIELDS else v) for k, v in data.items()}
        with transaction.atomic():  # as the dispute page does: one commit per dispute
            dispute = services.dispute_create(
                by=by, booking_date=datetime.date(2026, 11, 1 + i % 28), **fields
            )
            vouchers += len(services.dispute_generate_vouchers(dispute=dispute, by=by))
    took = time.perf_counter() - start
    print(
        f"saved        : {n:>9,} disputes -> {vouchers:,} draft vouchers in {took:6.2f} s "
        f"({n / took:,.0f} disputes/s, {took / n * 1000:.2f} ms each)"
    )


def seed_lines(n_lines: int) -> None:
    """n_lines posted journal lines (4 per voucher, 12 periods), inserted in SQL."""
    from accounts.models import User

    by = User.objects.get(username="bench-finance")
    n_vouchers = n_lines // 4
    with connection.cursor() as c:
        c.execute(
            "INSERT INTO accounting_period (year, month, status) SELECT 2025, m, 'open' "
            "FROM generate_series(1, 12) m ON CONFLICT DO NOTHING"
        )
        c.execute(
            """
            INSERT INTO accounting_voucher (period_id, word, number, date, state, summary, generation,
                position, attachments, created_by_id, created_at, dispute_id, evidence_required)
            SELECT p.id, '记', NULL, make_date(2025, p.month, 1 + (g %% 28)), 'draft',
                   '质量异议凭证 ' || g, 0, NULL, 1, %s, now(), NULL, ''
            FROM generate_series(1, %s) g
            JOIN accounting_period p ON p.year = 2025 AND p.month = 1 + (g %% 12)
            """,
            [by.pk, n_vouchers],
        )
        c.execute(
            """
            INSERT INTO accounting_voucherline (voucher_id, line_no, account_id, account_code, account_name,
                side, amount, summary, quantity, unit_price)
            SELECT v.id, k, a.id, a.code, a.name, CASE WHEN k <= 2 THEN 'debit' ELSE 'credit' END,
                   CASE WHEN k IN (1, 3) THEN -14551.50 ELSE 1891.70 END, v.summary,
                   CASE WHEN k = 1 THEN -3.000 END, CASE WHEN k = 1 THEN 4850.5000 END
            FROM accounting_voucher v CROSS JOIN generate_series(1, 4) k
            JOIN accounting_account a ON a.code = (ARRAY['1403', '222101', '2202', '222103'])[k]
            WHERE v.period_id IN (SELECT id FROM accounting_period WHERE year = 2025)
            """
        )
        c.execute(
            """
            UPDATE accounting_voucher v SET state = 'posted', posted_by_id = created_by_id,
                reviewed_by_id = created_by_id, number = n.rn
            FROM (SELECT id, row_number() OVER (PARTITION BY period_id ORDER BY id) rn FROM accounting_voucher
                  WHERE period_id IN (SELECT id FROM accounting_period WHERE year = 2025)) n
            WHERE v.id = n.id
            """
        )
        c.execute("ANALYZE")
        c.execute("SELECT count(*) FROM accounting_voucherline")
        print(f"seeded       : {c.fetchone()[0]:,} journal lines")


def copy_baseline(path: Path) -> float:
    """COPY of the same rows (lines with their voucher and period), in the same order, to a file."""
    sql = (
        "COPY (SELECT l.*, v.date, v.word, v.number, v.state, p.year, p.month FROM accounting_voucherline l"
        " JOIN accounting_voucher v ON v.id = l.voucher_id JOIN accounting_period p ON p.id = v.period_id"
        " ORDER BY p.year, p.month, v.word, v.number, v.id, l.line_no) TO STDOUT WITH (FORMAT csv)"
    )
    start = time.perf_counter()
    with connection.cursor() as cursor, path.open("wb") as out:
        cursor.copy_expert(sql, out)
    return time.perf_counter() - start


def child_export(path: str, use_copy: bool, layout: str = "generic") -> None:
    start = time.perf_counter()
    with open(path, "wb") as out:
        count = write_csv(out, layout, {}, use_copy=use_copy)
    took = time.perf_counter() - start
    peak = _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    print(f"{took:.4f} {count} {peak:.1f}")


def run_child(path: Path, use_copy: bool, layout: str = "generic") -> tuple[float, int, float]:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child-export",
            str(path),
            "--use-copy",
            "1" if use_copy else "0",
            "--layout",
            layout,
        ],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ.copy(),
    ).stdout.split()
    return float(out[-3]), int(out[-2]), float(out[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--disputes", type=int, default=10_000)
    parser.add_argument("--saved-disputes", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--child-export")
    parser.add_argument("--use-copy", default="1")
    parser.add_argument("--layout", default="generic")
    parser.add_argument("--keep", action="store_true", help="leave the seeded rows in place")
    parser.add_argument("--skip-export", action="store_true", help="only the voucher generation figures")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="export the lines a --keep run left (no truncate, generation or seeding); implies --keep",
    )
    parser.add_argument("--runs", type=int, default=2, help="COPY and each export run N times, minimum kept")
    parser.add_argument("--skip-python", action="store_true", help="leave out the (slow) Python writer")
    args = parser.parse_args()
    if args.child_export:
        child_export(args.child_export, args.use_copy == "1", args.layout)
        return
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/kst_accounting")
    ensure_database(os.environ["DATABASE_URL"])
    call_command("migrate", verbosity=0)
    services.chart_ensure()
    print(f"database     : {connection.settings_dict['NAME']}")
    if args.reuse:
        with connection.cursor() as c:
            c.execute("SELECT count(*) FROM accounting_voucherline")
            seeded = c.fetchone()[0]
        if not seeded:
            sys.exit("--reuse: no journal lines to export; run once with --keep first")
        print(f"reused       : {seeded:,} journal lines")
    else:
        _truncate()
        bench_rules(args.disputes)
        bench_services(args.saved_disputes)
        _truncate()
        if args.skip_export:
            return
        seed_lines(args.lines)
    runs = max(args.runs, 1)

    def best(path: Path, layout: str) -> tuple[float, int, float]:
        return min((run_child(path, True, layout) for _ in range(runs)), key=lambda r: r[0])

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        copy_s = min(copy_baseline(tmp / "copy.csv") for _ in range(runs))
        export_s, count, peak = best(tmp / "export.csv", "generic")
        if not args.skip_python:
            py_s, _count, py_peak = run_child(tmp / "export_py.csv", False)
        size = (tmp / "export.csv").stat().st_size / 1e6
        vendors = {layout: best(tmp / f"{layout}.csv", layout) for layout in ("kingdee", "u8")}
    print(f"COPY         : {copy_s:6.2f} s  (raw rows to a file)")
    print(f"export CSV   : {export_s:6.2f} s  {count:,} lines, {size:.0f} MB, peak RSS {peak:.0f} MB")
    print(f"ratio        : {export_s / copy_s:.2f} x COPY (target <= 2)")
    if not args.skip_python:
        print(
            f"python path  : {py_s:6.2f} s  ({py_s / copy_s:.2f} x COPY), peak RSS {py_peak:.0f} MB "
            "(the portable writer, used on SQLite)"
        )
    for layout, (took, _n, layout_peak) in vendors.items():
        print(f"{layout:<13}: {took:6.2f} s  ({took / copy_s:.2f} x COPY), peak RSS {layout_peak:.0f} MB")
    every = [(export_s, peak), *((took, layout_peak) for took, _n, layout_peak in vendors.values())]
    ok = all(took <= 2 * copy_s and layout_peak <= 200 for took, layout_peak in every)
    print("targets      :", "met" if ok else "NOT met", "(every layout: <= 2x COPY, <= 200 MB)")
    print(f"load average : {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if not (args.keep or args.reuse):
        _truncate()


if __name__ == "__main__":
    main()
