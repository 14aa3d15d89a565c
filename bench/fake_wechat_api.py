"""A stand-in for WeChat's server API on loopback, for the load bench: the only part of the
production path that cannot run here (Tencent's servers), replaced at the HTTP boundary.

It answers `GET /cgi-bin/token` and `POST /cgi-bin/message/custom/send` (the customer-
service messages that carry a reply too slow for WeChat's 5-second passive window) and
hands every message to the asyncio loop of the simulated users, who wait for their late
reply as a WeChat client would. Every message is kept, so that the bench can tell a late
reply that never came from one that came twice.
"""
from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class LateReplies:
    """Customer-service messages per openid, awaited by the simulated users."""

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None):
        self.loop = loop
        self.sent: dict[str, list[tuple[float, str]]] = defaultdict(list)  # every message received
        self.unexpected: list[tuple[str, str]] = []  # arrived while nobody waited for it
        self._waiting: dict[str, asyncio.Queue] = {}
        self._lock = threading.Lock()

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def deliver(self, openid: str, content: str) -> None:
        """Called from the server's threads."""
        with self._lock:
            self.sent[openid].append((time.perf_counter(), content))
            queue = self._waiting.get(openid)
            if queue is None or self.loop is None:
                self.unexpected.append((openid, content))
                return
        self.loop.call_soon_threadsafe(queue.put_nowait, (time.perf_counter(), content))

    def expect(self, openid: str) -> None:
        """Before sending a message: its late reply, if any, belongs to this user's turn."""
        with self._lock:
            self._waiting[openid] = asyncio.Queue()

    def done(self, openid: str) -> None:
        with self._lock:
            self._waiting.pop(openid, None)

    async def wait(self, openid: str, timeout: float, settle: float = 0.3) -> tuple[float, str] | None:
        """The first late message's arrival time and all parts of the reply (a long reply
        comes as several messages, sent back to back), or None when none came."""
        queue = self._waiting[openid]
        try:
            first_at, text = await asyncio.wait_for(queue.get(), timeout)
        except TimeoutError:
            return None
        parts = [text]
        while True:
            try:
                _, more = await asyncio.wait_for(queue.get(), settle)
            except TimeoutError:
                return first_at, "\n".join(parts)
            parts.append(more)

    def total(self) -> int:
        with self._lock:
            return sum(len(v) for v in self.sent.values())


def start(late: LateReplies, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _json(self, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urlparse(self.path)
            if url.path.endswith("/cgi-bin/token") and parse_qs(url.query).get("appid"):
                self._json({"access_token": "bench-token", "expires_in": 7200})
            else:
                self._json({"errcode": 40001, "errmsg": "unknown call in the load bench"})

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if not urlparse(self.path).path.endswith("/message/custom/send"):
                self._json({"errcode": 0, "errmsg": "ok"})
                return
            msg = json.loads(body or b"{}")
            late.deliver(str(msg.get("touser")), str((msg.get("text") or {}).get("content", "")))
            self._json({"errcode": 0, "errmsg": "ok"})

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True, name="fake-wechat-api").start()
    return server
