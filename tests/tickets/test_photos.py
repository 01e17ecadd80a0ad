"""Photos: images only (checked by content), size-limited, stored under generated names."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.tickets.factories import image
from tests.tickets.test_pages import post_data
from tickets import services
from tickets.errors import MissingData
from tickets.models import Photo, Ticket

pytestmark = pytest.mark.django_db


def test_photos_are_stored_under_generated_names_in_media_root(client, people, shipment, settings):
    client.force_login(people.sales)
    data = post_data(shipment, photos=[image("裂纹 1.jpg"), image("crack.png", "PNG")])
    client.post(reverse("tickets:intake"), data)
    photos = list(Ticket.objects.get().photos.order_by("id"))
    assert [p.original_name for p in photos] == ["裂纹 1.jpg", "crack.png"]
    for p in photos:
        path = Path(p.image.path).resolve()
        assert path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
        assert len(path.stem) == 32 and path.suffix in (".jpg", ".png")
    assert client.get(reverse("tickets:photo", args=[photos[0].uid])).status_code == 200


def test_a_text_file_named_jpg_is_refused(client, people, shipment):
    client.force_login(people.sales)
    fake = SimpleUploadedFile("photo.jpg", b"not really an image", content_type="image/jpeg")
    response = client.post(reverse("tickets:intake"), post_data(shipment, photos=[fake]))
    assert "该文件不是图片" in response.content.decode()
    assert not Ticket.objects.exists()


def test_an_oversized_photo_is_refused(client, people, shipment, settings):
    settings.TICKET_PHOTO_MAX_BYTES = 1000
    client.force_login(people.sales)
    big = image("big.png", "PNG", size=(400, 400))
    response = client.post(reverse("tickets:intake"), post_data(shipment, photos=[big]))
    assert "照片太大" in response.content.decode()
    assert not Photo.objects.exists()


def test_an_overlong_file_name_is_refused(client, people, shipment):
    client.force_login(people.sales)
    long_name = image("长" * 220 + ".jpg")
    response = client.post(reverse("tickets:intake"), post_data(shipment, photos=[long_name]))
    assert "文件名过长" in response.content.decode()
    assert not Photo.objects.exists()


@pytest.mark.parametrize("name", ["../../etc/passwd.png", "..\\..\\boot.ini.png", "a\x00b.png"])
def test_hostile_file_names_are_refused_by_the_service(name, new_ticket, people):
    ticket = new_ticket()
    upload = image()
    upload._name = name  # bypass the basename cleaning Django applies to HTTP uploads
    with pytest.raises(MissingData) as exc:
        services.photo_add(ticket=ticket, by=people.sales, photos=[upload])
    assert exc.value.message == "文件名不允许。"
    assert not Photo.objects.exists()


def test_a_path_in_an_uploaded_name_never_leaves_media_root(client, people, new_ticket, settings, tmp_path):
    ticket = new_ticket()
    client.force_login(people.qc)
    client.post(
        reverse("tickets:add_photos", args=[ticket.number]), {"photos": [image("../../etc/passwd.png")]}
    )
    photo = Photo.objects.get()
    assert Path(photo.image.path).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert "/" not in photo.original_name and ".." not in photo.original_name
    assert not (tmp_path / "etc").exists()


def test_adding_photos_later_is_on_the_timeline(client, people, new_ticket):
    ticket = new_ticket()
    client.force_login(people.lead)
    client.post(reverse("tickets:add_photos", args=[ticket.number]), {"photos": [image("现场.jpg")]})
    assert ticket.events.filter(kind="attachment", text__contains="现场.jpg", actor=people.lead).exists()
