"""Photo uploads: images only (checked with Pillow), size-limited, stored under generated names,
and saved as a ticket's photos (also by kept_photos, for photos kept from an earlier try)."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from accounts.models import User

from .models import Photo, Ticket

FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp", "BMP": "bmp"}
MAX_NAME = 200


def max_bytes() -> int:
    return settings.TICKET_PHOTO_MAX_BYTES


def validate_photo(upload):
    """Return the upload with `.photo_ext` set, or raise ValidationError (Chinese) saying why."""
    name = getattr(upload, "name", "") or ""
    if "/" in name or "\\" in name or ".." in name or any(ord(c) < 32 for c in name):
        raise ValidationError(_("The file name is not allowed."), code="bad_name")
    if len(name) > MAX_NAME:
        raise ValidationError(_("The file name is too long."), code="long_name")
    if upload.size > max_bytes():
        raise ValidationError(
            _("The photo is too large: at most %(mb)s MB.") % {"mb": round(max_bytes() / 1048576, 1)},
            code="too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as img:
            fmt, (width, height) = img.format, img.size  # read from the header: nothing decoded yet
            if width * height > settings.IMAGE_MAX_PIXELS:
                raise Image.DecompressionBombError(f"{width}x{height}")
            img.verify()
    except Image.DecompressionBombError as exc:
        raise ValidationError(
            _("The photo has too many pixels: at most %(mp)s megapixels.")
            % {"mp": settings.IMAGE_MAX_PIXELS // 1_000_000},
            code="too_many_pixels",
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("This file is not an image."), code="not_image") from exc
    if fmt not in FORMATS:
        raise ValidationError(_("This image type is not accepted."), code="bad_type")
    upload.seek(0)
    upload.photo_ext = FORMATS[fmt]
    return upload


def stored_file(upload) -> tuple[ContentFile, str]:
    """The file's content under a generated name; the user's name is kept for display only."""
    upload.seek(0)
    content = ContentFile(upload.read(), name=f"{uuid.uuid4().hex}.{upload.photo_ext}")
    return content, name_for_display(upload.name)


def name_for_display(name: str) -> str:
    return "".join(c for c in name if c.isprintable())[:MAX_NAME]


def photo_save(ticket: Ticket, upload, by: User) -> Photo:
    content, original = stored_file(upload)
    return photo_store(ticket, by, content, original, upload.size)


def photo_store(ticket: Ticket, by: User, content, original: str, size: int) -> Photo:
    """A photo's file (already under a generated name) saved as the ticket's."""
    photo = Photo(ticket=ticket, created_by=by, original_name=original, size=size)
    photo.image.save(content.name, content, save=False)
    photo.save()
    return photo
