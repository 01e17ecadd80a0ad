"""Group robots of WeCom (企业微信), DingTalk (钉钉) and Feishu (飞书): the message each
platform expects, its request signing, one HTTP POST, and what the answer means.

No database here: `notify.tasks` claims a delivery, calls `post(...)` and records the outcome.

Why not apprise: its `notify()` returns only True/False, so it cannot tell "certainly not
posted" (connection refused: safe to retry) from "maybe posted" (the answer timed out: never
retried, at most once), nor keep the status code and answer body for the attempt log; and its
Feishu plugin neither signs requests nor reads the `code` of the answer. The three webhooks are
small and documented, so the standard library's http.client does it with a timeout and no new
dependency.

The platforms' formats (docs/notify.md, "Group robots"):

- WeCom: POST the webhook (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…) with
  {"msgtype": "markdown", "markdown": {"content": …}} (at most 4096 bytes); success is
  {"errcode": 0}. No signing: the key in the URL is the credential.
- DingTalk: POST the webhook (https://oapi.dingtalk.com/robot/send?access_token=…) with
  {"msgtype": "markdown", "markdown": {"title": …, "text": …}}; success is {"errcode": 0}.
  With a signing secret ("SEC…"), `&timestamp=<ms>&sign=<s>` is added to the URL, where s is
  urlencode(base64(HMAC-SHA256(key=secret, msg="<timestamp>\\n<secret>"))).
- Feishu: POST the webhook (https://open.feishu.cn/open-apis/bot/v2/hook/…) with
  {"msg_type": "post", "content": {"post": {"zh_cn": {"title": …, "content": [[…]]}}}};
  success is {"code": 0} (older answers: {"StatusCode": 0}). With a signing secret the body
  also carries "timestamp" (seconds) and "sign" = base64(HMAC-SHA256(key="<timestamp>\\n<secret>",
  msg="")).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import ssl
import time
from dataclasses import dataclass
from urllib.parse import quote_plus, urlsplit

WECOM_MAX_BYTES = 4096
ANSWER_KEEP = 500  # characters of the answer kept in the attempt log


@dataclass(frozen=True)
class Message:
    """What a robot posts: a title, a few lines of text, a link."""

    title: str
    lines: tuple[str, ...]
    link: str = ""


@dataclass(frozen=True)
class Answer:
    status: int
    body: str  # the first ANSWER_KEEP characters
    seconds: float


class RobotError(Exception):
    def __init__(self, message: str, answer: Answer | None = None, seconds: float | None = None):
        super().__init__(message)
        self.answer = answer
        self.seconds = answer.seconds if answer else seconds


class NotPosted(RobotError):
    """The platform certainly did not post the message (no connection, an error answer):
    safe to try again later."""


class MaybePosted(RobotError):
    """The request left and no usable answer came back: the message may be in the group.
    Never tried again automatically."""


# --- signing -------------------------------------------------------------------------------


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The `sign` query value (already URL-encoded) for DingTalk's 加签."""
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), digestmod=hashlib.sha256
    ).digest()
    return quote_plus(base64.b64encode(digest).decode())


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """The body's `sign` for Feishu's 签名校验: the key is "timestamp\\nsecret", the message empty."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", digestmod=hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


# --- payloads ------------------------------------------------------------------------------


def _markdown(message: Message, *, open_text: str) -> str:
    # The platforms' markdown subsets have no escaping (WeCom would show a backslash), so the
    # text goes as it is; a subject like "[KS-2026-000012] …" is not a link without "(url)".
    parts = [f"**{' '.join(message.title.split())}**"]
    parts += [line for line in message.lines if line]
    if message.link:
        parts.append(f"[{open_text}]({message.link})")
    return "\n\n".join(parts)


def _cut_utf8(text: str, limit: int) -> str:
    raw = text.encode()
    if len(raw) <= limit:
        return text
    return raw[: limit - 3].decode(errors="ignore") + "…"


def wecom_payload(message: Message, *, open_text: str) -> dict:
    content = _markdown(message, open_text=open_text)
    if len(content.encode()) > WECOM_MAX_BYTES:  # keep the link: cut the lines instead
        short = Message(message.title, (_cut_utf8("\n".join(message.lines), 3000),), message.link)
        content = _cut_utf8(_markdown(short, open_text=open_text), WECOM_MAX_BYTES)
    return {"msgtype": "markdown", "markdown": {"content": content}}


def dingtalk_payload(message: Message, *, open_text: str) -> dict:
    return {
        "msgtype": "markdown",
        "markdown": {"title": message.title[:100], "text": _markdown(message, open_text=open_text)},
    }


def feishu_payload(message: Message, *, open_text: str) -> dict:
    content = [[{"tag": "text", "text": line}] for line in message.lines if line]
    if message.link:
        content.append([{"tag": "a", "text": open_text, "href": message.link}])
    return {"msg_type": "post", "content": {"post": {"zh_cn": {"title": message.title, "content": content}}}}


# --- one request ---------------------------------------------------------------------------


def request_for(
    platform: str, url: str, secret: str, message: Message, *, open_text: str, now: float | None = None
):
    """(url, JSON body) as the platform wants them, signed when a secret is set."""
    now = time.time() if now is None else now
    if platform == "wecom":
        return url, wecom_payload(message, open_text=open_text)
    if platform == "dingtalk":
        payload = dingtalk_payload(message, open_text=open_text)
        if secret:
            ms = int(now * 1000)
            url = f"{url}{'&' if '?' in url else '?'}timestamp={ms}&sign={dingtalk_sign(secret, ms)}"
        return url, payload
    if platform == "feishu":
        payload = feishu_payload(message, open_text=open_text)
        if secret:
            seconds = int(now)
            payload = {"timestamp": str(seconds), "sign": feishu_sign(secret, seconds), **payload}
        return url, payload
    raise ValueError(f"unknown robot platform {platform!r}")


def post_json(url: str, payload: dict, *, timeout: float) -> Answer:
    """POST `payload`; NotPosted if nothing reached the server, MaybePosted if the request
    left but no answer came back (timeout, connection dropped)."""
    parts = urlsplit(url)
    started = time.monotonic()
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=timeout, context=ssl.create_default_context()
        )
    elif parts.scheme == "http":
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    else:
        raise NotPosted(f"not an http(s) address: {parts.scheme}://")
    body = json.dumps(payload, ensure_ascii=False).encode()
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        try:
            conn.connect()  # DNS, TCP, TLS: no byte of the request has left yet
        except (OSError, http.client.HTTPException) as exc:
            raise NotPosted(_describe(exc), seconds=time.monotonic() - started) from exc
        try:
            conn.request(
                "POST",
                target,
                body=body,
                headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "kesutong-notify"},
            )
            response = conn.getresponse()
            raw = response.read(64 * 1024)
        except (OSError, http.client.HTTPException) as exc:
            raise MaybePosted(_describe(exc), seconds=time.monotonic() - started) from exc
    finally:
        conn.close()
    return Answer(response.status, raw.decode(errors="replace")[:ANSWER_KEEP], time.monotonic() - started)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    return f"{exc.__class__.__name__}: {exc}"[:300]


def check_answer(platform: str, answer: Answer) -> None:
    """Raise unless the platform said it posted the message (HTTP 2xx and code 0)."""
    if answer.status >= 300:
        raise NotPosted(f"HTTP {answer.status}", answer)
    try:
        data = json.loads(answer.body)
    except ValueError:
        # The platforms always answer JSON; something else answered, and it said 2xx.
        raise MaybePosted(f"HTTP {answer.status} with an answer that is not JSON", answer) from None
    if not isinstance(data, dict):
        raise MaybePosted(f"HTTP {answer.status} with an unexpected answer", answer)
    if platform == "feishu":
        code = data.get("code", data.get("StatusCode"))
        text = data.get("msg", data.get("StatusMessage", ""))
    else:
        code, text = data.get("errcode"), data.get("errmsg", "")
    if code == 0:
        return
    if code is None:
        raise MaybePosted(f"HTTP {answer.status} without a result code", answer)
    raise NotPosted(f"code {code}: {text}"[:300], answer)


def post(platform: str, url: str, secret: str, message: Message, *, timeout: float, open_text: str) -> Answer:
    """Post one message; returns the answer if the platform accepted it."""
    url, payload = request_for(platform, url, secret, message, open_text=open_text)
    answer = post_json(url, payload, timeout=timeout)
    check_answer(platform, answer)
    return answer
