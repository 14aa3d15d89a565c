"""What each case step records, and the Chinese words staff read for it.

The choices follow the policy documents' mechanisms for a child in danger (强制报告 →
应急处置 → 评估帮扶 → 监护干预 → 随访), e.g. 内政发〔2016〕75号 §五 (二)–(四) and
乌海政办发〔2016〕71号 §五: the measures the police take on the spot, the three things the
township assesses (safety, guardianship, health), the professional services it arranges
and the guardianship interventions. The labels are our own words.

Codes are stored in a case event's `detail` (JSON); labels may change, codes may not.
Imports nothing of the project but the status labels.
"""
from __future__ import annotations

from core import labels

# Timeline labels for every event kind a case can have. Status-changing events read as
# the status reached; the others are named here (tests check every kind has a label).
EVENT: dict[str, str] = {
    "submitted": "收到报告",
    "accepted": "受理",
    "responding": "出警/核查",
    "referred": "通报乡镇",
    "assessing": "调查评估",
    "assisting": "安排帮扶/监护干预",
    "monitoring": "转入随访",
    "closed": "结案",
    "merged": "并入另一案件",
    "visit": "随访记录",
    "alerted": "已提醒值班人员",
    "escalated": "超时上报",
    "duplicate_linked": "疑似重复报告",
    "duplicate_merged": "重复报告已并入",
    "duplicate_unlinked": "解除重复关联",
    "contact_declined": "报告人未留联系方式",
}

RESPONSE_MODES = {"dispatch": "出警到现场", "check": "上门核查", "phone": "电话核实"}
# 应急处置: what was done on the spot.
MEASURES = {
    "parents_return": "责令父母返回或确定受委托监护人，并训诫父母",
    "relative_care": "联系父母返回，或委托其他亲属照料",
    "temporary_care": "护送到近亲属、村（居）委会或救助、福利机构临时照料",
    "missing_search": "启动儿童失踪快速查找",
    "stop_violence": "制止家庭暴力",
    "shelter": "会同民政安置到临时庇护场所或救助、福利机构",
    "stop_harm": "制止侵害行为，保护孩子",
    "medical": "协助就医、鉴定伤情",
    "evidence": "调查取证",
    "no_danger": "现场核实，暂无危险",
}
# 调查评估: three ratings, each with a note.
ASSESSMENT = {
    "safety": ("安全处境", {"safe": "安全", "at_risk": "有风险", "danger": "危险"}),
    "guardianship": ("监护情况", {"adequate": "监护到位", "weak": "监护不力", "absent": "无人监护"}),
    "health": ("身心健康", {"good": "良好", "concern": "需要关注", "harmed": "受到伤害"}),
}
# 评估帮扶: professional services arranged for the child and family.
SERVICES = {
    "guardian_guidance": "监护指导",
    "medical_care": "医疗救治",
    "counselling": "心理疏导",
    "behaviour": "行为矫治",
    "legal_service": "法律服务",
    "legal_aid": "法律援助",
    "social_assistance": "纳入社会救助、社会福利保障",
    "school_transfer": "协调转学或异地入学",
}
# 监护干预: measures towards a guardian who harmed or neglected the child.
INTERVENTIONS = {
    "criticism": "批评教育监护人",
    "warning_letter": "出具告诫书",
    "public_security_penalty": "治安管理处罚",
    "criminal_case": "立案侦查，移送司法机关",
    "protection_order": "协助执行人身安全保护令",
    "revoke_guardianship": "申请撤销监护人资格、另行指定监护人",
    "home_checks": "村（居）委会入户跟踪查访",
}
VISIT_WAYS = {"home": "上门走访", "phone": "电话", "video": "视频", "school": "在学校见面"}
VISIT_FINDINGS = {"well": "情况良好", "better": "有所好转", "watch": "仍需关注", "new_risk": "出现新的风险"}
CLOSE_REASONS = {
    "risk_removed": "风险已消除，监护已落实",
    "parents_back": "父母已回家或已接孩子同住",
    "unfounded": "经核查情况不属实",
    "handed_over": "已移交司法机关或其他部门处理",
    "moved_away": "孩子已迁出本辖区，已转交当地",
    "other": "其他（见说明）",
}

_CHOICES = {"measures": MEASURES, "services": SERVICES, "interventions": INTERVENTIONS}
_ONE = {"mode": RESPONSE_MODES, "way": VISIT_WAYS, "finding": VISIT_FINDINGS, "reason": CLOSE_REASONS}
_FIELD = {"mode": "方式", "measures": "应急处置", "services": "帮扶服务", "interventions": "监护干预",
          "way": "随访方式", "finding": "随访情况", "reason": "结案原因", "visited_on": "随访日期",
          "original": "并入", "summary": "通报内容"}


def event_label(event) -> str:
    """A timeline row's name in Chinese, never a code."""
    return EVENT.get(event.action) or labels.STATUS.get(event.status_to or "", "其他记录")


def describe(detail: dict | None) -> list[str]:
    """A step's structured content as the lines the timeline shows."""
    lines: list[str] = []
    for key, value in (detail or {}).items():
        if key in ASSESSMENT:
            name, ratings = ASSESSMENT[key]
            note = f"：{value['note']}" if value.get("note") else ""
            lines.append(f"{name}：{ratings.get(value.get('rating'), '未评')}{note}")
        elif key in _CHOICES:
            lines.append(f"{_FIELD[key]}：{'；'.join(_CHOICES[key].get(v, v) for v in value)}")
        elif key in _ONE:
            lines.append(f"{_FIELD[key]}：{_ONE[key].get(value, value)}")
        elif key in _FIELD:
            lines.append(f"{_FIELD[key]}：{value}")
    return lines
