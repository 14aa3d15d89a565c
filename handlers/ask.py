"""The "ask" flow: policy questions answered from the documents, with their source.

```mermaid
stateDiagram-v2
    [*] --> waiting: /ask or 继续提问 (no question yet)
    [*] --> answered: a question (ask_policy)
    waiting --> answered: any question
    answered --> answered: 原文 (show the passage)
    answered --> answered: a follow-up question (那如果孩子15岁呢?)
    answered --> waiting: 继续提问
    answered --> [*]: anything else (state None, no reply: the engine routes it)
    answered --> [*]: 返回菜单 /menu, 我要报告 /report, 找人工 /human (engine commands)
```
Every answer shows its source line ("来源：乌海政办发〔2016〕71号 二、（一）"). When the
question is really a report, a "我要报告" button (payload /report) is offered.
"""
from __future__ import annotations

import re
from enum import StrEnum

from core.messages import Button, Reply
from handlers.base import FlowContext, FlowState, Outcome, Turn

PASSAGE_CHARS = 600  # WeChat passive replies are short; the passage is cut with a note
_QUESTION = re.compile(
    r"[?？吗呢么]$|^(那|那么|如果|要是|假如|还有|另外)|怎么|什么|哪|谁|多久|多少|几|能不能|可不可以|是否|要不要|算不算")
_OTHER_INTENTS = {"report_case", "register_entrustment", "update_entrustment", "check_status",
                  "human_handoff", "greet", "goodbye", "thanks", "cancel", "help"}
BTN_PASSAGE = Button("原文", "原文")
BTN_MORE = Button("继续提问", "继续提问")
BTN_MENU = Button("返回菜单", "/menu")
BTN_REPORT = Button("我要报告", "/report")
BTN_HUMAN = Button("找人工", "/human")


class AskStep(StrEnum):
    WAITING = "waiting"
    ANSWERED = "answered"


def _answerer(ctx: FlowContext):
    answerer = ctx.services.get("policy")
    if answerer is None:  # curated answers still work without a knowledge base
        from policy import Answerer

        region = ctx.settings.section("region") if ctx.settings is not None else {}
        answerer = ctx.services["policy"] = Answerer(None, region)
    return answerer


def source_line(sources: list[dict]) -> str:
    if not sources:
        return ""
    by_doc: dict[str, list[str]] = {}
    for s in sources[:3]:
        by_doc.setdefault(s["document"], []).append(s["section"])
    return "来源：" + "；".join(f"{doc} {'，'.join(secs)}" for doc, secs in by_doc.items())


class AskFlow:
    name = "ask"

    def start(self, ctx: FlowContext, turn: Turn) -> Outcome:
        text = turn.text.strip()
        if not text or text.startswith("/") or text in ("继续提问", "政策咨询", "我想问政策"):
            return self._prompt()
        return self._answer(ctx, turn, text, {})

    def step(self, ctx: FlowContext, state: FlowState, turn: Turn) -> Outcome:
        text = turn.text.strip()
        data = state.data or {}
        if state.step == AskStep.WAITING:
            if not text:
                return self._prompt()
            return self._answer(ctx, turn, text, data.get("context") or {})
        if text == "原文":
            return Outcome(FlowState(self.name, AskStep.ANSWERED, data),
                           [self._passage_reply(data)])
        if text == "继续提问":
            return Outcome(FlowState(self.name, AskStep.WAITING, {"context": data.get("context")}),
                           [Reply("请说您的问题。", (BTN_MENU,))])
        if self._is_question(turn, text):
            return self._answer(ctx, turn, text, data.get("context") or {})
        return Outcome(None, [])  # not ours: the engine routes this message

    @staticmethod
    def _is_question(turn: Turn, text: str) -> bool:
        if turn.intent in _OTHER_INTENTS and turn.confidence >= 0.6:
            return False
        return turn.intent == "ask_policy" or bool(_QUESTION.search(text))

    def _prompt(self) -> Outcome:
        return Outcome(FlowState(self.name, AskStep.WAITING, {}),
                       [Reply("请问您想了解哪方面的政策？例如：“孩子14岁，我们出去打工能让他一个人在家吗？”",
                              (BTN_MENU,))])

    def _answer(self, ctx: FlowContext, turn: Turn, text: str, context: dict) -> Outcome:
        answer = _answerer(ctx).ask(text, context)
        body = answer.answer
        line = source_line(answer.sources)
        if line:
            body += "\n\n" + line
        buttons: list[Button] = []
        if answer.looks_like_report:
            buttons.append(BTN_REPORT)
        if answer.passage:
            buttons.append(BTN_PASSAGE)
        if not answer.found:
            buttons.append(BTN_HUMAN)
        buttons += [BTN_MORE, BTN_MENU]
        data = {"context": answer.context, "passage": answer.passage,
                "sources": answer.sources[:1]}
        return Outcome(FlowState(self.name, AskStep.ANSWERED, data), [Reply(body, tuple(buttons))])

    @staticmethod
    def _passage_reply(data: dict) -> Reply:
        passage = data.get("passage")
        if not passage:
            return Reply("这条回答暂时没有可显示的原文（知识库里还没有导入这份文件）。", (BTN_MORE, BTN_MENU))
        src = (data.get("sources") or [{}])[0]
        head = f"【原文】{src.get('title') or src.get('document', '')} {src.get('section', '')}".strip()
        text = passage if len(passage) <= PASSAGE_CHARS else passage[:PASSAGE_CHARS] + "……（节选）"
        return Reply(f"{head}\n{text}", (BTN_MORE, BTN_MENU))


flow = AskFlow()
