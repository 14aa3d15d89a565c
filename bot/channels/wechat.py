"""WeChat official account adapter (wechatpy for signatures, AES and reply XML).

WeChat drops a request after 5 s and retries it three times, sometimes while the first
is still running. The engine deduplicates by MsgId in the database; this adapter answers
passively when the reply is ready within `wechat.passive_reply_seconds`, and otherwise
answers "success" and delivers the reply through the customer-service message API (an
OutboundJob, retried by the job worker).
"""
from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from flask import Blueprint, Response, request
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from bot.channels.inbound import clean_inbound
from bot.channels.wechat_api import WeChatApi
from bot.channels.wechat_messages import (
    MAX_REPLY_CHARS,
    MORE,
    BadRequest,
    render,
    split_text,
    to_inbound,
    xml_fields,
)
from bot.throttle import request_gate
from core.db import transaction
from core.messages import Inbound, Media, Reply
from core.services import conversations as conv_svc
from core.services import jobs

log = logging.getLogger(__name__)
MAX_XML = 64 * 1024
MENU = [("我要报告", "REPORT"), ("监护登记", "ENTRUST"), ("政策咨询", "ASK"), ("我的进度", "STATUS")]


class WeChatChannel:
    name = "wechat"
    pushes = True

    def __init__(self, settings, get_engine, sessions, on_enqueue=None, clock=time.time, redis=None):
        cfg = settings.section("wechat")
        self.token = str(cfg.get("token") or "")
        self.aes_key = str(cfg.get("aes_key") or "")
        self.appid = str(cfg.get("appid") or "")
        self.mode = str(cfg.get("mode") or ("safe" if self.aes_key else "plaintext"))
        self.passive_seconds = float(cfg.get("passive_reply_seconds", 4.0))
        self.max_skew = float(cfg.get("max_clock_skew_seconds", 300))
        self.clock = clock  # seconds since the epoch, like WeChat's `timestamp`
        self.crypto = WeChatCrypto(self.token, self.aes_key, self.appid) if self.aes_key else None
        self.api = WeChatApi(cfg.get("api_base") or "https://api.weixin.qq.com", self.appid,
                             str(cfg.get("secret") or ""), redis=redis)
        self.notice_template = dict(cfg.get("notice_template") or {})
        self.get_engine, self.sessions, self.on_enqueue = get_engine, sessions, on_enqueue
        self.pool = ThreadPoolExecutor(max_workers=int(cfg.get("workers", 32)),
                                       thread_name_prefix="wechat")

    @classmethod
    def from_deps(cls, deps) -> WeChatChannel:
        return cls(deps.settings, deps.get_engine, deps.sessions, on_enqueue=deps.on_enqueue,
                   redis=deps.redis())

    @staticmethod
    def make_blueprint(get_channel) -> Blueprint:
        return make_blueprint(get_channel)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.api.close()

    # --- HTTP ----------------------------------------------------------------------------
    def check_request(self, args) -> None:
        """Raises PermissionError unless WeChat signed this request within the clock window:
        a captured URL must not work forever."""
        if not self.signature_ok(args):
            raise PermissionError("bad signature")
        if not self.timestamp_ok(args.get("timestamp", "")):
            raise PermissionError("timestamp outside the allowed clock skew")

    def timestamp_ok(self, timestamp: str) -> bool:
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
            return False
        return abs(self.clock() - int(timestamp)) <= self.max_skew

    def signature_ok(self, args) -> bool:
        if not self.token:
            return False
        try:
            check_signature(self.token, args.get("signature", ""), args.get("timestamp", ""),
                            args.get("nonce", ""))
            return True
        except InvalidSignatureException:
            return False

    def handle_post(self, args, body: bytes, gate=None) -> str:
        """Returns the response body; raises BadRequest (400) or PermissionError (403).
        `gate(inbound)`: replies for a message over a rate limit (a valid reply, not a 429,
        which WeChat would retry), or None to run it."""
        self.check_request(args)
        encrypted = args.get("encrypt_type", "raw") == "aes"
        if encrypted and self.crypto is None:
            raise BadRequest("safe mode is not configured")
        if not encrypted and self.mode == "safe":
            raise BadRequest("encrypted messages expected (safe mode)")
        if len(body) > MAX_XML:
            raise BadRequest("message too large")
        fields = xml_fields(body)
        if encrypted:
            if not fields.get("Encrypt"):
                raise BadRequest("no Encrypt element")
            try:
                plain = self.crypto.decrypt_message({"Encrypt": fields.get("Encrypt", "")},
                                                    args.get("msg_signature", ""),
                                                    args.get("timestamp", ""), args.get("nonce", ""))
            except InvalidSignatureException as exc:
                raise PermissionError("bad message signature") from exc
            except Exception as exc:
                raise BadRequest("cannot decrypt") from exc
            fields = xml_fields(plain.encode("utf-8") if isinstance(plain, str) else plain)
        inbound = to_inbound(fields)
        if inbound is None:
            return "success"
        inbound = clean_inbound(inbound)
        refused = gate(inbound) if gate else None
        text = render(refused)[:MAX_REPLY_CHARS] if refused else self._reply_text(inbound)
        if not text:
            return "success"
        xml = TextReply(source=fields.get("ToUserName", ""), target=inbound.user_id,
                        content=text).render()
        if encrypted:
            return self.crypto.encrypt_message(xml, args.get("nonce", ""), args.get("timestamp"))
        return xml

    def _reply_text(self, inbound: Inbound) -> str:
        future = self.pool.submit(self.get_engine().process, inbound)
        try:
            handled = future.result(timeout=self.passive_seconds)
        except FutureTimeout:
            # Too slow for a passive reply: say "success" now, deliver through the API later.
            self._mark_async(inbound)
            future.add_done_callback(lambda f, user=inbound.user_id: self._deliver_late(user, f))
            return ""
        if handled.duplicate and (handled.flags.get("async") or handled.flags.get("pending")):
            return ""  # the first copy is being delivered through the API
        chunks = split_text(render(handled.replies), MAX_REPLY_CHARS - len(MORE))
        if len(chunks) == 1:
            return chunks[0]
        if not self.api.configured:
            return chunks[0][:MAX_REPLY_CHARS - 1] + "…"
        if not handled.duplicate:  # a retry must not send the rest twice
            with transaction(self.sessions) as s:
                jobs.enqueue(s, "wechat_cs", inbound.user_id,
                             conv_svc.replies_to_json([Reply(c) for c in chunks[1:]]))
            if self.on_enqueue:
                self.on_enqueue()
        return chunks[0] + MORE

    def _mark_async(self, inbound: Inbound) -> None:
        if not inbound.msg_id:
            return
        try:
            key = conv_svc.message_key(inbound.channel, inbound.user_id, inbound.msg_id)
            conv_svc.mark_inbound_by_key(self.sessions, inbound.channel, key, {"async": True})
        except Exception:  # noqa: BLE001 - only costs a possible duplicate reply
            log.warning("could not flag a slow message for async delivery")

    def _deliver_late(self, openid: str, future) -> None:
        try:
            handled = future.result()
        except Exception as exc:
            log.error("late wechat turn failed: %s", type(exc).__name__)
            log.debug("late turn failure detail", exc_info=True)
            return
        if handled.duplicate or not handled.replies:
            return
        with transaction(self.sessions) as s:
            jobs.enqueue(s, "wechat_cs", openid, conv_svc.replies_to_json(handled.replies))
        if self.on_enqueue:
            self.on_enqueue()

    # --- job senders -----------------------------------------------------------------------
    def send_job(self, openid: str, body: str) -> None:
        for reply in conv_svc.replies_from_json(body):
            self.api.send_text(openid, render([reply]))

    def send_text(self, openid: str, text: str) -> None:
        self.api.send_text(openid, text, notice_template=self.notice_template)

    def fetch_media(self, media: Media) -> tuple[bytes, str] | None:
        if not self.api.configured:
            return None
        return self.api.download_media(media.ref)

    def job_senders(self) -> dict:
        from bot.channels.wechat_template import send_template
        return {"wechat_cs": self.send_job,
                "wechat_template": lambda openid, body: send_template(self.api, openid, body)}

    def create_menu(self) -> dict:
        return self.api.create_menu([{"type": "click", "name": n, "key": k} for n, k in MENU])


def make_blueprint(get_channel) -> Blueprint:
    bp = Blueprint("wechat", __name__)

    @bp.route("/wechat", methods=["GET", "POST"])
    def wechat():
        channel = get_channel()
        try:
            if request.method == "GET":
                channel.check_request(request.args)
                return Response(request.args.get("echostr", ""), mimetype="text/plain")
            body = channel.handle_post(request.args, request.get_data(cache=False),
                                       gate=request_gate())
        except PermissionError as exc:
            log.warning("wechat %s refused: %s", request.method, exc)
            return Response("forbidden", 403)
        except BadRequest as exc:
            log.warning("wechat %s rejected: %s", request.method, exc)
            return Response(f"bad request: {exc}", 400)
        ctype = "text/plain" if body == "success" else "application/xml"
        return Response(body, content_type=f"{ctype}; charset=utf-8")

    return bp
