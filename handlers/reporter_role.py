"""Who is writing: the reporter's role (interface codes teacher, medical, village_cadre,
social_worker, parent, relative, citizen, child_self, other) read from their own words."""
from __future__ import annotations

import re

from handlers.validators import _norm
from nlu.normalize import to_simplified

# First-person cues only: "孩子爷爷瘫痪了" names the child's relative, not the reporter.
_ROLE_WORDS = (
    ("child_self", r"我是孩子(?:本人|自己)?(?=[，,。！!\s]|$)|我就是那个孩子|我是学生|我今年\d+岁"),
    ("teacher", r"我是[^，,。！!？?]{0,16}(?:老师|班主任|校长|教师)|我们班|我们学校|我们幼儿园|我班|我的学生|班上"),
    ("medical", r"我是[^，,。！!？?]{0,16}(?:医生|护士|大夫|村医|医务)|我们医院|我们卫生院|来就诊|来看病|门诊"),
    ("village_cadre", r"我是.{0,8}(?:村干部|支书|书记|村长|村主任|儿童主任|网格员|村委)|我们村委"),
    ("social_worker", r"我是.{0,8}(?:社工|救助站|救助管理|福利院|福利机构)"),
    ("parent", r"我是(?:孩子|他|她)?的?(?:爸爸|妈妈|父亲|母亲)|我(?:儿子|女儿)"),
    ("relative", (r"我是.{0,4}(?:亲戚|亲属|奶奶|爷爷|外婆|外公|姥姥|姥爷|舅舅|姑姑|叔叔|阿姨|姨妈|伯伯)|"
                 r"我(?:的)?(?:孙子|孙女|外孙|侄子|侄女|外甥)|(?:孙子|孙女)我")),
    ("citizen", r"邻居|村民|路人|群众|路过|热心|隔壁|普通人|市民|我们村|我村"),  # last: a role said first wins
)
# Bare words, for answers to "您是孩子的什么人？".
_ROLE_LOOSE = (
    ("child_self", r"孩子本人|本人|我自己"),
    ("teacher", r"老师|班主任|校长|教师"),
    ("medical", r"医生|护士|大夫|村医|医务"),
    ("village_cadre", r"村干部|支书|书记|村长|村主任|儿童主任|网格员|村委"),
    ("social_worker", r"社工|救助|福利院"),
    ("parent", r"父母|爸爸|妈妈|父亲|母亲"),
    ("relative", r"亲戚|亲属|奶奶|爷爷|外婆|外公|姥姥|姥爷|舅舅|姑姑|叔叔|阿姨|姨妈|伯伯"),
    ("citizen", r"邻居|村民|路人|群众|路过|过路|热心|隔壁|普通人|市民|村里的|本村的|同村"),
    ("other", r"^其他|^别的"),
)


# The writer named by their role at the head of a message, before any child is mentioned:
# "班主任 报告一个学生…", "村医，有个孩子…", "社工站，想转介…", "村委会报告…", "老师反映…".
_ROLE_HEAD = re.compile(r"^(?:您好|你好)?[，,。!！\s]*(?:我是)?(?:(?!孩子|小孩|娃|学生|儿子|女儿)[^，,。！!？?]){0,16}?"
                        r"(老师|班主任|校长|教师|医生|护士|大夫|村医|社工站|社工|救助站|村委会|村干部|支书|村支书|"
                        r"儿童主任|网格员)(?:[，,。：:\s]|报告|反映|上报|举报|转介|想|要)")
_HEAD_ROLES = {"老师": "teacher", "班主任": "teacher", "校长": "teacher", "教师": "teacher", "医生": "medical",
               "护士": "medical", "大夫": "medical", "村医": "medical", "社工站": "social_worker",
               "社工": "social_worker", "救助站": "social_worker", "村委会": "village_cadre",
               "村干部": "village_cadre", "支书": "village_cadre", "村支书": "village_cadre",
               "儿童主任": "village_cadre", "网格员": "village_cadre"}


def guess_role(text: str, loose: bool = False) -> str | None:
    text = to_simplified(_norm(text)).replace("俺", "我")  # dialect: 俺孙子, 俺们村
    for code, pattern in _ROLE_WORDS[:-1]:
        if re.search(pattern, text):
            return code
    head = _ROLE_HEAD.search(text)
    if head:
        return _HEAD_ROLES[head.group(1)]
    for code, pattern in _ROLE_WORDS[-1:] + (_ROLE_LOOSE if loose else ()):
        if re.search(pattern, text):
            return code
    return None
