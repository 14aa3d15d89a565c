"""Updates to a family's registration: from the account that registered it, or from a new
device after a one-time code sent to that account. Only what changed is asked."""
from __future__ import annotations

import dataclasses
import re

from core.messages import Button, Reply
from core.services import entrust_codes as codes
from core.services import entrustments as svc
from handlers import entrust_slots as S
from handlers.base import FlowContext, FlowState, Outcome, Turn

LABELS = {"parent.city": "务工城市", "parent.province": "务工省份", "parent.country": "务工国家",
          "parent.phone": "您的电话", "parent.name": "您的姓名", "parent.left_on": "外出时间",
          "parent.return_plan": "回来的打算", "other_parent": "另一位家长的情况", "home": "家庭住址",
          "children": "孩子", "child.school": "学校", "child.school_class": "年级班级", "child.age": "年龄",
          "child.gender": "性别", "guardian": "照顾孩子的人", "guardian.name": "照顾人姓名",
          "guardian.relation": "照顾人关系", "guardian.phone": "照顾人电话", "guardian.age": "照顾人年龄",
          "guardian.health": "照顾人身体", "guardian.lives_with": "是否同住"}
INVITE = re.compile(r"加入|邀请|一起登记|也来登记|一起管")
JOIN = re.compile(r"加入.{0,6}?(\d{6})")
JOINER = {"妈妈": "mother", "妈": "mother", "爸爸": "father", "爸": "father"}
HOME_FOR_GOOD = re.compile(r"回老家了|回家了|回来了|不出去了|不走了|回乡了|在家不出去")
MAX_TRIES = 2


def describe(changed: list[str]) -> list[str]:
    seen: list[str] = []
    for key in changed:
        label = LABELS.get(key)
        if label and label not in seen:
            seen.append(label)
    return seen


def slots_of(fam: svc.Family) -> dict:
    parent = {"name": fam.parent_name, "role": fam.parent_role, "phone": fam.parent_phone, "city": fam.work_city,
              "province": fam.work_province, "country": fam.work_country,
              "left_on": fam.left_on.isoformat() if fam.left_on else None, "return_plan": fam.return_plan}
    guardian = dict(fam.guardian) if fam.guardian.get("name") else {"none": True}
    return {"parent": {k: val for k, val in parent.items() if val is not None or k == "left_on"},
            "home": {"township": fam.township, "village": fam.village},
            "children": [{"name": k.name, "gender": k.gender, "age": k.age, "school": k.school,
                          "school_class": k.school_class, "child_id": k.child_id} for k in fam.children],
            "other_parent": fam.other_parent, "guardian": guardian}


def _cleared(slots: dict, text: str, changed: list[str]) -> list[str]:
    """"电话换了" / "我换工作了" without the new value: forget the old one, so it is asked."""
    cleared = []
    if re.search(r"电话|手机|号码", text) and not any(c.endswith(".phone") for c in changed):
        who = "guardian" if re.search(S.p._REL, text) else "parent"
        slots[who].pop("phone", None)
        cleared.append(f"{who}.phone")
    if re.search(r"换工作|换了工作|工作换了|换地方", text) and not any(c.startswith("parent.city") for c in changed):
        for key in ("city", "province", "country"):
            slots["parent"].pop(key, None)
        cleared.append("parent.city")
    return cleared


def invite(ctx: FlowContext, turn: Turn, family: list) -> Outcome:
    parent = next(p for c in family for p in c.parents if p.channel_user_id == turn.channel_user_id)
    code = codes.issue(ctx.db, parent, "join", None, turn.now)
    return Outcome(None, [Reply(
        f"加入码：{code}\n请把它告诉孩子的另一位家长或照顾孩子的人（24小时内有效，只能用一次）。"
        f"对方在自己的微信里发“加入登记 {code}”，就能一起查看和更新这份登记。")])


def join(ctx: FlowContext, turn: Turn) -> Outcome | None:
    """"加入登记 123456" from a new account: None when the text holds no join code."""
    m = JOIN.search(turn.text)
    if not m:
        return None
    parent = codes.redeem(ctx.db, m.group(1), "join", None, turn.now)
    if parent is None:
        return Outcome(None, [Reply("加入码不对、已用过或已过期。请让登记的家长再发一个新的加入码。")])
    family = svc.siblings(ctx.db, parent)
    rel = next((code for word, code in JOINER.items() if f"我是{word}" in turn.text or f"孩子{word}" in turn.text),
               None) or next((r for r in S.p.RELATIONS if r in turn.text), "family")
    svc.join(ctx.db, family, turn.channel_user_id, rel)
    names = "、".join(c.name for c in family)
    return Outcome(None, [Reply(f"已加入{names}的登记。以后发“监护登记”就能查看，有变化直接告诉我。")],
                   receipt=True)


def review(flow, ctx: FlowContext, turn: Turn, data: dict, family: list) -> Outcome:
    if INVITE.search(turn.text) and not JOIN.search(turn.text):
        return invite(ctx, turn, family)
    fam = svc.current_family(ctx.db, family, turn.channel_user_id)
    data.update({"mode": "update", "slots": slots_of(fam), "changes": []})
    if HOME_FOR_GOOD.search(turn.text) and not re.search(r"换到|(?<!出)去了|在.{1,6}(?:打工|上班)", turn.text):
        data["slots"] = {}
        return Outcome(FlowState(flow.name, "end", data), [Reply(
            "您是回老家、不再外出打工了吗？确认后委托监护就结束了，孩子的档案还保留着。",
            (Button("是，回家了", "yes"), Button("不是", "no")))])
    changed = flow._merge(ctx, data, turn)
    changed += _cleared(data["slots"], turn.text, changed)
    data["changes"] = describe(changed)
    if not data["changes"]:
        data["slots"]["_"] = None
        data["slots"].pop("_")
        return Outcome(FlowState(flow.name, "confirm", data), [Reply(
            "这是您现在的登记：\n" + flow_summary(data) + "\n要改什么直接说，例如：我换到东莞上班了、"
            "奶奶电话换成13900001234、孩子改由外婆照顾、我们回老家了。", (Button("信息没变", "entrust:same"),))])
    return flow._ask_next(data, [])


def flow_summary(data: dict) -> str:
    from handlers.entrust_text import summary_text
    return summary_text(data["slots"])


def find(flow, ctx: FlowContext, turn: Turn, data: dict) -> Outcome:
    """A new device: find the registration by a child's name and the parent's phone, then
    confirm with a code sent to the account that registered it."""
    slots = data["slots"]
    data["mode"] = "find"
    data.setdefault("pending", turn.text)
    names = [k["name"] for k in slots["children"]]
    phone = slots["parent"].get("phone")
    if names and phone:
        parent = next((p for p in (svc.find_parent(ctx.db, n, phone) for n in names) if p), None)
        if parent is not None:
            code = codes.issue(ctx.db, parent, "verify", turn.channel_user_id, turn.now)
            sent = codes.send_to_parent(ctx.db, parent, f"有人要修改您孩子的监护登记。如果是您本人，请在新设备上输入确认码 {code}"
                                        "（15分钟内有效）。不是您本人请不要告诉任何人。", turn.now)
            if sent:
                data["parent_phone"] = phone
                return Outcome(FlowState(flow.name, "verify", data), [Reply(
                    "找到了。为了保护孩子的信息，我把6位确认码发到了您当初登记用的账号上，请把确认码发给我。\n"
                    "原来的账号用不了的话，请找村委会更新登记。")])
            return Outcome(None, [Reply("这份登记只能由村委会帮您修改，请联系村委会或孩子的学校。")])
        data["mode"] = "register"
        return flow._ask_next(data, [Reply("没有找到这个孩子和这个电话的登记，我们重新登记一次吧。")])
    data["tries"] = data.get("tries", 0) + 1
    if data["tries"] > MAX_TRIES:
        data["mode"] = "register"
        return flow._ask_next(data, [Reply("找不到之前的登记，我们重新登记一次吧。")])
    want = "孩子的名字和您登记时留的手机号" if not names and not phone else (
        "您登记时留的手机号" if names else "孩子的名字")
    return Outcome(FlowState(flow.name, "find", data), [Reply(f"为了找到您之前的登记，请告诉我{want}。"
                                                             "例如：王小雨，13800001234")])


def verify(flow, ctx: FlowContext, turn: Turn, data: dict) -> Outcome:
    code = re.sub(r"\D", "", turn.text)
    parent = codes.redeem(ctx.db, code, "verify", turn.channel_user_id, turn.now) if len(code) == 6 else None
    if parent is None:
        data["tries"] = data.get("tries", 0) + 1
        if data["tries"] > MAX_TRIES + 1:
            return Outcome(None, [Reply("确认码不对，登记没有改动。可以找村委会帮您更新。")])
        return Outcome(FlowState(flow.name, "verify", data), [Reply("确认码不对或已过期，请再看一下发到原来账号的6位数字。")])
    family = svc.siblings(ctx.db, parent)
    svc.bind(ctx.db, family, data["parent_phone"], turn.channel_user_id, parent.relation)
    pending = dataclasses.replace(turn, text=data.get("pending") or "", nlu={})
    return review(flow, ctx, pending, {}, family)
