"""Chinese labels for the codes users and staff read."""
from __future__ import annotations

from core import categories

# The category labels live in the category table; this is its view by code.
CATEGORY = {c.code: c.label for c in categories.TABLE}
URGENCY = {"urgent": "紧急（正在发生危险）", "high": "较急", "normal": "一般"}
REPORTER_ROLE = {
    "teacher": "学校或幼儿园老师", "medical": "医务人员", "village_cadre": "村（居）干部或儿童主任",
    "social_worker": "社工或救助机构人员", "relative": "亲属", "citizen": "热心群众",
    "child_self": "孩子本人", "parent": "父母", "other": "其他",
}
# What staff see.
STATUS = {
    "submitted": "待受理", "accepted": "已受理", "responding": "出警处置中", "referred": "已通报乡镇",
    "assessing": "调查评估中", "assisting": "帮扶干预中", "monitoring": "随访中", "closed": "已结案",
    "merged": "已合并",
}
# What a reporter is told: plain words, nothing confidential.
STATUS_FOR_REPORTER = {
    "submitted": "已收到，等待受理", "accepted": "已受理", "responding": "处置中", "referred": "已转乡镇",
    "assessing": "处置中", "assisting": "处置中", "monitoring": "处置中", "closed": "已结案",
    "merged": "已与同一事件的报告合并处理",
}


def village_office(village: str) -> str:
    """The committee that answers for a village or residential community, as tasks are
    addressed to it: 东风村 -> 东风村村委会, 南街社区 -> 南街社区居委会."""
    return f"{village}居委会" if village.endswith(("社区", "居")) else f"{village}村委会"


ROLE = {"police": "派出所", "township": "乡镇", "village": "村（居）委会", "civil_affairs": "民政",
        "school": "学校", "admin": "系统管理员"}
# The other parent's situation in a registration (core/services/left_behind.NO_CARE reads the codes).
OTHER_PARENT = {"away": "也外出务工", "unable": "在家但无力照顾", "home": "在家照顾孩子",
                "none": "单亲、去世或联系不上", "unknown": "不清楚"}
