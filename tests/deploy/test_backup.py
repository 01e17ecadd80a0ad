"""Backup and restore round trip on PostgreSQL: tickets with photos and posted vouchers are
backed up with bin/backup, the database and the media files are destroyed, and bin/restore
brings everything back, including the triggers that keep posted vouchers immutable."""

import json
import shutil
import subprocess
import sys

import pytest

from tests.deploy.conftest import ROOT, production_env, server_connection

pytestmark = pytest.mark.postgres

SEED = """
import datetime, hashlib, io, json
from decimal import Decimal
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from accounting.models import Voucher
from accounts.roles import Role
from tests.accounting.factories import finance_pair, make_dispute, posted_vouchers
from tests.factories import ShipmentFactory, UserFactory
from tests.tickets.factories import intake_data
from tickets import services

def lines(v):
    return sorted((x.account_code, x.side, str(x.amount)) for x in v.lines.all())

def png(colour):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "PNG")
    return SimpleUploadedFile(f"{colour}.png", buffer.getvalue(), content_type="image/png")

sales = UserFactory(roles=[Role.SALES])
tickets = [
    services.ticket_create(by=sales, photos=[png(colour)], **intake_data(ShipmentFactory()))
    for colour in ("red", "blue")
]
preparer, reviewer = finance_pair()
vouchers = posted_vouchers(make_dispute(preparer, booking_date=datetime.date.today()), preparer, reviewer)
print(json.dumps({
    "tickets": sorted(t.number for t in tickets),
    "photos": sorted(
        (p.image.name, hashlib.sha256(p.image.read()).hexdigest()) for t in tickets for p in t.photos.all()
    ),
    "vouchers": sorted((v.number, v.state, lines(v)) for v in vouchers),
}))
"""

CHECK = """
import hashlib, json
from django.db import DatabaseError, transaction
from accounting.models import Voucher
from tickets.models import Photo, Ticket
tickets = Ticket.objects.all()
def lines(v):
    return sorted((x.account_code, x.side, str(x.amount)) for x in v.lines.all())
photos = Photo.objects.all()
vouchers = Voucher.objects.filter(state="posted")
try:
    with transaction.atomic():
        Voucher.objects.filter(state="posted").update(summary="changed after restore")
    guarded = False
except DatabaseError:
    guarded = True
print(json.dumps({
    "tickets": sorted(t.number for t in tickets),
    "photos": sorted((p.image.name, hashlib.sha256(p.image.read()).hexdigest()) for p in photos),
    "vouchers": sorted((v.number, v.state, lines(v)) for v in vouchers),
    "posted_vouchers_guarded": guarded,
}))
"""


def test_backup_then_restore_after_losing_database_and_media_brings_everything_back(fresh_database, tmp_path):
    name, url = fresh_database
    media, backups = tmp_path / "media", tmp_path / "backups"
    env = production_env(
        DATABASE_URL=url,
        MEDIA_ROOT=str(media),
        BACKUP_DIR=str(backups),
        CELERY_BROKER_URL="",
        KST_PYTHON=sys.executable,
    )

    def run(*command: str) -> str:
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"{command}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        return result.stdout

    def shell(code: str) -> dict:
        return json.loads(
            run(sys.executable, "manage.py", "shell", "--no-imports", "-c", code).splitlines()[-1]
        )

    run("bin/migrate")
    before = shell(SEED)
    assert len(before["tickets"]) == 2 and len(before["photos"]) == 2
    assert before["vouchers"] and all(state == "posted" for _, state, _ in before["vouchers"])

    run("bin/backup")
    made = sorted(p.name for p in backups.iterdir())
    assert any(n.endswith(".psql.bin") for n in made) and any(n.endswith(".tar") for n in made), made

    # Disaster: the database and every uploaded file are gone.
    admin = server_connection()
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')  # docs/deploy.md: createdb, then bin/restore
    admin.close()
    shutil.rmtree(media)

    run("bin/restore")
    after = shell(CHECK)
    assert after.pop("posted_vouchers_guarded") is True, "the immutability triggers were not restored"
    assert after == before
