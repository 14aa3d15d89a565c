"""Turn persistence: claim an inbound message, run ONE transaction for the turn, save.

The engine (bot/engine.py) decides what to answer; this module decides what is stored
and when. A turn is one unit of work:

1. `claim` logs the inbound message in its own short transaction. The unique
   (channel, msg_key) index makes the first copy of a message the one that runs it;
   other copies wait for its stored replies. A "processing" row whose worker died is
   taken over after `orphan_after`; an "aborted" row (the turn's commit failed) at once.
2. `run` opens one session, locks the user's conversation state (FOR UPDATE on
   PostgreSQL; the write lock on SQLite), and hands the session to the turn. Everything
   the turn writes - state, draft, case, events, outbox jobs - and the inbound row's
   replies commit together, or nothing does.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from core.db import WRITE
from core.messages import Inbound, Reply
from core.services import conversations as conv_svc

log = logging.getLogger(__name__)


@dataclass
class Conv:
    """The conversation as the engine edits it during a turn."""

    flow: str | None
    step: str | None
    data: dict
    meta: dict
    updated_at: datetime | None = None

    def reset(self) -> None:
        self.flow, self.step, self.data = None, None, {}
        self.meta.pop("prompt", None)


@dataclass
class Handled:
    replies: list[Reply]
    duplicate: bool = False  # a retry of a message already processed (or being processed)
    inbound_id: int | None = None
    flags: dict = field(default_factory=dict)  # the stored message's delivery flags
    # Nothing was stored (or another copy is still running): the client should send the
    # same message again, with the same id.
    retry: bool = False


class TurnFailed(Exception):
    """The turn could not be committed: nothing of it was stored."""


class TurnStore:
    def __init__(self, sessions: sessionmaker[Session], orphan_after: timedelta,
                 dedupe_wait: float = 4.5, busy: list[Reply] | None = None):
        self.sessions = sessions
        self.busy = busy or list(conv_svc.BUSY)  # what a copy waiting on an aborted turn says
        self.orphan_after = orphan_after
        self.dedupe_wait = dedupe_wait
        self._locks = [threading.Lock() for _ in range(64)]  # one user's turns run in order
        self._user_ids: dict[tuple[str, str], int] = {}  # channel users are never deleted

    def user_id(self, channel: str, external_id: str) -> int:
        key = (channel, external_id)
        cu_id = self._user_ids.get(key)
        if cu_id is None:
            cu_id = conv_svc.get_or_create_user(self.sessions, channel, external_id)
            if len(self._user_ids) > 50_000:
                self._user_ids.clear()
            self._user_ids[key] = cu_id
        return cu_id

    def claim(self, inbound: Inbound, cu_id: int, kind: str, text: str | None,
              now: datetime) -> conv_svc.Claim:
        payload = {"event": inbound.event} if inbound.event else {}
        return conv_svc.claim_inbound(self.sessions, inbound.channel, inbound.user_id, cu_id,
                                      inbound.msg_id, kind, text, payload, now,
                                      orphan_after=self.orphan_after)

    def log_refused(self, inbound: Inbound, kind: str, text: str | None, replies: list[Reply],
                    now: datetime) -> None:
        cu_id = self.user_id(inbound.channel, inbound.user_id)
        conv_svc.log_refused(self.sessions, inbound.channel, inbound.user_id, cu_id,
                             inbound.msg_id, kind, text, replies, now)

    def answer_duplicate(self, claim: conv_svc.Claim) -> Handled:
        replies, flags = claim.replies, claim.payload
        if replies is None:
            replies, flags = conv_svc.wait_for_replies(self.sessions, claim.inbound_id,
                                                       self.dedupe_wait)
        if replies is None:  # still running elsewhere: say so rather than nothing
            return Handled([Reply("您刚才的消息还在处理中，请稍等一下。紧急情况请直接拨打110。")],
                           True, claim.inbound_id,
                           {**flags, "pending": True}, retry=True)
        return Handled(replies, True, claim.inbound_id, flags)

    def run(self, cu_id: int, inbound_id: int, now: datetime,
            turn: Callable[[Session, Conv], tuple[list[Reply], str]]) -> list[Reply]:
        """Run `turn(session, conv)` -> (replies, status) in one transaction and commit
        it with the conversation state and the inbound row's replies. Raises TurnFailed
        when the commit fails (then nothing of the turn remains)."""
        guard = conv_svc.write_guard(self.sessions.kw["bind"])
        try:
            with (self._locks[cu_id % len(self._locks)], guard,
                  self.sessions() as session, session.begin()):
                conn = session.connection(execution_options=WRITE)
                stored = conv_svc.load_state(conn, cu_id)
                conv = Conv(stored.flow, stored.step, dict(stored.data), dict(stored.meta),
                            stored.updated_at)
                replies, status = turn(session, conv)
                conv_svc.save_state(conn, cu_id, stored, conv.flow, conv.step, conv.data,
                                    conv.meta, now)
                conv_svc.finish_inbound(conn, inbound_id, replies, status, now)
            return replies
        except Exception as exc:
            log.error("a conversation turn could not be committed: %s", type(exc).__name__)
            log.debug("turn commit failure detail", exc_info=True)
            self._abort(inbound_id)  # outside the write lock, which it takes itself
            raise TurnFailed from exc

    def _abort(self, inbound_id: int) -> None:
        """Let the next copy of this message run it again (the text stays logged). If the
        database is down (restarting), keep trying in the background for a while, so that
        the user's retry runs once it is back rather than waiting for the orphan takeover."""
        if not self._try_abort(inbound_id):
            threading.Thread(target=self._abort_later, args=(inbound_id,), daemon=True,
                             name="abort-retry").start()

    def _try_abort(self, inbound_id: int) -> bool:
        try:
            conv_svc.abort_inbound(self.sessions, inbound_id, self.busy)
            return True
        except Exception as exc:  # the database is down: try again, or the row is taken over
            log.error("could not release an inbound message: %s", type(exc).__name__)
            log.debug("release failure detail", exc_info=True)
            return False

    def _abort_later(self, inbound_id: int) -> None:
        # Stop well before the orphan takeover, which may hand the row to a new run that
        # this release must not touch (it only releases rows still "processing").
        delay, left = 0.25, self.orphan_after.total_seconds() / 2
        while left > 0:
            time.sleep(min(delay, left))
            left -= delay
            if self._try_abort(inbound_id):
                log.info("inbound message %s released after the database came back", inbound_id)
                return
            delay = min(delay * 2, 5.0)
