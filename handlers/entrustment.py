"""The entrustment flow (监护登记): a parent working away registers who looks after their
children, and keeps it current from anywhere.

```mermaid
stateDiagram-v2
    [*] --> ask: new registration (facts of the first message kept)
    [*] --> review: update from the account that registered ("我换到东莞上班了")
    [*] --> find: update from a new device ("我是王小雨的爸爸，之前登记过…")
    [*] --> join: "加入登记 123456" (handlers/entrust_join.py)
    find --> verify: name + phone said (a code goes to the first account if they match; same answer either way)
    verify --> review: the right code
    verify --> ask: 重新登记 (facts kept)
    verify --> [*]: 原来的账号用不了 (a re-bind code for the village committee)
    ask --> ask: one missing fact at a time (buttons for relations, yes/no)
    ask --> confirm: everything known
    review --> ask: something still missing (a new guardian's phone…)
    review --> confirm_update
    confirm --> confirm: a correction in plain words
    confirm --> [*]: 确认登记 (files, notices, tasks)
    confirm_update --> [*]: 确认修改 (new version) / 回老家了 (entrustment ended)
```
Every fact goes through handlers/entrust_slots.merge, at every step: whatever the parent
says is kept, and only what is still missing is asked. Text is read as Simplified.
`claims` lets a registered parent's update ("孩子转学到青山镇中学了") or the quarterly answer
("信息没变", "/entrust same") reach this flow whatever the intent model says.
"""
from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from core.messages import Button, Reply
from core.services import entrust_checks
from core.services import entrustments as svc
from handlers import entrust_answer as A
from handlers import entrust_join as J
from handlers import entrust_people as P
from handlers import entrust_slots as S
from handlers import entrust_text as say
from handlers import entrust_update as U
from handlers import places
from handlers import validators as v
from handlers.base import FlowContext, FlowState, Outcome, Turn


class Step(StrEnum):
    ASK = "ask"
    CONFIRM = "confirm"
    FIND = "find"
    VERIFY = "verify"
    END = "end"


YES = A.YES
UPDATE_WORDS = re.compile(r"之前登记|以前登记|登记过|更新|换了|换到|调到|改由|改成|转学|换工作|换电话|电话换|号码换|"
                          r"回老家|回来了|回家了|不出去了|不走了|搬到|变了")


class EntrustmentFlow:
    name = "entrust"

    def answers(self, state: FlowState, turn: Turn) -> bool:
        """Whether `turn` answers the question just asked, whatever the intent model makes of
        it ("没有托付给谁，孩子自己在家" reads like a policy question but answers who cares)."""
        ask = (state.data or {}).get("ask") or ""
        if ask == "other_parent":  # "孩子爸爸在外面也不怎么联系" is not a question about the policy
            text = U.simplified(turn).text
            return P.other_parent(text if re.search(P.SPOUSE, text) else "孩子妈妈" + text) is not None
        return ask.startswith("guardian.") and A.says_nobody(turn.text)

    # -- entry ------------------------------------------------------------------------------
    def claims(self, ctx: FlowContext, turn: Turn) -> bool:
        """Before routing by intent: an update said by a parent already registered."""
        return U.claims(ctx, turn)

    def start(self, ctx: FlowContext, turn: Turn) -> Outcome:
        turn = U.simplified(turn)
        joined = J.join(self, ctx, turn)
        if joined is not None:
            return joined
        family = svc.family_of(ctx.db, turn.channel_user_id)
        answer = U.quarterly_answer(self, ctx, turn, family)
        if answer is not None:
            return answer
        says_update = turn.intent == "update_entrustment" or bool(UPDATE_WORDS.search(turn.text))
        if family and svc.current_family(ctx.db, family, turn.channel_user_id):
            return self._review(ctx, turn, {"mode": "update"}, family)
        data = {"mode": "register", "slots": S.new_slots()}
        self._merge(ctx, data, turn)
        if says_update:
            return self._find(ctx, turn, data)
        return self._ask_next(data, [Reply(say.INTRO)])

    def step(self, ctx: FlowContext, state: FlowState, turn: Turn) -> Outcome:
        data, turn = state.data, U.simplified(turn)
        if state.step == J.STEP:
            return J.step(self, ctx, data, turn)
        if state.step == Step.FIND:
            self._merge(ctx, data, turn)
            return self._find(ctx, turn, data)
        if state.step == Step.VERIFY:
            return self._verify(ctx, turn, data)
        if state.step == Step.END:
            if turn.text in YES:
                children = self._family(ctx, turn, data)
                n = svc.end_family(ctx.db, children, turn.channel_user_id, turn.now, ctx.services.get("notifier"))
                return Outcome(None, [Reply(f"好的，欢迎回家！{n}个孩子的委托监护已结束，孩子的档案还保留着，"
                                            "村委会会知道孩子现在由您自己照顾。以后再出去打工，随时来登记。")],
                               receipt=True)
            return Outcome(None, [Reply("好的，登记没有改动。")])
        if state.step == Step.CONFIRM:
            return self._confirm(ctx, turn, data)
        return self._answer(ctx, turn, data)

    def cancel(self, ctx: FlowContext, state: FlowState | None, turn: Turn) -> Outcome:
        return Outcome(None, [Reply("好的，已经取消，登记没有改动。需要时随时发“监护登记”。")])

    # -- one answer -------------------------------------------------------------------------
    def _answer(self, ctx: FlowContext, turn: Turn, data: dict) -> Outcome:
        slots, ask, text = data["slots"], data.get("ask"), turn.text.strip()
        changed = self._merge(ctx, data, turn, ask)
        problem = A.direct(slots, ask, data.get("kid"), text, turn.now.date(), changed, places.load_gazetteer(ctx.db))
        if problem:
            return Outcome(FlowState(self.name, Step.ASK, data), [Reply(problem)])
        if data.get("mode") == "update":  # "搬到李家村了" after a new guardian is a change too
            before = data.get("changes") or []
            data["changes"] = before + U.describe(changed + ([ask] if ask and not v.is_unknown(text) else []), before)
        return self._ask_next(data, [])

    def _merge(self, ctx: FlowContext, data: dict, turn: Turn, ask: str | None = None) -> list[str]:
        if turn.text.startswith(("rel:", "other:", "left:", "entrust:", "role:", "place:")):
            if turn.text.startswith("place:"):
                town, village = places.from_payload(turn.text)
                data["slots"]["home"] = {"township": town, "village": village}
                if not village:
                    data["slots"]["home"]["pending"] = True
                return ["home"]
            return []
        gaz = places.load_gazetteer(ctx.db)
        hint = (turn.entity("township"), turn.entity("village"))
        text = turn.text
        if ask and ask.startswith("guardian."):  # "老大 冯小玲 16岁": the child's sister looks after them
            text = P.as_guardian_answer(text)
        if ask and ask.startswith("guardian.") and not re.search(r"我|孩子|" + P._REL, text):
            text = (data["slots"]["guardian"].get("relation") or "") + " " + text
        return S.merge(data["slots"], text, gaz, turn.now.date(), turn.entity("city"), hint, ask)

    # -- questions and the summary ----------------------------------------------------------
    def _ask_next(self, data: dict, before: list[Reply], changed: bool = False) -> Outcome:
        nxt = S.missing(data["slots"])
        if nxt is None:
            data.pop("ask", None)
            data.pop("kid", None)
            return Outcome(FlowState(self.name, Step.CONFIRM, data),
                           [*before, self._summary(data, changed)])
        slot, kid = nxt
        data["ask"], data["kid"] = slot, kid
        if slot == "home" and data["slots"]["home"].get("pending"):
            return Outcome(FlowState(self.name, Step.ASK, data), [*before, self._village_question(data)])
        kid_row = data["slots"]["children"][kid] if kid is not None else None
        return Outcome(FlowState(self.name, Step.ASK, data),
                       [*before, say.question(slot, kid_row, data["slots"], data.get("mode") == "update")])

    @staticmethod
    def _village_question(data: dict) -> Reply:
        home = data["slots"]["home"]
        town = home["township"]
        return Reply(f"孩子家在{town}哪个村？", tuple(Button(o, f"place:{town}/{o}") for o in home.get("options", [])))

    @staticmethod
    def _summary(data: dict, changed: bool) -> Reply:
        if data.get("mode") == "update":
            return Reply(f"要改成这样，对吗？\n改动：{'；'.join(data.get('changes') or ['无'])}\n"
                         + say.summary_text(data["slots"]), say.UPDATE_BUTTONS)
        return say.summary(data["slots"], changed, S.optional_missing(data["slots"]))

    def _confirm(self, ctx: FlowContext, turn: Turn, data: dict) -> Outcome:
        text = turn.text.strip(" 。.！!")
        if text in YES or (turn.intent == "affirm" and len(text) <= 6):
            return self._file(ctx, turn, data)
        if text in ("entrust:same", "信息没变", "没变") and data.get("mode") == "update":
            ids = [k["child_id"] for k in data["slots"]["children"] if k.get("child_id")]
            entrust_checks.answered(ctx.db, ids, turn.now)
            return Outcome(None, [Reply("谢谢您确认！信息没变，我们记下了。有变化随时告诉我。")])
        if text == "entrust:edit":
            return Outcome(FlowState(self.name, Step.CONFIRM, data), [Reply(
                "请直接说要改什么，例如：奶奶电话是13900001234、我在杭州打工、王小雨9岁")])
        changed = self._merge(ctx, data, turn)
        if not changed:
            return Outcome(FlowState(self.name, Step.CONFIRM, data), [Reply(
                "没听明白要改什么。请直接说，例如：奶奶电话是13900001234；没问题就点“确认”。",
                self._summary(data, False).buttons)])
        if data.get("mode") == "update":
            data["changes"] = (data.get("changes") or []) + U.describe(changed, data.get("changes") or [])
        return self._ask_next(data, [], changed=True)

    def _file(self, ctx: FlowContext, turn: Turn, data: dict) -> Outcome:
        if data.get("mode") == "update" and not data.get("changes"):
            return Outcome(None, [Reply("好的，登记没有改动。")])
        fam = self._family_facts(data["slots"])
        change = "；".join(data.get("changes") or []) or None
        saved = svc.save_family(ctx.db, fam, turn.channel_user_id, turn.now, ctx.services.get("notifier"), change)
        return Outcome(None, [say.filed(saved.updated or data.get("mode") == "update", saved.versions,
                                        saved.concerns)], receipt=True)

    @staticmethod
    def _family_facts(slots: dict) -> svc.Family:
        p, g = slots["parent"], slots["guardian"]
        kids = [svc.KidFacts(k["name"], k.get("gender"), k.get("age"), k.get("school"), k.get("school_class"),
                             k.get("child_id"), date.fromisoformat(k["birth"]) if k.get("birth") else None)
                for k in slots["children"]]
        return svc.Family(
            township=slots["home"]["township"], village=slots["home"].get("village"), parent_phone=p["phone"],
            work_city=p["city"], children=kids, parent_name=p.get("name"), parent_role=p.get("role") or "parent",
            work_province=p.get("province"), work_country=p.get("country"),
            employer=p.get("employer"), work_address=p.get("work_address"),
            left_on=date.fromisoformat(p["left_on"]) if p.get("left_on") else None,
            return_plan=p.get("return_plan"), other_parent=slots.get("other_parent"),
            guardian={} if g.get("none") else {k: g.get(k) for k in
                                               ("name", "relation", "phone", "age", "health", "lives_with")})

    # -- updates ----------------------------------------------------------------------------
    def _family(self, ctx: FlowContext, turn: Turn, data: dict) -> list:
        return svc.family_of(ctx.db, turn.channel_user_id)

    def _review(self, ctx: FlowContext, turn: Turn, data: dict, family: list) -> Outcome:
        return U.review(self, ctx, turn, data, family)

    def _find(self, ctx: FlowContext, turn: Turn, data: dict) -> Outcome:
        return U.find(self, ctx, turn, data)

    def _verify(self, ctx: FlowContext, turn: Turn, data: dict) -> Outcome:
        return U.verify(self, ctx, turn, data)
