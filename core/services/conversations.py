"""Channel users, the inbound message log (deduplication) and conversation state.

Deduplication relies on the database's unique (channel, msg_key) constraint, so it holds
across threads and worker processes: whoever inserts first processes the message, every
other copy waits for the stored replies. External ids and message keys are stored as
keyed hashes; what users said is stored encrypted.
"""
from __future__ import annotations

import json
import threading
import time
import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.crypto import Encrypted, cipher
from core.db import transaction, utcnow
from core.messages import Button, Reply
from core.models.channel import ChannelUser, ConversationState, InboundMessage

STALE_AFTER = timedelta(minutes=2)  # a "processing" row older than this was orphaned by a crash
# What a user is told when their message could not be stored: nothing of it happened.
BUSY = (Reply("系统繁忙，您刚才的消息没有处理成功，请稍后再发一次。紧急情况请直接拨打110。"),)
# SQLite has one writer at a time. Queueing this process's short write transactions on a
# lock is far fairer than SQLite's busy handler, which sleeps up to 100 ms per retry.
_SQLITE_WRITES = threading.Lock()


def write_guard(bind):
    """Hold around a short write transaction: a lock on SQLite, nothing elsewhere."""
    return _SQLITE_WRITES if bind.dialect.name == "sqlite" else nullcontext()


def user_key(channel: str, external_id: str) -> str:
    return cipher().lookup_hash(f"user:{channel}:{external_id}")


def message_key(channel: str, external_id: str, msg_id: str) -> str:
    # Scoped by user: Telegram message ids are only unique within a chat.
    return cipher().lookup_hash(f"msg:{channel}:{external_id}:{msg_id}")


# --- replies <-> JSON ---------------------------------------------------------------

def replies_to_json(replies: list[Reply]) -> str:
    return json.dumps([{"text": r.text, "buttons": [[b.title, b.payload] for b in r.buttons],
                        "link": r.link, "request_location": r.request_location}
                       for r in replies], ensure_ascii=False)


def replies_from_json(raw: str | None) -> list[Reply]:
    out = []
    for item in json.loads(raw or "[]"):
        out.append(Reply(text=item["text"], buttons=tuple(Button(t, p) for t, p in item["buttons"]),
                         link=item.get("link"), request_location=bool(item.get("request_location"))))
    return out


# --- channel users ------------------------------------------------------------------

def get_or_create_user(sessions: sessionmaker[Session], channel: str, external_id: str) -> int:
    key = user_key(channel, external_id)
    with transaction(sessions) as s:
        found = s.scalar(select(ChannelUser.id).where(ChannelUser.channel == channel,
                                                      ChannelUser.external_id == key))
        if found is not None:
            return found
    try:
        with transaction(sessions) as s:
            user = ChannelUser(channel=channel, external_id=key, external_ref=external_id)
            s.add(user)
            s.flush()
            s.add(ConversationState(channel_user_id=user.id, version=0))
            return user.id
    except IntegrityError:  # created concurrently by another request
        with transaction(sessions) as s:
            return s.scalar(select(ChannelUser.id).where(ChannelUser.channel == channel,
                                                         ChannelUser.external_id == key))


def external_ref(sessions: sessionmaker[Session], channel_user_id: int) -> str | None:
    with transaction(sessions) as s:
        user = s.get(ChannelUser, channel_user_id)
        return user.external_ref if user else None


def set_subscribed(session: Session, channel_user_id: int, subscribed: bool) -> None:
    session.execute(update(ChannelUser).where(ChannelUser.id == channel_user_id)
                    .values(subscribed=subscribed))


# --- inbound log and deduplication ----------------------------------------------------

@dataclass
class Claim:
    inbound_id: int
    fresh: bool  # True: this caller must process the message
    replies: list[Reply] | None = None  # set when another copy already finished
    payload: dict = field(default_factory=dict)


def claim_inbound(sessions: sessionmaker[Session], channel: str, external_id: str,
                  channel_user_id: int, msg_id: str | None, kind: str, text: str | None,
                  payload: dict | None = None, now: datetime | None = None,
                  orphan_after: timedelta = STALE_AFTER) -> Claim:
    """Log the message; the first copy of a msg_id gets fresh=True. Without msg_id every
    message is fresh (web, console) but still logged.

    A copy also gets fresh=True when the earlier one can no longer finish: its turn was
    aborted (the commit failed, nothing of it was stored), or it has been "processing"
    for longer than `orphan_after` (its worker died). Since a turn commits its replies
    together with everything it did, a row that is not "done" did nothing: running it
    again cannot file anything twice."""
    now = now or utcnow()
    key = message_key(channel, external_id, msg_id) if msg_id else "local:" + uuid.uuid4().hex
    values = {"channel": channel, "msg_key": key, "channel_user_id": channel_user_id,
              "kind": kind, "text": text or None, "payload": payload or {},
              "status": "processing", "received_at": now, "replies": None, "done_at": None}
    bind = sessions.kw["bind"]
    try:
        with write_guard(bind), bind.begin() as conn:
            new_id = conn.execute(_INSERT_INBOUND, values).inserted_primary_key[0]
            return Claim(new_id, True, payload=payload or {})
    except IntegrityError:
        pass
    with write_guard(bind), transaction(sessions, write=True) as s:
        existing = s.scalar(select(InboundMessage).where(InboundMessage.channel == channel,
                                                          InboundMessage.msg_key == key))
        orphaned = existing.status == "processing" and existing.received_at < now - orphan_after
        if orphaned or existing.status == "aborted":
            # Conditional, so that of several copies exactly one takes it over.
            taken = s.execute(update(InboundMessage).where(
                InboundMessage.id == existing.id, InboundMessage.status == existing.status,
                InboundMessage.received_at == existing.received_at).values(
                received_at=now, status="processing"))
            if taken.rowcount == 1:
                return Claim(existing.id, True, payload=existing.payload or {})
        replies = (replies_from_json(existing.replies)
                   if existing.status not in ("processing", "aborted") else None)
        return Claim(existing.id, False, replies, payload=existing.payload or {})


def log_refused(sessions: sessionmaker[Session], channel: str, external_id: str,
                channel_user_id: int, msg_id: str | None, kind: str, text: str | None,
                replies: list[Reply], now: datetime | None = None) -> bool:
    """Store a message that was answered but not run (over a rate limit), status
    "throttled", so that nothing a user said is lost. A retry of a message already logged
    is not stored twice. False when it was already there."""
    key = message_key(channel, external_id, msg_id) if msg_id else "local:" + uuid.uuid4().hex
    now = now or utcnow()
    values = {"channel": channel, "msg_key": key, "channel_user_id": channel_user_id,
              "kind": kind, "text": text or None, "payload": {}, "status": "throttled",
              "received_at": now, "replies": replies_to_json(list(replies)), "done_at": now}
    bind = sessions.kw["bind"]
    try:
        with write_guard(bind), bind.begin() as conn:
            conn.execute(_INSERT_INBOUND, values)
        return True
    except IntegrityError:
        return False


def abort_inbound(sessions: sessionmaker[Session], inbound_id: int,
                  replies: list[Reply] | tuple[Reply, ...] = BUSY) -> None:
    """The turn of this message could not be committed: mark it so that the next copy
    (a retry with the same id) runs it again, and waiting copies say to try again."""
    bind = sessions.kw["bind"]
    with write_guard(bind), transaction(sessions) as s:
        s.execute(update(InboundMessage).where(InboundMessage.id == inbound_id,
                                               InboundMessage.status == "processing")
                  .values(status="aborted", replies=replies_to_json(list(replies))))


def wait_for_replies(sessions: sessionmaker[Session], inbound_id: int, timeout: float,
                     poll: float = 0.05) -> tuple[list[Reply] | None, dict]:
    """Wait for another worker to finish the same message; (None, payload) on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        with transaction(sessions) as s:
            row = s.get(InboundMessage, inbound_id)
            if row.status != "processing":
                return replies_from_json(row.replies) or list(BUSY), row.payload or {}
            payload = dict(row.payload or {})
        if time.monotonic() >= deadline:
            return None, payload
        time.sleep(poll)
        poll = min(poll * 1.5, 0.3)


def finish_inbound(conn: Connection, inbound_id: int, replies: list[Reply], status: str = "done",
                   now: datetime | None = None) -> None:
    conn.execute(_FINISH_INBOUND, {"msg_id": inbound_id, "status": status,
                                   "replies": replies_to_json(replies), "done_at": now or utcnow()})


def mark_inbound(sessions: sessionmaker[Session], inbound_id: int, flags: dict) -> None:
    """Merge non-personal flags into the message's payload (e.g. delivered asynchronously)."""
    with transaction(sessions) as s:
        row = s.get(InboundMessage, inbound_id)
        row.payload = {**(row.payload or {}), **flags}


def mark_inbound_by_key(sessions: sessionmaker[Session], channel: str, key: str, flags: dict) -> None:
    with transaction(sessions) as s:
        row = s.scalar(select(InboundMessage).where(InboundMessage.channel == channel,
                                                     InboundMessage.msg_key == key))
        if row is not None:
            row.payload = {**(row.payload or {}), **flags}


# --- conversation state ---------------------------------------------------------------

@dataclass
class StoredState:
    flow: str | None
    step: str | None
    data: dict  # the flow's own data
    meta: dict  # the engine's: pending choices, resume question, last prompt
    updated_at: datetime | None
    state_id: int | None
    version: int = 0


def load_state(conn: Connection, channel_user_id: int, lock: bool = True) -> StoredState:
    query = _SELECT_STATE_LOCKED if lock and conn.dialect.name != "sqlite" else _SELECT_STATE
    row = conn.execute(query, {"cu": channel_user_id}).one_or_none()
    if row is None:
        return StoredState(None, None, {}, {}, None, None)
    blob = json.loads(row.data) if row.data else {}
    return StoredState(row.flow, row.step, blob.get("data") or {}, blob.get("meta") or {},
                       row.updated_at if row.data or row.flow else None, row.id, row.version or 0)


def save_state(conn: Connection, channel_user_id: int, stored: StoredState, flow: str | None,
               step: str | None, data: dict, meta: dict, now: datetime) -> None:
    values = {"flow": flow, "step": step, "updated_at": now, "version": stored.version + 1,
              "data": json.dumps({"data": data or {}, "meta": meta or {}}, ensure_ascii=False)}
    if stored.state_id is None:
        conn.execute(insert(ConversationState), {**values, "channel_user_id": channel_user_id})
    else:
        conn.execute(_UPDATE_STATE, {**values, "state_id": stored.state_id})


# Statements of the hot path, built once (compiled once, cached by SQLAlchemy).
_INSERT_INBOUND = insert(InboundMessage)
_FINISH_INBOUND = (update(InboundMessage).where(InboundMessage.id == bindparam("msg_id"))
                   .values(status=bindparam("status"), replies=bindparam("replies", type_=Encrypted),
                           done_at=bindparam("done_at")))
_SELECT_STATE = select(ConversationState.id, ConversationState.flow, ConversationState.step,
                       ConversationState.data, ConversationState.updated_at,
                       ConversationState.version).where(
    ConversationState.channel_user_id == bindparam("cu"))
_SELECT_STATE_LOCKED = _SELECT_STATE.with_for_update()  # one user's turns, across processes
_UPDATE_STATE = (update(ConversationState).where(ConversationState.id == bindparam("state_id"))
                 .values(flow=bindparam("flow"), step=bindparam("step"),
                         data=bindparam("data", type_=Encrypted),
                         updated_at=bindparam("updated_at"), version=bindparam("version")))
