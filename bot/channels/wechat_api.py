"""The WeChat server APIs Shouhu calls (access token, customer-service and template
messages, custom menu, media download), through wechatpy's `WeChatClient`.

WeChat keeps one valid access token per account: a second fetch invalidates the first
(error 40001 for everyone still holding it). So the token lives in wechatpy's session
storage — Redis in the production profile, shared by every process and machine; memory
in the embedded one — and one holder at a time refreshes it, under a lock (a Redis lock
across processes, a thread lock in one). Whoever waited then finds the new token and
does not fetch again. A call rejected for its token refreshes once and is retried once.
"""
from __future__ import annotations

import threading
import time
from contextlib import AbstractContextManager
from urllib.parse import parse_qs, urlsplit

from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session.memorystorage import MemoryStorage
from wechatpy.session.redisstorage import RedisStorage

# 40001 invalid credential, 40014 invalid token, 42001 token expired
TOKEN_ERRORS = {40001, 40014, 42001}
OUT_OF_WINDOW = 45015  # a customer-service message more than 48 h after the user's last
EARLY_SECONDS = 300  # treat a token as expired this long before WeChat does
LOCK_SECONDS = 15


class WeChatApiError(RuntimeError):
    def __init__(self, errcode: int | None, errmsg: str):
        super().__init__(f"wechat api error {errcode}: {errmsg}")
        self.errcode = errcode


class ExpiringMemoryStorage(MemoryStorage):
    """wechatpy's memory storage ignores the TTL; the token must still expire."""

    def set(self, key, value, ttl=None):
        if value is not None:
            self._data[key] = (value, time.monotonic() + ttl if ttl else None)

    def get(self, key, default=None):
        value, deadline = self._data.get(key, (default, None))
        if deadline is not None and time.monotonic() >= deadline:
            return default
        return value


class SharedTokenClient(WeChatClient):
    """wechatpy's client pointed at `base` (tests: a fake server), with the token read
    from the shared storage and refreshed by one holder at a time."""

    def __init__(self, base: str, appid: str, secret: str, session, lock: AbstractContextManager,
                 timeout: float):
        super().__init__(appid, secret, session=session, timeout=timeout, auto_retry=False)
        self.base = base.rstrip("/")
        self.API_BASE_URL = f"{self.base}/cgi-bin/"
        self._refresh_lock = lock
        # wechatpy posts UTF-8 JSON bodies; say so (its own requests leave the type unset)
        self._http.headers["Content-Type"] = "application/json; charset=utf-8"

    @property
    def access_token(self) -> str:
        return self.session.get(self.access_token_key) or self.refresh_token()

    def refresh_token(self, stale: str | None = None) -> str:
        """A token other than `stale`: the one another holder just stored, or a new one."""
        with self._refresh_lock:
            token = self.session.get(self.access_token_key)
            if token and token != stale:
                return token
            self.fetch_access_token()
            return self.session.get(self.access_token_key)

    def fetch_access_token(self) -> dict:
        result = self._fetch_access_token(
            url=f"{self.base}/cgi-bin/token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret})
        ttl = max(int(result.get("expires_in", 7200)) - EARLY_SECONDS, 60)
        self.session.set(self.access_token_key, result["access_token"], ttl)
        return result


def _used_token(exc: WeChatClientException) -> str | None:
    url = getattr(getattr(exc, "request", None), "url", None) or ""
    return (parse_qs(urlsplit(url).query).get("access_token") or [None])[0]


class WeChatApi:
    def __init__(self, base_url: str, appid: str, secret: str, redis=None, timeout: float = 10.0):
        self.appid, self.secret = appid, secret
        if redis is not None:
            session = RedisStorage(redis, prefix="shouhu:wechat")
            lock = redis.lock(f"shouhu:wechat:{appid}:token-lock", timeout=LOCK_SECONDS,
                              blocking_timeout=LOCK_SECONDS)
        else:
            session, lock = ExpiringMemoryStorage(), threading.Lock()
        self.client = SharedTokenClient(base_url, appid, secret, session, lock, timeout)

    @property
    def configured(self) -> bool:
        return bool(self.appid and self.secret)

    def close(self) -> None:
        self.client._http.close()

    def _call(self, fn, *args, **kwargs):
        if not self.configured:
            raise WeChatApiError(-1, "appid/secret not configured")
        for attempt in (0, 1):
            try:
                return fn(*args, **kwargs)
            except WeChatClientException as exc:
                if exc.errcode in TOKEN_ERRORS and attempt == 0:
                    self.client.refresh_token(stale=_used_token(exc))
                    continue
                raise WeChatApiError(exc.errcode, str(exc.errmsg)) from exc
        raise AssertionError("unreachable")

    def access_token(self) -> str:
        return self._call(lambda: self.client.access_token)

    def send_text(self, openid: str, text: str, notice_template: dict | None = None) -> dict:
        """A customer-service message. Beyond WeChat's 48-hour window (45015) it goes as the
        notice template message (config wechat.notice_template) when one is configured."""
        try:
            return self._call(self.client.message.send_text, openid, text)
        except WeChatApiError as exc:
            tpl = notice_template or {}
            if exc.errcode != OUT_OF_WINDOW or not tpl.get("id"):
                raise
        data = {str(tpl.get("field") or "content"): {"value": text}}
        if tpl.get("title_field"):
            data[str(tpl["title_field"])] = {"value": str(tpl.get("title") or "守护通知")}
        return self.send_template(openid, str(tpl["id"]), data, url=tpl.get("url") or None)

    def send_template(self, openid: str, template_id: str, data: dict, url: str | None = None) -> dict:
        """A template message: reaches a follower outside the 48-hour customer-service window."""
        return self._call(self.client.message.send_template, openid, template_id, data, url=url)

    def create_menu(self, buttons: list[dict]) -> dict:
        return self._call(self.client.menu.create, {"button": buttons})

    def download_media(self, media_id: str) -> tuple[bytes, str]:
        resp = self._call(self.client.media.download, media_id)
        if isinstance(resp, dict):  # JSON without an error code: not a file
            raise WeChatApiError(resp.get("errcode"), str(resp.get("errmsg", "no media")))
        return resp.content, resp.headers.get("content-type", "")
