"""Two web nodes for real (issue 18, points 1 and 2): two gunicorn processes (bin/web) on two
ports and one worker (bin/worker), all with the production settings, one PostgreSQL, one Redis
and one S3-compatible object store (moto's server, started by .ci/run). A client alternating
between the nodes signs in on one and is signed in on the other (sessions in the database),
logs a complaint on one and attaches a photo through the other, which the first serves
(photos in the bucket, nothing on either node's disk); the project manager plans it on one and
both show it; a journal export written by the worker downloads through a web node; the API's
sign-in throttle counts requests to both nodes together (its counters in Redis); the intake
e-mail leaves once, through the outbox (docs/deploy.md, "More than one web node").
"""

import io
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import boto3
import pytest
import requests
from django.conf import settings
from PIL import Image

from tests.conftest import _broker_answers, _missing
from tests.deploy.conftest import ROOT, production_env
from tests.deploy.test_production_smoke import Service, _purge, wait_until
from tests.notify.live import free_port, smtp_server

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

PASSWORD = "Two-nodes-Pass-2026"
MASTER_DATA = """
import datetime
from decimal import Decimal
from masterdata.models import Customer, Product, Shipment
c = Customer.objects.create(code="C-2N", name="长庆油田物资公司")
p = Product.objects.create(code="P-2N", name="油管", specification="73mm J55")
s = Shipment.objects.create(customer=c, product=p, lot_number="LOT-2N", quantity=Decimal("50"),
                            ship_date=datetime.date(2026, 10, 8), order_number="SO-2N")
print(f"ids {c.pk} {s.pk}")
"""


@pytest.fixture
def object_store():
    """A fresh bucket on the S3-compatible server .ci/run starts (S3_TEST_ENDPOINT)."""
    endpoint = os.environ.get("S3_TEST_ENDPOINT", "")
    if not endpoint or not _broker_answers(endpoint):
        _missing("needs an S3-compatible server: set S3_TEST_ENDPOINT=http://127.0.0.1:5055 (moto_server)")
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    bucket = f"kst-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    yield endpoint, bucket, s3


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "#2e86c1").save(buffer, "PNG")
    return buffer.getvalue()


def _sign_in(session: requests.Session, base: str, username: str) -> None:
    session.get(f"{base}/login/", timeout=10)
    r = session.post(
        f"{base}/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        timeout=10,
        allow_redirects=False,
    )
    assert r.status_code == 302, r.text[-2000:]


def test_two_web_nodes_share_sessions_files_caches_and_the_outbox(
    object_store, fresh_database, collected, tmp_path, capsys
):
    endpoint, bucket, s3 = object_store
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis://") or not _broker_answers(broker):
        _missing("needs Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/<n>")
    _db_name, db_url = fresh_database
    _purge(broker)
    logs = tmp_path / "logs"
    logs.mkdir()
    ports = free_port(), free_port()
    nodes = [f"http://127.0.0.1:{p}" for p in ports]
    started = time.monotonic()

    with smtp_server() as (smtp_port, mail):
        common = production_env(
            DATABASE_URL=db_url,
            CELERY_BROKER_URL=broker,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SITE_URL=nodes[0],
            INSECURE_PLAIN_HTTP="true",
            EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
            STATIC_ROOT=str(collected),
            KST_PYTHON=sys.executable,
            API_TOKEN_THROTTLE="3/minute",
            S3_BUCKET=bucket,
            S3_ENDPOINT_URL=endpoint,
            S3_ACCESS_KEY="test",
            S3_SECRET_KEY="test",
            S3_REGION="us-east-1",
            WEB_CONCURRENCY="1",
            WORKER_CONCURRENCY="1",
        )
        node_env = [
            {**common, "WEB_BIND": f"127.0.0.1:{p}", "MEDIA_ROOT": str(tmp_path / f"media-{i}")}
            for i, p in enumerate(ports)
        ]

        def manage(*args: str, stdin: str = "") -> str:
            result = subprocess.run(
                [sys.executable, "manage.py", *args],
                cwd=ROOT, env=node_env[0], input=stdin, capture_output=True, text=True, timeout=180,
            )  # fmt: skip
            assert result.returncode == 0, f"manage.py {args[0]}:\n{result.stdout}\n{result.stderr[-3000:]}"
            return result.stdout

        manage("migrate", "--noinput")
        for name, role in (("sales1", "sales"), ("pm1", "project_manager"), ("fin1", "finance")):
            email = f"{name}@two.example.com"
            manage(
                "createuser",
                name,
                "--role",
                role,
                "--email",
                email,
                "--password-stdin",
                stdin=PASSWORD + "\n",
            )
        customer_id, shipment_id = manage("shell", "--no-imports", "-c", MASTER_DATA).split()[1:3]

        services = [Service("web", env, logs) for env in node_env] + [
            Service("worker", {**node_env[1], "MEDIA_ROOT": str(tmp_path / "media-worker")}, logs)
        ]
        for i, service in enumerate(services):
            service.log = logs / f"{service.name}-{i}.log"
        a, b = nodes
        try:
            for service in services:
                service.start()
            services[2].wait_for(" ready.", timeout=90)
            for base in nodes:
                wait_until(lambda base=base: _get(f"{base}/healthz") == 200, 90, f"{base}/healthz")
            print(f"two nodes up in {time.monotonic() - started:.1f} s")

            # A session made on node A is good on node B.
            sales = requests.Session()
            _sign_in(sales, a, "sales1")
            assert sales.get(f"{b}/tickets/mine/", timeout=10, allow_redirects=False).status_code == 200
            csrf = {"X-CSRFToken": sales.cookies["csrftoken"]}

            # A complaint logged on B, a photo attached on A, served by B from the bucket.
            body = {
                "customer": int(customer_id),
                "shipment": int(shipment_id),
                "customer_words": "油管丝扣渗漏",
                "description": "第二根油管接箍渗漏",
                "quantity": "2",
                "site": "井场 7 号",
                "remedy": "repair",
                "paraphrase": "两根油管渗漏，要求维修，对吗？",
                "customer_confirmed": True,
                "emotion": "worried",
                "severity": "medium",
                "intake_token": str(uuid.uuid4()),
            }
            r = sales.post(f"{b}/api/tickets/", json=body, headers=csrf, timeout=20)
            assert r.status_code == 201, r.text[-2000:]
            number = r.json()["number"]
            r = sales.post(
                f"{a}/api/tickets/{number}/attachments/",
                files={"photos": ("现场.png", _png(), "image/png")},
                headers=csrf,
                timeout=20,
            )
            assert r.status_code == 201, r.text[-2000:]
            photo_url = r.json()[0].get("url") or f"/tickets/photos/{r.json()[0]['uid']}/"
            got = sales.get(f"{b}{photo_url}" if photo_url.startswith("/") else photo_url, timeout=10)
            assert got.status_code == 200 and got.content.startswith(b"\x89PNG")
            keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
            assert any(k.startswith("tickets/") for k in keys), keys
            on_disk = [p for i in range(2) for p in Path(tmp_path, f"media-{i}").rglob("*") if p.is_file()]
            assert not on_disk, on_disk

            # The project manager plans it on A; both nodes show the new state and timeline.
            pm = requests.Session()
            _sign_in(pm, b, "pm1")
            today = time.strftime("%Y-%m-%d")
            r = pm.post(
                f"{a}/api/tickets/{number}/transition/",
                json={"action": "plan", "data": {"start_date": today, "end_date": today, "scope": "现场检查",
                                                 "mode": "onsite", "travellers": "李师傅"}},
                headers={"X-CSRFToken": pm.cookies["csrftoken"]},
                timeout=20,
            )  # fmt: skip
            assert r.status_code == 200, r.text[-2000:]
            for base in nodes:
                detail = sales.get(f"{base}/api/tickets/{number}/", timeout=10).json()
                assert detail["state"] == "planned" and len(detail["events"]) >= 3

            # A journal export: queued on B, written by the worker into the bucket, downloaded on A.
            finance = requests.Session()
            _sign_in(finance, a, "fin1")
            r = finance.post(
                f"{b}/api/accounting/exports/",
                json={"layout": "generic", "file_format": "csv"},
                headers={"X-CSRFToken": finance.cookies["csrftoken"]},
                timeout=10,
            )
            assert r.status_code == 202, r.text[-2000:]
            job = r.json()["id"]
            wait_until(
                lambda: (
                    finance.get(f"{a}/api/accounting/exports/{job}/", timeout=10).json()["status"] == "done"
                ),
                60,
                f"the export written by the worker\n{services[2].output()[-3000:]}",
            )
            download = finance.get(f"{a}/api/accounting/exports/{job}/download/", timeout=10)
            assert download.status_code == 200 and download.content.startswith(
                (b"\xef\xbb\xbf", b"\xe5", b'"')
            )
            keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
            assert any(k.startswith("exports/") or "export" in k for k in keys), keys

            # The sign-in throttle (3 a minute per client) counts both nodes together.
            answers = [
                requests.post(
                    f"{base}/api/auth/token/", json={"username": "nobody", "password": "x"}, timeout=10
                ).status_code
                for base in (a, b, a, b)
            ]
            assert answers[-1] == 429, answers

            # The intake e-mail left once, from the one outbox.
            arrived = mail.wait_until(lambda ms: any(number in m["subject"] for m in ms), timeout=30)
            assert (
                len([m for m in arrived if number in m["subject"] and m["to"][0] == "pm1@two.example.com"])
                == 1
            )
        finally:
            for service in services:
                service.stop()
    with capsys.disabled():
        print(f"\ntwo-node test: {time.monotonic() - started:.1f} s in all")


def _get(url: str) -> int:
    try:
        return requests.get(url, timeout=5).status_code
    except requests.RequestException:
        return 0
