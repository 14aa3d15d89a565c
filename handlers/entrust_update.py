"""Updates to a family's registration: from the account that registered it, or from a new
device after a one-time code sent to that account. Only what changed is asked."""
from __future__ import annotations

import dataclasses
import re

from core.messages import Button, Reply
from core.services import entrust_checks
from core.services import entrust_codes as codes
from core.services import entrustments as svc
from core.services.entrust_push import EDIT, SAME
from handlers import entrust_slots as S
from handlers.base import FlowContext, FlowState, Outcome, Turn
from handlers.entrust_join import JOIN
from policy.text import to_simplified

LABELS = {"parent.city": "务工城市", "parent.employer": "工作单位", "parent.work_address": "工作地址", "parent.province": "务工省份", "parent.country": "务工国家",
          "parent.phone": "您的电话", "parent.name": "您的姓名", "parent.left_on": "外出时间",
          "parent.return_plan": "回来的打算", "other_parent": "另一位家长的情况", "home": "家庭住址",
          "children": "孩子", "child.school": "学校", "child.school_class": "年级班级", "child.age": "年龄",
          "child.gender": "性别", "guardian": "照顾孩子的人", "guardian.name": "照顾人姓名",
          "guardian.relation": "照顾人关系", "guardian.phone": "照顾人电话", "guardian.age": "照顾人年龄",
          "guardian.health": "照顾人身体", "guardian.lives_with": "是否同住"}
INVITE = re.compile(r"加入|邀请|一起登记|也来登记|一起管")
# What a registered parent says when something changed, without saying "登记" or "更新".
UPDATE_CUES = re.compile(r"转学|转到.{0,12}(?:学|校|园)|改由|换成.{0,8}照顾|换(?:了|到|去).{0,12}(?:上班|打工|干活|工作)"
                         r"|调到|换工作|换了工作|工作换了|(?:电话|手机|号码)(?:号码?)?(?:换|改)|换了?(?:电话|手机|号码)|换号"
                         r"|回老家了|不出去了|信息没变|加入|邀请")
# ...unless it is about harm to the child: then it is a report.
NOT_UPDATE = re.compile(r"欺负|打(?!工|算|电话)|骂|伤|哭|不见|失踪|离家|不上学|辍学|逃学|害怕|威胁|死|报警|摸")
SAME_WORDS = {"信息没变", "没变", "没有变", "都没变", "没变化", "没有变化", "信息没有变"}
LOST = re.compile(r"entrust:lost|用不了|丢了|找不到|没有了|注销|停用|被盗|村委会")
HOME_FOR_GOOD = re.compile(r"回老家了|回家了|回来了|不出去了|不走了|回乡了|在家不出去")
MAX_TRIES = 2
SENT = ("为了保护孩子的信息，如果这个孩子和这个电话有登记，我已经把6位确认码发到了当初登记用的账号上，"
        "请把确认码发给我。\n原来的账号用不了了，点“原来的账号用不了”；之前没登记过，点“重新登记”。")
LOST_BUTTONS = (Button("原来的账号用不了", "entrust:lost"), Button("重新登记", "entrust:anew"))
REBIND = ("没有短信验证，只能当面核实：请带上身份证到孩子户籍所在的村委会，把这个绑定码告诉工作人员：{code}"
          "（7天内有效）。工作人员核实是您本人后，会把登记转到您现在这个账号上，之后您就能在这里查看和更新了。")


def simplified(turn: Turn) -> Turn:
    """Traditional characters read as Simplified: names, relations and places alike."""
    text = to_simplified(turn.text)
    return turn if text == turn.text else dataclasses.replace(turn, text=text)


# ...nor when the child is left with nobody able: then it is a report too.
NEGLECT = re.compile(r"没人|一个人|自己在家|不管|管不了|照顾不了|失联|联系不上|住院")


def arranges_care(text: str) -> bool:
    """"过完年我就要去郑州干活了，孩子只能让他奶奶带": a parent telling where they go to work
    and who will look after the child is registering, whatever the intent model says."""
    if NOT_UPDATE.search(text) or NEGLECT.search(text):
        return False
    facts = S.p.extract(text, set())
    return bool(facts["parent"].get("city") and facts["guardian"].get("relation"))


def claims(ctx: FlowContext, turn: Turn) -> bool:
    text = to_simplified(turn.text)
    if JOIN.search(text) and not NOT_UPDATE.search(text):
        return True  # "加入登记 123456": a join code is unambiguous, registered or not, however sure the model is
    if turn.intent in ("register_entrustment", "update_entrustment"):
        return False  # routed here anyway
    if turn.intent == "report_case" and arranges_care(text):
        return True
    if NOT_UPDATE.search(text) or not (UPDATE_CUES.search(text) or re.sub(r"[\W_]", "", text) in SAME_WORDS):
        return False
    return bool(svc.family_of(ctx.db, turn.channel_user_id))


def quarterly_answer(flow, ctx: FlowContext, turn: Turn, family: list) -> Outcome | None:
    """The quarterly question's buttons ("/entrust same", "/entrust edit") or "信息没变"."""
    key = re.sub(r"[\W_]", "", turn.text)
    if not family or not (turn.text in (SAME, EDIT) or key in SAME_WORDS or key == "需要修改"):
        return None
    if turn.text == EDIT or key == "需要修改":
        return review(flow, ctx, dataclasses.replace(turn, text=""), {}, family)
    entrust_checks.answered(ctx.db, [c.id for c in family], turn.now)
    return Outcome(None, [Reply("谢谢您确认！信息没变，我们记下了。有变化随时告诉我，例如：我换到东莞上班了。")])


def describe(changed: list[str], already: list[str] = ()) -> list[str]:
    """The labels of what changed, new to `already` (the labels listed so far)."""
    seen: list[str] = list(already)
    for key in changed:
        if key.startswith("guardian.") and ("guardian" in changed or LABELS["guardian"] in already):
            continue  # another person altogether: "照顾孩子的人" says it
        label = LABELS.get(key)
        if label and label not in seen:
            seen.append(label)
    return seen[len(already):]


def slots_of(fam: svc.Family) -> dict:
    parent = {"name": fam.parent_name, "role": fam.parent_role, "phone": fam.parent_phone, "city": fam.work_city,
              "province": fam.work_province, "country": fam.work_country, "employer": fam.employer,
              "work_address": fam.work_address,
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
    if re.search(r"搬[家了到去走]|搬家", text) and "home" not in changed and slots["home"].get("township"):
        # "搬到隔壁村去住了": which village is asked, the old one is not kept
        slots["home"] = {"township": slots["home"]["township"], "pending": True}
        cleared.append("home")
    return cleared


def invite(ctx: FlowContext, turn: Turn, family: list) -> Outcome:
    parent = next(p for c in family for p in c.parents if p.channel_user_id == turn.channel_user_id)
    code = codes.issue(ctx.db, parent, "join", None, turn.now)
    return Outcome(None, [Reply(
        f"加入码：{code}\n请把它告诉孩子的另一位家长或照顾孩子的人（24小时内有效，只能用一次）。"
        f"对方在自己的微信里发“加入登记 {code}”，就能一起查看和更新这份登记。")])


def review(flow, ctx: FlowContext, turn: Turn, data: dict, family: list) -> Outcome:
    if INVITE.search(turn.text) and not JOIN.search(turn.text):
        return invite(ctx, turn, family)
    fam = svc.current_family(ctx.db, family, turn.channel_user_id)
    data.update({"mode": "update", "slots": slots_of(fam), "changes": []})
    data["slots"]["skip"] = S.gaps(data["slots"])  # what the old registration lacked is not asked now
    if HOME_FOR_GOOD.search(turn.text) and not re.search(r"换到|(?<!出)去了|在.{1,6}(?:打工|上班)", turn.text):
        data["slots"] = {}
        return Outcome(FlowState(flow.name, "end", data), [Reply(
            "您是回老家、不再外出打工了吗？确认后委托监护就结束了，孩子的档案还保留着。",
            (Button("是，回家了", "yes"), Button("不是", "no")))])
    changed = flow._merge(ctx, data, turn)
    changed += _cleared(data["slots"], turn.text, changed)
    if "guardian" in changed and "home" not in changed:
        data["slots"]["home"]["recheck"] = True  # a new guardian: the child may have moved to them
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
            codes.send_to_parent(ctx.db, parent, f"有人要修改您孩子的监护登记。如果是您本人，请在新设备上输入确认码 {code}"
                                 "（15分钟内有效）。不是您本人请不要告诉任何人。", turn.now)
        data["parent_phone"] = phone  # the same answer whether or not anything was found
        return Outcome(FlowState(flow.name, "verify", data), [Reply(SENT, LOST_BUTTONS)])
    data["tries"] = data.get("tries", 0) + 1
    if data["tries"] > MAX_TRIES:
        data["mode"] = "register"
        return flow._ask_next(data, [Reply("找不到之前的登记，我们重新登记一次吧。")])
    want = "孩子的名字和您登记时留的手机号" if not names and not phone else (
        "您登记时留的手机号" if names else "孩子的名字")
    return Outcome(FlowState(flow.name, "find", data), [Reply(f"为了找到您之前的登记，请告诉我{want}。"
                                                             "例如：王小雨，13800001234")])


def verify(flow, ctx: FlowContext, turn: Turn, data: dict) -> Outcome:
    if turn.text == "entrust:anew" or re.sub(r"[\W_]", "", turn.text) in ("重新登记", "没登记过"):
        data["mode"] = "register"
        return flow._ask_next(data, [Reply("好的，我们重新登记一次，您刚才说的都记着。")])
    if LOST.search(turn.text):
        code = codes.issue_rebind(ctx.db, turn.channel_user_id, turn.now)
        return Outcome(None, [Reply(REBIND.format(code=code))])
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
