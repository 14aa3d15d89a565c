"""The dialogue engine: handle(inbound) -> [Reply]. One engine for every channel.

```mermaid
flowchart TD
    in[Inbound] --> dedupe{msg id seen?}
    dedupe -- yes --> stored[stored replies]
    dedupe -- no --> state[load state] --> danger{danger?}
    danger -- yes --> alert[110/120 first]
    danger -- no --> idle{idle too long?}
    idle -- yes --> resume[continue or start over?]
    idle -- no --> glob{global command?}
    alert --> glob
    glob -- yes --> cmd[cancel / help / handoff / menu / start a flow]
    glob -- no --> active{active flow?}
    active -- yes --> step[flow.step]
    active -- no --> intent{intent certain?}
    intent -- no --> clarify[clarifying question]
    intent -- flow --> start[flow.start]
    intent -- small talk --> small[smalltalk]
```
The state is saved with the message's replies in one transaction at every turn, so a
restarted process or another worker continues the conversation.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot import commands as C
from bot.routing import Router
from bot.turns import Conv, Handled, TurnFailed, TurnStore
from core.db import utcnow
from core.messages import Inbound, Reply
from handlers import smalltalk as talk
from handlers.base import Flow, FlowContext

log = logging.getLogger(__name__)

__all__ = ["Engine", "Handled"]


class Engine:
    def __init__(self, ctx: FlowContext, flows: dict[str, Flow], parse: Callable[[str], dict],
                 is_uncertain: Callable[[dict], bool] | None = None,
                 clock: Callable[[], datetime] = utcnow, *, sessions: sessionmaker[Session],
                 intent_flows: dict[str, str] | None = None,
                 command_flows: dict[str, str] | None = None, dedupe_wait: float = 4.5):
        from bot import flows as registry  # the explicit registry's routing tables
        self.ctx, self.flows, self.parse, self.clock = ctx, flows, parse, clock
        if ctx.parse is None:
            ctx.parse = parse
        settings = ctx.settings
        nlu_cfg = settings.section("nlu") if settings is not None else {}
        self.is_uncertain = is_uncertain or (lambda nlu: C.default_is_uncertain(
            nlu, float(nlu_cfg.get("min_confidence", 0.45)), float(nlu_cfg.get("ambiguity_margin", 0.12))))
        self.intent_flows = registry.INTENT_FLOWS if intent_flows is None else intent_flows
        self.command_flows = registry.COMMAND_FLOWS if command_flows is None else command_flows
        conv_cfg = settings.section("conversation") if settings is not None else {}
        self.idle = timedelta(minutes=float(conv_cfg.get("idle_minutes", 30)))
        orphan = timedelta(seconds=float(conv_cfg.get("orphan_takeover_seconds", 120)))
        self.store = TurnStore(sessions, orphan, dedupe_wait, busy=talk.busy(settings))

    # --- the public surface ------------------------------------------------------------
    def handle(self, inbound: Inbound) -> list[Reply]:
        return self.process(inbound).replies

    def process(self, inbound: Inbound) -> Handled:
        now = self.clock()
        try:
            cu_id = self.store.user_id(inbound.channel, inbound.user_id)
            claim = self.store.claim(inbound, cu_id, C.message_kind(inbound),
                                     C.loggable_text(inbound), now)
        except Exception as exc:
            log.error("cannot log an inbound message: %s", type(exc).__name__)
            log.debug("inbound log failure detail", exc_info=True)
            return Handled(talk.busy(self.ctx.settings), retry=True)
        if not claim.fresh:
            return self.store.answer_duplicate(claim)
        try:
            replies = self.store.run(cu_id, claim.inbound_id, now,
                                     lambda session, conv: self._guarded(session, inbound, cu_id, conv, now))
        except TurnFailed:
            return Handled(talk.busy(self.ctx.settings), False, claim.inbound_id, retry=True)
        return Handled(replies, False, claim.inbound_id)

    def log_refused(self, inbound: Inbound, replies: list[Reply]) -> None:
        """A message answered without being run (over a rate limit) is still stored."""
        try:
            self.store.log_refused(inbound, C.message_kind(inbound), C.loggable_text(inbound),
                                   replies, self.clock())
        except Exception as exc:  # noqa: BLE001 - the refusal is answered all the same
            log.error("cannot log a refused message: %s", type(exc).__name__)

    def _guarded(self, session: Session, inbound: Inbound, cu_id: int, conv: Conv,
                 now: datetime) -> tuple[list[Reply], str]:
        """The turn inside a savepoint: a flow that fails leaves nothing behind but the
        apology, stored with the message (status "failed") so a retry is not re-run."""
        before = Conv(conv.flow, conv.step, dict(conv.data), dict(conv.meta), conv.updated_at)
        ctx = self.ctx.for_turn(session)
        try:
            with session.begin_nested():
                replies = Router(self, ctx).turn(inbound, cu_id, conv, now)
                session.flush()
            status = "done"
        except Exception as exc:
            log.error("turn failed in flow %s step %s: %s", before.flow, before.step,
                      type(exc).__name__)
            log.debug("turn failure detail", exc_info=True)
            conv.flow, conv.step, conv.data, conv.meta = before.flow, before.step, before.data, before.meta
            replies, status = talk.apology(self.ctx.settings), "failed"
        buttons = next((r.buttons for r in reversed(replies) if r.buttons), None)
        conv.meta["choices"] = [[b.title, b.payload] for b in buttons] if buttons else None
        return replies, status

