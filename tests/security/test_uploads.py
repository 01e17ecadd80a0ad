"""Photos: a decompression bomb is refused before it is decoded; photos are private to caches."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.roles import Role
from tests.accounting.factories import make_ticket
from tickets.models import Photo
from tickets.services import photo_add

pytestmark = pytest.mark.django_db


def png(width: int, height: int) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("1", (width, height)).save(buf, "PNG", optimize=True)
    return SimpleUploadedFile("bomb.png", buf.getvalue(), content_type="image/png")


@pytest.fixture
def ticket(make_user):
    return make_ticket()


def test_a_12000_by_12000_png_is_refused_in_chinese(client, make_user, ticket):
    bomb = png(12_000, 12_000)
    assert bomb.size < 200_000  # small on disk: the size limit alone would let it through
    user = make_user(Role.SALES, Role.SERVICE_LEAD)
    client.force_login(user)
    response = client.post(f"/tickets/{ticket.number}/photos/", {"photos": [bomb]})
    assert "像素过多" in response.content.decode()
    assert not Photo.objects.exists()


def test_just_under_the_limit_is_accepted(make_user, ticket, settings):
    settings.IMAGE_MAX_PIXELS = 100 * 100
    user = make_user(Role.SALES, Role.SERVICE_LEAD)
    assert len(photo_add(ticket=ticket, by=user, photos=[png(100, 100)])) == 1
    with pytest.raises(Exception, match="像素过多"):
        photo_add(ticket=ticket, by=user, photos=[png(101, 100)])


def test_photos_are_private_to_caches(client, make_user, ticket):
    user = make_user(Role.SALES, Role.SERVICE_LEAD)
    photo = photo_add(ticket=ticket, by=user, photos=[png(10, 10)])[0]
    client.force_login(user)
    response = client.get(f"/tickets/photos/{photo.uid}/")
    assert response.status_code == 200 and "private" in response["Cache-Control"]
