"""A local HTTP server that plays the WeCom, DingTalk and Feishu group-robot webhooks.

It checks what each platform checks, written here from the platforms' documentation and
independently of notify/robots.py (the code under test must not check itself):

- WeCom   POST /cgi-bin/webhook/send?key=<token>; {"msgtype": "markdown", "markdown":
  {"content": str <= 4096 bytes}}; answers {"errcode": 0, "errmsg": "ok"}.
- DingTalk POST /robot/send?access_token=<token>[&timestamp=<ms>&sign=<urlencoded base64
  HMAC-SHA256(secret, "<ms>\\n<secret>")>]; {"msgtype": "markdown", "markdown": {"title", "text"}};
  answers {"errcode": 0}; a wrong sign answers {"errcode": 310000, ...}.
- Feishu  POST /open-apis/bot/v2/hook/<token>; {"timestamp": "<s>", "sign": base64 HMAC-SHA256
  (key="<s>\\n<secret>", msg=""), "msg_type": "post", "content": {"post": {"zh_cn": {"title",
  "content": [[{"tag": "text"|"a", ...}]]}}}}; answers {"code": 0}; a wrong sign {"code": 19021}.

`script(token, "500", "errcode", "hang", ...)` makes the next requests to that robot fail in
those ways, one per request, then it answers normally again. `posted` keeps what a group would
have seen (a "hang" request is posted, then answered too late)."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import threading
import time
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class RobotPlatforms:
    def __init__(self, hang_seconds: float = 3.0):
        self.secrets: dict[str, str] = {}
        self.scripts: dict[str, deque[str]] = defaultdict(deque)
        self.hang_seconds = hang_seconds
        self.requests: list[dict] = []  # every request and the verdict
        self.posted: list[dict] = []  # what the groups saw
        self._lock = threading.Lock()
        self.arrived = threading.Condition(self._lock)
        self.server: ThreadingHTTPServer | None = None

    # -- set-up ------------------------------------------------------------------------------

    def url(self, platform: str, token: str, secret: str = "") -> str:
        if secret:
            self.secrets[token] = secret
        base = f"http://127.0.0.1:{self.server.server_port}"
        return {
            "wecom": f"{base}/cgi-bin/webhook/send?key={token}",
            "dingtalk": f"{base}/robot/send?access_token={token}",
            "feishu": f"{base}/open-apis/bot/v2/hook/{token}",
        }[platform]

    def script(self, token: str, *modes: str) -> None:
        with self._lock:
            self.scripts[token].extend(modes)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.posted.clear()
            self.scripts.clear()

    def posted_to(self, token: str) -> list[dict]:
        with self._lock:
            return [p for p in self.posted if p["token"] == token]

    def wait_until(self, done, timeout: float) -> list[dict]:
        deadline = time.monotonic() + timeout
        with self.arrived:
            while not done(self.requests):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.arrived.wait(left)
            return list(self.requests)

    # -- the platforms -----------------------------------------------------------------------

    def handle(self, path: str, query: dict, body: bytes) -> tuple[int, dict | str, str, str, dict | None]:
        """(HTTP status, answer, platform, token, message or None)."""
        try:
            data = json.loads(body.decode())
        except ValueError:
            return 400, "not json", "?", "?", None
        if path == "/cgi-bin/webhook/send":
            return self._wecom(query, data)
        if path == "/robot/send":
            return self._dingtalk(query, data)
        if path.startswith("/open-apis/bot/v2/hook/"):
            return self._feishu(path.rsplit("/", 1)[1], data)
        return 404, "no such webhook", "?", "?", None

    def _wecom(self, query, data):
        token = query.get("key", [""])[0]
        if not token:
            return 200, {"errcode": 93000, "errmsg": "invalid webhook url"}, "wecom", token, None
        content = (data.get("markdown") or {}).get("content")
        if data.get("msgtype") != "markdown" or not isinstance(content, str) or not content:
            return 200, {"errcode": 40008, "errmsg": "invalid message type"}, "wecom", token, None
        if len(content.encode()) > 4096:
            return (
                200,
                {"errcode": 40058, "errmsg": "markdown.content exceed max length 4096"},
                "wecom",
                token,
                None,
            )
        return 200, {"errcode": 0, "errmsg": "ok"}, "wecom", token, {"text": content}

    def _dingtalk(self, query, data):
        token = query.get("access_token", [""])[0]
        secret = self.secrets.get(token)
        if secret:
            stamp, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
            if not stamp.isdigit() or abs(int(stamp) - time.time() * 1000) > 3600_000:
                return 200, {"errcode": 310000, "errmsg": "timestamp invalid"}, "dingtalk", token, None
            digest = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
            if not hmac.compare_digest(base64.b64encode(digest).decode(), sign):
                return 200, {"errcode": 310000, "errmsg": "sign not match"}, "dingtalk", token, None
        md = data.get("markdown") or {}
        if data.get("msgtype") != "markdown" or not md.get("title") or not md.get("text"):
            return 200, {"errcode": 300001, "errmsg": "param error"}, "dingtalk", token, None
        return (
            200,
            {"errcode": 0, "errmsg": "ok"},
            "dingtalk",
            token,
            {"title": md["title"], "text": md["text"]},
        )

    def _feishu(self, token, data):
        secret = self.secrets.get(token)
        if secret:
            stamp, sign = str(data.get("timestamp", "")), data.get("sign", "")
            key = f"{stamp}\n{secret}".encode()
            expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
            if (
                not stamp.isdigit()
                or abs(int(stamp) - time.time()) > 3600
                or not hmac.compare_digest(expected, sign)
            ):
                return (
                    200,
                    {
                        "code": 19021,
                        "msg": "sign match fail or timestamp is not within one hour from current time",
                    },
                    "feishu",
                    token,
                    None,
                )
        post = ((data.get("content") or {}).get("post") or {}).get("zh_cn") or {}
        content = post.get("content")
        ok = (
            data.get("msg_type") == "post"
            and post.get("title")
            and isinstance(content, list)
            and all(
                isinstance(line, list)
                and all(
                    isinstance(el, dict) and el.get("tag") in ("text", "a") and el.get("text") for el in line
                )
                for line in content
            )
        )
        if not ok:
            return 400, {"code": 9499, "msg": "Bad Request"}, "feishu", token, None
        lines = [
            " ".join(el.get("href", el["text"]) if el["tag"] == "a" else el["text"] for el in line)
            for line in content
        ]
        return (
            200,
            {"code": 0, "data": {}, "msg": "success"},
            "feishu",
            token,
            {"title": post["title"], "text": "\n".join(lines)},
        )

    def record(self, entry: dict, message: dict | None) -> None:
        with self.arrived:
            self.requests.append(entry)
            if message is not None:
                self.posted.append({**message, "platform": entry["platform"], "token": entry["token"]})
            self.arrived.notify_all()

    def next_mode(self, token: str) -> str:
        with self._lock:
            queue = self.scripts.get(token)
            return queue.popleft() if queue else "ok"


def _handler(platforms: RobotPlatforms):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            parts = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            query = parse_qs(parts.query, keep_blank_values=True)  # decodes DingTalk's urlencoded sign once
            status, answer, platform, token, message = platforms.handle(parts.path, query, body)
            mode = platforms.next_mode(token) if message is not None else "ok"
            entry = {
                "platform": platform,
                "token": token,
                "mode": mode,
                "status": status,
                "answer": answer,
                "body": body,
                "query": query,
            }
            if mode == "500":
                platforms.record({**entry, "status": 500}, None)
                return self._answer(500, "Internal Server Error")
            if mode == "errcode":
                limited = (
                    {"code": 11232, "msg": "frequency limited"}
                    if platform == "feishu"
                    else {"errcode": 45009, "errmsg": "api freq out of limit"}
                )
                platforms.record({**entry, "answer": limited}, None)
                return self._answer(200, limited)
            platforms.record(entry, message)
            if mode == "hang":  # the message is in the group; the answer comes too late
                time.sleep(platforms.hang_seconds)
            return self._answer(status, answer)

        def _answer(self, status: int, answer) -> None:
            raw = (json.dumps(answer) if isinstance(answer, dict) else answer).encode()
            with contextlib.suppress(OSError):  # the client may have given up (hang)
                self.send_response(status)
                self.send_header(
                    "Content-Type", "application/json" if isinstance(answer, dict) else "text/plain"
                )
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        def log_message(self, format, *args):
            pass

    return Handler


@contextlib.contextmanager
def robot_platforms(hang_seconds: float = 3.0):
    platforms = RobotPlatforms(hang_seconds)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(platforms))
    server.daemon_threads = True
    server.block_on_close = False
    platforms.server = server
    thread = threading.Thread(target=server.serve_forever, name="robot-platforms", daemon=True)
    thread.start()
    try:
        yield platforms
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
