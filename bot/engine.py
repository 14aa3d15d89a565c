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
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot import commands as C
from core.db import utcnow
from core.messages import Inbound, Reply
from core.services import conversations as conv_svc
from handlers import danger as danger_mod
from handlers import smalltalk as talk
from handlers.base import Flow, FlowContext, FlowState, Outcome, Turn
from nlu.normalize import normalize_text

log = logging.getLogger(__name__)
# Intents that may interrupt an active flow without ending it, and how sure the model must be.
DIGRESSIONS = ("check_status", "ask_policy", "human_handoff")
DIGRESSION_CONFIDENCE = 0.75


@dataclass
class Handled:
    replies: list[Reply]
    duplicate: bool = False  # a retry of a message already processed (or being processed)
    inbound_id: int | None = None
    flags: dict = field(default_factory=dict)  # the stored message's delivery flags


@dataclass
class _Conv:
    flow: str | None
    step: str | None
    data: dict
    meta: dict

    def reset(self) -> None:
        self.flow, self.step, self.data = None, None, {}
        self.meta.pop("prompt", None)


class Engine:
    def __init__(self, ctx: FlowContext, flows: dict[str, Flow], parse: Callable[[str], dict],
                 is_uncertain: Callable[[dict], bool] | None = None,
                 clock: Callable[[], datetime] = utcnow, *,
                 intent_flows: dict[str, str] | None = None,
                 command_flows: dict[str, str] | None = None, dedupe_wait: float = 4.5):
        from bot import flows as registry  # the explicit registry's routing tables
        self.ctx, self.flows, self.parse, self.clock = ctx, flows, parse, clock
        if ctx.parse is None:
            ctx.parse = parse
        nlu_cfg = ctx.settings.section("nlu") if ctx.settings is not None else {}
        self.is_uncertain = is_uncertain or (lambda nlu: C.default_is_uncertain(
            nlu, float(nlu_cfg.get("min_confidence", 0.45)), float(nlu_cfg.get("ambiguity_margin", 0.12))))
        self.intent_flows = registry.INTENT_FLOWS if intent_flows is None else intent_flows
        self.command_flows = registry.COMMAND_FLOWS if command_flows is None else command_flows
        conv_cfg = ctx.settings.section("conversation") if ctx.settings is not None else {}
        self.idle = timedelta(minutes=float(conv_cfg.get("idle_minutes", 30)))
        takeover = conv_cfg.get("orphan_takeover_seconds")
        self.stale_after = (conv_svc.STALE_AFTER if takeover is None
                            else timedelta(seconds=float(takeover)))
        self.dedupe_wait = dedupe_wait
        self._locks = [threading.Lock() for _ in range(64)]  # one user's turns run in order
        self._user_ids: dict[tuple[str, str], int] = {}  # channel users are never deleted

    # --- the public surface ------------------------------------------------------------
    def handle(self, inbound: Inbound) -> list[Reply]:
        return self.process(inbound).replies

    def process(self, inbound: Inbound) -> Handled:
        now = self.clock()
        sessions = self.ctx.sessions
        try:
            cu_id = self._user_id(inbound.channel, inbound.user_id)
            claim = conv_svc.claim_inbound(
                sessions, inbound.channel, inbound.user_id, cu_id, inbound.msg_id, C.message_kind(inbound),
                C.loggable_text(inbound), {"event": inbound.event} if inbound.event else {}, now,
                stale_after=self.stale_after)
        except Exception as exc:
            log.error("cannot log an inbound message: %s", type(exc).__name__)
            log.debug("inbound log failure detail", exc_info=True)
            return Handled(talk.apology(self.ctx.settings))
        if not claim.fresh:
            replies, flags = claim.replies, claim.payload
            if replies is None:
                replies, flags = conv_svc.wait_for_replies(sessions, claim.inbound_id, self.dedupe_wait)
            if replies is None:  # still running elsewhere: say so rather than nothing
                replies, flags = [Reply("您刚才的消息还在处理中，请稍等一下。")], {**flags, "pending": True}
            return Handled(replies, True, claim.inbound_id, flags)
        with self._locks[cu_id % len(self._locks)]:
            replies = self._run(inbound, cu_id, claim.inbound_id, now)
        return Handled(replies, False, claim.inbound_id)

    def _user_id(self, channel: str, external_id: str) -> int:
        key = (channel, external_id)
        cu_id = self._user_ids.get(key)
        if cu_id is None:
            cu_id = conv_svc.get_or_create_user(self.ctx.sessions, channel, external_id)
            if len(self._user_ids) > 50_000:
                self._user_ids.clear()
            self._user_ids[key] = cu_id
        return cu_id

    # --- one turn, one transaction for state + replies -----------------------------------
    def _run(self, inbound: Inbound, cu_id: int, inbound_id: int, now: datetime) -> list[Reply]:
        bind = self.ctx.sessions.kw["bind"]
        try:
            with bind.connect() as conn:
                trans = conn.begin()
                stored = conv_svc.load_state(conn, cu_id)
                conv = _Conv(stored.flow, stored.step, dict(stored.data), dict(stored.meta))
                status = "done"
                try:
                    replies = self._turn(inbound, cu_id, conv, stored.updated_at, now)
                except Exception as exc:
                    log.error("turn failed in flow %s step %s: %s", stored.flow, stored.step,
                              type(exc).__name__)
                    log.debug("turn failure detail", exc_info=True)
                    conv = _Conv(stored.flow, stored.step, dict(stored.data), dict(stored.meta))
                    replies, status = talk.apology(self.ctx.settings), "failed"
                buttons = next((r.buttons for r in reversed(replies) if r.buttons), None)
                conv.meta["choices"] = [[b.title, b.payload] for b in buttons] if buttons else None
                with conv_svc.write_guard(bind):
                    conv_svc.save_state(conn, cu_id, stored, conv.flow, conv.step, conv.data,
                                        conv.meta, now)
                    conv_svc.finish_inbound(conn, inbound_id, replies, status, now)
                    trans.commit()
                return replies
        except Exception as exc:
            log.error("could not save a conversation turn: %s", type(exc).__name__)
            log.debug("turn save failure detail", exc_info=True)
            return talk.apology(self.ctx.settings)

    def _turn(self, inbound: Inbound, cu_id: int, conv: _Conv, updated_at, now) -> list[Reply]:
        text = C.clean_text(inbound.text)
        plain = normalize_text(text) if text else ""  # Simplified, half-width: for word lists
        value, title = C.resolve_choice(text, conv.meta.pop("choices", None))
        replies: list[Reply] = []
        settings = self.ctx.settings

        if inbound.event in ("subscribe", "unsubscribe"):
            conv_svc.set_subscribed(self.ctx.sessions, cu_id, inbound.event == "subscribe")
            conv.reset()
            return [Reply(talk.WELCOME, talk.MENU)] if inbound.event == "subscribe" else []
        if inbound.event and inbound.event.startswith("unsupported"):
            return talk.unsupported()

        danger = danger_mod.check(plain)
        hotlines = settings.section("region").get("hotlines") if settings is not None else None
        warned = danger_mod.replies(danger, hotlines) if danger else []
        if danger:
            log.warning("danger words detected (%s) on %s", ",".join(danger.kinds), inbound.channel)
            replies += warned
        cmd = C.command_word(value) or (C.command_word(plain) if value == text else None)
        resume_pending = conv.meta.pop("resume", False)
        if (conv.flow and updated_at and now - updated_at > self.idle and not danger
                and cmd is None):
            conv.meta["resume"] = True
            return replies + talk.resume_question()

        if cmd is not None:
            nlu = C.synthetic_parse(value, C.COMMAND_INTENTS.get(cmd, "out_of_scope"))
            turn = self._make_turn(inbound, value, nlu, now, cu_id)
            return replies + self._command(cmd, conv, turn, danger is not None)

        words = title or value
        nlu = self._parse(words) if words else C.synthetic_parse("", "out_of_scope")
        if title is None:  # the user's own words, not a button: let the model have its say
            decided = danger_mod.decide(danger, nlu)
            if decided is not None and danger is None:
                replies += danger_mod.replies(decided, hotlines)
            elif decided is None and danger is not None:
                replies = replies[:len(replies) - len(warned)]
            danger = decided
        if danger is not None:
            nlu = _mark_urgent(nlu)
        turn = self._make_turn(inbound, value, nlu, now, cu_id)

        if conv.flow in self.flows:
            if resume_pending and turn.intent == "greet":
                conv.meta["resume"] = True
                return replies + talk.resume_question()
            aside = None if title is not None else self._digression(conv, turn)
            if aside is not None:
                return replies + aside
            state = FlowState(conv.flow, conv.step or "", conv.data)
            return replies + self._apply(conv, self.flows[conv.flow].step(self.ctx, state, turn))
        conv.reset()  # no flow, or one no longer registered

        if not text and not danger:
            if inbound.location:
                return talk.location_received()
            if inbound.media is not None:
                return talk.voice_unrecognised() if inbound.media.kind == "voice" else talk.media_received()
            return talk.empty()
        intent = turn.intent
        if danger and intent not in self.intent_flows and "report_case" in self.intent_flows:
            intent = "report_case"  # after the 110 guidance, take the report
        elif not danger and self.is_uncertain(nlu):
            options = self._clarify_options(nlu)
            if options:
                return replies + talk.clarify(options)
        if intent == "human_handoff":
            return replies + self._handoff(inbound, conv, danger is not None)
        if intent == "cancel":
            return replies + talk.cancelled()
        if intent in self.intent_flows:
            return replies + self._start(self.intent_flows[intent], conv, turn)
        if danger:
            return replies
        if intent in talk.INTENT_MENU:  # a service whose flow is not installed here
            return replies + talk.unavailable(settings)
        return replies + talk.respond(intent, settings)

    # --- pieces ------------------------------------------------------------------------
    def _command(self, cmd: str, conv: _Conv, turn: Turn, in_danger: bool) -> list[Reply]:
        settings = self.ctx.settings
        if cmd in ("/cancel", "/restart"):
            # A flow may keep more than its state (the report draft): let it forget that too.
            hook = getattr(self.flows.get(conv.flow or ""), "cancel", None)
            if hook is not None:
                outcome = hook(self.ctx, FlowState(conv.flow, conv.step or "", conv.data), turn)
                conv.reset()
                return list(outcome.replies) if cmd == "/cancel" else talk.menu()
            conv.reset()
            return talk.cancelled() if cmd == "/cancel" else talk.menu()
        if cmd == "/help":
            return talk.respond("help", settings)
        if cmd == "/start":
            conv.reset()
            return talk.respond("greet", settings)
        if cmd == "/menu":
            return talk.menu()
        if cmd == "/human":
            return self._handoff(turn.inbound, conv, in_danger)
        if cmd == "/continue":
            prompt = conv_svc.replies_from_json(conv.meta.get("prompt")) if conv.flow else []
            return [talk.resumed()] + prompt if prompt else talk.menu()
        if cmd in self.command_flows:
            return self._start(self.command_flows[cmd], conv, turn)
        if cmd in C.COMMAND_INTENTS:
            return talk.unavailable(settings)
        return talk.respond("out_of_scope", settings)

    def _start(self, name: str, conv: _Conv, turn: Turn) -> list[Reply]:
        flow = self.flows.get(name)
        if flow is None:
            conv.reset()
            return talk.unavailable(self.ctx.settings)
        conv.reset()
        return self._apply(conv, flow.start(self.ctx, turn), name)

    def _apply(self, conv: _Conv, outcome: Outcome, name: str | None = None) -> list[Reply]:
        if outcome.state is None:
            conv.reset()
        else:
            conv.flow = outcome.state.flow or name or conv.flow
            conv.step, conv.data = str(outcome.state.step), dict(outcome.state.data or {})
            conv.meta["prompt"] = conv_svc.replies_to_json(outcome.replies)
        return list(outcome.replies)

    def _handoff(self, inbound: Inbound, conv: _Conv, in_danger: bool) -> list[Reply]:
        notifier = self.ctx.services.get("notifier")
        notified = False
        if notifier is not None:
            try:
                queued = notifier.notify(None, "有群众请求人工服务",
                                         f"渠道：{inbound.channel}\n当前事项：{conv.flow or '无'}\n"
                                         "请到管理后台查看会话并尽快联系。",
                                         urgency="urgent" if in_danger else "high")
                notified = queued is None or queued > 0  # only say so if someone was reached
            except Exception as exc:
                log.error("handoff notification failed: %s", type(exc).__name__)
                log.debug("handoff failure detail", exc_info=True)
        return talk.handoff(self.ctx.settings, notified)

    def _digression(self, conv: _Conv, turn: Turn) -> list[Reply] | None:
        """A clear question, status request or handoff in the middle of a flow is answered,
        then the flow's last question is asked again: nothing said so far is lost."""
        flow = self.flows[conv.flow]
        if (turn.intent not in DIGRESSIONS or turn.confidence < DIGRESSION_CONFIDENCE
                or self.is_uncertain(turn.nlu) or self.intent_flows.get(turn.intent) == conv.flow
                or conv.step in getattr(flow, "free_text_steps", ())):
            return None
        if turn.intent == "human_handoff":
            aside = self._handoff(turn.inbound, conv, False)
        else:
            target = self.flows.get(self.intent_flows.get(turn.intent, ""))
            if target is None:
                return None
            aside = list(target.start(self.ctx, turn).replies)
        prompt = conv_svc.replies_from_json(conv.meta.get("prompt"))
        return aside + [Reply("我们接着刚才的事。")] + prompt

    def _clarify_options(self, nlu: dict):
        ranking = nlu.get("intent_ranking") or [nlu.get("intent") or {}]
        options = []
        for item in ranking[:2]:
            button = talk.INTENT_MENU.get(item.get("name"))
            if button and button not in options:
                options.append(button)
        return options

    def _parse(self, text: str) -> dict:
        try:
            return self.parse(text)
        except Exception as exc:
            log.error("NLU parse failed: %s", type(exc).__name__)
            log.debug("NLU failure detail", exc_info=True)
            return C.synthetic_parse(text, "out_of_scope") | {"intent": {"name": "out_of_scope",
                                                                          "confidence": 0.0}}

    def _make_turn(self, inbound, text, nlu, now, cu_id) -> Turn:
        return Turn(inbound=inbound, text=text, nlu=nlu, now=now, channel_user_id=cu_id)



def _mark_urgent(nlu: dict) -> dict:
    """After the 110 guidance the report that follows is urgent, whatever the model said."""
    if any(e.get("entity") == "urgency" for e in nlu.get("entities") or []):
        return nlu
    entity = {"entity": "urgency", "value": "urgent", "start": 0, "end": 0, "extractor": "danger_check"}
    return {**nlu, "entities": [*(nlu.get("entities") or []), entity]}
