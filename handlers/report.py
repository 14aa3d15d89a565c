"""The report flow (报告): free text or the menu in, a routed case out, in as few turns as
the user's first message allows. Only what is missing is asked, one question at a time.

```mermaid
stateDiagram-v2
    [*] --> resume: draft kept and nothing new said
    [*] --> describe: menu / "我要报告" / "我是医生，要做强制报告" (nothing said yet)
    [*] --> ask_next: free text (facts extracted)
    resume --> ask_next: 继续填写
    resume --> describe: 重新开始
    describe --> ask_next
    state ask_next <<choice>>
    ask_next --> category: no category, or the model's is unsure (confirm with buttons)
    ask_next --> place: no township/village
    ask_next --> child: no age
    ask_next --> role: no reporter role
    ask_next --> contact: mandatory reporter without a phone (handlers/report_contact.py)
    ask_next --> confirm: everything known
    category --> ask_next
    place --> place: ambiguous / unknown (choose from list)
    place --> ask_next
    child --> ask_next
    role --> ask_next
    contact --> ask_next
    confirm --> ask_next: correction ("地点改成向阳村")
    confirm --> [*]: 确认提交 (case filed)
    describe --> [*]: 取消 (nothing created)
    confirm --> [*]: 取消
```
Every step re-asks a bad answer with an example; the second time it also says how to
report by phone. The draft is saved after every turn, so a user can come back later.
"""
from __future__ import annotations

import dataclasses
import logging
import uuid
from datetime import datetime, timedelta
from enum import StrEnum

from core.categories import CODES as CATEGORIES
from core.messages import Reply
from core.services import drafts
from handlers import places
from handlers import report_contact as contact
from handlers import report_text as say
from handlers import validators as v
from handlers.base import FlowContext, FlowState, Outcome, Turn
from handlers.describe import says_what_happened
from handlers.report_category import (
    category_answer,
    category_unsure,
    forget_category,
    reread_category,
)
from handlers.report_correct import correct
from handlers.report_slots import absorb, collect_media, place_done
from handlers.report_submit import submit

log = logging.getLogger(__name__)


class Step(StrEnum):
    RESUME = "resume"
    DESCRIBE = "describe"
    CATEGORY = "category"
    PLACE = "place"
    CHILD = "child"
    ROLE = "role"
    CONTACT = "contact"
    CONFIRM = "confirm"


FOCUS = {Step.DESCRIBE: "description", Step.CATEGORY: "category", Step.PLACE: "place",
         Step.CHILD: "child_age", Step.ROLE: "reporter_role", Step.CONTACT: "contact"}
CANCEL_WORDS = {"取消", "不报了", "算了", "退出", "cancel", "/cancel"}
YES_WORDS = {"确认", "确认提交", "提交", "对", "对的", "是", "是的", "没问题", "好", "好的", "可以", "ok", "OK"}
EDIT_WORDS = {"修改", "改", "不对", "有错", "要改"}


def _new_data(now: datetime) -> dict:
    # draft_id: with the channel user, the case's submission key (a draft is filed once).
    return {"slots": {}, "attachments": [], "tries": {}, "updated": now.isoformat(),
            "draft_id": uuid.uuid4().hex}


class ReportFlow:
    name = "report"
    # Steps whose answer is free description: anything goes, nothing is taken as a digression.
    free_text_steps = frozenset({Step.DESCRIBE})

    # -- entry points ---------------------------------------------------------------------
    def start(self, ctx: FlowContext, turn: Turn) -> Outcome:
        data = _new_data(turn.now)
        saved = self._load_draft(ctx, turn)
        says_something = self._has_facts(turn)
        if saved and saved.get("slots") and not says_something:
            saved["updated"] = turn.now.isoformat()
            return self._save(ctx, turn, FlowState(self.name, Step.RESUME, saved), [Reply(
                "您上次有一份还没提交的报告，要接着填吗？", say.RESUME_BUTTONS)])
        collect_media(data, turn)
        gaz = self._gazetteer(ctx)
        absorb(data, turn, gaz)
        if turn.aside:  # "没有，孩子在东风村他奶奶家": the place, age … said with the danger answer
            absorb(data, dataclasses.replace(turn, text=turn.aside, nlu={}, aside=""), gaz)
        if says_something:
            desc = v.valid_description(" ".join(x for x in (turn.text, turn.aside) if x))
            if desc:
                data["slots"]["description"] = desc
        else:  # nothing said happened yet: no category is guessed from "我要报告"
            forget_category(data["slots"])
        return self._advance(ctx, turn, data)

    def step(self, ctx: FlowContext, state: FlowState, turn: Turn) -> Outcome:
        data = state.data or _new_data(turn.now)
        turn = self._as_choice(turn, data)
        text = turn.text
        if state.step == Step.CONTACT and text not in CANCEL_WORDS and (v.declines(text) or v.is_unknown(text)):
            return contact.declined(self, ctx, turn, data)
        if text in CANCEL_WORDS or (turn.intent == "cancel" and turn.confidence >= 0.8 and len(text) <= 6):
            return self.cancel(ctx, state, turn)
        if self._expired(ctx, data, turn.now):
            data = _new_data(turn.now)
            return self._advance(ctx, turn, data, [Reply("之前的报告草稿已过期，我们重新开始。")])
        data["updated"] = turn.now.isoformat()
        got_media = collect_media(data, turn)
        if state.step == Step.RESUME:
            if text == "restart" or "重新" in text:
                data = _new_data(turn.now)
            return self._advance(ctx, turn, data)
        if got_media and not text and turn.inbound.location is None:
            return self._advance(ctx, turn, data, [Reply("收到，会附在报告里。")])
        if state.step == Step.CONFIRM:
            return self._confirm(ctx, turn, data)
        if state.step == Step.CATEGORY and category_answer(data["slots"], text, YES_WORDS):
            return self._advance(ctx, turn, data)
        gaz = self._gazetteer(ctx)
        if state.step == Step.CATEGORY and category_unsure(data["slots"], ctx.settings.section("nlu")) \
                and not text.startswith("cat:"):
            found = turn.entity("category") if turn.entity("category") in CATEGORIES else None
            rest = reread_category(data["slots"], text, found or v.guess_category(text))
            if rest.strip():  # "对，不过他在东风村，8岁": the other facts too
                absorb(data, dataclasses.replace(turn, text=rest, nlu={}), gaz)
            return self._advance(ctx, turn, data)
        focus = FOCUS.get(Step(state.step))
        if text == "village:unknown":
            data["slots"]["village_unknown"] = True
            problem = None
        else:
            problem = absorb(data, turn, gaz, focus)
        if problem and state.step == Step.CONTACT and data.get("tries", {}).get(str(Step.CONTACT), 0) >= 2:
            return contact.declined(self, ctx, turn, data)  # asked three times: go on without it
        if problem and state.step == Step.CHILD and data.get("tries", {}).get(str(Step.CHILD), 0) >= 2:
            data["slots"]["age_unknown"] = True  # asked three times: filed as 年龄未填, staff ask later
            problem = None
        if problem:
            return self._reask(ctx, turn, data, Step(state.step), problem)
        return self._advance(ctx, turn, data)

    def cancel(self, ctx: FlowContext, state: FlowState | None, turn: Turn) -> Outcome:
        """Abandon the report: nothing is created and the draft is forgotten."""
        self._drop_draft(ctx, turn.channel_user_id)
        region = ctx.settings.section("region")
        return Outcome(None, [Reply("好的，已取消，没有提交任何报告。" + say.by_phone(region)
                                    + "\n如果孩子正处在危险中，请马上拨打110。")])

    # -- the conversation -----------------------------------------------------------------
    def _advance(self, ctx: FlowContext, turn: Turn, data: dict, before: list[Reply] | None = None) -> Outcome:
        slots = data["slots"]
        before = list(before or [])
        contact.from_description(slots)
        # An urgent report asks first what the police need (where, which child); whether the
        # category is right and who reports are on the summary, to correct or add, not asked.
        urgent = bool(slots.get("urgent")) and not slots.get("calm")
        if not slots.get("description"):
            step, reply = Step.DESCRIBE, Reply(say.QUESTIONS["description"])
        elif not slots.get("category"):
            step, reply = Step.CATEGORY, Reply(say.QUESTIONS["category"], say.buttons(say.CATEGORY_BUTTONS, "cat:"))
        elif category_unsure(slots, ctx.settings.section("nlu")) and not urgent:
            step, reply = Step.CATEGORY, say.category_check(slots)
        elif not place_done(slots):
            step, reply = Step.PLACE, say.place_question(data, None)
        elif slots.get("child_age") is None and not slots.get("age_unknown"):
            step, reply = Step.CHILD, Reply(say.QUESTIONS["child_age"])
        elif not slots.get("reporter_role") and not urgent:
            step, reply = Step.ROLE, Reply(say.QUESTIONS["reporter_role"], say.buttons(say.ROLE_BUTTONS, "role:"))
        elif contact.missing(slots):
            step, reply = Step.CONTACT, Reply(contact.question(slots))
        else:
            step, reply = Step.CONFIRM, say.summary(slots, len(data["attachments"]), changed=data.pop("changed", False))
        if data.get("step") != step:
            data["tries"] = {}
        data["step"] = str(step)
        data["offered"] = [[b.title, b.value] for b in reply.buttons]
        return self._save(ctx, turn, FlowState(self.name, step, data), before + [reply])

    def _reask(self, ctx: FlowContext, turn: Turn, data: dict, step: Step, problem: str) -> Outcome:
        tries = data.setdefault("tries", {})
        tries[str(step)] = tries.get(str(step), 0) + 1
        if step == Step.PLACE:
            reply = say.place_question(data, problem)
        else:
            buttons = {Step.CATEGORY: say.buttons(say.CATEGORY_BUTTONS, "cat:"),
                       Step.ROLE: say.buttons(say.ROLE_BUTTONS, "role:"),
                       Step.CONFIRM: say.CONFIRM_BUTTONS}.get(step, ())
            reply = Reply(say.REASK.get(problem, say.REASK["no_choice"]), buttons)
        if tries[str(step)] >= 2:
            extra = "\n" + say.by_phone(ctx.settings.section("region")) + "不想报了可以回复“取消”。"
            reply = dataclasses.replace(reply, text=reply.text + extra)
        data["offered"] = [[b.title, b.value] for b in reply.buttons]
        return self._save(ctx, turn, FlowState(self.name, step, data), [reply])

    def _confirm(self, ctx: FlowContext, turn: Turn, data: dict) -> Outcome:
        text = turn.text.strip(" 。.！!")
        if text == "confirm" or text in YES_WORDS or (turn.intent == "affirm" and len(text) <= 6):
            return self._submit(ctx, turn, data)
        if text == "edit" or text in EDIT_WORDS:
            return self._save(ctx, turn, FlowState(self.name, Step.CONFIRM, data), [Reply(
                "请直接说要改什么，例如：年龄是8岁、地点改成向阳村、电话13800001234。")])
        return correct(self, ctx, turn, data)

    def _submit(self, ctx: FlowContext, turn: Turn, data: dict) -> Outcome:
        return submit(ctx, turn, data)

    # -- helpers --------------------------------------------------------------------------
    @staticmethod
    def _has_facts(turn: Turn) -> bool:
        """The first message says what happened (not only "我是医生，要做强制报告")."""
        role = turn.entities("reporter_role")
        span = (role[0]["start"], role[0]["end"]) if role and "start" in role[0] else None
        return says_what_happened(turn.text, span)

    @staticmethod
    def _as_choice(turn: Turn, data: dict) -> Turn:
        """A button title typed back (web, console) becomes the button's payload."""
        for title, payload in data.get("offered") or []:
            if turn.text == title:
                return dataclasses.replace(turn, text=payload)
        return turn

    @staticmethod
    def _gazetteer(ctx: FlowContext) -> places.Gazetteer:
        return places.load_gazetteer(ctx.db)

    @staticmethod
    def _draft_hours(ctx: FlowContext) -> float:
        return float(ctx.settings.section("conversation").get("draft_hours", 72))

    def _expired(self, ctx: FlowContext, data: dict, now: datetime) -> bool:
        updated = data.get("updated")
        return bool(updated) and datetime.fromisoformat(updated) < now - timedelta(hours=self._draft_hours(ctx))

    def _load_draft(self, ctx: FlowContext, turn: Turn) -> dict | None:
        if not turn.channel_user_id:
            return None
        return drafts.load_draft(ctx.db, turn.channel_user_id, turn.now, self._draft_hours(ctx))

    def _drop_draft(self, ctx: FlowContext, channel_user_id: int) -> None:
        if channel_user_id:
            drafts.delete_draft(ctx.db, channel_user_id)

    def _save(self, ctx: FlowContext, turn: Turn, state: FlowState, replies: list[Reply]) -> Outcome:
        if turn.channel_user_id:
            drafts.save_draft(ctx.db, turn.channel_user_id, state.data, turn.now)
        return Outcome(state, replies)

