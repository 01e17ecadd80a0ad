"""Benchmark of the autocomplete endpoints on PostgreSQL (a script, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kst_autocomplete_bench \\
        .venv/bin/python benchmarks/autocomplete_bench.py [--customers 100000] [--shipments 1000000]

It migrates the database, loads customers, suppliers, products, material batches and
shipments with INSERT … SELECT generate_series (Chinese names built from common words),
prints the query plan of each search, then asks each endpoint repeatedly through Django's
test Client, in-process, and prints the server time p50 / p95 and the SQL queries per
request. The data stays; a second run reuses it unless --reload is given.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("DEBUG", "False")
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

from benchmarks._db import ensure_database

ensure_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import Role  # noqa: E402
from masterdata import selectors  # noqa: E402
from masterdata.models import Customer, Shipment  # noqa: E402
from masterdata.selectors import customers_matching, material_batches_matching, shipments_matching  # noqa: E402

PLACES = (
    "大庆 胜利 长庆 华北 辽河 新疆 塔里木 西南 吉林 大港 中原 江苏 青海 玉门 吐哈 冀东 渤海 南海 东海 四川"
)
TRADES = "油田 石化 管业 装备 钻探 物资 能源 机械 工程 技术"
FORMS = "有限公司 股份有限公司 分公司 工程公司 贸易公司"


def _array(words: str) -> str:
    return "ARRAY[" + ",".join(f"'{w}'" for w in words.split()) + "]"


def load(customers: int, shipments: int) -> None:
    name = (
        f"({_array(PLACES)})[1 + i % 20] || ({_array(TRADES)})[1 + (i / 20) % 10]"
        f" || ({_array(FORMS)})[1 + (i / 200) % 5] || (i % 9973)::text"
    )
    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE core_shipment, core_materialbatch, core_customer, core_supplier, core_product "
            "RESTART IDENTITY CASCADE"
        )
        cur.execute(
            f"INSERT INTO core_customer (code, name, note, created_at) SELECT 'C' || lpad(i::text, 6, '0'), "
            f"{name}, '', now() FROM generate_series(1, {int(customers)}) i"
        )
        cur.execute(
            f"INSERT INTO core_supplier (code, name, contact, quality_deposit_balance) "
            f"SELECT 'S' || lpad(i::text, 5, '0'), {name}, '', 0 FROM generate_series(1, 2000) i"
        )
        cur.execute(
            "INSERT INTO core_product (code, name, specification, unit) SELECT 'P' || lpad(i::text, 5, '0'), "
            "(ARRAY['石油套管','油管','钻杆','抽油杆','接箍'])[1 + i % 5] || i::text, '', '件' "
            "FROM generate_series(1, 1000) i"
        )
        cur.execute(
            "INSERT INTO core_materialbatch (supplier_id, material, batch_number, unit_price, unit, "
            "quantity_received, received_date) SELECT 1 + i % 2000, "
            "(ARRAY['N80 管坯','J55 管坯','P110 管坯'])[1 + i % 3], 'B' || lpad(i::text, 7, '0'), "
            "5000, '吨', 100, DATE '2020-01-01' + (i % 2000) "
            "FROM generate_series(1, 50000) i"
        )
        # Customer 1 is a big one (a tenth of all shipments); the rest spread evenly.
        cur.execute(
            "INSERT INTO core_shipment (customer_id, product_id, order_number, lot_number, quantity, "
            "ship_date, material_batch_id) SELECT CASE WHEN i % 10 = 0 THEN 1 "
            f"ELSE 1 + (i::bigint * 7919) % {int(customers)} END, 1 + i % 1000, 'SO-' || i, "
            "'L' || lpad(i::text, 8, '0'), 10, "
            f"DATE '2020-01-01' + (i % 2000), NULL FROM generate_series(1, {int(shipments)}) i"
        )
        cur.execute("ANALYZE core_customer, core_supplier, core_product, core_materialbatch, core_shipment")


def explain(label: str, queryset) -> None:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + sql, params)
        plan = [r[0] for r in cur.fetchall()]
    print(f"\n-- {label}")
    for line in plan:
        if "Scan" in line or "Execution Time" in line or "Sort" in line or "Limit" in line:
            print("   " + line.strip())


def timed(client: Client, url: str, params: dict, repeat: int) -> tuple[float, float, int, int]:
    times, queries, rows = [], 0, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
        queries, rows = len(ctx.captured_queries), len(response.json()["results"])
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], queries, rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--shipments", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--reload", action="store_true")
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "the benchmark runs on PostgreSQL"
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    loaded = (Customer.objects.count(), Shipment.objects.count())
    if args.reload or loaded != (args.customers, args.shipments):
        started = time.perf_counter()
        load(args.customers, args.shipments)
        print(f"loaded in {time.perf_counter() - started:.0f} s")
    print(f"{Customer.objects.count():,} customers, {Shipment.objects.count():,} shipments")

    small = Customer.objects.get(code="C000002").pk
    explain("customers: nothing typed", Customer.objects.only("code", "name").order_by("code")[:20])
    for q in ["C0123", "大庆", "大庆油田", "石化股份", "9971", "没有这家"]:
        rows = selectors._by_code(Customer.objects.only("code", "name"), q)
        rows = selectors._matching(rows, q, "code", "name")
        explain(f"customers q={q!r}", rows[: selectors.AUTOCOMPLETE_LIMIT])
    explain(
        "shipments of the big customer, q=''",
        Shipment.objects.filter(customer_id=1).select_related("product").order_by("-ship_date", "-id")[:20],
    )
    customers_matching("")  # warm up
    material_batches_matching("")
    shipments_matching(small, "")

    user, _ = User.objects.get_or_create(username="bench-autocomplete")
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get(name=Role.SALES))
    client = Client()
    client.force_login(user)
    cases = [
        ("autocomplete-customers", {"q": ""}),
        ("autocomplete-customers", {"q": "C0123"}),
        ("autocomplete-customers", {"q": "大庆"}),
        ("autocomplete-customers", {"q": "大庆油田"}),
        ("autocomplete-customers", {"q": "9971"}),
        ("autocomplete-customers", {"q": "石化 9971"}),
        ("autocomplete-customers", {"q": "没有这家"}),
        ("autocomplete-suppliers", {"q": "油田"}),
        ("autocomplete-products", {"q": "油管"}),
        ("autocomplete-material-batches", {"q": "B00123"}),
        ("autocomplete-material-batches", {"q": "N80"}),
        ("autocomplete-shipments", {"customer": small, "q": ""}),
        ("autocomplete-shipments", {"customer": 1, "q": ""}),
        ("autocomplete-shipments", {"customer": 1, "q": "L0000"}),
        ("autocomplete-shipments", {"customer": 1, "q": "没有"}),
    ]
    print(f"\n{'endpoint':32} {'params':36} {'p50 ms':>7} {'p95 ms':>7} {'queries':>7} {'rows':>5}")
    for name, params in cases:
        p50, p95, queries, rows = timed(client, reverse(name), params, args.repeat)
        print(f"{name:32} {params!s:36} {p50:7.1f} {p95:7.1f} {queries:7d} {rows:5d}")


if __name__ == "__main__":
    main()
