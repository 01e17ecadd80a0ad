"""Run by benchmarks/load_test.py in the load test's database, with the site's settings:
adds what the 100,000-ticket benchmark data lacks for the mix (finance people, disputes with
draft vouchers), then writes what the simulated people pick from (ticket numbers, ids, search
words, accounts) as JSON to the path given.

    DATABASE_URL=... DJANGO_SETTINGS_MODULE=config.settings.production \\
        .venv/bin/python benchmarks/load/prepare.py /tmp/data.json
"""

import datetime
import json
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import django

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import transaction  # noqa: E402

from accounting import rules, services  # noqa: E402
from accounting.models import QualityDispute, Voucher  # noqa: E402
from accounts.models import User  # noqa: E402
from benchmarks import tickets_bench  # noqa: E402
from benchmarks.accounting_bench import SAMPLES  # noqa: E402
from benchmarks.load.mix import ACCOUNT_ROLES  # noqa: E402
from masterdata.models import Customer, Product  # noqa: E402
from tickets.models import Ticket  # noqa: E402

PASSWORD = "bench"  # noqa: S105 - the benchmark accounts' password (tickets_bench.people)
FINANCE_PEOPLE = 5
DISPUTES = 300


def finance_people() -> list[User]:
    group, _ = Group.objects.get_or_create(name="finance")
    people = []
    for i in range(FINANCE_PEOPLE):
        user, created = User.objects.get_or_create(
            username=f"bench-finance-{i}", defaults={"full_name": f"财务{i}"}
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
            user.groups.add(group)
        people.append(user)
    return people


def disputes(by: User) -> None:
    for i in range(QualityDispute.objects.count(), DISPUTES):
        data = dict(SAMPLES[i % len(SAMPLES)])
        fields = {k: (Decimal(v) if k in rules.NUMBER_FIELDS else v) for k, v in data.items()}
        with transaction.atomic():
            dispute = services.dispute_create(
                by=by, booking_date=datetime.date(2026, 11, 1 + i % 28), **fields
            )
            services.dispute_generate_vouchers(dispute=dispute, by=by)


def main(path: str) -> None:
    tickets_bench.people()
    finance = finance_people()
    disputes(finance[0])
    customers = list(Customer.objects.order_by("id").values_list("id", "name"))
    numbers = list(Ticket.objects.order_by("?").values_list("number", flat=True)[:3000])
    accounts = {
        role: list(
            User.objects.filter(groups__name__in=groups, is_active=True)
            .order_by("username")
            .values_list("username", flat=True)
        )
        for role, groups in ACCOUNT_ROLES.items()
    }
    data = {
        "password": PASSWORD,
        "accounts": {role: [{"username": u} for u in names] for role, names in accounts.items()},
        "tickets": numbers,
        "customers": [pk for pk, _ in customers],
        "products": list(Product.objects.values_list("id", flat=True)),
        "disputes": list(QualityDispute.objects.values_list("id", flat=True)),
        "vouchers": list(Voucher.objects.values_list("id", flat=True)),
        "states": list(Ticket.objects.values_list("state", flat=True).distinct()),
        # What people type: the start of a customer's name, a ticket number, a defect word.
        "search_words": sorted({name[:2] for _, name in customers})[:20]
        + numbers[:20]
        + ["渗漏", "螺纹", "接箍", "裂纹"],
    }
    Path(path).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    print(
        f"prepared: {len(numbers)} ticket numbers, {len(data['disputes'])} disputes, "
        f"{len(data['vouchers'])} vouchers, accounts "
        + ", ".join(f"{role} {len(a)}" for role, a in accounts.items())
    )


if __name__ == "__main__":
    main(sys.argv[1])
