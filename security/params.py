"""Reading numbers from requests, and refusing input no page should ever see.

One way for every page to read an id or a number from a query string or a form:
`int_param(request.GET, "customer")`. `str.isdigit()` is not enough ("²" is a digit to
Python but not to int()), and neither is int() alone ("١٢" is 12 to it, and it will read
10,000 digits that no column can hold). Anything that is not a plain ASCII number within
the database's range is refused with a 400 and a message in Chinese, before the ORM sees it.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# PostgreSQL's bigint: the largest id any table here can hold.
MAX_ID = 2**63 - 1
# Longer than any id or amount a person types: refused before int() spends time on it.
_MAX_DIGITS = 19


class BadParameter(BadRequest):
    """A request parameter that is not what the page needs. Django answers 400 with the
    message (security.views.bad_request); the message is safe to show: it never echoes input."""

    def __init__(self, name: str | None, message=None):
        self.name = name
        self.message = message or gettext_lazy("This is not a valid number.")
        super().__init__(str(self.message))

    def __str__(self) -> str:
        if not self.name:
            return str(self.message)
        return _("Parameter “%(name)s”: %(message)s") % {"name": self.name, "message": self.message}


def parse_int(raw, *, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    """The plain ASCII integer in `raw` within [minimum, maximum], else None.

    For code that treats a bad id like no id (a lookup that finds nothing)."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw if minimum <= raw <= maximum else None
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    digits = text[1:] if text[:1] == "-" else text
    if not digits or len(digits) > _MAX_DIGITS or not (digits.isascii() and digits.isdigit()):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def int_param(
    data, key: str, *, default: int | None = None, minimum: int = 1, maximum: int = MAX_ID
) -> int | None:
    """An id or number from request.GET / request.POST (or any mapping).

    Missing or blank → `default`. Anything else that is not a plain ASCII integer in
    [minimum, maximum] raises BadParameter, which Django answers with 400."""
    raw = data.get(key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return default
    value = parse_int(raw, minimum=minimum, maximum=maximum)
    if value is None:
        raise BadParameter(key)
    return value


def next_path(data, fallback: str, request: HttpRequest, key: str = "next") -> str:
    """A ?next= / next form value to send the user back to: a path on this site, else `fallback`.

    Only absolute paths: anything else (an outside URL, or a bare word that redirect() would
    try to reverse as a view name) is replaced by the fallback."""
    target = data.get(key) or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback
