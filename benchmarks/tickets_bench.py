"""Benchmark of the tickets pages on PostgreSQL (a script, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kst_tickets_bench \\
        .venv/bin/python benchmarks/tickets_bench.py [--n 100000] [--repeat 60] [--reload]

It migrates the database, loads N tickets (about 10 timeline entries each, plus service
plans and disposition forms for the tickets that reached those steps) with COPY, then
requests each page repeatedly through Django's test Client, in-process, and prints the
server time p50 / p95 and the SQL queries per request. The data stays in the database;
a second run reuses it unless --reload is given (or N differs).

The mix is realistic for a plant a few years into using the system: most tickets are
archived, about 12 % are open and waiting for someone.
"""

import argparse
import csv
import datetime
import io
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("DEBUG", "False")
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import BooleanField, Count, ExpressionWrapper, Q  # noqa: E402
from django.db.models.expressions import RawSQL  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import Role  # noqa: E402
from benchmarks._db import ensure_database  # noqa: E402
from masterdata.models import Customer, Product  # noqa: E402
from tickets.models import Disposition, Event, ServicePlan, State, Ticket  # noqa: E402
from tickets.search import like_pattern, search_filter, search_grams, search_text  # noqa: E402

S = State
# (state, share) — most tickets of a few years are archived.
STATE_MIX = [
    (S.ARCHIVED, 0.85),
    (S.REJECTED, 0.03),
    (S.RECEIVED, 0.02),
    (S.PLANNED, 0.015),
    (S.ASSIGNED, 0.015),
    (S.QC_REVIEW, 0.01),
    (S.IN_SERVICE, 0.03),
    (S.CONFIRMING, 0.02),
    (S.REOPENED, 0.01),
]
PATH = [S.RECEIVED, S.PLANNED, S.ASSIGNED, S.IN_SERVICE, S.CONFIRMING, S.ARCHIVED]
DEFECTS = [
    "接箍渗漏",
    "螺纹粘扣",
    "管体裂纹",
    "壁厚超差",
    "外径超差",
    "锈蚀",
    "弯曲变形",
    "涂层脱落",
    "密封失效",
    "硬度不足",
    "焊缝气孔",
    "尺寸不符",
    "包装破损",
    "标识错误",
    "数量短缺",
]
PLACES = ["长庆油田", "大庆油田", "胜利油田", "塔里木油田", "西南油气田", "新疆油田", "辽河油田"]


# The text search's GIN indexes (tickets migrations 0002, 0017): dropped before the COPY and
# built once after it, several times quicker than inserting into them row by row.
SEARCH_INDEXES = {
    "ticket_search_trgm": "CREATE INDEX ticket_search_trgm ON tickets_ticket "
    "USING gin (search_text gin_trgm_ops)",
    "ticket_search_grams": "CREATE INDEX ticket_search_grams ON tickets_ticket "
    "USING gin (string_to_array(search_grams, ' '))",
}
# Terms whose results must equal a plain ILIKE over the searched columns (checked on the data):
# one, two and more Chinese characters, frequent and rare, numbers, lots, customer codes,
# spaces and LIKE's own characters.
IDENTITY_TERMS = [
    *("管", "油", "裂", "漏", "氦", "厂", "号", "渗"),
    *("粘扣", "裂纹", "油田", "井场", "涂层", "油管", "氦检", "漏点", "号你"),
    *("塔里木", "接箍渗漏", "石油套管 规格3", "第7根", "采油厂", "影响生产", "井场 6", "68 号"),
    *("ks-2026-0001", "KS-2025", "2026-09", "09998", "l12345", "L1234", "bc01", "BC0111"),
    *("规格4", "40涂层", "%", "_", "\\", "管%", "ＫＳ"),
]


def copy_rows(model, rows: list[dict]) -> None:
    columns = list(rows[0])
    buf = io.StringIO()
    writer = csv.writer(buf)
    for row in rows:
        writer.writerow(["\\N" if row[c] is None else row[c] for c in columns])
    buf.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
            buf,
        )


def people() -> dict[str, list[User]]:
    result = {}
    for role, count in [
        (Role.SALES, 40),
        (Role.PROJECT_MANAGER, 3),
        (Role.PRODUCTION_MANAGER, 2),
        (Role.SERVICE_LEAD, 20),
        (Role.QC, 3),
        (Role.PURCHASING, 2),
    ]:
        group, _ = Group.objects.get_or_create(name=role.value)
        users = []
        for i in range(count):
            user, created = User.objects.get_or_create(
                username=f"bench-{role.value}-{i}", defaults={"full_name": f"{role.label}{i}"}
            )
            if created:
                user.set_password("bench")
                user.save()
                user.groups.add(group)
            users.append(user)
        result[role.value] = users
    return result


def load(n: int) -> None:
    """N tickets into empty ticket tables (other loaders, e.g. insight_bench, call this too)."""
    with connection.cursor() as cursor:
        for name in SEARCH_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
    rnd = random.Random(42)
    staff = people()
    customers = list(Customer.objects.all()[:300])
    for i in range(len(customers), 300):
        customers.append(Customer.objects.create(code=f"BC{i:04d}", name=f"{rnd.choice(PLACES)}第{i}采油厂"))
    products = list(Product.objects.all()[:60])
    for i in range(len(products), 60):
        products.append(
            Product.objects.create(code=f"BP{i:03d}", name=f"石油套管 规格{i}", specification="N80")
        )
    states = rnd.choices([s for s, _ in STATE_MIX], weights=[w for _, w in STATE_MIX], k=n)
    now = timezone.now()
    start_id = (Ticket.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    start_counter = 1
    tickets, events, plans, dispositions = [], [], [], []
    t0 = time.perf_counter()
    for i in range(n):
        tid = start_id + i
        state = states[i]
        created = now - datetime.timedelta(minutes=int((n - i) * 1051200 / n))  # two years, oldest first
        customer, product = rnd.choice(customers), rnd.choice(products)
        defect = rnd.choice(DEFECTS)
        sales = rnd.choice(staff["sales"])
        lead = rnd.choice(staff["service_lead"]) if state not in (S.RECEIVED, S.PLANNED, S.REJECTED) else None
        number = f"KS-{created.year}-{start_counter + i:06d}"
        description = f"第{rnd.randint(1, 30)}根{product.name}{defect},井号 {rnd.randint(100, 999)}"
        if i % 997 == 0:  # a rare word: one- and two-character terms that match a few tickets
            description += ",氦检发现漏点"
        words = f"你们的{product.name}出现{defect},影响生产"
        lot = f"L{rnd.randint(10000, 99999)}"
        site = f"{rnd.choice(PLACES)} 井场 {rnd.randint(1, 80)} 号"
        reached = PATH[: PATH.index(state) + 1] if state in PATH else [S.RECEIVED]
        steps = 10
        text = search_text([number, customer.code, customer.name, lot, "", site, words, description])
        tickets.append(
            {
                "id": tid,
                "number": number,
                "state": state,
                "version": len(reached),
                "last_seq": steps,
                "channel": "phone",
                "customer_id": customer.pk,
                "caller_name": "王工",
                "caller_phone": "",
                "customer_words": words,
                "description": description,
                "shipment_id": None,
                "product_id": product.pk,
                "order_number": "",
                "lot_number": lot,
                "ship_date": None,
                "quantity": rnd.randint(1, 50),
                "site": site,
                "remedy": rnd.choice(["return", "exchange", "repair", "none"]),
                "paraphrase": words,
                "customer_confirmed": "t",
                "emotion": rnd.choice(["calm", "worried", "angry"]),
                "options_offered": "",
                "option_chosen": "",
                "onsite_needed": "t",
                "severity": rnd.choice(["low", "medium", "high", "critical"]),
                "safety": "f",
                "cc_departments": "[]",
                "customer_unsatisfied": "f",
                "root_cause_category": "",  # classified by insight_bench.py when it needs them
                "service_lead_id": lead.pk if lead else None,
                "pm_signed": "t" if state == S.ARCHIVED else "f",
                "production_signed": "t" if state == S.ARCHIVED else "f",
                "followed_up": "t" if state == S.ARCHIVED and rnd.random() < 0.9 else "f",
                "reason": "非我司产品" if state == S.REJECTED else "",
                "intake_token": str(uuid.uuid4()),
                "search_text": text,
                "search_grams": search_grams(text),
                "created_by_id": sales.pk,
                "created_at": created.isoformat(),
                "updated_at": created.isoformat(),
            }
        )
        for seq in range(1, steps + 1):
            to_state = reached[seq - 1] if seq <= len(reached) else ""
            events.append(
                {
                    "ticket_id": tid,
                    "seq": seq,
                    "kind": "transition" if to_state else "note",
                    "action": "",
                    "from_state": "",
                    "to_state": to_state,
                    "text": f"{defect} 处理记录 {seq}",
                    "code": "",
                    "params": "{}",
                    "internal": "f",
                    "actor_id": (lead or sales).pk,
                    "created_at": (created + datetime.timedelta(hours=seq)).isoformat(),
                }
            )
        if S.PLANNED in reached:
            plans.append(
                {
                    "ticket_id": tid,
                    "created_by_id": staff["project_manager"][0].pk,
                    "created_at": created.isoformat(),
                    "start_date": created.date().isoformat(),
                    "end_date": created.date().isoformat(),
                    "scope": "现场处理",
                    "mode": "onsite",
                    "travellers": "",
                }
            )
        if S.CONFIRMING in reached:
            dispositions.append(
                {
                    "ticket_id": tid,
                    "created_by_id": (lead or sales).pk,
                    "created_at": created.isoformat(),
                    "work_done": "更换",
                    "root_cause": defect,
                    "corrective_action": "更换",
                    "preventive_action": "加严检验",
                    "parts_used": "",
                    "parts_cost": "0.00",
                    "satisfaction": "satisfied",
                    "customer_signatory": "王工",
                    "customer_feedback": "",
                    "technical_reference": "",
                    "technical_url": "",
                }
            )
        if len(tickets) >= 10000 or i == n - 1:
            copy_rows(Ticket, tickets)
            copy_rows(Event, events)
            if plans:
                copy_rows(ServicePlan, plans)
            if dispositions:
                copy_rows(Disposition, dispositions)
            tickets, events, plans, dispositions = [], [], [], []
            print(f"  loaded {i + 1:>7} tickets ({time.perf_counter() - t0:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('tickets_ticket', 'id'), "
            "(SELECT max(id) FROM tickets_ticket))"
        )
        t1 = time.perf_counter()
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for sql in SEARCH_INDEXES.values():
            cursor.execute(sql)
        print(f"  search indexes built ({time.perf_counter() - t1:.0f} s)", flush=True)
        cursor.execute("VACUUM ANALYZE") if connection.connection.autocommit else cursor.execute("ANALYZE")


def search(list_url: str, term: str) -> str:
    return f"{list_url}?{urlencode({'q': term})}"


LIMIT_IDENTITY = 100_000


def check_identity(terms: list[str]) -> None:
    """For each term: the tickets the search finds against those a plain ILIKE '%term%' over
    the searched columns finds, compared in the database (one table scan per term)."""
    columns = ["number", "lot_number", "order_number", "site", "customer_words", "description"]
    reference = " OR ".join(f'"tickets_ticket"."{c}" ILIKE %s' for c in columns)
    reference += (
        ' OR EXISTS (SELECT 1 FROM core_customer c WHERE c.id = "tickets_ticket"."customer_id"'
        " AND (c.code ILIKE %s OR c.name ILIKE %s))"
    )
    started, differ = time.perf_counter(), []
    # Every ticket at 100 000; the newest 100 000 of a bigger load (a scan per term).
    newest = Ticket.objects.order_by("-id").values_list("id", flat=True)[LIMIT_IDENTITY - 1 : LIMIT_IDENTITY]
    checked = Ticket.objects.filter(id__gte=newest[0]) if newest else Ticket.objects.all()
    print(f"\nSearch against ILIKE over the searched columns, {len(terms)} terms, {checked.count()} tickets:")
    for term in terms:
        found = ExpressionWrapper(search_filter(term), output_field=BooleanField())
        ilike = RawSQL(f"({reference})", [like_pattern(term)] * 8, output_field=BooleanField())  # noqa: S611
        counts = checked.alias(found=found, ilike=ilike).aggregate(
            matches=Count("pk", filter=Q(ilike=True)),
            missed=Count("pk", filter=Q(ilike=True, found=False)),
            extra=Count("pk", filter=Q(ilike=False, found=True)),
        )
        if counts["missed"] or counts["extra"]:
            differ.append(term)
        print(
            f"  {term!r:<18} {counts['matches']:>8} tickets  "
            + ("identical" if not (counts["missed"] or counts["extra"]) else f"DIFFERENT: {counts}")
        )
    verdict = "identical for every term" if not differ else f"DIFFERENT for {differ}"
    print(f"  → {verdict} ({time.perf_counter() - started:.0f} s)")


def measure(client: Client, label: str, urls: list[str], repeat: int) -> dict:
    # Warm caches, template loading, the connection; every ticket page once: the first view
    # of a ticket makes its tracking link's secret (a few statements, once per ticket).
    for url in urls if label.startswith("ticket page") else urls[:3]:
        client.get(url)
    times, queries = [], []
    for i in range(repeat):
        url = urls[i % len(urls)]
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.append(len(ctx.captured_queries))
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    return {
        "page": label,
        "min": times[0],
        "p50": statistics.median(times),
        "p95": p95,
        "queries": sorted(set(queries)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=100_000, help="tickets to load (default 100000)")
    parser.add_argument("--repeat", type=int, default=60, help="requests per page")
    parser.add_argument("--reload", action="store_true", help="delete the tickets and load again")
    parser.add_argument(
        "--no-identity", action="store_true", help="skip comparing the search with ILIKE (a scan per term)"
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database (the benchmark loads data with COPY).")
    # Not setup_test_environment(): its instrumented template rendering would inflate the times.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    run_started = time.perf_counter()
    ensure_database(os.environ["DATABASE_URL"])
    call_command("migrate", verbosity=0)
    print(f"Migrated in {time.perf_counter() - run_started:.0f} s", flush=True)
    have = Ticket.objects.count()
    if args.reload or have != args.n:
        print(f"Loading {args.n} tickets (had {have}) …", flush=True)
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE tickets_ticket, tickets_event, tickets_serviceplan, tickets_disposition, "
                "tickets_historicalticket RESTART IDENTITY CASCADE"
            )
        connection.set_autocommit(True)
        started = time.perf_counter()
        load(args.n)
        print(f"Loaded in {(time.perf_counter() - started) / 60:.1f} min", flush=True)
    events = Event.objects.count()
    print(
        f"Database: {settings.DATABASES['default']['NAME']} · {Ticket.objects.count()} tickets · "
        f"{events} timeline entries ({events / max(1, args.n):.1f} per ticket)"
    )

    pm = User.objects.get(username="bench-project_manager-0")
    lead = User.objects.get(username="bench-service_lead-0")
    qc = User.objects.get(username="bench-qc-0")
    rnd = random.Random(7)
    list_url = reverse("tickets:list")
    customer = Customer.objects.filter(tickets__isnull=False).first()
    sample = list(Ticket.objects.filter(last_seq__gte=10).values_list("number", flat=True).order_by("?")[:40])

    results = []
    load_before = f"{os.getloadavg()[0]:.2f}"
    for user, label, urls in [
        (pm, "my work (project manager)", [reverse("tickets:my_work") + f"?page={p}" for p in (1, 2, 3)]),
        (lead, "my work (service lead)", [reverse("tickets:my_work")]),
        (qc, "all tickets, 50/page", [f"{list_url}?page={rnd.randint(1, 20)}" for _ in range(10)]),
        (
            qc,
            "all tickets, filter state+severity",
            [f"{list_url}?state=in_service&severity=high", f"{list_url}?state=archived&severity=low&page=2"],
        ),
        (
            qc,
            "all tickets, filter customer+dates",
            [f"{list_url}?customer={customer.pk}&created_from=2025-01-01&created_to=2026-12-31"],
        ),
        (
            qc,
            "text search, 3+ characters",
            [search(list_url, q) for q in ("塔里木", "接箍渗漏", "l12345", sample[0].lower())],
        ),
        (qc, "text search, 1 Chinese character", [search(list_url, q) for q in ("管", "氦", "裂")]),
        (qc, "text search, 2 Chinese characters", [search(list_url, q) for q in ("粘扣", "氦检", "油管")]),
        (qc, "ticket page", [reverse("tickets:detail", args=[n]) for n in sample]),
        (pm, "ticket page (with actions)", [reverse("tickets:detail", args=[n]) for n in sample]),
    ]:
        client = Client()
        client.force_login(user)
        results.append(measure(client, label, urls, args.repeat))

    # Other processes on a small machine move p95 a lot: say how busy it was.
    print(f"\nload average before/after: {load_before} / {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"{'page':<40} {'min ms':>7} {'p50 ms':>7} {'p95 ms':>7}  queries/request")
    for r in results:
        print(
            f"{r['page']:<40} {r['min']:>7.1f} {r['p50']:>7.1f} {r['p95']:>7.1f}  "
            f"{', '.join(map(str, r['queries']))}"
        )
    if not args.no_identity:
        check_identity(IDENTITY_TERMS)
    print(f"\nWhole run: {(time.perf_counter() - run_started) / 60:.1f} min")


if __name__ == "__main__":
    main()
