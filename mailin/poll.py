"""Polling the IMAP mailbox (imapclient): fetch unread mail, keep and act on each message
(services.mail_ingest), then mark it read (and move it, if MAILIN_IMAP_DONE_FOLDER is set).

What can go wrong, and what happens:
- the server is down, refuses the login, or the connection drops: nothing is marked read, so
  every unhandled message is fetched again next time; the mailbox's row records the error
  (shown on the inbox page) and it is logged as an ERROR;
- a worker dies after keeping a mail but before marking it read: the next poll fetches it
  again, finds its Message-ID kept and creates nothing (a mail kept but not yet acted on is
  acted on then);
- two workers (or two beats) poll at once: one holds the mailbox's lease (a conditional
  UPDATE, as the outbox claims its rows) and the other does nothing.
Mail is fetched with BODY.PEEK[], which does not mark it read on the server."""

from __future__ import annotations

import datetime
import logging
import ssl
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from .models import MailboxState
from .services import mail_ingest

log = logging.getLogger(__name__)
SEEN = b"\\Seen"
FETCH_CHUNK = 10
LEASE = datetime.timedelta(minutes=10)


@dataclass(frozen=True)
class MailboxConfig:
    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"
    ssl: bool = True
    starttls: bool = False
    done_folder: str = ""
    timeout: int = 30

    @property
    def key(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"[:255]

    @classmethod
    def from_settings(cls) -> MailboxConfig | None:
        if not settings.MAILIN_IMAP_HOST:
            return None
        return cls(
            host=settings.MAILIN_IMAP_HOST,
            port=settings.MAILIN_IMAP_PORT,
            user=settings.MAILIN_IMAP_USER,
            password=settings.MAILIN_IMAP_PASSWORD,
            folder=settings.MAILIN_IMAP_FOLDER,
            ssl=settings.MAILIN_IMAP_SSL,
            starttls=settings.MAILIN_IMAP_STARTTLS,
            done_folder=settings.MAILIN_IMAP_DONE_FOLDER,
            timeout=settings.MAILIN_IMAP_TIMEOUT,
        )


@dataclass
class PollResult:
    polled: bool = False  # False: not configured, or another worker holds the mailbox
    fetched: int = 0
    created: int = 0
    duplicates: int = 0
    error: str = ""
    rows: list = field(default_factory=list)


def _claim(config: MailboxConfig) -> str | None:
    """Take the mailbox's lease; None if another worker holds it."""
    MailboxState.objects.get_or_create(key=config.key)
    now, token = timezone.now(), uuid.uuid4().hex
    claimed = (
        MailboxState.objects.filter(key=config.key)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=now + LEASE, lease_token=token, last_poll_at=now)
    )
    return token if claimed else None


def _release(config: MailboxConfig, token: str, result: PollResult) -> None:
    now = timezone.now()
    fields = {"lease_until": None, "lease_token": "", "last_fetched": result.fetched}
    if result.error:
        fields.update(last_error=result.error[:2000], last_error_at=now)
    else:
        fields.update(last_ok_at=now, last_error="")
    MailboxState.objects.filter(key=config.key, lease_token=token).update(**fields)


def poll_mailbox(config: MailboxConfig | None = None) -> PollResult:
    config = config or MailboxConfig.from_settings()
    result = PollResult()
    if config is None:
        return result
    token = _claim(config)
    if token is None:
        log.info("mailbox %s is being read by another worker", config.key)
        return result
    result.polled = True
    try:
        _poll(config, result)
    except (OSError, IMAPClientError) as exc:  # socket errors, timeouts and TLS errors are OSErrors
        result.error = f"{exc.__class__.__name__}: {exc}"
        log.error("mailbox %s: %s (unread mail stays on the server for the next poll)", config.key, exc)
    finally:
        _release(config, token, result)
    return result


def _connect(config: MailboxConfig) -> IMAPClient:
    client = IMAPClient(config.host, port=config.port, ssl=config.ssl, timeout=config.timeout)
    if config.starttls and not config.ssl:
        client.starttls(ssl.create_default_context())
    client.login(config.user, config.password)
    return client


def _poll(config: MailboxConfig, result: PollResult) -> None:
    client = _connect(config)
    try:
        client.select_folder(config.folder)
        uids = sorted(client.search(["UNSEEN"]))[: settings.MAILIN_MAX_PER_POLL]
        if config.done_folder and uids and not client.folder_exists(config.done_folder):
            client.create_folder(config.done_folder)
        for start in range(0, len(uids), FETCH_CHUNK):
            chunk = uids[start : start + FETCH_CHUNK]
            sizes = client.fetch(chunk, ["RFC822.SIZE"])
            small = [u for u in chunk if sizes.get(u, {}).get(b"RFC822.SIZE", 0) <= settings.MAILIN_MAX_BYTES]
            fetched = client.fetch(small, ["BODY.PEEK[]"]) if small else {}
            for uid in chunk:
                refuse = ""
                if uid in fetched:
                    raw = fetched[uid][b"BODY[]"]
                else:  # too large to take in: its headers are kept, the mail stays on the server
                    size = sizes.get(uid, {}).get(b"RFC822.SIZE", 0)
                    raw = client.fetch([uid], ["BODY.PEEK[HEADER]"]).get(uid, {}).get(b"BODY[HEADER]", b"")
                    refuse = (
                        f"the mail is too large ({size} bytes, over MAILIN_MAX_BYTES): only its headers "
                        f"were taken; the whole mail is in the mailbox {config.key}"
                    )
                row, created = mail_ingest(raw=raw, mailbox=config.key, imap_uid=uid, refuse=refuse)
                result.fetched += 1
                result.created += int(created)
                result.duplicates += int(not created)
                result.rows.append(row)
                _done(client, config, uid)
    finally:
        try:
            client.logout()
        except Exception as exc:  # noqa: BLE001 - the mail is handled; a failed goodbye changes nothing
            log.info("IMAP logout failed: %s", exc)


def _done(client: IMAPClient, config: MailboxConfig, uid: int) -> None:
    client.add_flags([uid], [SEEN])
    if config.done_folder:
        client.move([uid], config.done_folder)
