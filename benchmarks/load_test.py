"""The load test (issue 18): the production site under a realistic mix of the three roles'
pages and API calls, at 10, 25 and 50 simultaneous people, for several gunicorn worker counts.
A script that prints figures, not a test; docs/load-test.md says how to read them.

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE kst_loadtest_bench TEMPLATE kst_bench_100k"
    .venv/bin/python benchmarks/load_test.py                 # 4 worker counts x 3 steps, ~13 min
    .venv/bin/python benchmarks/load_test.py --quick         # 15 s steps, 3 workers only
    .venv/bin/python benchmarks/load_test.py --helpdesk      # and django-helpdesk alongside

It builds the static files into a temporary directory (bin/build), starts bin/web (gunicorn)
with the production settings behind a simulated TLS proxy (BEHIND_PROXY=true, every request
says X-Forwarded-Proto: https, as nginx does: HTTPS redirect, Secure cookies and HSTS stay on)
and bin/worker (the complaint form and the journal export queue tasks), signs each account in
once through the sign-in page, then runs locust headless for each step and reads its CSV
stats. Everything listens on 127.0.0.1 only, and everything it started is stopped at the end,
on Ctrl-C and on errors. The database is written to (complaints logged, exports queued): give
it a copy, never kst_bench_100k itself.
"""

import argparse
import contextlib
import csv
import http.cookies
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.load.mix import ROLE_WEIGHTS  # noqa: E402

PYTHON = sys.executable
LOCUST = str(Path(PYTHON).with_name("locust"))
HELPDESK_VENV = Path(os.environ.get("HELPDESK_VENV", "/work/helpdesk-venv"))
HOST = "127.0.0.1"


@dataclass
class Result:
    site: str
    workers: str
    users: int
    rps: float
    p50: float
    p95: float
    p99: float
    requests: int
    failures: int
    load: float

    def row(self) -> str:
        failed = f"{100 * self.failures / self.requests:.2f} %" if self.requests else "—"

        def ms(x: float) -> str:
            return "—" if math.isnan(x) else f"{x:.0f}"

        return (
            f"| {self.site} | {self.workers} | {self.users} | {self.rps:.1f} | {ms(self.p50)} | "
            f"{ms(self.p95)} | {ms(self.p99)} | {self.requests} | {failed} | {self.load:.2f} |"
        )


HEADER = (
    "| site | gunicorn workers | users | requests/s | p50 ms | p95 ms | p99 ms | requests | failures "
    "| load 1 min |\n|---|---|---|---|---|---|---|---|---|---|"
)


class Processes:
    """What this run started, each in its own process group; stopped in reverse order."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.running: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, argv: list[str], env: dict, cwd: Path = ROOT) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("ab")
        proc = subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.running.append((name, proc))
        return proc

    def stop(self, proc: subprocess.Popen, timeout: float = 20) -> None:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        self.running = [(n, p) for n, p in self.running if p is not proc]

    def stop_all(self) -> None:
        for _, proc in reversed(list(self.running)):
            self.stop(proc)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def fetch(request: urllib.request.Request | str, timeout: float = 60, opener=None):
    """Every URL here is http://127.0.0.1:<port>/..., built by this script."""
    return (opener or urllib.request.build_opener()).open(request, timeout=timeout)


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{url}: the server exited {proc.returncode}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError), fetch(url, timeout=5) as response:
            if response.status == 200:
                return
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer 200 within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def run(argv: list[str], env: dict, cwd: Path = ROOT, timeout: float = 600) -> str:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def ensure_database(name: str, template: str) -> None:
    exists = subprocess.run(
        ["psql", "-h", HOST, "-U", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists:
        return
    print(f"creating {name} from {template} ...", flush=True)
    for _ in range(10):  # refused while someone is connected to the template
        done = subprocess.run(
            ["psql", "-h", HOST, "-U", "postgres", "-c", f'CREATE DATABASE "{name}" TEMPLATE "{template}"'],
            capture_output=True,
            text=True,
        )
        if not done.returncode:
            return
        time.sleep(5)
    raise SystemExit(f"could not create {name}: {done.stderr}")


# ----------------------------------------------------------------- signing in, once per account


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _cookies(response) -> dict[str, str]:
    jar = http.cookies.SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {k: m.value for k, m in jar.items()}


def sign_in(base: str, username: str, password: str, *, login_path: str = "/login/") -> tuple[str, str]:
    """The sign-in page as a browser behind the TLS proxy uses it: (Cookie header, CSRF token)."""
    opener = urllib.request.build_opener(NoRedirect)
    proxy = {"X-Forwarded-Proto": "https"}
    with fetch(urllib.request.Request(base + login_path, headers=proxy), 30, opener) as page:  # noqa: S310
        csrf = _cookies(page)["csrftoken"]
    body = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": csrf}
    ).encode()
    request = urllib.request.Request(  # noqa: S310
        base + login_path,
        data=body,
        # The page's address as the browser saw it, through the proxy: https.
        headers={
            **proxy,
            "Cookie": f"csrftoken={csrf}",
            "Referer": "https" + base.removeprefix("http") + login_path,
        },
    )
    try:
        fetch(request, 30, opener)
        raise SystemExit(f"signing in as {username} did not redirect: wrong password?")
    except urllib.error.HTTPError as answer:
        if answer.code != 302:
            raise SystemExit(f"signing in as {username}: HTTP {answer.code}") from None
        cookies = _cookies(answer)
    csrf = cookies.get("csrftoken", csrf)
    return f"sessionid={cookies['sessionid']}; csrftoken={csrf}", csrf


def api_token(base: str, username: str, password: str) -> str:
    """POST /api/auth/token/ (throttled to API_TOKEN_THROTTLE per address: ask for few)."""
    request = urllib.request.Request(  # noqa: S310
        base + "/api/auth/token/",
        data=json.dumps({"username": username, "password": password}).encode(),
        headers={"Content-Type": "application/json", "X-Forwarded-Proto": "https"},
    )
    with fetch(request, 30) as answer:
        return json.loads(answer.read())["token"]


def sign_everyone_in(base: str, data: dict, max_users: int) -> None:
    """Each simulated person reuses one of these sessions: as many accounts per role as that
    role can have people at the largest step (no more; each sign-in hashes a password)."""
    total = sum(ROLE_WEIGHTS.values())
    started = time.monotonic()
    count = 0
    for role, accounts in data["accounts"].items():
        if role == "api":
            continue
        need = min(len(accounts), -(-max_users * ROLE_WEIGHTS[role] // total) + 1)
        data["accounts"][role] = accounts = accounts[:need]
        for account in accounts:
            account["cookie"], account["csrf"] = sign_in(base, account["username"], data["password"])
            count += 1
    # Three integration tokens: within the token endpoint's throttle (10 a minute by default).
    data["tokens"] = [api_token(base, a["username"], data["password"]) for a in data["accounts"]["api"][:3]]
    print(
        f"signed in {count} accounts and got {len(data['tokens'])} API tokens "
        f"in {time.monotonic() - started:.1f} s",
        flush=True,
    )


# ----------------------------------------------------------------------------- one locust step


def locust_step(
    procs: Processes,
    locustfile: Path,
    data_file: Path,
    base: str,
    users: int,
    seconds: int,
    out: Path,
    wait: str,
    **extra_env: str,
) -> dict:
    prefix = out / f"u{users}"
    env = {
        **os.environ,
        "KST_LOAD_DATA": str(data_file),
        "KST_LOAD_WAIT": wait,
        "PYTHONPATH": str(ROOT),
        **extra_env,
    }
    argv = [
        LOCUST, "-f", str(locustfile), "--headless", "--host", base,
        "-u", str(users), "-r", str(users), "--run-time", f"{seconds}s", "--stop-timeout", "10",
        "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    proc = procs.start(f"locust-{out.name}-u{users}", argv, env)
    try:
        proc.wait(seconds + 60)
    except subprocess.TimeoutExpired:
        procs.stop(proc)
        raise SystemExit(f"locust did not stop within {seconds + 60} s") from None
    procs.stop(proc)
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        rows = {r["Name"]: r for r in csv.DictReader(f)}
    with open(f"{prefix}_failures.csv", encoding="utf-8") as f:
        for failure in csv.DictReader(f):
            what = f"{failure['Method']} {failure['Name']}"
            print(f"    FAILED {failure['Occurrences']} x {what}: {failure['Error']}", flush=True)
    return rows


def _ms(value: str) -> float:
    """locust writes N/A when no request of the step finished."""
    return float("nan") if value == "N/A" else float(value)


def result(site: str, workers: str, users: int, rows: dict) -> Result:
    total = rows["Aggregated"]
    return Result(
        site=site,
        workers=workers,
        users=users,
        rps=float(total["Requests/s"]),
        p50=_ms(total["50%"]),
        p95=_ms(total["95%"]),
        p99=_ms(total["99%"]),
        requests=int(total["Request Count"]),
        failures=int(total["Failure Count"]),
        load=os.getloadavg()[0],
    )


def per_request(rows: dict) -> str:
    lines = ["    request                          count  fail   p50   p95   p99 (ms)"]
    for name, r in sorted(rows.items()):
        if name == "Aggregated":
            continue
        lines.append(
            f"    {name[:32]:32} {int(r['Request Count']):6} {int(r['Failure Count']):5} "
            f"{r['50%']:>5} {r['95%']:>5} {r['99%']:>5}"
        )
    return "\n".join(lines)


# ----------------------------------------------------------------------------------- 客诉通


def kst_env(db: str, redis: str, tmp: Path, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        SITE_URL=f"https://{HOST}:{port}",
        BEHIND_PROXY="true",
        DATABASE_URL=f"postgres://postgres@{HOST}:5432/{db}",
        CELERY_BROKER_URL=redis,
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(tmp / "media"),
        BEAT_SCHEDULE=str(tmp / "beat-schedule"),
        KST_PYTHON=PYTHON,
    )
    return env


def run_kst(args, procs: Processes, tmp: Path, results: list[Result]) -> None:
    ensure_database(args.db, args.template)
    port = free_port()
    base = f"http://{HOST}:{port}"
    env = kst_env(args.db, args.redis, tmp, port)
    started = time.monotonic()
    run([str(ROOT / "bin/build")], env)
    print(f"bin/build (static files into {tmp / 'static'}): {time.monotonic() - started:.0f} s", flush=True)
    data_file = tmp / "kst-data.json"
    print(run([PYTHON, "benchmarks/load/prepare.py", str(data_file)], env).strip(), flush=True)
    data = json.loads(data_file.read_text(encoding="utf-8"))
    # The complaint form and the export queue tasks: one worker process, as a small site runs.
    procs.start("worker", [str(ROOT / "bin/worker"), "--concurrency", "1", "--loglevel", "WARNING"], env)
    signed_in = False
    for workers in args.workers:
        web_env = {**env, "WEB_BIND": f"{HOST}:{port}", "WEB_CONCURRENCY": str(workers)}
        extra = ["--worker-class", "gthread", "--threads", str(args.threads)] if args.threads else []
        label = f"{workers}" + (f" x {args.threads} threads" if args.threads else "")
        web = procs.start(f"web-{workers}", [str(ROOT / "bin/web"), *extra], web_env)
        wait_http(f"{base}/healthz", web, procs.logs / f"web-{workers}.log")
        if not signed_in:
            sign_everyone_in(base, data, max(args.users))
            data_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            signed_in = True
        warm_up(base, data, workers)
        for users in args.users:
            out = tmp / f"kst-w{workers}"
            out.mkdir(exist_ok=True)
            rows = locust_step(procs, ROOT / "benchmarks/load/locustfile.py", data_file, base, users,
                               args.seconds, out, args.wait)  # fmt: skip
            results.append(result("客诉通", label, users, rows))
            print(
                HEADER.splitlines()[0] if len(results) == 1 else "", results[-1].row(), sep="\n", flush=True
            )
            if args.verbose:
                print(per_request(rows), flush=True)
        procs.stop(web)


def warm_up(base: str, data: dict, workers: int) -> None:
    """Each worker's first requests import and compile templates: not part of what's measured."""
    account = data["accounts"]["quality"][0]
    headers = {"X-Forwarded-Proto": "https", "Cookie": account["cookie"]}
    for path in ["/", "/tickets/mine/", "/tickets/all/", f"/tickets/{data['tickets'][0]}/"] * (2 * workers):
        with contextlib.suppress(OSError):
            fetch(urllib.request.Request(base + path, headers=headers)).read()  # noqa: S310


# ---------------------------------------------------------------------------- django-helpdesk


def run_helpdesk(args, procs: Processes, tmp: Path, results: list[Result]) -> None:
    python = HELPDESK_VENV / "bin/python"
    if not python.exists():
        print(f"django-helpdesk skipped: no virtualenv at {HELPDESK_VENV} (docs/load-test.md says how "
              "to make one)", flush=True)  # fmt: skip
        return
    here = ROOT / "benchmarks/load/helpdesk"
    port = free_port()
    base = f"http://{HOST}:{port}"
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG", "VIRTUAL_ENV")}
    env.update(
        DJANGO_SETTINGS_MODULE="hdsite.settings",
        PYTHONPATH=str(here),
        HELPDESK_DATABASE=args.helpdesk_db,
        HELPDESK_STATIC_ROOT=str(tmp / "hd-static"),
        HELPDESK_MEDIA_ROOT=str(tmp / "hd-media"),
        SECRET_KEY=secrets.token_urlsafe(50),
    )
    started = time.monotonic()
    print(run([str(python), str(here / "load_data.py"), str(tmp / "hd-data.json"), "--tickets",
               str(args.helpdesk_tickets)], env, cwd=here, timeout=1800).strip(), flush=True)  # fmt: skip
    run([str(python), "-m", "django", "collectstatic", "--noinput", "-v0"], env, cwd=here)
    print(f"django-helpdesk ready in {time.monotonic() - started:.0f} s", flush=True)
    data_file = tmp / "hd-data.json"
    data = json.loads(data_file.read_text(encoding="utf-8"))
    signed_in = False
    for workers in args.workers:
        # As bin/web starts ours.
        argv = [str(python), "-m", "gunicorn", "hdsite.wsgi:application", "--bind", f"{HOST}:{port}",
                "--workers", str(workers), "--timeout", "60", "--access-logfile", "-",
                "--no-control-socket"]  # fmt: skip
        if args.threads:
            argv += ["--worker-class", "gthread", "--threads", str(args.threads)]
        label = f"{workers}" + (f" x {args.threads} threads" if args.threads else "")
        web = procs.start(f"helpdesk-{workers}", argv, env, cwd=here)
        wait_http(f"{base}/login/", web, procs.logs / f"helpdesk-{workers}.log")
        if not signed_in:
            for account in data["accounts"]:
                account["cookie"], account["csrf"] = sign_in(base, account["username"], data["password"])
            data_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            signed_in = True
        for users in args.users:
            out = tmp / f"hd-w{workers}"
            out.mkdir(exist_ok=True)
            rows = locust_step(
                procs, here / "locustfile.py", data_file, base, users, args.seconds, out, args.wait,
                HELPDESK_MY_WORK=args.helpdesk_my_work,
            )  # fmt: skip
            site = "django-helpdesk" + (" (my work = list)" if args.helpdesk_my_work == "list" else "")
            results.append(result(site, label, users, rows))
            print(results[-1].row(), flush=True)
            if args.verbose:
                print(per_request(rows), flush=True)
        procs.stop(web)


# ------------------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="kst_loadtest_bench", help="a copy of the benchmark data")
    parser.add_argument("--template", default="kst_bench_100k", help="copied when --db is missing")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--workers", default="2,3,4,5", help="gunicorn worker counts to try")
    parser.add_argument("--threads", type=int, default=0, help="gthread workers with this many threads")
    parser.add_argument("--users", default="10,25,50")
    parser.add_argument("--seconds", type=int, default=45, help="per step")
    parser.add_argument("--wait", default="0.5,2", help="think time between requests, min,max seconds")
    parser.add_argument("--quick", action="store_true", help="15 s steps, 3 workers: a try-out")
    parser.add_argument("--helpdesk", action="store_true", help="the same against django-helpdesk")
    parser.add_argument("--helpdesk-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--helpdesk-db", default="kst_loadtest_helpdesk")
    parser.add_argument(
        "--helpdesk-my-work",
        choices=["dashboard", "list"],
        default="dashboard",
        help="helpdesk's page for home and my work: its dashboard, or its list of my open tickets",
    )
    parser.add_argument("--helpdesk-tickets", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, CSV)")
    parser.add_argument("-v", "--verbose", action="store_true", help="figures per request too")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.workers = 15, "3"
    args.workers = [int(w) for w in args.workers.split(",")]
    args.users = [int(u) for u in args.users.split(",")]

    tmp = Path(tempfile.mkdtemp(prefix="kst-load-"))
    (tmp / "logs").mkdir()
    procs = Processes(tmp / "logs")
    results: list[Result] = []
    # SIGTERM ends the run like Ctrl-C: through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    print(f"load average before: {'/'.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} CPUs; "
          f"logs in {tmp / 'logs'}", flush=True)  # fmt: skip
    try:
        if not args.helpdesk_only:
            run_kst(args, procs, tmp, results)
        if args.helpdesk or args.helpdesk_only:
            run_helpdesk(args, procs, tmp, results)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
    finally:
        procs.stop_all()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, steps of "
          f"{args.seconds} s, think time {args.wait} s, load average after "
          f"{'/'.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
    print(HEADER)
    for r in results:
        print(r.row())
    best: dict[tuple[str, int], Result] = {}
    for r in results:
        if not r.requests:
            continue
        if (r.site, r.users) not in best or r.rps > best[(r.site, r.users)].rps:
            best[(r.site, r.users)] = r
    for (site, users), r in sorted(best.items()):
        print(
            f"best at {users} users ({site}): {r.workers} workers, {r.rps:.1f} requests/s, p95 {r.p95:.0f} ms"
        )


if __name__ == "__main__":
    main()
