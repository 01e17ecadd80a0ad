from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = _("Security")

    def ready(self) -> None:
        from django.conf import settings
        from PIL import Image

        from . import tokens  # noqa: F401 - connects the token revocation signals

        # Pillow warns above this many pixels and refuses above twice as many, wherever an
        # image is opened; uploads are held to IMAGE_MAX_PIXELS itself (tickets.photos).
        Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS
