"""Telegram adapter: python-telegram-bot as the transport only (Update parsing, Bot calls).

The webhook is POST /telegram/<secret>, checked against the X-Telegram-Bot-Api-Secret-Token
header; `shouhu telegram poll` long-polls for development. PTB's Bot is asynchronous, so
one private event-loop thread runs every Bot call and Flask threads wait on it.
"""
from __future__ import annotations

import asyncio
import hmac
import logging
import math
import threading

from flask import Blueprint, jsonify, request
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)

from bot.channels.inbound import clean_inbound
from bot.throttle import request_gate
from core.messages import Inbound, Location, Media, Reply
from core.services.conversations import replies_from_json

log = logging.getLogger(__name__)
MAX_TEXT = 4096  # Telegram's message limit


class TelegramChannel:
    name = "telegram"
    pushes = True

    def __init__(self, settings, get_engine):
        cfg = settings.section("telegram")
        self.token = str(cfg.get("token") or "")
        self.secret = str(cfg.get("secret") or "")
        self.base_url = str(cfg.get("base_url") or "https://api.telegram.org/bot")
        self.get_engine = get_engine
        self.bot = Bot(self.token, base_url=self.base_url) if self.token else None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_deps(cls, deps) -> TelegramChannel:
        return cls(deps.settings, deps.get_engine)

    @staticmethod
    def make_blueprint(get_channel) -> Blueprint:
        return make_blueprint(get_channel)

    def job_senders(self) -> dict:
        return {"telegram_push": self.send_push}

    def _call(self, make_coro, timeout: float = 60.0):
        if self.bot is None:
            raise RuntimeError("telegram token is not configured")
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                threading.Thread(target=self._loop.run_forever, name="telegram-loop",
                                 daemon=True).start()
        return asyncio.run_coroutine_threadsafe(make_coro(), self._loop).result(timeout)

    def close(self) -> None:
        loop, self._loop = self._loop, None
        if loop is not None:
            try:
                asyncio.run_coroutine_threadsafe(self.bot.shutdown(), loop).result(5)
            except Exception:  # noqa: BLE001, S110 - closing anyway
                pass
            loop.call_soon_threadsafe(loop.stop)

    def secret_ok(self, path_secret: str, header: str | None) -> bool:
        if not self.secret or not self.bot:
            return False
        return (hmac.compare_digest(path_secret.encode(), self.secret.encode())
                and hmac.compare_digest((header or "").encode(), self.secret.encode()))

    # --- inbound ---------------------------------------------------------------------------
    def handle_json(self, data: dict) -> None:
        self.handle_update(Update.de_json(data, self.bot))

    def handle_update(self, update: Update) -> None:
        self.handle_inbound(to_inbound(update))
        self.answer_tap(update)

    def answer_tap(self, update: Update) -> None:
        """A tapped inline button waits for an answer to stop its spinner."""
        if update.callback_query is not None:
            self._call(lambda: self.bot.answer_callback_query(update.callback_query.id))

    def handle_inbound(self, inbound: Inbound | None, gate=None) -> None:
        """`gate(inbound)`: replies for a message over a rate limit, or None to run it."""
        if inbound is None:
            return
        refused = gate(inbound) if gate else None
        if refused:
            self.send_replies(inbound.user_id, refused)
            return
        handled = self.get_engine().process(inbound)
        if handled.duplicate:
            return  # Telegram re-delivered an update we already answered
        self.send_replies(inbound.user_id, handled.replies)

    # --- outbound --------------------------------------------------------------------------
    def send_replies(self, chat_id: str, replies: list[Reply]) -> None:
        for reply in replies:
            text = f"{reply.text}\n{reply.link}" if reply.link else reply.text
            markup = keyboard(reply)
            self._call(lambda t=text[:MAX_TEXT], m=markup: self.bot.send_message(
                chat_id=int(chat_id), text=t or "…", reply_markup=m))

    def download(self, file_id: str) -> bytes:
        async def fetch() -> bytes:
            tg_file = await self.bot.get_file(file_id)
            return bytes(await tg_file.download_as_bytearray())
        return self._call(fetch)

    def fetch_media(self, media: Media) -> tuple[bytes, str] | None:
        if self.bot is None:
            return None
        return self.download(media.ref), media.content_type or "image/jpeg"

    def send_push(self, chat_id: str, body: str) -> None:
        """A message we start (not an answer): its buttons are inline, under the message,
        so they do not take over the keyboard; a tap comes back as a callback query."""
        for reply in replies_from_json(body):
            rows = [[InlineKeyboardButton(b.title, callback_data=b.payload[:64])] for b in reply.buttons]
            markup = InlineKeyboardMarkup(rows) if rows else None
            self._call(lambda r=reply, m=markup: self.bot.send_message(
                chat_id=int(chat_id), text=r.text[:MAX_TEXT] or "…", reply_markup=m))

    def send_text(self, chat_id: str, text: str) -> None:
        self._call(lambda: self.bot.send_message(chat_id=int(chat_id), text=text[:MAX_TEXT]))

    def poll(self, stop: threading.Event | None = None, timeout: int = 25) -> None:
        """Long polling for development: no public URL needed."""
        offset = None
        self._call(lambda: self.bot.delete_webhook())
        while stop is None or not stop.is_set():
            updates = self._call(lambda offset=offset: self.bot.get_updates(
                offset=offset, timeout=timeout, allowed_updates=["message", "callback_query"]), timeout + 30)
            for update in updates:
                offset = update.update_id + 1
                try:
                    self.handle_update(update)
                except Exception as exc:
                    log.error("telegram update failed: %s", type(exc).__name__)
                    log.debug("telegram failure detail", exc_info=True)


def keyboard(reply: Reply) -> ReplyKeyboardMarkup | None:
    rows = [[KeyboardButton(b.title) for b in reply.buttons[i:i + 2]]
            for i in range(0, len(reply.buttons), 2)]
    if reply.request_location:
        rows.append([KeyboardButton("📍 发送我的位置", request_location=True)])
    if not rows:
        return None
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)


def _location(loc) -> Location | None:
    """Telegram's coordinates, or None when they are not a place on Earth."""
    try:
        lat, lng = float(loc.latitude), float(loc.longitude)
    except (TypeError, ValueError, OverflowError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    return Location(lat, lng)


def to_inbound(update: Update) -> Inbound | None:
    if update.callback_query is not None:
        return _tap_inbound(update.callback_query)
    msg = update.message or update.edited_message
    if msg is None or msg.chat is None:
        return None  # channel posts, inline queries ...: not a conversation
    if not isinstance(msg.chat.id, int):
        raise TypeError("chat id must be a number")
    inbound = _message_inbound(msg, {
        "channel": "telegram", "user_id": str(msg.chat.id),
        "msg_id": f"{msg.message_id}:{'e' if update.edited_message else 'm'}"})
    return clean_inbound(inbound)


def _tap_inbound(query) -> Inbound | None:
    """An inline button tapped: its data is the button's payload, like a typed choice."""
    chat = query.message.chat if query.message is not None else None
    if chat is None or not isinstance(chat.id, int) or not isinstance(query.data, str):
        return None
    return clean_inbound(Inbound(channel="telegram", user_id=str(chat.id), text=query.data,
                                 msg_id=f"cb:{query.id}"[:64]))


def _message_inbound(msg, base: dict) -> Inbound:
    if not all(isinstance(v, str | None) for v in (msg.text, msg.caption)):
        raise TypeError("text and caption must be strings")
    text = msg.text or msg.caption or ""
    location = _location(msg.location) if msg.location else None
    if location is not None:
        return Inbound(text=text, location=location, **base)
    if msg.photo:
        return Inbound(text=text, media=Media("image", msg.photo[-1].file_id, "image/jpeg"), **base)
    if msg.voice:
        return Inbound(media=Media("voice", msg.voice.file_id, msg.voice.mime_type or ""), **base)
    if msg.document:
        return Inbound(text=text, media=Media("file", msg.document.file_id,
                                              msg.document.mime_type or ""), **base)
    if msg.text is None and not text:
        return Inbound(event="unsupported:telegram", **base)
    return Inbound(text=text, **base)


def make_blueprint(get_channel) -> Blueprint:
    bp = Blueprint("telegram", __name__)

    @bp.post("/telegram/<path_secret>")
    def webhook(path_secret: str):
        channel = get_channel()
        if not channel.secret_ok(path_secret, request.headers.get("X-Telegram-Bot-Api-Secret-Token")):
            return jsonify({"error": "forbidden"}), 403
        data = request.get_json(silent=True)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return jsonify({"error": "not a Telegram update"}), 400
        try:
            inbound = to_inbound(Update.de_json(data, channel.bot))
        except Exception as exc:  # noqa: BLE001 - whatever shape PTB rejects is a bad request
            log.warning("telegram webhook: malformed update (%s)", type(exc).__name__)
            return jsonify({"error": "not a Telegram update"}), 400
        try:
            channel.handle_inbound(inbound, gate=request_gate())
            if isinstance(data.get("callback_query"), dict):
                channel.answer_tap(Update.de_json(data, channel.bot))
        except Exception as exc:
            log.error("telegram update failed: %s", type(exc).__name__)
            log.debug("telegram failure detail", exc_info=True)
        return jsonify({})

    return bp
