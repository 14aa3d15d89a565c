from __future__ import annotations

import hashlib
import re
import time
import xml.etree.ElementTree as ET

import pytest
from wechatpy.crypto import WeChatCrypto

from tests.channels.fakes import RecordingNotifier, make_engine

TOKEN = "shouhutesttoken"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APPID = "wx0123456789abcdef"
TG_TOKEN = "123456:TEST-token"
TG_SECRET = "tg-secret-abc"


def sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def text_xml(user: str, content: str, msg_id: str | int = 1, kind: str = "text", **extra) -> str:
    fields = {"ToUserName": "gh_shouhu", "FromUserName": user, "CreateTime": "1764320000",
              "MsgType": kind}
    if kind == "text":
        fields["Content"] = content
    fields.update({k: str(v) for k, v in extra.items()})
    if msg_id is not None:
        fields["MsgId"] = str(msg_id)
    inner = "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields.items())
    return f"<xml>{inner}</xml>"


class WeChatClient:
    """Posts as WeChat's servers would: signed, and AES-encrypted in safe mode."""

    def __init__(self, client, safe: bool):
        self.client, self.safe = client, safe
        self.crypto = WeChatCrypto(TOKEN, AES_KEY, APPID)

    def post_raw(self, body: bytes | str, *, good_signature=True, msg_signature=None, params=None,
                 ts: str | None = None):
        ts, nonce = ts or str(int(time.time())), "nonce123"
        query = {"signature": sign(TOKEN, ts, nonce) if good_signature else "0" * 40,
                 "timestamp": ts, "nonce": nonce, "openid": "o"}
        if self.safe:
            query.update(encrypt_type="aes", msg_signature=msg_signature or "")
        query.update(params or {})
        return self.client.post("/wechat", query_string=query, data=body,
                                content_type="text/xml")

    def post(self, xml: str, *, good_signature=True, bad_msg_signature=False, ts: str | None = None):
        """`ts`: the signed timestamp (default: now)."""
        if not self.safe:
            resp = self.post_raw(xml, good_signature=good_signature, ts=ts)
            return resp, (parse_reply(resp.data) if resp.status_code == 200 else None)
        ts, nonce = ts or str(int(time.time())), "nonce123"
        enc = ET.fromstring(self.crypto.encrypt_message(xml, nonce, ts))
        encrypt, msg_sig = enc.findtext("Encrypt"), enc.findtext("MsgSignature")
        body = f"<xml><ToUserName><![CDATA[gh_shouhu]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
        query = {"signature": sign(TOKEN, ts, nonce) if good_signature else "0" * 40,
                 "timestamp": ts, "nonce": nonce, "openid": "o", "encrypt_type": "aes",
                 "msg_signature": "f" * 40 if bad_msg_signature else msg_sig}
        resp = self.client.post("/wechat", query_string=query, data=body, content_type="text/xml")
        if resp.status_code != 200 or resp.data == b"success":
            return resp, None
        reply = ET.fromstring(resp.data)
        plain = self.crypto.decrypt_message(resp.data.decode(), reply.findtext("MsgSignature"),
                                            reply.findtext("TimeStamp"), reply.findtext("Nonce"))
        return resp, parse_reply(plain.encode() if isinstance(plain, str) else plain)

    def say(self, user: str, content: str, msg_id=None, **kw) -> str | None:
        msg_id = msg_id if msg_id is not None else int(time.time_ns() % 10**15)
        resp, reply = self.post(text_xml(user, content, msg_id, **kw))
        assert resp.status_code == 200, resp.data
        return reply and reply["Content"]


def parse_reply(data: bytes) -> dict | None:
    if data == b"success":
        return None
    root = ET.fromstring(data)
    return {child.tag: child.text for child in root}


def configure(settings, safe: bool, api_base: str = "http://127.0.0.1:9", passive=2.0, **wechat):
    settings.raw["wechat"] = {"token": TOKEN, "aes_key": AES_KEY if safe else "", "appid": APPID,
                              "secret": "wx-secret", "api_base": api_base,
                              "passive_reply_seconds": passive, **wechat}
    settings.raw["telegram"] = {"token": TG_TOKEN, "secret": TG_SECRET,
                                "base_url": api_base + "/bot"}


@pytest.fixture
def notifier():
    return RecordingNotifier()


def build_app(runtime, engine):
    from bot.app import create_app
    runtime._lazy["engine"] = engine  # the test engine: keyword NLU and fake flows
    app = create_app(runtime.settings, runtime)
    app.config.update(TESTING=True)
    return app


@pytest.fixture
def make_wechat(settings, runtime, jurisdiction, httpserver, notifier):
    made = []

    def make(safe=True, passive=2.0, wechat=None, **engine_kw):
        configure(settings, safe, httpserver.url_for("").rstrip("/"), passive, **(wechat or {}))
        engine = make_engine(runtime, notifier=notifier, **engine_kw)
        app = build_app(runtime, engine)
        made.append(runtime)
        return WeChatClient(app.test_client(), safe), engine, app
    yield make
    for rt in made:
        rt.close()


def numbered(text: str) -> list[str]:
    return re.findall(r"^\d+\. (.+)$", text or "", re.MULTILINE)
