"""Real services for the delivery tests and the benchmark: an SMTP server on loopback
(aiosmtpd) and Celery worker subprocesses against the real broker and database."""

import asyncio
import contextlib
import email
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from email.policy import default as default_policy
from pathlib import Path
from urllib.parse import quote

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]


def wait_until(condition, *, timeout: float, failing, every: float = 0.05):
    """Poll condition() until it returns something truthy and return that. After `timeout`
    seconds fail with AssertionError(failing), or failing() when it is a callable (e.g. one
    that adds the worker's log). The way to wait on real services: never a fixed sleep."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"after {timeout}s: {failing() if callable(failing) else failing}")
        time.sleep(every)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """aiosmtpd handler keeping every accepted message; `delay` seconds per message
    imitates a slow mail server (asyncio: several connections wait in parallel)."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.messages: list[dict] = []
        self.started: list[float] = []  # when each DATA began (before the delay)
        self._lock = threading.Lock()
        self.arrived = threading.Condition(self._lock)

    async def handle_DATA(self, server, session, envelope):
        self.started.append(time.monotonic())
        if self.delay:
            await asyncio.sleep(self.delay)
        parsed = email.message_from_bytes(
            envelope.original_content or envelope.content, policy=default_policy
        )
        body = parsed.get_body(("plain",))
        with self.arrived:
            self.messages.append(
                {
                    "from": envelope.mail_from,
                    "to": list(envelope.rcpt_tos),
                    "subject": str(parsed["subject"]).strip(),
                    "body": body.get_content() if body is not None else "",
                    "at": time.monotonic(),
                }
            )
            self.arrived.notify_all()
        return "250 Message accepted for delivery"

    def reset(self, delay: float = 0.0) -> None:
        with self._lock:
            self.messages.clear()
            self.started.clear()
            self.delay = delay

    def wait_for(self, count: int, timeout: float) -> list[dict]:
        """Wait until `count` messages arrived (or the timeout); return what arrived."""
        return self.wait_until(lambda messages: len(messages) >= count, timeout)

    def wait_until(self, done, timeout: float) -> list[dict]:
        """Wait until done(messages) holds (or the timeout); return what arrived."""
        deadline = time.monotonic() + timeout
        with self.arrived:
            while not done(self.messages):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.arrived.wait(left)
            return list(self.messages)


@contextlib.contextmanager
def smtp_server(delay: float = 0.0):
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # one line per SMTP command otherwise
    recorder = Recorder(delay)
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port(), ready_timeout=10)
    controller.start()
    try:
        yield controller.port, recorder
    finally:
        controller.stop()


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database the caller uses (e.g. pytest-django's test_<name>)."""
    user = quote(settings_dict.get("USER") or "")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password)}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{quote(settings_dict['NAME'])}"


class Worker:
    """`celery -A config worker` as a subprocess in its own process group."""

    def __init__(
        self,
        *,
        database_url: str,
        broker_url: str,
        smtp_port: int,
        concurrency: int = 1,
        queue: str = "",
        env: dict | None = None,
    ):
        self.name = f"kst-test-{uuid.uuid4().hex[:8]}@%h"
        self.log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)  # noqa: SIM115
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "EMAIL_TIMEOUT": "10",
            "LOG_LEVEL": "INFO",
            **(env or {}),
        }
        args = ["--pool", "solo"]
        if concurrency > 1:
            args = ["--pool", "prefork", "--concurrency", str(concurrency)]
        if queue:
            args += ["-Q", queue]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", *args, "-n", self.name,
             "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: prefork children die with it
        )  # fmt: skip

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def _ready(self) -> bool:
        if self.proc.poll() is not None:
            raise RuntimeError(f"celery worker exited with {self.proc.returncode}:\n{self.output()}")
        return " ready." in self.output()

    def wait_ready(self, timeout: float = 60) -> None:
        try:
            wait_until(
                self._ready,
                timeout=timeout,
                every=0.2,
                failing=lambda: f"celery worker not ready:\n{self.output()}",
            )
        except AssertionError as exc:
            self.stop()
            raise TimeoutError(str(exc)) from None

    def wait_task(self, task_id: str, timeout: float = 30) -> str:
        """Wait until this worker has run the task (its log says it succeeded or failed: the
        positive signal that whatever the task would do is done); return that log line."""

        def finished() -> str | None:
            line = re.search(
                rf"^.*\[{re.escape(task_id)}\] (succeeded|raised|failed).*$", self.output(), re.M
            )
            return line and line.group(0)

        line = wait_until(
            finished,
            timeout=timeout,
            failing=lambda: f"task {task_id} did not finish on the worker:\n{self.output()[-3000:]}",
        )
        assert " succeeded " in line, line
        return line

    def kill(self) -> None:
        """SIGKILL the whole group: a worker dying mid-task, no cleanup."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self, timeout: float = 15) -> None:
        """Warm shutdown, then SIGKILL if it does not go in time. Never hangs."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        else:
            # The main process is gone; make sure no child is left behind.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


@contextlib.contextmanager
def workers(count: int = 1, *, concurrency: int = 1, **kwargs):
    started = [Worker(concurrency=concurrency, **kwargs) for _ in range(count)]
    try:
        for w in started:
            w.wait_ready()
        yield started
    finally:
        for w in started:
            w.stop()
