"""The few WeChat server APIs Shouhu calls: access token, customer-service messages,
custom menu, media download. Plain httpx against a configurable base URL, so tests
mock the HTTP boundary (pytest-httpserver) instead of patching code."""
from __future__ import annotations

import threading
import time

import httpx

TOKEN_EXPIRED = {40001, 40014, 42001}


class WeChatApiError(RuntimeError):
    def __init__(self, errcode: int, errmsg: str):
        super().__init__(f"wechat api error {errcode}: {errmsg}")
        self.errcode = errcode


class WeChatApi:
    def __init__(self, base_url: str, appid: str, secret: str, timeout: float = 10.0):
        self.base = base_url.rstrip("/")
        self.appid, self.secret = appid, secret
        self._http = httpx.Client(timeout=timeout)
        self._token: str | None = None
        self._expires = 0.0
        self._lock = threading.Lock()

    @property
    def configured(self) -> bool:
        return bool(self.appid and self.secret)

    def close(self) -> None:
        self._http.close()

    def access_token(self, refresh: bool = False) -> str:
        with self._lock:
            if refresh or not self._token or time.monotonic() > self._expires:
                if not self.configured:
                    raise WeChatApiError(-1, "appid/secret not configured")
                data = self._check(self._http.get(f"{self.base}/cgi-bin/token", params={
                    "grant_type": "client_credential", "appid": self.appid, "secret": self.secret}))
                self._token = data["access_token"]
                self._expires = time.monotonic() + int(data.get("expires_in", 7200)) - 300
            return self._token

    def _check(self, resp: httpx.Response) -> dict:
        resp.raise_for_status()
        data = resp.json()
        if data.get("errcode"):
            raise WeChatApiError(int(data["errcode"]), str(data.get("errmsg", "")))
        return data

    def _post(self, path: str, payload: dict) -> dict:
        import json
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        for attempt in (0, 1):
            token = self.access_token(refresh=attempt == 1)
            try:
                return self._check(self._http.post(
                    f"{self.base}{path}", params={"access_token": token}, content=body,
                    headers={"Content-Type": "application/json; charset=utf-8"}))
            except WeChatApiError as exc:
                if exc.errcode not in TOKEN_EXPIRED or attempt == 1:
                    raise
        raise AssertionError("unreachable")

    def send_text(self, openid: str, text: str) -> dict:
        return self._post("/cgi-bin/message/custom/send",
                          {"touser": openid, "msgtype": "text", "text": {"content": text}})

    def create_menu(self, buttons: list[dict]) -> dict:
        return self._post("/cgi-bin/menu/create", {"button": buttons})

    def download_media(self, media_id: str) -> tuple[bytes, str]:
        resp = self._http.get(f"{self.base}/cgi-bin/media/get",
                              params={"access_token": self.access_token(), "media_id": media_id})
        resp.raise_for_status()
        ctype = resp.headers.get("content-type", "")
        if ctype.startswith(("application/json", "text/plain")):
            data = resp.json()
            raise WeChatApiError(int(data.get("errcode", -1)), str(data.get("errmsg", "")))
        return resp.content, ctype
