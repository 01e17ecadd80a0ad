"""Benchmark of the quality dashboards and exports on PostgreSQL (a script, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kst_bench_insight \\
        .venv/bin/python benchmarks/insight_bench.py [--n 100000] [--repeat 20]

Reuses tickets_bench.py's loader (N tickets, ~10 timeline entries each, two years), then
classifies the tickets (defect type, root-cause category, supplier for material causes,
parts cost on the disposition forms) with a few UPDATEs, and requests each dashboard view
and export start through Django's test Client, printing p50/p95 server time and queries.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import tickets_bench
from benchmarks._db import ensure_database

# isort: split
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from insight.models import CostLine, StepStay
from insight.services import refresh_summaries
from masterdata.models import Supplier
from tickets.models import DefectType, Event, Ticket


def classify() -> None:
    """Defect types, root causes and suppliers spread like a real Pareto (a head and a tail)."""
    defects = list(DefectType.objects.order_by("id").values_list("id", flat=True))
    for i in range(len(defects), 11):
        defects.append(DefectType.objects.create(code=f"B{i}", name=f"缺陷{i}").pk)
    suppliers = list(Supplier.objects.values_list("id", flat=True)[:20])
    for i in range(len(suppliers), 20):
        suppliers.append(Supplier.objects.create(code=f"BS{i:03d}", name=f"供应商{i}").pk)
    causes = [
        "material",
        "method",
        "man",
        "measurement",
        "machine",
        "transport",
        "design",
        "customer_use",
        "environment",
    ]
    with connection.cursor() as cursor:
        # (id * 7919) % 100 spreads evenly; squaring it gives the small indices more tickets.
        cursor.execute(
            "UPDATE tickets_ticket SET defect_type_id = "
            "(%s::bigint[])[1 + floor((((id * 7919) %% 100) ^ 2) * %s / 10000)::int]",
            [defects, len(defects)],
        )
        cursor.execute(
            "UPDATE tickets_ticket SET root_cause_category = "
            "(%s::text[])[1 + floor((((id * 104729) %% 100) ^ 2) * %s / 10000)::int] "
            "WHERE state IN ('in_service', 'confirming', 'archived', 'reopened')",
            [causes, len(causes)],
        )
        cursor.execute(
            "UPDATE tickets_ticket SET supplier_id = (%s::bigint[])[1 + (id %% %s)] "
            "WHERE root_cause_category = 'material'",
            [suppliers, len(suppliers)],
        )
        cursor.execute("UPDATE tickets_disposition SET parts_cost = (ticket_id %% 50) * 100", [])
        cursor.execute("ANALYZE")


def busiest(column: str) -> int:
    """The filter value with the most tickets: the slowest filtered view."""
    row = Ticket.objects.exclude(**{column: None}).values(column).annotate(n=Count("id")).order_by("-n")
    return row[0][column]


def rebuild() -> None:
    """The summaries' full rebuild and an incremental refresh, timed (load average beside)."""
    started = time.perf_counter()
    refresh_summaries(full=True)
    print(
        f"summaries, full rebuild: {time.perf_counter() - started:.1f} s "
        f"({CostLine.objects.count()} cost lines, {StepStay.objects.count()} stays; "
        f"load {os.getloadavg()[0]:.2f})",
        flush=True,
    )
    Ticket.objects.filter(pk__in=Ticket.objects.order_by("-pk").values("pk")[:200]).update(
        updated_at=timezone.now()
    )
    started = time.perf_counter()
    record = refresh_summaries()
    print(
        f"summaries, incremental ({record.tickets} tickets changed): "
        f"{time.perf_counter() - started:.2f} s (load {os.getloadavg()[0]:.2f})",
        flush=True,
    )
    with connection.cursor() as cursor:  # autovacuum's steady state for the rewritten tables
        cursor.execute(
            "VACUUM ANALYZE insight_costline, insight_stepstay, insight_stayrollup, insight_repeatlink"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", default="", help="measure only the views whose label contains this")
    parser.add_argument(
        "--skip", default="", help="leave out the views whose label contains one of these (comma-separated)"
    )
    parser.add_argument("--no-rebuild", action="store_true", help="keep the summaries as they are")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database (the loader uses COPY).")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    ensure_database(os.environ["DATABASE_URL"])
    call_command("migrate", verbosity=0)
    if Ticket.objects.count() != args.n:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE tickets_ticket, tickets_event, tickets_serviceplan, tickets_disposition, "
                "tickets_historicalticket RESTART IDENTITY CASCADE"
            )
        connection.set_autocommit(True)
        print(f"Loading {args.n} tickets …", flush=True)
        tickets_bench.load(args.n)
    if not Ticket.objects.exclude(defect_type=None).exists():
        classify()
    connection.set_autocommit(True)
    with connection.cursor() as cursor:  # autovacuum's steady state: index-only scans work
        cursor.execute("VACUUM ANALYZE")
    events = Event.objects.count()
    print(f"{Ticket.objects.count()} tickets, {events} timeline entries", flush=True)
    if not args.no_rebuild:
        rebuild()
    gm, _ = User.objects.get_or_create(username="bench-gm", defaults={"full_name": "总经理"})
    gm.groups.add(*Group.objects.filter(name=Role.GENERAL_MANAGER))
    number = Ticket.objects.filter(state="archived").values_list("number", flat=True).first()
    two_years = (timezone.localdate() - datetime.timedelta(days=730)).isoformat()
    filters = [
        ("product", f"product={busiest('product_id')}"),
        ("customer", f"customer={busiest('customer_id')}"),
        ("supplier", f"supplier={busiest('supplier_id')}"),
        ("department", "department=production"),
    ]
    pages = []
    for name, url in (
        ("dashboard", reverse("insight:dashboard")),
        ("service levels", reverse("insight:service_levels")),
    ):
        pages.append((f"{name}, last 12 months", [url]))
        for dim, query in filters:
            pages.append((f"{name}, one {dim}, 12 months", [f"{url}?{query}"]))
            pages.append((f"{name}, one {dim}, 24 months", [f"{url}?{query}&date_from={two_years}"]))
    pages += [
        ("monthly report (page)", [reverse("insight:monthly_report")]),
        ("8D page", [reverse("insight:report_8d", args=[number])]),
        ("ticket list CSV export (start)", [reverse("tickets:export", args=["csv"]) + "?open=1"]),
        ("ticket list XLSX export, open tickets", [reverse("tickets:export", args=["xlsx"]) + "?open=1"]),
    ]
    pages = [
        (label, urls)
        for label, urls in pages
        if args.only in label and not any(word and word in label for word in args.skip.split(","))
    ]
    client = Client()
    client.force_login(gm)
    load_before = f"{os.getloadavg()[0]:.2f}"
    results = []
    for label, urls in pages:  # printed as measured: the slow ones take a while
        results.append(tickets_bench.measure(client, label, urls, args.repeat))
        r = results[-1]
        print(f"  {label}: p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms, queries {r['queries']}", flush=True)
    results += pdf_jobs(client, number, args.repeat)
    print(f"\nload average before/after: {load_before} / {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"{'view':<42} {'min ms':>8} {'p50 ms':>8} {'p95 ms':>8}  queries/request")
    for r in results:
        queries = ", ".join(map(str, r["queries"]))
        print(f"{r['page']:<42} {r['min']:>8.1f} {r['p50']:>8.1f} {r['p95']:>8.1f}  {queries}")


def pdf_jobs(client: Client, number: str, repeat: int) -> list[dict]:
    """The report PDFs are background jobs: time the button's POST (record the job, publish
    it to the broker, answer the redirect), then the worker's build on its own (WeasyPrint)."""
    from config.celery_app import app as celery_app
    from insight import report_jobs
    from insight.models import ReportJob

    broker = bool(settings.CELERY_BROKER_URL)
    if broker:  # a real publish; nothing consumes it here, the queue is purged afterwards
        celery_app.conf.task_always_eager = False
    else:
        report_jobs.build_report_pdf.delay = lambda *args: None
        print("  (no CELERY_BROKER_URL: the PDF job starts below do not include the publish)")
    starts = [
        ("monthly report (PDF job start)", reverse("insight:monthly_report_pdf"), {}),  # last month
        ("8D PDF (job start)", reverse("insight:report_8d_pdf", args=[number]), {}),
    ]
    results, jobs = [], {}
    for label, url, data in starts:
        times, queries = [], []
        for _ in range(3 + repeat):  # three to warm up
            # the same click again answers the job under way: each start here makes a new one
            ReportJob.objects.filter(status__in=ReportJob.ACTIVE).update(status=ReportJob.Status.FAILED)
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.post(url, data)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 302, (url, response.status_code)
            queries.append(len(ctx.captured_queries))
        times, queries = sorted(times[3:]), queries[3:]
        r = {
            "page": label,
            "min": times[0],
            "p50": statistics.median(times),
            "p95": times[max(0, round(0.95 * len(times)) - 1)],
            "queries": sorted(set(queries)),
        }
        results.append(r)
        jobs[label] = ReportJob.objects.order_by("-pk").first()
        print(f"  {label}: p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms, queries {r['queries']}", flush=True)
    if broker:
        celery_app.control.purge()
        celery_app.conf.task_always_eager = True
    for label, job in jobs.items():  # the worker's side, in this process: claim, render, store
        builds = []
        for _ in range(3):
            ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.QUEUED)
            started = time.perf_counter()
            built = report_jobs.build(job.pk)
            builds.append(time.perf_counter() - started)
            assert built is not None and built.status == ReportJob.Status.DONE, built and built.error
            built.file.delete(save=False)
        print(
            f"  worker build, {label.split(' (')[0]}: {min(builds):.2f} / {statistics.median(builds):.2f} / "
            f"{max(builds):.2f} s min / p50 / max, load {os.getloadavg()[0]:.2f}",
            flush=True,
        )
    for job in ReportJob.objects.all():
        job.file.delete(save=False)
    ReportJob.objects.all().delete()
    return results


if __name__ == "__main__":
    main()
