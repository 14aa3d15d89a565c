"""Routing of one turn: danger first, then global commands, the active flow, or a new
flow by intent. Built per turn by the engine with the turn's FlowContext (whose `db` is
the turn's session); it never commits."""
from __future__ import annotations

import dataclasses
import logging
import re
from datetime import datetime

from bot import commands as C
from bot.routing_commands import Commands
from bot.turns import Conv
from core.messages import Inbound, Reply
from core.services import conversations as conv_svc
from handlers import custody
from handlers import danger as danger_mod
from handlers import smalltalk as talk
from handlers.base import FlowContext, FlowState, Outcome, Turn
from handlers.describe import asks_to_register, seeks_help, states_a_report
from nlu import danger as danger_words
from nlu.normalize import normalize_text

log = logging.getLogger(__name__)
# Intents that may interrupt an active flow without ending it, and how sure the model must be.
DIGRESSIONS = ("check_status", "ask_policy", "human_handoff")
DIGRESSION_CONFIDENCE = 0.75


class Router(Commands):
    def __init__(self, engine, ctx: FlowContext):
        self.ctx = ctx
        self.flows, self.parse, self.is_uncertain = engine.flows, engine.parse, engine.is_uncertain
        self.intent_flows, self.command_flows = engine.intent_flows, engine.command_flows
        self.idle = engine.idle

    def turn(self, inbound: Inbound, cu_id: int, conv: Conv, now: datetime) -> list[Reply]:
        if inbound.event in ("subscribe", "unsubscribe"):
            conv_svc.set_subscribed(self.ctx.db, cu_id, inbound.event == "subscribe")
            conv.reset()
            return [Reply(talk.WELCOME, talk.MENU)] if inbound.event == "subscribe" else []
        if inbound.event and inbound.event.startswith("unsupported"):
            return talk.unsupported()
        text = C.clean_text(inbound.text)
        plain = normalize_text(text) if text else ""  # Simplified, half-width: for word lists
        value, title = C.resolve_choice(text, conv.meta.pop("choices", None))
        receipt = conv.meta.pop("receipt", None)

        danger = danger_words.check(plain)
        warned = danger_mod.replies(danger, self.hotlines) if danger else []
        if danger:
            log.warning("danger words detected (%s) on %s", ",".join(danger.kinds), inbound.channel)
        cmd = C.command_word(value) or (C.command_word(plain) if value == text else None)
        resume_pending = conv.meta.pop("resume", False)
        if (conv.flow and conv.updated_at and now - conv.updated_at > self.idle and not danger
                and cmd is None):
            conv.meta["resume"] = True
            return warned + talk.resume_question()
        if cmd is not None:
            nlu = C.synthetic_parse(value, C.COMMAND_INTENTS.get(cmd, "out_of_scope"))
            turn = self._make_turn(inbound, value, nlu, now, cu_id)
            return warned + self._command(cmd, conv, turn, danger is not None)
        if receipt and not danger and C.repeated_confirmation(value, receipt, now):
            conv.meta["receipt"] = receipt
            return [Reply("这一份已经提交过了，不会重复提交。")] + conv_svc.replies_from_json(receipt["replies"])

        pending = conv.meta.pop("danger_question", None)
        if pending is not None:
            answered = danger_mod.answer(value)
            if answered is not None:
                return self._danger_answered(conv, inbound, cu_id, now, pending, answered, value)
            # not an answer: what they said first and now, read together, with no second question
            value = f"{pending['text']} {value}" if title is None else value
        words = title or value
        nlu = self._parse(words) if words else C.synthetic_parse("", "out_of_scope")
        replies = warned
        if title is None:  # the user's own words, not a button: the one danger decision
            decision = danger_words.assess(normalize_text(words) if words else "", nlu)
            if decision.danger and pending is None and self._may_ask(conv) and self._only_a_parent_took(words):
                decision = dataclasses.replace(decision, verdict=danger_words.UNSURE)
            if decision.asks and pending is None and self._may_ask(conv):
                conv.meta["danger_question"] = {"text": value, "kinds": list(decision.kinds)}
                log.info("danger not certain (p=%.2f): asking", decision.probability)
                return [danger_mod.question()]
            danger = decision if decision.danger or (decision.asks and pending is not None) else None
            replies = danger_mod.replies(danger, self.hotlines) if danger else []
        return replies + self._continue(conv, inbound, value, nlu, now, cu_id, danger is not None,
                                        title, resume_pending)

    def _continue(self, conv: Conv, inbound: Inbound, value: str, nlu: dict, now: datetime,
                  cu_id: int, in_danger: bool, title: str | None = None,
                  resume_pending: bool = False, aside: str = "") -> list[Reply]:
        if in_danger:
            nlu = C.mark_urgent(nlu)
        turn = self._make_turn(inbound, value, nlu, now, cu_id, aside)
        if conv.flow in self.flows:
            return self._in_flow(conv, turn, resume_pending, title is not None, in_danger)
        conv.reset()  # no flow, or one no longer registered
        return self._route(conv, turn, C.clean_text(value), in_danger)

    def _may_ask(self, conv: Conv) -> bool:
        """The danger question is asked on the first message of a matter: with no flow
        going on, or where the flow asks for a free description (what happened)."""
        if not conv.flow:
            return True
        flow = self.flows.get(conv.flow)
        return conv.step in getattr(flow, "free_text_steps", ())

    def _only_a_parent_took(self, words: str) -> bool:
        """"孩子他爸把孩子带走了": a parent taking their own child is not by itself danger now.
        Asked about, unless the rest of the message has danger words or calls for help
        (handlers/custody.py). Not the model on the rest: it reads "不知道去哪了" as a child
        missing, not knowing that a parent has the child."""
        rest = custody.without_parent_taking(words or "")
        if rest is None:
            return False
        plain = normalize_text(rest)
        no_model = {"urgency": {"confidence": 0.0}}
        return danger_words.check(plain) is None and not danger_words.assess(plain, no_model).danger

    def _danger_answered(self, conv: Conv, inbound: Inbound, cu_id: int, now: datetime,
                         pending: dict, answered: str, value: str = "") -> list[Reply]:
        """是 or 不确定: the 110/120 guidance at once and the matter is urgent; 没有: go on.
        Either way the message that raised the question is then handled as usual."""
        text = pending.get("text") or ""
        nlu = self._parse(text) if text else C.synthetic_parse("", "out_of_scope")
        in_danger = answered in ("yes", "unsure")
        replies = []
        if in_danger:
            kinds = tuple(pending.get("kinds") or ("reported_now",))
            replies = danger_mod.replies(danger_words.Signal(kinds), self.hotlines)
            log.warning("danger confirmed by the user (%s) on %s", answered, inbound.channel)
        else:
            replies = [danger_mod.calm_reply(value, self.hotlines) if answered == "no" else Reply("好的。")]
            if answered == "no":
                nlu = C.mark_calm(nlu)
        aside = value if not value.startswith("danger:") and len(re.sub(r"\W", "", value)) > 3 else ""
        return replies + self._continue(conv, inbound, text, nlu, now, cu_id, in_danger, aside=aside)

    def _in_flow(self, conv: Conv, turn: Turn, resume_pending: bool, chosen: bool,
                 in_danger: bool = False) -> list[Reply]:
        if resume_pending and turn.intent == "greet":
            conv.meta["resume"] = True
            return talk.resume_question()
        aside = None if chosen else self._digression(conv, turn)
        if aside is not None:
            return aside
        state = FlowState(conv.flow, conv.step or "", conv.data)
        outcome = self.flows[conv.flow].step(self.ctx, state, turn)
        if outcome.state is None and not outcome.replies and not outcome.receipt:
            # The flow let go of a message that is not its own (a report after a policy
            # answer, a thank-you): route it as if no flow were going on.
            conv.reset()
            return self._route(conv, turn, C.clean_text(turn.text), in_danger)
        return self._apply(conv, outcome, now=turn.now)

    def _route(self, conv: Conv, turn: Turn, text: str, in_danger: bool) -> list[Reply]:
        """No active flow: start one by intent, or answer directly."""
        inbound, settings = turn.inbound, self.ctx.settings
        if not text and not in_danger:
            if inbound.location:
                return talk.location_received()
            if inbound.media is not None:
                return talk.voice_unrecognised() if inbound.media.kind == "voice" else talk.media_received()
            return talk.empty()
        claimed = None if in_danger else self._claimed(turn)
        if claimed is not None:
            return self._start(claimed, conv, turn)
        intent = turn.intent
        if not in_danger and "register_entrustment" in self.intent_flows and asks_to_register(text, turn.entity("city")):
            # "我要出去打工了，孩子要报备吗？": yes, and the registration says why and starts
            asked = {**turn.nlu, "intent": {"name": "register_entrustment", "confidence": 1.0}}
            return self._start(self.intent_flows["register_entrustment"], conv, dataclasses.replace(turn, nlu=asked))
        if intent == "ask_policy" and "report_case" in self.intent_flows and seeks_help(text):
            # "我儿子在学校老被欺负…不知道怎么办": what to do is to tell the people who act
            return [talk.HELP_BY_REPORTING] + self._start(self.intent_flows["report_case"], conv, turn)
        if intent == "ask_policy" and "report_case" in self.intent_flows and states_a_report(text):
            intent = "report_case"  # "按强制报告要求上报一例…": a report, not a question about reporting
        elif in_danger and intent not in self.intent_flows and "report_case" in self.intent_flows:
            intent = "report_case"  # after the 110 guidance, take the report
        elif not in_danger and self.is_uncertain(turn.nlu):
            options = self._clarify_options(turn.nlu)
            if options:
                return talk.clarify(options)
        if intent == "human_handoff":
            return self._handoff(inbound, conv, in_danger)
        if intent == "cancel":
            return talk.cancelled()
        if intent in self.intent_flows:
            return self._start(self.intent_flows[intent], conv, turn)
        if in_danger:
            return []
        if intent in talk.INTENT_MENU:  # a service whose flow is not installed here
            return talk.unavailable(settings)
        return talk.respond(intent, settings)

    def _claimed(self, turn: Turn) -> str | None:
        """A flow that knows this user may claim a message before the intent decides (a
        registered parent's "孩子转学到青山镇中学了" is an update, not a report)."""
        for name, flow in self.flows.items():
            claims = getattr(flow, "claims", None)
            if claims is not None and claims(self.ctx, turn):
                return name
        return None

    @property
    def hotlines(self) -> dict | None:
        settings = self.ctx.settings
        return settings.section("region").get("hotlines") if settings is not None else None

    # --- pieces ------------------------------------------------------------------------
    def _start(self, name: str, conv: Conv, turn: Turn) -> list[Reply]:
        flow = self.flows.get(name)
        if flow is None:
            conv.reset()
            return talk.unavailable(self.ctx.settings)
        conv.reset()
        return self._apply(conv, flow.start(self.ctx, turn), name, now=turn.now)

    def _apply(self, conv: Conv, outcome: Outcome, name: str | None = None,
               now: datetime | None = None) -> list[Reply]:
        if outcome.state is None:
            conv.reset()
            if outcome.receipt and now is not None:
                conv.meta["receipt"] = {"at": now.isoformat(),
                                        "replies": conv_svc.replies_to_json(outcome.replies)}
        else:
            conv.flow = outcome.state.flow or name or conv.flow
            conv.step, conv.data = str(outcome.state.step), dict(outcome.state.data or {})
            conv.meta["prompt"] = conv_svc.replies_to_json(outcome.replies)
        return list(outcome.replies)

    def _digression(self, conv: Conv, turn: Turn) -> list[Reply] | None:
        """A clear question, status request or handoff in the middle of a flow is answered,
        then the flow's last question is asked again: nothing said so far is lost."""
        flow = self.flows[conv.flow]
        if (turn.intent not in DIGRESSIONS or turn.confidence < DIGRESSION_CONFIDENCE
                or self.is_uncertain(turn.nlu) or self.intent_flows.get(turn.intent) == conv.flow
                or conv.step in getattr(flow, "free_text_steps", ())):
            return None
        answers = getattr(flow, "answers", None)
        if answers is not None and answers(FlowState(conv.flow, conv.step or "", conv.data), turn):
            return None  # the flow recognises this as the answer to its own question
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

    def _make_turn(self, inbound, text, nlu, now, cu_id, aside: str = "") -> Turn:
        return Turn(inbound=inbound, text=text, nlu=nlu, now=now, channel_user_id=cu_id, aside=aside)

