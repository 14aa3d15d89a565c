"""The report flow's contact step: how the police can reach a mandatory reporter.

A teacher, doctor, village cadre or social worker must report and may be called back, so
the flow asks them for one thing: a phone. Their name and unit are welcome in the same
answer ("李老师，红星镇中心小学，13800001234") and are taken from anything they already said
("我是红星镇卫生院医生李建华 …"), but never asked for on their own. A reporter who would
rather not leave a phone is told once why it helps; then the report goes on and the case
records that no contact was left (`declined`, the one step that talks; the rest are pure
functions on the draft's slots).
"""
from __future__ import annotations

from core import labels
from core.messages import Reply
from core.models.cases import MANDATORY_ROLES
from handlers import validators as v
from handlers.base import FlowContext, FlowState, Outcome, Turn
from handlers.report_slots import CONTACT_SLOTS, absorb

CONTACT_LABELS = {"reporter_name": "姓名", "reporter_unit": "单位", "reporter_phone": "电话"}
# What the police need to reach the reporter; the name and unit are optional.
REQUIRED = ("reporter_phone",)
EXAMPLES = {
    "teacher": "李老师，红星镇中心小学，13800001234", "medical": "张医生，红星镇卫生院，13800001234",
    "village_cadre": "王书记，东风村村委会，13800001234", "social_worker": "赵社工，县救助管理站，0371-12345678",
}
DECLINED = "好的，不留也可以，报告会照常处理。"


def mandatory(slots: dict) -> bool:
    return slots.get("reporter_role") in MANDATORY_ROLES


def missing(slots: dict) -> list[str]:
    """What a mandatory reporter still has to leave (nothing once they declined): the phone."""
    if not mandatory(slots) or slots.get("contact_declined"):
        return []
    return [s for s in REQUIRED if not slots.get(s)]


def not_left(slots: dict) -> list[str]:
    """Everything of the contact a mandatory reporter did not leave, for the case's record."""
    return [s for s in CONTACT_SLOTS if not slots.get(s)]


def from_description(slots: dict) -> None:
    """A mandatory reporter's name and unit, from what they wrote first ("我是红星镇中心小学的
    老师王芳 …"), once their role is known: never asked again."""
    if not mandatory(slots):
        return
    said = slots.get("description") or ""
    if not slots.get("reporter_unit"):
        slots["reporter_unit"] = v.parse_unit(said) or slots.get("reporter_unit")
    if not slots.get("reporter_name"):
        slots["reporter_name"] = v.parse_reporter_name(said) or slots.get("reporter_name")


def question(slots: dict) -> str:
    role = labels.REPORTER_ROLE.get(slots.get("reporter_role"), "")
    example = EXAMPLES.get(slots.get("reporter_role"), EXAMPLES["teacher"])
    extra = [CONTACT_LABELS[k] for k in ("reporter_name", "reporter_unit") if not slots.get(k)]
    lines = [f"您是{role}，按规定属于强制报告责任人。",
             "请留一个电话（手机11位，或带区号的座机），方便警方联系您核实情况，好吗？"]
    if extra:
        lines.append(f"{'和'.join(extra)}可以一起说，例如：{example}")
    return "\n".join(lines)


def why(missing_: list[str]) -> str:
    """Asked once more when a reporter would rather not leave their contact: why it helps."""
    what = "、".join(CONTACT_LABELS[m] for m in missing_) or "电话"
    return (f"留下{what}是为了核实情况时能找到您，孩子的事能办得更快更准。"
            "您的信息依法保密，只有处理这件事的工作人员能看到。\n"
            f"方便的话请留一下{what}；实在不方便，回复“不留”，报告也会照常提交处理。")


def declined_note(slots: dict) -> str:
    return "报告人不便留下：" + "、".join(CONTACT_LABELS.get(k, k) for k in slots.get("contact_declined") or [])


def declined(flow, ctx: FlowContext, turn: Turn, data: dict) -> Outcome:
    """"不方便留电话": keep what they did leave, ask once more saying why, then go on
    and record on the case what was not left. `flow` is the ReportFlow."""
    absorb(data, turn, flow._gazetteer(ctx), "contact")
    still = missing(data["slots"])
    if not still:
        return flow._advance(ctx, turn, data)
    if not data.get("contact_why_asked"):
        data["contact_why_asked"] = True
        return flow._save(ctx, turn, FlowState(flow.name, "contact", data), [Reply(why(still))])
    data["slots"]["contact_declined"] = not_left(data["slots"])
    return flow._advance(ctx, turn, data, [Reply(DECLINED)])
