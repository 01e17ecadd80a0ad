"""Reading a raw e-mail (stdlib `email`) into what the inbox needs: sender, subject, text,
threading headers and attachments, with Chinese mail decoded correctly.

The message is parsed with policy.compat32, which leaves headers as they came, and every header
is decoded here: policy.default decodes a gb2312 word with Python's gb2312 codec, which turns
GBK-only characters (镕, 堃, 喆 — common in names) into U+FFFD.

Chinese mail in the wild: subjects as RFC 2047 words in GB2312/GBK/GB18030 (or raw 8-bit
bytes in either GBK or UTF-8), bodies declared gb2312 that hold GBK-only characters (the
mailers say gb2312 and mean GBK), no charset at all. Every GB charset is decoded as GB18030,
its superset; an undeclared or unknown one is tried as UTF-8, then GB18030. Nothing raises
on a bad byte: it becomes U+FFFD and the mail is still read."""

from __future__ import annotations

import datetime
import email
import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.header import Header, decode_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

GB_CHARSETS = {
    *("gb2312", "gb_2312", "gb_2312-80", "csgb2312", "euc-cn"),
    *("gbk", "x-gbk", "cp936", "ms936", "gb18030"),
}
PARAM_HEADERS = ("content-type", "content-disposition")
BODY_MAX = 200_000  # characters of text kept on the row (the raw message keeps all)


class MalformedMail(Exception):
    """The bytes are not a mail the inbox can act on; the message says why."""


@dataclass
class Attachment:
    name: str
    content_type: str
    data: bytes


@dataclass
class ParsedMail:
    message_id: str
    from_address: str
    from_name: str
    subject: str
    body: str
    sent_at: datetime.datetime | None
    in_reply_to: str
    references: str
    return_path: str | None  # None: no Return-Path header at all
    headers: dict[str, str]  # lower-cased names, decoded, first value
    content_type: str
    attachments: list[Attachment] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)


def decode_bytes(data: bytes, charset: str | None) -> tuple[str, bool]:
    """Text from bytes in a declared (or missing) charset; (text, clean?)."""
    charset = (charset or "").strip().strip('"').lower()
    if charset in GB_CHARSETS:
        charset = "gb18030"
    tried = [charset] if charset and charset not in ("us-ascii", "ascii") else []
    tried += [c for c in ("utf-8", "gb18030") if c not in tried]
    for name in tried:
        try:
            return data.decode(name), True
        except LookupError:
            continue
        except UnicodeDecodeError:
            if name == charset:  # the declared charset is wrong for some bytes: try the others
                continue
    fallback = charset if _known(charset) else "utf-8"
    return data.decode(fallback, errors="replace"), False


def _known(charset: str) -> bool:
    try:
        "".encode(charset)
    except LookupError:
        return False
    return bool(charset)


def decode_header_value(value) -> str:
    """A header as text: RFC 2047 words in any charset (GB ones as GB18030), 8-bit bytes as
    UTF-8 or GB18030, folded lines joined."""
    if value is None:
        return ""
    if isinstance(value, Header):  # compat32 hands 8-bit headers over as unknown-8bit Headers
        return " ".join("".join(decode_bytes(b, None)[0] for b, _c in _chunks(value)).split())
    value = str(value)
    if any("\udc80" <= c <= "\udcff" for c in value):  # raw 8-bit bytes, kept as surrogates
        text, _clean = decode_bytes(value.encode("ascii", "surrogateescape"), None)
        return " ".join(text.split())
    parts = []
    try:
        chunks = decode_header(value)
    except Exception:  # noqa: BLE001 - a broken encoded word: show the header as it came
        return " ".join(value.split())
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            parts.append(chunk)
        else:
            parts.append(decode_bytes(chunk, charset)[0])
    return " ".join("".join(parts).split())


def _chunks(header: Header) -> list[tuple[bytes, str | None]]:
    chunks = decode_header(header)
    return [(b if isinstance(b, bytes) else b.encode("ascii", "surrogateescape"), c) for b, c in chunks]


class _TextFromHtml(HTMLParser):
    BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "hr"}
    SKIP = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.out.append("\n")
        elif tag == "td":
            self.out.append("\t")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        elif tag in self.BLOCK:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.out.append(data)


def html_to_text(html: str) -> str:
    parser = _TextFromHtml()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.out).splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _part_text(part: Message) -> tuple[str, bool]:
    data = part.get_payload(decode=True) or b""
    text, clean = decode_bytes(data, part.get_param("charset"))
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return text.replace("\r\n", "\n").strip(), clean


def _readable(part: Message) -> Message:
    """The part's Content-Type/-Disposition with raw 8-bit bytes (a file name in GBK or UTF-8,
    unencoded) decoded first, so that their parameters can be read."""
    raw = {k.lower(): v for k, v in part.raw_items()}
    if not any(any("\udc80" <= c <= "\udcff" for c in str(raw.get(h, ""))) for h in PARAM_HEADERS):
        return part
    copy = Message()
    for name in PARAM_HEADERS:
        if name in raw:
            copy[name] = decode_header_value(raw[name])
    return copy


def _filename(part: Message) -> str:
    part = _readable(part)
    raw = part.get_param("filename", header="content-disposition") or part.get_param("name")
    if raw is None:
        return ""
    if isinstance(raw, tuple):  # RFC 2231: (charset, language, value)
        charset, _lang, value = raw
        return decode_bytes(value.encode("latin-1", "surrogateescape"), charset)[0]
    return decode_header_value(email.utils.collapse_rfc2231_value(raw))


def _is_attachment(part: Message) -> bool:
    disposition = str(_readable(part).get("Content-Disposition") or "").split(";")[0].strip().lower()
    if disposition == "attachment" or _filename(part):
        return True
    return part.get_content_maintype() not in ("text", "multipart")


def _leaves(msg: Message):
    """Every leaf part, a forwarded message (message/rfc822) as one leaf, not walked into."""
    if msg.is_multipart() and msg.get_content_type() != "message/rfc822":
        for sub in msg.get_payload():
            yield from _leaves(sub)
    else:
        yield msg


def _attachment_bytes(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        return inner.as_bytes(policy=policy.compat32) if isinstance(inner, Message) else b""
    return part.get_payload(decode=True) or b""


def message_key(raw: bytes, message_id: str) -> str:
    """The row's unique key: the Message-ID, or the raw bytes' hash for a mail without one."""
    message_id = message_id.strip()
    if message_id:
        return message_id[:255]
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def raw_message_id(raw: bytes) -> str:
    """The Message-ID alone, read before anything else can fail (for deduplication)."""
    msg = email.message_from_bytes(raw, policy=policy.compat32)
    return decode_header_value(msg.get("Message-ID", "")).strip()


def parse(raw: bytes) -> ParsedMail:
    """Read a raw message; raise MalformedMail if it has no sender to answer or match."""
    msg: Message = email.message_from_bytes(raw, policy=policy.compat32)
    if not msg.keys():
        raise MalformedMail("no mail headers found")
    headers = {k.lower(): decode_header_value(v) for k, v in reversed(msg.items())}
    from_header = headers.get("from", "")
    addresses = [(n, a) for n, a in getaddresses([from_header]) if "@" in a]
    if not addresses:
        raise MalformedMail(f"no sender address in From: {from_header[:200]!r}")
    from_name, from_address = addresses[0]
    sent_at = None
    if headers.get("date"):
        try:
            sent_at = parsedate_to_datetime(headers["date"])
        except (TypeError, ValueError, IndexError):
            sent_at = None
        if sent_at is not None and sent_at.tzinfo is None:
            sent_at = sent_at.replace(tzinfo=datetime.UTC)
    defects = [type(d).__name__ for d in msg.defects]
    plain, html, attachments = [], [], []
    for part in _leaves(msg):
        defects += [type(d).__name__ for d in part.defects]
        if _is_attachment(part):
            name = _filename(part) or f"attachment.{part.get_content_subtype()}"
            attachments.append(Attachment(name, part.get_content_type(), _attachment_bytes(part)))
            continue
        text, clean = _part_text(part)
        if not clean:
            defects.append(f"undecodable bytes in a {part.get_content_type()} part")
        (html if part.get_content_subtype() == "html" else plain).append(text)
    body = "\n\n".join(t for t in (plain or html) if t)
    return ParsedMail(
        message_id=headers.get("message-id", "").strip(),
        from_address=from_address.strip().lower()[:254],
        from_name=from_name.strip()[:200],
        subject=headers.get("subject", "")[:255],
        body=body[:BODY_MAX],
        sent_at=sent_at,
        in_reply_to=headers.get("in-reply-to", ""),
        references=" ".join(msg.get_all("References") or []),
        return_path=headers.get("return-path"),
        headers=headers,
        content_type=msg.get_content_type(),
        attachments=attachments,
        defects=defects,
    )


QUOTE_MARKERS = [
    re.compile(r"^-{2,}\s*(Original Message|原始邮件|原始郵件)\s*-{2,}", re.IGNORECASE),
    re.compile(r"^\s*(On .{5,200} wrote:|在\s*.{2,200}\s*写道[:：])\s*$"),
    re.compile(r"^\s*(From|发件人|發件人)\s*[:：].+"),
    re.compile(r"^_{10,}\s*$"),  # Outlook's line above the quoted header block
]


def strip_quoted(text: str) -> str:
    """The new part of a reply: up to the quoted original (">" lines, "-----原始邮件-----",
    "On … wrote:", a "发件人:" header block). The whole text if nothing is left."""
    kept = []
    for line in text.splitlines():
        if any(p.match(line) for p in QUOTE_MARKERS):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    new = "\n".join(kept).strip()
    return new or text.strip()
