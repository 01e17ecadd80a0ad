"""The production smoke test: the site built and started exactly as the README says, then
used by a person in Chromium, with real PostgreSQL, Redis and an SMTP server.

A fresh database (dropped at the end); `bin/build`, `bin/migrate`; users made with
`createuser` and `import_users`; `bin/web` (gunicorn), `bin/worker` and `bin/beat` as three
processes on free ports. Chromium logs in over plain http (INSECURE_PLAIN_HTTP, the LAN-trial
switch), logs a complaint with a photo, and the project manager plans it; the e-mails
arrive; every static file the pages use answers 200 with a long-lived immutable cache;
/healthz answers 200. Then the worker dies while notifications are queued: everything queued
meanwhile arrives exactly once after a restart; and a worker killed mid-queue loses nothing
silently and sends nothing twice (at most once, docs/notify.md).

It prints how long each phase took. Every wait is on a condition, with a bound.
"""

import concurrent.futures
import contextlib
import datetime
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
import redis
from django.conf import settings
from PIL import Image

from tests.browser.conftest import CHROMIUM, LAUNCH_ARGS
from tests.browser.intake import choose, finish_intake
from tests.conftest import _broker_answers, _missing
from tests.deploy.conftest import ROOT, production_env, server_connection
from tests.notify.live import free_port, smtp_server

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.browser]

PASSWORD = "Smoke-test-Pass-2026"
STAFF_CSV = """用户名,姓名,邮箱,角色,启用
prod1,赵生产,prod1@smoke.example.com,生产经理,是
qc1,周质检,qc1@smoke.example.com,qc,是
tech1,郑技术,tech1@smoke.example.com,technical,是
"""
MASTER_DATA = """
import datetime
from decimal import Decimal
from masterdata.models import Customer, Product, Shipment
c = Customer.objects.create(code="C-DQ", name="大庆油田装备有限公司")
p = Product.objects.create(code="P-139", name="石油套管", specification="139.7mm N80")
Shipment.objects.create(customer=c, product=p, lot_number="LOT-0801", quantity=Decimal("100"),
                        ship_date=datetime.date(2026, 10, 8), order_number="SO-2026-0801")
"""
# Three events of four recipients each, written in one transaction: twelve e-mails queued
# as three tasks.
BACKLOG = """
from django.db import transaction
from accounts.models import User
from notify.services import notify
people = list(User.objects.filter(username__in=["pm1", "prod1", "qc1", "tech1"]))
with transaction.atomic():
    for i in range(3):
        notify(event_key=f"smoke:backlog:{i}", event="smoke.backlog", recipients=people,
               template="notify/email/message", link="/",
               context={"title": f"积压通知 {i}", "text": "工人进程重启测试"}, number=f"SMOKE-{i}")
"""


class Phases:
    def __init__(self):
        self.took: list[tuple[str, float]] = []

    @contextlib.contextmanager
    def __call__(self, name: str):
        started = time.monotonic()
        yield
        self.took.append((name, time.monotonic() - started))

    def report(self) -> str:
        total = sum(t for _, t in self.took)
        lines = [f"  {t:6.1f} s  {name}" for name, t in self.took]
        return "\n".join(["production smoke test, phases:", *lines, f"  {total:6.1f} s  total"])


class Service:
    """A bin/ script as its own process group, its output in a log file."""

    def __init__(self, name: str, env: dict, logs: Path):
        self.name, self.env = name, env
        self.log = logs / f"{name}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Service":
        handle = self.log.open("ab")
        self.proc = subprocess.Popen(
            [f"bin/{self.name}"],
            cwd=ROOT,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        handle.close()
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_for(self, text: str, timeout: float = 60, after: int = 0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output()[after:]:
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"bin/{self.name} exited {self.proc.returncode}:\n{self.output()[-4000:]}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"bin/{self.name}: no {text!r} after {timeout}s:\n{self.output()[-4000:]}"
                )
            time.sleep(0.1)

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        elif self.proc:
            with contextlib.suppress(ProcessLookupError):  # children left by a dead parent
                os.killpg(self.proc.pid, signal.SIGKILL)


def wait_until(condition, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def fetch(url: str, **headers: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http on loopback only
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _png(path: Path) -> Path:
    image = Image.new("RGB", (320, 240), "#c0392b")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def services_ready():
    """What the stack needs on this machine; skips with a reason (fails under REQUIRE_SERVICES)."""
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        _missing(f"Chromium not installed at {CHROMIUM} (apt-get install chromium)")
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis://") or not _broker_answers(broker):
        _missing("needs Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/<n>")
    return broker


def _purge(broker: str) -> None:
    """Empty the default queue and the unacknowledged set of this Redis DB (our own)."""
    client = redis.Redis.from_url(broker)
    client.delete("celery", "unacked", "unacked_index", "unacked_mutex")
    client.close()


def _queue_length(broker: str) -> int:
    client = redis.Redis.from_url(broker)
    try:
        return client.llen("celery")
    finally:
        client.close()


def test_the_production_stack_works_end_to_end(services_ready, fresh_database, tmp_path, capsys):
    broker = services_ready
    db_name, db_url = fresh_database
    phase = Phases()
    logs = tmp_path / "logs"
    logs.mkdir()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    _purge(broker)

    with smtp_server() as (smtp_port, mail):
        env = production_env(
            DATABASE_URL=db_url,
            CELERY_BROKER_URL=broker,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SITE_URL=base,
            INSECURE_PLAIN_HTTP="true",
            EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
            EMAIL_TIMEOUT="10",
            STATIC_ROOT=str(tmp_path / "staticfiles"),
            MEDIA_ROOT=str(tmp_path / "media"),
            BEAT_SCHEDULE=str(tmp_path / "beat" / "schedule"),
            WEB_BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY="2",
            WORKER_CONCURRENCY="1",
            NOTIFY_RESEND_EVERY_SECONDS="3",
            NOTIFY_RESEND_GRACE_SECONDS="3",
            KST_PYTHON=sys.executable,
            LOG_LEVEL="INFO",
        )

        def manage(*args: str, stdin: str = "") -> str:
            result = subprocess.run(
                [sys.executable, "manage.py", *args],
                cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=120,
            )  # fmt: skip
            assert result.returncode == 0, (
                f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr[-3000:]}"
            )
            return result.stdout

        def script(name: str) -> None:
            result = subprocess.run(
                [f"bin/{name}"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
            )
            assert result.returncode == 0, f"bin/{name}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"

        def sql(query: str) -> list[tuple]:
            with contextlib.closing(server_connection(db_name)) as conn, conn.cursor() as cursor:
                cursor.execute(query)
                return cursor.fetchall()

        web, worker, beat = (Service(n, env, logs) for n in ("web", "worker", "beat"))
        try:
            with phase("bin/build (compiletranslations, collectstatic)"):
                script("build")
            with phase("bin/migrate on a fresh PostgreSQL database"):
                script("migrate")
            with phase("createuser x2, import_users, master data (side by side)"):
                (tmp_path / "staff.csv").write_text(STAFF_CSV, encoding="utf-8-sig")
                commands = [
                    (["createuser", name, "--role", role, "--email", f"{name}@smoke.example.com",
                      "--password-stdin"], PASSWORD + "\n", f"已创建用户 {name}")
                    for name, role in (("sales1", "sales"), ("pm1", "project_manager"))
                ] + [
                    (["import_users", str(tmp_path / "staff.csv")], "", "新建 3 人"),
                    (["shell", "--no-imports", "-c", MASTER_DATA], "", ""),
                ]  # fmt: skip
                with concurrent.futures.ThreadPoolExecutor(len(commands)) as pool:
                    outputs = list(pool.map(lambda c: manage(*c[0], stdin=c[1]), commands))
                for (_args, _stdin, expected_text), out in zip(commands, outputs, strict=True):
                    assert expected_text in out, out
            with phase("start bin/web, bin/worker, bin/beat"):
                web.start(), worker.start(), beat.start()
                worker.wait_for(" ready.")
                wait_until(
                    lambda: fetch(f"{base}/healthz")[0] == 200, 60, f"/healthz 200\n{web.output()[-3000:]}"
                )
                beat.wait_for("Sending due task resend-notifications", timeout=30)

            with phase("Chromium: sign in, log a complaint with a photo, plan it as another role"):
                first = browse(base, tmp_path)
            with phase("e-mails of the intake and the plan arrive"):
                expected = {f"{u}@smoke.example.com" for u in ("pm1", "prod1", "qc1", "tech1")}
                arrived = mail.wait_until(lambda ms: len(ms) >= 5, timeout=30)
                intake = [m for m in arrived if first["number"] in m["subject"]]
                assert Counter(m["to"][0] for m in intake) == Counter(
                    [*expected, "prod1@smoke.example.com"]
                ), _summary(arrived)
                assert all(base in m["body"] for m in intake)

            with phase("static files and /healthz"):
                assert first["static"], "the pages referenced no static files"
                for url in sorted(first["static"]):
                    status, headers, _ = fetch(f"{base}{url}", **{"Accept-Encoding": "gzip"})
                    assert status == 200, url
                    assert "immutable" in headers.get("Cache-Control", ""), (url, headers)
                    assert "max-age=315360000" in headers["Cache-Control"], (url, headers)
                assert all(status == 200 for status in first["responses"].values()), first["responses"]
                status, _, body = fetch(f"{base}/healthz")
                assert status == 200 and json.loads(body) == {
                    "status": "ok", "database": "ok", "broker": "ok", "pages": "ok"
                }  # fmt: skip

            with phase("worker dead while work is queued; restarted, each e-mail once"):
                worker.kill()
                mail.reset()
                second = browse(base, tmp_path)
                assert mail.messages == []  # nobody to send them
                pending = sql("SELECT count(*) FROM core_notification WHERE status = 'pending'")[0][0]
                assert pending == 5
                mark = len(worker.output())
                worker.start()
                worker.wait_for(" ready.", after=mark)
                wait_until(
                    lambda: sql("SELECT count(*) FROM core_notification WHERE status <> 'sent'")[0][0] == 0,
                    60,
                    "every notification sent",
                )
                # Beat queued the same rows again while the worker was dead: let the worker
                # work through every copy before counting.
                wait_until(lambda: _queue_length(broker) == 0, 30, "the queue to drain")
                arrived = mail.wait_until(lambda ms: len(ms) >= 5, timeout=10)
                assert Counter(m["to"][0] for m in arrived if second["number"] in m["subject"]) == Counter(
                    [*expected, "prod1@smoke.example.com"]
                ), _summary(arrived)
                assert len(arrived) == 5, _summary(arrived)

            with phase("worker killed mid-queue; restarted, nothing lost or sent twice"):
                worker.stop()
                mail.reset(delay=0.3)  # a slow mail server: the worker is busy for seconds
                manage("shell", "--no-imports", "-c", BACKLOG)
                worker.start()
                mail.wait_until(lambda ms: len(ms) >= 3, timeout=60)
                worker.kill()
                mail.delay = 0
                killed_at = len(mail.messages)
                mark = len(worker.output())
                worker.start()
                worker.wait_for(" ready.", after=mark)

                def settled():
                    rows = sql("SELECT status, count(*) FROM core_notification GROUP BY status")
                    counts = dict(rows)
                    return set(counts) <= {"sent", "sending"} and counts.get("sending", 0) <= 1 and counts

                counts = wait_until(settled, 60, "the backlog sent (beat resends what the dead worker held)")
                wait_until(lambda: _queue_length(broker) == 0, 30, "the queue to drain")
                backlog = [m for m in mail.messages if "SMOKE-" in m["subject"]]
                per_mail = Counter((m["to"][0], m["subject"]) for m in backlog)
                assert max(per_mail.values()) == 1, f"sent twice: {per_mail}"  # nothing twice
                sending = counts.get("sending", 0)
                # Each row sent arrived exactly once; a row the worker died sending stays
                # 'sending' (uncertain after the lease), its mail arrived at most once.
                assert 12 - sending <= len(backlog) <= 12, (counts, _summary(backlog))
                assert killed_at < 12, "the worker was killed after the backlog was done"
        finally:
            for service in (web, worker, beat):
                service.stop()
            _purge(broker)
            output_dir = ROOT / "test-output"
            output_dir.mkdir(exist_ok=True)
            for service in (web, worker, beat):
                if service.log.exists():
                    shutil.copy(service.log, output_dir / f"smoke-{service.name}.log")

    report = phase.report()
    (ROOT / "test-output" / "smoke-timings.txt").write_text(report + "\n")
    with capsys.disabled():
        print("\n" + report)


def _summary(messages: list[dict]) -> str:
    return "\n".join(f"{m['to']} {m['subject']}" for m in messages)


def browse(base: str, tmp_path: Path) -> dict:
    """_browse in a thread of its own with its own Chromium: Playwright's sync API refuses to
    start in a thread where another one (tests/browser's session browser) is running."""

    def run() -> dict:
        # Imported here: in the thread that runs it.
        from playwright.sync_api import sync_playwright  # noqa: PLC0415

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
            try:
                return _browse(browser, base, tmp_path)
            finally:
                browser.close()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def _browse(browser, base: str, tmp_path: Path) -> dict:
    """Sales logs a complaint with a photo; the project manager plans it. Returns the ticket
    number, every static URL the pages referenced and the status of every response."""
    found: dict = {"static": set(), "responses": {}}

    def record(response):
        if "/static/" in response.url or "/tickets/photos/" in response.url:
            found["responses"][response.url] = response.status

    def collect_static(page):
        found["static"].update(re.findall(r'(?:href|src)="(/static/[^"]+)"', page.content()))

    def sign_in(page, username):
        page.context.clear_cookies()
        page.goto(f"{base}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("#current-user")
        collect_static(page)

    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("response", record)
        sign_in(page, "sales1")
        page.goto(f"{base}/tickets/new/")
        page.wait_for_selector("#intake-form")
        collect_static(page)
        choose(page, "customer", "大庆")
        page.fill("#id_caller_name", "张工")
        page.fill("#id_caller_phone", "13900001111")
        page.fill("#id_customer_words", "套管接箍处漏了,井队已经停工!")
        page.fill("#id_description", "第三根套管接箍螺纹处渗漏")
        choose(page, "shipment", "LOT-0801")
        page.set_input_files("#id_photos", str(_png(tmp_path / "接箍渗漏.png")))
        page.wait_for_selector("#photo-previews img")
        finish_intake(page)
        number = page.locator("#ticket-number").inner_text()
        page.wait_for_function("document.querySelector('#photos img').naturalWidth > 0")
        collect_static(page)
        found["number"] = number
        url = page.url
        sign_in(page, "pm1")
        page.goto(url)
        page.evaluate("document.querySelector('#action-plan').open = true")
        today = datetime.date.today()
        page.fill("#id_plan-start_date", today.isoformat())
        page.fill("#id_plan-end_date", (today + datetime.timedelta(days=3)).isoformat())
        page.fill("#id_plan-scope", "现场检查接箍并更换")
        page.select_option("#id_plan-mode", "onsite")
        page.fill("#id_plan-travellers", "孙售后")
        page.click("#action-plan button[type=submit]")
        page.wait_for_selector(".alert-success")
        assert page.locator("#ticket-state").inner_text() == "已计划"
        collect_static(page)
    finally:
        context.close()
    return found
