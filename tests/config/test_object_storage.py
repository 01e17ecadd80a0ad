"""Files on an S3-compatible object store (issue 18, point 1): with S3_BUCKET's storage, a
photo and a document go to the bucket under generated names, nothing to the local disk, and
come back only through the site's own permission-checked views (the bucket stays private)."""

import io
import os
import uuid

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.conftest import _broker_answers, _missing
from tickets import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def bucket(settings, tmp_path):
    endpoint = os.environ.get("S3_TEST_ENDPOINT", "")
    if not endpoint or not _broker_answers(endpoint):
        _missing("needs an S3-compatible server: set S3_TEST_ENDPOINT=http://127.0.0.1:5055 (moto_server)")
    name = f"kst-{uuid.uuid4().hex[:12]}"
    s3 = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="t", aws_secret_access_key="t", region_name="us-east-1"
    )
    s3.create_bucket(Bucket=name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": endpoint,
                "access_key": "t",
                "secret_key": "t",
                "region_name": "us-east-1",
                "addressing_style": "path",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    settings.MEDIA_ROOT = tmp_path / "must-stay-empty"
    return s3, name


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#117a65").save(buffer, "PNG")
    return SimpleUploadedFile("井场.png", buffer.getvalue(), content_type="image/png")


def test_a_photo_lives_in_the_bucket_and_is_served_behind_the_login(
    client, bucket, people, new_ticket, settings
):
    s3, name = bucket
    ticket = new_ticket()
    photo = services.photo_add(ticket=ticket, by=people.sales, photos=[_png()])[0]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=name)["Contents"]]
    assert keys == [photo.image.name] and "井场" not in photo.image.name
    assert not (settings.MEDIA_ROOT).exists()

    url = reverse("tickets:photo", args=[photo.uid])
    assert client.get(url).status_code == 302  # to the sign-in page, not to the bucket
    client.force_login(people.qc)
    got = client.get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"\x89PNG")
    grants = s3.get_object_acl(Bucket=name, Key=photo.image.name)["Grants"]
    assert not [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")]  # not public
