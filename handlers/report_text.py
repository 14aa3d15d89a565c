"""What the report flow says: questions (with an example for the re-ask), the summary, and
what happens next. Plain, warm Simplified Chinese for teachers in a hurry and grandparents.
"""
from __future__ import annotations

from core import categories, labels
from core.messages import Button, Reply
from core.models.cases import MANDATORY_ROLES

# The category question's buttons, in the category table's order (button "7" is 其他情况).
CATEGORY_BUTTONS = tuple((c.button, c.code) for c in categories.TABLE)
ROLE_BUTTONS = (
    ("老师", "teacher"), ("医生/护士", "medical"), ("村干部/儿童主任", "village_cadre"),
    ("社工/救助机构", "social_worker"), ("亲戚", "relative"), ("邻居/村民", "citizen"),
    ("孩子本人", "child_self"), ("父母", "parent"), ("其他", "other"),
)
CONFIRM_BUTTONS = (Button("确认提交", "confirm"), Button("修改", "edit"), Button("取消", "cancel"))
RESUME_BUTTONS = (Button("继续填写", "resume"), Button("重新开始", "restart"))
GENDER = {"male": "男", "female": "女"}

QUESTIONS = {
    "description": "请简单说说发生了什么？\n例如：孩子父母都在外地，他一个人住了一个星期。",
    "category": "这属于下面哪种情况？",
    "place": "孩子在哪个乡镇、哪个村？也可以直接发送位置。\n例如：红星镇向阳村",
    "child_age": "孩子大概几岁？知道名字的话也请告诉我。\n例如：8岁，叫王小明",
    "reporter_role": "请问您是孩子的什么人？",
}
REASK = {
    "empty": "我没有看到具体情况。请用一两句话说说，例如：邻居家孩子身上常有伤，晚上听到哭喊。",
    "bad_age": "年龄需要在0到18岁之间，请再说一次孩子几岁，例如：8岁。",
    "no_age": "没看出孩子的年龄。请回复孩子几岁，例如：8岁（大概的也可以，如“十来岁”）。",
    "unknown_age": "不知道准确年龄也没关系，说个大概就行，例如：七八岁、上小学三年级就说9岁。",
    "no_category": "请从下面选一个最接近的情况；都不像的话选“其他情况”。",
    "no_role": "请从下面选一个，或直接说，例如：我是邻居。",
    "bad_phone": "这个电话号码好像不对：手机是11位数字，座机请带区号。\n例如：13800001234 或 0371-12345678",
    "no_contact": "请留下您的姓名、单位和电话，例如：李老师，红星镇中心小学，13800001234",
    "no_choice": "请回复“确认”提交，或直接说要改什么，例如：年龄是8岁、地点改成向阳村。",
}


def category_check(slots: dict) -> Reply:
    """Confirm a category the model is not sure of: its guesses as buttons, then "都不是"."""
    guess = slots.get("category")
    options = [guess] + [c for c in slots.get("category_options") or [] if c != guess]
    titles = {code: title for title, code in CATEGORY_BUTTONS}
    buttons_ = tuple(Button(titles[c], "cat:" + c) for c in options[:3] if c in titles)
    return Reply(f"听起来是“{labels.CATEGORY.get(guess, guess)}”，对吗？不对的话请选最接近的一种。",
                 buttons_ + (Button("都不是", "cat:more"),))


def buttons(pairs, prefix: str) -> tuple[Button, ...]:
    return tuple(Button(title, prefix + code) for title, code in pairs)


def place_question(data: dict, problem: str | None) -> Reply:
    slots = data["slots"]
    options = tuple(Button(t, p) for t, p in data.get("place_options") or [])
    said = data.get("place_said") or ""
    if problem == "ambiguous":
        text = f"有几个地方叫“{said}”，请问是哪一个？" if said else "请问是下面哪一个？"
    elif problem == "unknown":
        text = (f"没有在本县找到“{said}”。是不是下面这些地方？都不是的话，请告诉我乡镇和村的名字，例如：红星镇向阳村。"
                if said else "没有听明白是哪里。请告诉我乡镇和村的名字，例如：红星镇向阳村。")
    elif slots.get("township") and not slots.get("village"):
        text = f"是{slots['township']}的哪个村？"
        options = options + (Button("不清楚是哪个村", "village:unknown"),)
    else:
        return Reply(QUESTIONS["place"], request_location=True)
    return Reply(text, options[:8], request_location=True)


def _place(slots: dict) -> str:
    place = (slots.get("township") or "") + (slots.get("village") or "")
    if slots.get("village_unknown"):
        place += "（村不详）"
    if slots.get("address_text") and slots["address_text"] not in place:
        place += f"（{slots['address_text']}）"
    return place or "未填"


def summary(slots: dict, attachments: int = 0, changed: bool = False) -> Reply:
    child = [f"{slots['child_age']}岁" if slots.get("child_age") is not None else "年龄未填"]
    if slots.get("child_gender"):
        child.append(GENDER[slots["child_gender"]] + "孩")
    child.append(f"姓名：{slots['child_name']}" if slots.get("child_name") else "姓名未提供")
    role = slots.get("reporter_role")
    lines = [("已改好。" if changed else "") + "请核对您的报告：",
             f"情况：{labels.CATEGORY.get(slots.get('category'), '未填')}"
             + ("（紧急）" if slots.get("urgent") else ""),
             f"经过：{slots.get('description', '')}",
             f"地点：{_place(slots)}",
             f"孩子：{'，'.join(child)}",
             f"报告人：{labels.REPORTER_ROLE.get(role, '未说（方便的话直接补充，例如：我是孩子的老师）')}"
             + (f"（{slots['reporter_said']}）" if slots.get("reporter_said") else "")]
    if role in MANDATORY_ROLES:
        left = [slots[k] for k in ("reporter_name", "reporter_unit") if slots.get(k)]
        phone = slots.get("reporter_phone") or ("未留" if slots.get("contact_declined") else "未填")
        lines.append("联系方式：" + "，".join(left + [phone]))
    elif slots.get("reporter_phone") or slots.get("reporter_name"):
        lines.append("联系方式：" + "，".join(x for x in (slots.get("reporter_name"), slots.get("reporter_phone")) if x))
    else:
        lines.append("联系方式：匿名。报告人信息依法保密，积极报告会受到表彰；"
                     "愿意留电话方便回访的话，直接回复号码即可。")
    if attachments:
        lines.append(f"附件：{attachments}个")
    lines.append("\n没问题请点“确认提交”；要改哪里直接说，例如：年龄说错了，是8岁。")
    return Reply("\n".join(lines), CONFIRM_BUTTONS)


def _deadline(minutes: int) -> str:
    return f"{minutes}分钟" if minutes < 60 else (f"{minutes // 60}小时" if minutes < 1440 else f"{minutes // 1440}天")


def submitted(case, deadline_minutes: int, duplicate: bool, hotlines: dict) -> list[Reply]:
    township = case.township.name if case.township else "乡镇"
    next_text = categories.get(case.category).next_text
    lines = [f"已提交！您的报告编号是 {case.number}。",
             "接下来：" + next_text.format(unit=case.assigned_unit, township=township,
                                           deadline=_deadline(deadline_minutes))]
    if duplicate:
        lines.append("这件事近期已有人报告过，我们已把您的报告和之前的报告关联在一起，一并处理。")
    if case.mandatory_reporter:
        lines.append("感谢您依法履行报告责任，警方可能会联系您了解情况。")
    else:
        lines.append("谢谢您！报告人的信息依法保密，积极报告的群众会受到表彰。")
    lines.append("受理和结案时我会在这里通知您；回复“我的报告”可以随时查看进度。")
    replies = [Reply("\n".join(lines))]
    if case.urgency == "urgent":
        replies.append(Reply(f"⚠️ 如果孩子现在仍有危险，请立即拨打{hotlines.get('police', '110')}！"))
    return replies


def by_phone(region: dict) -> str:
    hot = region.get("hotlines") or {}
    return (f"也可以直接打电话报告：紧急情况请拨打{hot.get('police', '110')}；"
            f"其他情况可以联系县民政部门 {region.get('civil_affairs_phone', '')}。").replace(" 。", "。")
