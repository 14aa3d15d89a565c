"""The entrustment flow (监护登记): a parent working away registers who looks after the child.

```mermaid
stateDiagram-v2
    [*] --> ask_next: menu / "我要登记" / "换了人带孩子" (facts extracted)
    state ask_next <<choice>>
    ask_next --> child: no child name
    ask_next --> place: no township/village
    ask_next --> city: no work city
    ask_next --> parent_phone: no parent phone
    ask_next --> guardian: no guardian name
    ask_next --> guardian_phone: no guardian phone
    ask_next --> confirm: everything known
    child --> ask_next
    place --> place: ambiguous / unknown (choose from list)
    place --> ask_next
    city --> ask_next
    parent_phone --> ask_next
    guardian --> ask_next
    guardian_phone --> ask_next
    confirm --> ask_next: 修改 (start over the answers)
    confirm --> [*]: 确认 (file saved, village committee asked to verify)
```
A bad answer is re-asked with an example. The same child (name + township + the parent's
phone) gets a new entrustment version: history is never overwritten.
"""
from __future__ import annotations

import re
from enum import StrEnum

from core.messages import Button, Reply
from core.services.entrustments import Registration, register_from_chat
from handlers import places
from handlers import validators as v
from handlers.base import FlowContext, FlowState, Outcome, Turn

NAME = re.compile(r"^[\u4e00-\u9fa5·]{2,5}$")
RELATIONS = ("爷爷", "奶奶", "外公", "外婆", "姥姥", "姥爷", "叔叔", "婶婶", "伯伯", "伯母", "姑姑",
             "姑父", "舅舅", "舅妈", "阿姨", "姨妈", "哥哥", "姐姐", "邻居", "老师")


class Step(StrEnum):
    CHILD = "child"
    PLACE = "place"
    CITY = "city"
    PARENT_PHONE = "parent_phone"
    GUARDIAN = "guardian"
    GUARDIAN_PHONE = "guardian_phone"
    CONFIRM = "confirm"


QUESTIONS = {
    Step.CHILD: "孩子叫什么名字？例如：王小明",
    Step.PLACE: "孩子住在哪个乡镇、哪个村？例如：红星镇东风村",
    Step.CITY: "您在哪个城市打工？例如：广东东莞",
    Step.PARENT_PHONE: "您的手机号是多少？村委会和学校有事能找到您。例如：13800001234",
    Step.GUARDIAN: "孩子现在由谁照顾？请说关系和姓名，例如：爷爷 王大山",
    Step.GUARDIAN_PHONE: "照顾孩子的人电话是多少？例如：13900001234（座机请带区号）",
}
ORDER = (Step.CHILD, Step.PLACE, Step.CITY, Step.PARENT_PHONE, Step.GUARDIAN, Step.GUARDIAN_PHONE)
SLOT_OF = {Step.CHILD: "child_name", Step.PLACE: "township", Step.CITY: "work_city",
           Step.PARENT_PHONE: "parent_phone", Step.GUARDIAN: "guardian_name",
           Step.GUARDIAN_PHONE: "guardian_phone"}
INTRO = ("按照规定，父母外出务工前要把务工地点、联系方式和委托照顾孩子的人告诉村委会和学校。"
         "我来帮您登记，只需几句话。")


def _relation(text: str) -> str | None:
    return next((r for r in RELATIONS if r in text), None)


def _parent_relation(text: str) -> str:
    if re.search(r"我是(?:孩子)?(?:他|她)?(?:爸|父亲)|孩子他爸|当爹", text):
        return "father"
    if re.search(r"我是(?:孩子)?(?:他|她)?(?:妈|母亲)|孩子他妈|当妈", text):
        return "mother"
    return "parent"


def _first_facts(slots: dict, turn: Turn) -> None:
    """From the opening message take only what cannot be confused: city and the place."""
    if turn.entity("city"):
        slots["work_city"] = turn.entity("city")
    slots["parent_relation"] = _parent_relation(turn.text)


class EntrustmentFlow:
    name = "entrust"

    def start(self, ctx: FlowContext, turn: Turn) -> Outcome:
        data = {"slots": {}, "retries": 0}
        _first_facts(data["slots"], turn)
        return self._ask_next(ctx, data, [Reply(INTRO)])

    def step(self, ctx: FlowContext, state: FlowState, turn: Turn) -> Outcome:
        data, text = state.data, turn.text.strip()
        slots = data.setdefault("slots", {})
        if state.step == Step.CONFIRM:
            return self._confirm(ctx, data, turn)
        step = Step(state.step)
        problem = self._absorb(ctx, step, slots, turn, text)
        if problem:
            data["retries"] = data.get("retries", 0) + 1
            extra = "" if data["retries"] < 2 else "\n也可以直接到村委会或孩子学校登记。"
            return Outcome(FlowState(self.name, step, data), [problem if isinstance(problem, Reply)
                                                                else Reply(problem + extra)])
        data["retries"] = 0
        return self._ask_next(ctx, data, [])

    # --- one answer ----------------------------------------------------------------------
    def _absorb(self, ctx, step: Step, slots: dict, turn: Turn, text: str):
        if step == Step.CHILD:
            name = v.parse_child_name(text) or (text if NAME.match(text) else None)
            if not name:
                return "没听清孩子的名字，请只回复名字，例如：王小明"
            slots["child_name"] = name
        elif step == Step.PLACE:
            gaz = places.load_gazetteer(ctx.db)
            label = turn.inbound.location.label if turn.inbound.location else text
            match = places.resolve_text(gaz, label)
            if match.status != "ok":
                options = tuple(Button(o.title, o.payload) for o in match.options[:6])
                return Reply("请从下面选一个，或说得具体些，例如：红星镇东风村", options)
            slots["township"], slots["village"] = match.township, match.village
        elif step == Step.CITY:
            city = turn.entity("city") or (text if 2 <= len(text) <= 20 and not re.search(r"\d", text) else None)
            if not city:
                return "请说一下打工的城市，例如：广东东莞"
            slots["work_city"] = city
        elif step in (Step.PARENT_PHONE, Step.GUARDIAN_PHONE):
            phone = v.parse_phone(text)
            if not phone:
                return "这个号码好像不对：手机是11位数字，座机请带区号，例如：13800001234 或 0371-12345678"
            slots[SLOT_OF[step]] = phone
        elif step == Step.GUARDIAN:
            relation = _relation(text) or turn.entity("relation")
            name = re.sub(r"[，,。\s]|孩子的?|是|由|照顾|在带|带着|带", "", text)
            for r in RELATIONS:
                name = name.replace(r, "")
            name = turn.entity("person_name") or name
            if not NAME.match(name or ""):
                return "请说照顾孩子的人的关系和姓名，例如：爷爷 王大山"
            slots["guardian_name"], slots["guardian_relation"] = name, relation
            phone = v.parse_phone(text)
            if phone:
                slots["guardian_phone"] = phone
        return None

    def _ask_next(self, ctx, data: dict, replies: list[Reply]) -> Outcome:
        slots = data["slots"]
        for step in ORDER:
            if not slots.get(SLOT_OF[step]):
                return Outcome(FlowState(self.name, step, data), [*replies, Reply(QUESTIONS[step])])
        return Outcome(FlowState(self.name, Step.CONFIRM, data), [*replies, self._summary(slots)])

    @staticmethod
    def _summary(slots: dict) -> Reply:
        place = f"{slots['township']}{slots.get('village') or ''}"
        guardian = f"{slots.get('guardian_relation') or ''} {slots['guardian_name']}".strip()
        text = ("请核对登记信息：\n"
                f"孩子：{slots['child_name']}（{place}）\n"
                f"您的务工地：{slots['work_city']}，电话 {slots['parent_phone']}\n"
                f"委托照顾人：{guardian}，电话 {slots['guardian_phone']}")
        return Reply(text, (Button("确认登记", "entrust:yes"), Button("重新填写", "entrust:redo"), Button("取消", "/cancel")))

    def _confirm(self, ctx, data: dict, turn: Turn) -> Outcome:
        text = turn.text.strip()
        if text in ("entrust:redo", "重新填写", "修改"):
            data["slots"] = {"parent_relation": data["slots"].get("parent_relation", "parent")}
            return self._ask_next(ctx, data, [Reply("好的，我们重新填一遍。")])
        if text not in ("entrust:yes", "确认登记", "确认", "对", "是", "没问题", "好"):
            return Outcome(FlowState(self.name, Step.CONFIRM, data),
                           [Reply("请回复“确认登记”，或“重新填写”。", self._summary(data["slots"]).buttons)])
        s = data["slots"]
        reg = Registration(child_name=s["child_name"], township=s["township"], village=s.get("village"),
                           parent_relation=s.get("parent_relation", "parent"), parent_phone=s["parent_phone"],
                           work_city=s["work_city"], guardian_name=s["guardian_name"],
                           guardian_relation=s.get("guardian_relation"), guardian_phone=s["guardian_phone"])
        done = register_from_chat(ctx.db, reg, turn.channel_user_id, now=turn.now)
        what = f"已更新（第{done.version}版，之前的记录都保留着）" if done.updated else "已登记"
        return Outcome(None, [Reply(
            f"{what}。村委会会在一周内和照顾孩子的人核实。\n"
            "请您也把这些信息告诉孩子的学校。以后换了照顾的人或换了工作地，随时发“更新监护信息”。\n"
            "孩子遇到危险请马上拨打110。")], receipt=True)
