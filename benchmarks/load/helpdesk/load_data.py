"""django-helpdesk's side of the load test: migrate its database, load N tickets with ~10
follow-ups each (like our benchmark data: tickets over two years, most of them closed), staff
accounts, and write what the simulated people pick from as JSON. Run by benchmarks/load_test.py
--helpdesk with the helpdesk virtualenv's Python; a second run finds the tickets there and only
writes the JSON.

    HELPDESK_DATABASE=kst_loadtest_helpdesk SECRET_KEY=... PYTHONPATH=benchmarks/load/helpdesk \\
        /work/helpdesk-venv/bin/python benchmarks/load/helpdesk/load_data.py /tmp/hd.json
"""

import argparse
import base64
import json
import time

import django

django.setup()

# isort: split
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from helpdesk.models import Queue, Ticket  # noqa: E402

PASSWORD = "bench"  # noqa: S105 - the benchmark accounts' password, as ours
STAFF = 20


def query(**params) -> str:
    """A ticket list query as helpdesk's list page encodes it for its datatables call."""
    q = {
        "filtering": {},
        "filtering_null": {},
        "sorting": "created",
        "sortreverse": False,
        "search_string": "",
    }
    q.update(params)
    return base64.b64encode(json.dumps(q).encode()).decode("ascii")


def load(n: int) -> None:
    started = time.monotonic()
    with connection.cursor() as cursor:
        # Two years back, status mix like ours (most closed), ~10 follow-ups each.
        cursor.execute(
            """
            INSERT INTO helpdesk_ticket (title, created, modified, submitter_email, status, on_hold,
                description, resolution, priority, due_date, assigned_to_id, queue_id, secret_key)
            SELECT '套管接箍渗漏 第' || g || '号投诉', now() - (g %% 730) * interval '1 day',
                   now() - (g %% 730) * interval '1 day' + interval '3 days',
                   'c' || (g %% 300) || '@example.com',
                   CASE WHEN g %% 100 < 85 THEN 4 WHEN g %% 100 < 90 THEN 3
                        WHEN g %% 100 < 98 THEN 1 ELSE 2 END,
                   false, '下井第三根套管接箍处渗漏，客户第' || (g %% 300) || '采油厂', '', 1 + g %% 5, NULL,
                   (%s)[1 + g %% %s], (%s)[1 + g %% %s], md5(g::text)::uuid::text
            FROM generate_series(1, %s) g
            """,
            [staff_ids(), STAFF, queue_ids(), len(queue_ids()), n],
        )
        cursor.execute(
            """
            INSERT INTO helpdesk_followup (date, title, comment, public, new_status, ticket_id, user_id)
            SELECT t.created + f * interval '4 hours', '跟进 ' || f, '已联系客户，安排现场检查', f % 2 = 0,
                   NULL, t.id, t.assigned_to_id
            FROM helpdesk_ticket t, generate_series(1, 10) f
            """
        )
        cursor.execute("ANALYZE")
    print(
        f"django-helpdesk: {n} tickets and {n * 10} follow-ups loaded in {time.monotonic() - started:.0f} s"
    )


def staff_ids() -> list[int]:
    ids = []
    for i in range(STAFF):
        user, created = User.objects.get_or_create(username=f"hd-staff-{i}", defaults={"is_staff": True})
        if created:
            user.set_password(PASSWORD)
            user.save()
        ids.append(user.pk)
    return ids


def queue_ids() -> list[int]:
    for slug, title in [("complaints", "客户投诉"), ("quality", "质量问题"), ("service", "现场服务")]:
        Queue.objects.get_or_create(slug=slug, defaults={"title": title, "allow_public_submission": False})
    return list(Queue.objects.order_by("pk").values_list("pk", flat=True))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--tickets", type=int, default=100_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if Ticket.objects.count() < args.tickets:
        load(args.tickets - Ticket.objects.count())
    ids = list(Ticket.objects.order_by("?").values_list("pk", flat=True)[:3000])
    words = ["渗漏", "接箍", "采油厂", "第12"]
    data = {
        "password": PASSWORD,
        "accounts": [{"username": f"hd-staff-{i}"} for i in range(STAFF)],
        "tickets": ids,
        "queues": queue_ids(),
        "staff": staff_ids(),
        "search_words": words,
        "queries": {
            "open": query(filtering={"status__in": [1, 2]}),
            "states": [query(filtering={"status__in": [s]}) for s in (1, 2, 3, 4)],
            "search": [query(filtering={"status__in": [1, 2]}, search_string=w) for w in words],
        },
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
    print(f"django-helpdesk: {Ticket.objects.count()} tickets, {len(data['accounts'])} staff accounts")


if __name__ == "__main__":
    main()
