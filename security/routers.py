"""The router every app's API uses: a detail route takes ASCII digits only unless the
viewset names its own lookup pattern, so "abc" or "²" never reaches a queryset (DRF's
default pattern takes anything but "/" and ".")."""

from rest_framework.routers import SimpleRouter

ID_PATTERN = "[0-9]+"


class IdRouter(SimpleRouter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._default_value_pattern = ID_PATTERN
