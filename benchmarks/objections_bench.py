"""Benchmark: objection pages stay quick with a few years of objections.

Fills a separate PostgreSQL database with N objections (default 20,000) across 40
salespeople and 500 customers, then measures (p50/p95 over repeated calls, in ms):
the quick-log POST (with a promise), "my objections", the manager's everyone list, the
playbook, the trends page and a customer's history, plus the SQL query count of each.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kst_objections_bench \\
    .venv/bin/python benchmarks/objections_bench.py [--objections 20000]
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._db import ensure_database  # noqa: E402

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kst_objections_bench")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
os.environ["DEBUG"] = "0"  # DEBUG keeps every query in memory: not what production measures
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def _fill(n: int) -> None:
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.models import User
    from masterdata.models import Customer
    from objections.models import Objection, ObjectionType

    if Objection.objects.count() >= n:
        return
    rng = random.Random(1)
    sales = Group.objects.get(name="sales")
    people = []
    for i in range(40):
        user, _ = User.objects.get_or_create(username=f"bench_sales{i}", defaults={"full_name": f"业务员{i}"})
        user.groups.add(sales)
        people.append(user)
    Customer.objects.bulk_create(
        [Customer(code=f"BC{i:04d}", name=f"基准客户{i}") for i in range(500)], ignore_conflicts=True
    )
    customers = list(Customer.objects.filter(code__startswith="BC"))
    types = list(ObjectionType.objects.all())
    now = timezone.now()
    rows = []
    for i in range(n - Objection.objects.count()):
        outcome = rng.choice(Objection.Outcome.values)
        rows.append(
            Objection(
                owner=rng.choice(people),
                customer=rng.choice(customers),
                stage=rng.choice(Objection.Stage.values),
                words=f"客户原话 {i}",
                type=rng.choice(types),
                genuineness="true",
                cause="unknown",
                technique=rng.choice(Objection.Technique.values),
                response=f"答复 {i}",
                outcome=outcome,
                outcome_date=None if outcome == "pending" else (now - datetime.timedelta(days=5)).date(),
            )
        )
    Objection.objects.bulk_create(rows, batch_size=2000)
    # Spread over three years for the monthly trend.
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("UPDATE objections_objection SET created_at = now() - (id % 1100) * interval '1 day'")
        # As autovacuum would have by the time anyone looks: statistics and visibility map
        # (without it index-only scans fetch every heap row).
        cur.execute("VACUUM ANALYZE objections_objection")


def _measure(label: str, call, repeat: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        call(0)
    queries = len(ctx.captured_queries)
    times = []
    for i in range(1, repeat + 1):
        start = time.perf_counter()
        response = call(i)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code in (200, 302), (label, response.status_code)
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else max(times)
    print(f"{label:<34} p50 {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms   {queries:3d} queries")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--objections", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from accounts.roles import Role
    from masterdata.models import Customer
    from objections.models import Objection, ObjectionType

    call_command("migrate", verbosity=0)
    _fill(args.objections)
    me = User.objects.get(username="bench_sales0")
    manager, _ = User.objects.get_or_create(username="bench_manager")
    from django.contrib.auth.models import Group

    manager.groups.add(Group.objects.get(name=Role.SALES_MANAGER))
    customer = Customer.objects.filter(code__startswith="BC").first()
    price = ObjectionType.objects.get(code="price")
    print(f"{Objection.objects.count():,} objections, {args.repeat} calls each")

    sales_client, manager_client = Client(), Client()
    sales_client.force_login(me)
    manager_client.force_login(manager)
    due = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    def log(i):
        return sales_client.post(
            "/objections/new/",
            {
                "submit_token": str(uuid.uuid4()),
                "customer": customer.pk,
                "stage": "negotiation",
                "type": price.pk,
                "words": "太贵",
                "genuineness": "hidden",
                "hidden_belief": "资金紧",
                "cause": "uncertainty",
                "technique": "questioning",
                "outcome": "pending",
                "find_out": "on",
                "find_out_what": "查分期政策",
                "find_out_due_at": due,
            },
        )

    _measure("quick-log POST with a promise", log, args.repeat)
    _measure("my objections (page 1)", lambda i: sales_client.get("/objections/mine/"), args.repeat)
    _measure(
        "everyone's, filtered by type",
        lambda i: manager_client.get("/objections/mine/?scope=all&type=price"),
        args.repeat,
    )
    _measure("playbook", lambda i: sales_client.get("/objections/playbook/"), args.repeat)
    _measure("trends", lambda i: manager_client.get("/objections/trends/"), args.repeat)
    _measure(
        "customer history",
        lambda i: sales_client.get(f"/objections/customers/{customer.pk}/"),
        args.repeat,
    )
    _measure("API list (50 per page)", lambda i: manager_client.get("/api/objections/"), args.repeat)


if __name__ == "__main__":
    main()
