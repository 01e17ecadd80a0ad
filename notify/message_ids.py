"""The Message-ID each outbox mail carries, so that a reply to it can be told apart from any
other mail arriving in the inbound mailbox (mailin/): `<kst.n<row id>.<signature>@<domain>>`.
The signature (an HMAC of the row id with SECRET_KEY) keeps a made-up reference from
passing for one of ours."""

import hashlib
import hmac
import re
from email.utils import parseaddr

from django.conf import settings

PATTERN = re.compile(r"<?kst\.n(\d+)\.([0-9a-f]{16})@[^>\s]+>?", re.IGNORECASE)


def _signature(pk: int) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"notification:{pk}".encode(), hashlib.sha256).hexdigest()[:16]


def message_domain() -> str:
    """The domain of our sender address (DEFAULT_FROM_EMAIL), else "kesutong.local"."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "kesutong.local"


def message_id_for(pk: int) -> str:
    return f"<kst.n{pk}.{_signature(pk)}@{message_domain()}>"


def notification_ids_in(text: str) -> list[int]:
    """The outbox rows whose Message-IDs appear in a header (In-Reply-To, References), last
    one first (the message replied to), forged signatures left out."""
    found = []
    for match in PATTERN.finditer(text or ""):
        pk = int(match.group(1))
        if hmac.compare_digest(match.group(2).lower(), _signature(pk)) and pk not in found:
            found.append(pk)
    return list(reversed(found))


def headers_for(pk: int) -> dict[str, str]:
    """Headers of an outbox mail: our Message-ID; marked as sent by a machine (RFC 3834), so
    out-of-office responders leave it alone; Reply-To the inbound mailbox when there is one."""
    headers = {
        "Message-ID": message_id_for(pk),
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
    }
    if settings.MAILIN_ADDRESS:
        headers["Reply-To"] = settings.MAILIN_ADDRESS
    return headers
