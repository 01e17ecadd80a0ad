"""An intake form that comes back with errors keeps its photos: the browser cannot send the
files again, and the sales person is still on the phone."""

import datetime
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.tickets.factories import png_bytes
from tickets.kept_photos import kept_photos_cleanup
from tickets.models import KeptPhoto, Ticket

from .test_pages import main_content, post_data

pytestmark = pytest.mark.django_db


def _photo(name="接箍.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def _with_error(shipment, **extra):
    """The form as first sent: a photo attached, the customer's words forgotten."""
    return post_data(shipment, customer_words="", **extra)


def test_a_form_with_errors_keeps_its_photo_and_the_saved_ticket_has_it(
    client, people, shipment, django_capture_on_commit_callbacks
):
    client.force_login(people.sales)
    first = _with_error(shipment, photos=_photo())
    response = client.post(reverse("tickets:intake"), first)
    body = main_content(response)
    assert not Ticket.objects.exists() and "该字段是必填项" in body
    assert "之前上传的 1 张照片已保留" in body
    kept = KeptPhoto.objects.get()
    assert kept.original_name == "接箍.png" and kept.created_by == people.sales
    kept_file = Path(kept.image.path)
    assert kept_file.exists()
    assert client.get(reverse("tickets:kept_photo", args=[kept.uid])).status_code == 200  # thumbnail

    # Corrected and sent again without attaching anything: the photo is saved with the ticket.
    second = post_data(shipment, intake_token=first["intake_token"])
    with django_capture_on_commit_callbacks(execute=True):  # the kept file goes after commit
        response = client.post(reverse("tickets:intake"), second)
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    photo = ticket.photos.get()
    assert photo.original_name == "接箍.png" and Path(photo.image.path).read_bytes() == png_bytes()
    assert not KeptPhoto.objects.exists() and not kept_file.exists()


def test_a_kept_photo_can_be_removed_before_saving(client, people, shipment):
    client.force_login(people.sales)
    first = _with_error(shipment, photos=[_photo("a.png"), _photo("b.png")])
    client.post(reverse("tickets:intake"), first)
    drop = KeptPhoto.objects.get(original_name="a.png")
    client.post(
        reverse("tickets:intake"),
        post_data(shipment, intake_token=first["intake_token"], discard_photos=[str(drop.uid)]),
    )
    assert [p.original_name for p in Ticket.objects.get().photos.all()] == ["b.png"]


def test_a_bad_file_is_refused_beside_the_field_and_not_kept(client, people, shipment):
    client.force_login(people.sales)
    bad = SimpleUploadedFile("假图.jpg", b"not an image", content_type="image/jpeg")
    body = main_content(client.post(reverse("tickets:intake"), _with_error(shipment, photos=bad)))
    assert "该文件不是图片。" in body
    assert not KeptPhoto.objects.exists()


def test_someone_elses_token_claims_nothing(client, people, shipment, make_user):
    client.force_login(people.sales)
    first = _with_error(shipment, photos=_photo())
    client.post(reverse("tickets:intake"), first)
    kept = KeptPhoto.objects.get()

    other = make_user("sales")
    client.force_login(other)
    assert client.get(reverse("tickets:kept_photo", args=[kept.uid])).status_code == 404
    client.post(reverse("tickets:intake"), post_data(shipment, intake_token=first["intake_token"]))
    assert not Ticket.objects.get().photos.exists()
    assert KeptPhoto.objects.filter(pk=kept.pk).exists()  # still the first user's


def test_photos_of_an_abandoned_form_are_removed_after_a_day(
    client, people, shipment, django_capture_on_commit_callbacks
):
    client.force_login(people.sales)
    with time_machine.travel(datetime.datetime(2026, 11, 1, 9, tzinfo=datetime.UTC)):
        client.post(reverse("tickets:intake"), _with_error(shipment, photos=_photo("old.png")))
    client.post(reverse("tickets:intake"), _with_error(shipment, photos=_photo("new.png")))
    old = KeptPhoto.objects.get(original_name="old.png")
    old_file = Path(old.image.path)
    with django_capture_on_commit_callbacks(execute=True):
        assert kept_photos_cleanup() == 1
    assert list(KeptPhoto.objects.values_list("original_name", flat=True)) == ["new.png"]
    assert not old_file.exists()


def test_the_beat_schedule_runs_the_cleanup(settings):
    tasks = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "tickets.tasks.kept_photos_cleanup" in tasks
