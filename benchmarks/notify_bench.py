"""Benchmark: the request never waits for mail.

Runs N real ticket transitions (default 1,000 "plan the service" requests, posted to the
ticket page's action URL through Django's test client, in-process: middleware, session,
the workflow service, its outbox rows and the send queued on commit), twice: with an SMTP
server that answers at once, and with one that takes 1 s per message. Prints the request
latency p50/p95 of both (target: no difference beyond noise) and the delivery rate of two
worker processes, measured over a bounded window. Each plan tells the two production
managers (2 mails). The tickets are logged before the timing starts (their intake mails
are discarded) so the timed requests are transitions only.

Needs PostgreSQL and Redis (the workers share the database):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kst_notify_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/3 .venv/bin/python benchmarks/notify_bench.py

`--action commitment` measures the older action (a promise and 2 outbox rows, no HTTP).
Another action: add a function to ACTIONS (it gets (run, i, people) and performs one user
action; an optional PREPARE[name](count, people) sets up what it needs, untimed).
"""

import argparse
import contextlib
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._db import ensure_database  # noqa: E402


def serve_smtp(port: int, delay: float, log_path: str) -> None:
    """The SMTP server, in its own process so that parsing mail does not take the GIL
    from the actions being timed. One line per accepted message; stops when stdin closes."""
    import asyncio

    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self, out):
            self.out = out

        async def handle_DATA(self, server, session, envelope):
            if delay:
                await asyncio.sleep(delay)
            self.out.write(f"{time.time()} {','.join(envelope.rcpt_tos)}\n")
            self.out.flush()
            return "250 Message accepted for delivery"

    with open(log_path, "a", encoding="utf-8") as out:
        controller = Controller(Handler(out), hostname="127.0.0.1", port=port, ready_timeout=10)
        controller.start()
        print("ready", flush=True)
        sys.stdin.read()
        controller.stop()


if __name__ == "__main__" and sys.argv[1:2] == ["--serve-smtp"]:
    serve_smtp(int(sys.argv[2]), float(sys.argv[3]), sys.argv[4])
    sys.exit(0)

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kst_notify_bench")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/3")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
os.environ["DEBUG"] = "0"  # DEBUG keeps every query in memory: not what production measures
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")


ensure_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import Role  # noqa: E402
from config.celery_app import app as celery_app  # noqa: E402
from masterdata.models import Customer  # noqa: E402
from notify.models import Notification  # noqa: E402
from notify.services import notify  # noqa: E402
from promises.models import Commitment  # noqa: E402
from promises.services import commitment_create  # noqa: E402
from tests.notify.live import database_url, free_port, workers  # noqa: E402


class SmtpLog:
    def __init__(self, path: str):
        self.path = path

    def times(self) -> list[float]:
        with open(self.path, encoding="utf-8") as f:
            return [float(line.split(" ", 1)[0]) for line in f if line.strip()]

    def wait_for(self, count: int, timeout: float) -> list[float]:
        deadline = time.time() + timeout
        while True:
            times = self.times()
            if len(times) >= count or time.time() >= deadline:
                return times
            time.sleep(0.1)


@contextlib.contextmanager
def smtp_process(delay: float):
    port = free_port()
    with tempfile.NamedTemporaryFile(prefix="smtp-", suffix=".log", delete=False) as log:
        path = log.name
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve-smtp", str(port), str(delay), path],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        if proc.stdout.readline().strip() != "ready":
            raise RuntimeError("the SMTP server did not start")
        yield port, SmtpLog(path)
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        os.unlink(path)


def action_commitment(run: str, i: int, people: dict) -> None:
    """A promise recorded on a record and its people told (2 outbox rows: to + cc), the
    shape of a ticket transition: one transaction, rows written inside, send on commit."""
    with transaction.atomic():
        promise = commitment_create(
            owner=people["owner"],
            by=people["owner"],
            description=f"回电告知处理进度 #{i}",
            due_at=timezone.now() + datetime.timedelta(hours=4),
        )
        notify(
            event_key=f"bench:{run}:{i}",
            event="bench.action",
            recipients=[people["owner"]],
            cc=[people["manager"]],
            template="notify/email/message",
            context={"title": f"承诺已登记 #{i}", "text": promise.description},
            link="/promises/",
            number=f"P-{promise.pk}",
        )


def prepare_tickets(count: int, people: dict) -> None:
    """`count` complaints in state received, logged by sales (untimed). Their intake mails
    are not part of the measurement: rows deleted, queued sends purged."""
    from tickets.services import ticket_create

    customer, _ = Customer.objects.get_or_create(code="BENCH", defaults={"name": "基准测试客户"})
    people["tickets"] = [
        ticket_create(
            by=people["sales"],
            customer=customer,
            customer_words="套管接箍渗漏,井队停工",
            description=f"接箍渗漏 #{i}",
            quantity=1,
            site="长庆油田 12 号井场",
            remedy="exchange",
            paraphrase="您是说接箍渗漏,要求换货,对吗?",
            customer_confirmed=True,
            emotion="worried",
            severity="high",
        )
        for i in range(count)
    ]
    Notification.objects.all().delete()
    celery_app.control.purge()
    people["next"] = 0


def action_ticket(run: str, i: int, people: dict) -> None:
    """One real request: the project manager plans the service of the next received ticket
    (POST /tickets/<number>/act/plan/ -> 302). The plan tells both production managers."""
    ticket = people["tickets"][people["next"]]
    people["next"] += 1
    today = timezone.localdate()
    data = {
        "plan-start_date": today,
        "plan-end_date": today + datetime.timedelta(days=2),
        "plan-scope": f"现场检查 #{i}",
        "plan-mode": "onsite",
        "plan-travellers": "李师傅",
        "version": ticket.version,
    }
    response = people["client"].post(reverse("tickets:act", args=[ticket.number, "plan"]), data)
    if response.status_code != 302:
        raise RuntimeError(f"plan refused: {response.status_code}")


ACTIONS = {"commitment": action_commitment, "ticket": action_ticket}
PREPARE = {"ticket": prepare_tickets}


def _people() -> dict:
    from django.contrib.auth.models import Group

    def user(name, language, role=None):
        u, _ = User.objects.get_or_create(
            username=name, defaults={"email": f"{name}@example.com", "language": language, "full_name": name}
        )
        if role:
            u.groups.add(Group.objects.get_or_create(name=role)[0])
        return u

    people = {
        "owner": user("bench-owner", "zh-hans"),
        "manager": user("bench-manager", "en"),
        "sales": user("bench-sales", "zh-hans", Role.SALES),
        "pm": user("bench-pm", "zh-hans", Role.PROJECT_MANAGER),
        "prod": user("bench-prod", "zh-hans", Role.PRODUCTION_MANAGER),
        "prod_en": user("bench-prod-en", "en", Role.PRODUCTION_MANAGER),
    }
    # Only the bench's own people hold the ticket roles (so each plan mails exactly 2).
    for role in (Role.PRODUCTION_MANAGER, Role.PROJECT_MANAGER):
        for u in User.objects.filter(groups__name=role).exclude(pk__in=[p.pk for p in people.values()]):
            u.groups.remove(Group.objects.get(name=role))
    client = Client()
    client.force_login(people["pm"])
    people["client"] = client
    return people


def _prepare(args, people: dict, count: int) -> None:
    prepare = PREPARE.get(args.action)
    if prepare:
        started = time.time()
        prepare(count, people)
        print(f"{'':<24} ({count} tickets logged for it in {time.time() - started:.1f} s)", flush=True)


def _pct(values: list[float], p: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] if len(values) > 1 else values[0]
    )


def phase(*, label: str, delay: float, args, people: dict, worker_count: int | None = None) -> dict:
    Notification.objects.all().delete()
    Commitment.objects.all().delete()
    celery_app.control.purge()
    run = uuid.uuid4().hex[:8]
    action = ACTIONS[args.action]
    worker_count = args.workers if worker_count is None else worker_count
    _prepare(args, people, args.actions + 5)
    with smtp_process(delay) as (port, smtp):
        env = {
            "database_url": database_url(connection.settings_dict),
            "broker_url": celery_app.conf.broker_url,
            "smtp_port": port,
        }
        with workers(worker_count, **env):
            for i in range(5):  # warm-up: connections, templates, broker pool
                action(f"warm{run}", i, people)
            warm = len(smtp.wait_for(10, timeout=10 if worker_count else 0))
            warm_last = Notification.objects.aggregate(m=Max("id"))["m"] or 0
            latencies = []
            started = time.time()
            for i in range(args.actions):
                t = time.perf_counter()
                action(run, i, people)
                latencies.append((time.perf_counter() - t) * 1000)
            actions_done = time.time()
            expected = Notification.objects.filter(id__gt=warm_last).count()
            window_end = started + (args.window if worker_count else 0)
            arrived = smtp.wait_for(warm + expected, timeout=max(window_end - time.time(), 0))
            delivered = [t for t in arrived[warm:] if t <= window_end]
            elapsed = min(time.time(), window_end) - started
            if delivered and len(delivered) == expected:
                elapsed = delivered[-1] - started
    result = {
        "label": label,
        "p50": _pct(latencies, 50),
        "p95": _pct(latencies, 95),
        "max": max(latencies),
        "actions_s": actions_done - started,
        "expected": expected,
        "delivered": len(delivered),
        "elapsed": elapsed,
        "rate": len(delivered) / elapsed if elapsed > 0 else 0.0,
    }
    print(
        f"{label:<24} request latency p50 {result['p50']:6.2f} ms  p95 {result['p95']:6.2f} ms  "
        f"max {result['max']:7.2f} ms  ({args.actions} actions in {result['actions_s']:.1f} s)"
        + (
            f"\n{'':<24} delivered {result['delivered']}/{expected} mails in {elapsed:.1f} s "
            f"-> {result['rate']:.1f} mails/s with {worker_count} worker processes"
            if worker_count
            else ""
        ),
        flush=True,
    )
    return result


def drain(*, args, people: dict) -> None:
    """Delivery alone: the actions' mail is queued first, then the workers start, so the
    rate is not shared with the process doing the actions."""
    Notification.objects.all().delete()
    Commitment.objects.all().delete()
    celery_app.control.purge()
    run = uuid.uuid4().hex[:8]
    _prepare(args, people, args.actions)
    for i in range(args.actions):
        ACTIONS[args.action](run, i, people)
    expected = Notification.objects.count()
    with smtp_process(0.0) as (port, smtp):
        env = {
            "database_url": database_url(connection.settings_dict),
            "broker_url": celery_app.conf.broker_url,
            "smtp_port": port,
        }
        started = time.time()
        with workers(args.workers, **env):
            ready = time.time()
            arrived = smtp.wait_for(expected, timeout=args.window)
    done = arrived[-1] if arrived else time.time()
    print(
        f"{'drain, SMTP instant':<24} {len(arrived)}/{expected} queued mails delivered in "
        f"{done - ready:.1f} s after the workers were up ({(ready - started):.1f} s to start) "
        f"-> {len(arrived) / max(done - ready, 1e-9):.1f} mails/s with {args.workers} worker processes",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", type=int, default=1000)
    parser.add_argument("--action", choices=sorted(ACTIONS), default="ticket")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (solo pool each)")
    parser.add_argument("--slow-delay", type=float, default=1.0, help="seconds the slow SMTP server takes")
    parser.add_argument("--window", type=float, default=30.0, help="seconds to measure delivery over")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    people = _people()
    print(
        f"database {connection.settings_dict['NAME']}, broker {celery_app.conf.broker_url}, "
        f"action {args.action!r}, {args.actions} actions, delivery window {args.window:.0f} s"
    )
    # Baseline: nothing consumes the queue, so no worker competes for the CPU.
    phase(label="no worker (queue only)", delay=0.0, args=args, people=people, worker_count=0)
    fast = phase(label="SMTP instant", delay=0.0, args=args, people=people)
    slow = phase(label=f"SMTP {args.slow_delay:g} s/message", delay=args.slow_delay, args=args, people=people)
    drain(args=args, people=people)
    print(
        f"latency difference slow - instant: p50 {slow['p50'] - fast['p50']:+.2f} ms, "
        f"p95 {slow['p95'] - fast['p95']:+.2f} ms"
    )
    Notification.objects.all().delete()
    Commitment.objects.all().delete()
    celery_app.control.purge()


if __name__ == "__main__":
    main()
