"""What kind of fact a question asks for, and whether a text holds a fact of that kind.

A question that asks for a number of minutes, years or lessons, for a fine, for the
papers to bring or for an opening hour wants one specific fact. When the passage or
curated answer we would give holds nothing of that kind, it only shares the question's
other words ("老师没报告会被判几年" against the clause saying teachers must report):
answering would be a near-miss, so the calibrated gate refuses it (policy/calibrate.py).
"""
from __future__ import annotations

import re

from policy.text import normalize

_NUM = r"(?:(?<!\d)\d{1,3}|[一二两三四五六七八九十百半]+)"  # not 4 digits: 2020年 is a date
# 几 asks "how many" unless it means "a few" (好几回, 劝了几回, 多跑几趟, 一次几个礼拜)
_HOW_MANY = r"(?:(?<![好了多这那前头过十次跑们])几|多少)"

# the unit a question asks a number of → the units an answer may give it in
_UNITS = {
    "分钟": "分钟", "分": "分钟", "小时": "小时|个小时", "钟头": "小时|钟头",
    "天": "天|日|工作日", "日": "天|日|工作日", "工作日": "天|日|工作日",
    "周": "周|星期", "星期": "周|星期", "礼拜": "周|星期",
    "个月": "个月|月", "月": "个月|月|季度",
    "年": "年|周年", "节": "节|课时", "次": "次|回", "回": "次|回", "趟": "次|回|趟",
    "个": "个|名|位|人", "名": "个|名|位|人", "位": "个|名|位|人",
}
_ASK_UNIT = re.compile(_HOW_MANY + r"(个(?=月|小时)|)(分钟|小时|钟头|工作日|天|日|星期|礼拜|周|月|年|"
                       r"节|次|回|趟|个|名|位)(?!级|龄|纪|轻|底)")
# how long / how soon, without a unit: any span of time, or "at once", "every quarter"
_ASK_SPAN = re.compile(r"多久|多长时间|多少时间|多长的时间|多快|多少天内|期限是")
_SPAN = re.compile(_NUM + r"\s*(?:个)?(?:分钟|小时|天|日|工作日|周|个月|月|季度|学期|年)|季度|"
                   r"立即|立刻|马上|及时|第一时间|当日|当天|定期|每(?:年|月|季度|学期|周)|"
                   r"(?:19|20)\d\d\s*年|年底|月底")
# a fine or a prison term: the amount or the term must be there
_ASK_FINE = re.compile(r"罚(?:款)?(?:多少|几)|罚多少钱")
_ASK_TERM = re.compile(r"判(?:几|多少|多久)|坐几年|关几年|坐多久")
# a punishment at all: the text must speak of one
_ASK_PENALTY = re.compile(r"坐牢|判刑|罚款|罚钱|拘留|吊销|开除")
_PENALTY = re.compile(r"处罚|罚款|拘留|刑事|判处|处分|追究|法律责任|问责|撤销|惩处")
# the papers to bring for an application (not what a file holds: 档案里放什么材料)
_ASK_PAPERS = re.compile(r"(?:带|准备|需要|提供|提交|交|办)[^，。？]{0,4}(?:哪些|什么|啥|哪样)"
                         r"(?:材料|证明|证件|手续|资料)|要带(?:什么|啥|哪些)|"
                         r"(?:材料|证明|证件|手续|资料)(?:有哪些|是什么|要啥)")
# (not 手续: "具体手续请问当地部门" names no paper)
_PAPERS = re.compile(r"材料|证明|证件|资料|申请书|户口簿|身份证")
# who pays, what is refunded, how contributions are paid: the documents set no such
# rule, and an answer must at least speak of paying
_ASK_PAYMENT = re.compile(r"报销|付钱|付费|交钱|缴费|钱谁出|费谁出|费该谁出|谁出钱|谁来出钱|"
                          r"(?:咋个|怎么|咋|如何)(?:交|缴)|交还是|先看病后")
_PAYMENT = re.compile(r"报销|缴费|付费|缴纳|费用由|减免|免费")
# an hour of the day
_ASK_HOUR = re.compile(r"几点|什么时候开门|啥时候开门|开放时间|上班时间")
_HOUR = re.compile(_NUM + r"\s*(?:点|时)(?!候)|开放时间")


def asked(question: str) -> list[re.Pattern]:
    """What a text must contain to answer the question's kind of fact (usually nothing)."""
    q = normalize(question)
    out = []
    for m in _ASK_UNIT.finditer(q):
        out.append(re.compile(_NUM + r"\s*(?:" + _UNITS[m.group(2)] + ")" +
                              (r"(?!\d)" if m.group(2) == "年" else "")))
    if _ASK_SPAN.search(q):
        out.append(_SPAN)
    if _ASK_FINE.search(q):
        out.append(re.compile(_NUM + r"\s*(?:元|块)"))
    if _ASK_TERM.search(q):
        out.append(re.compile(r"有期徒刑|" + _NUM + r"\s*年以[上下]"))
    if _ASK_PENALTY.search(q):
        out.append(_PENALTY)
    if _ASK_PAPERS.search(q):
        out.append(_PAPERS)
    if _ASK_PAYMENT.search(q):
        out.append(_PAYMENT)
    if _ASK_HOUR.search(q):
        out.append(_HOUR)
    return out


def asked_kinds(question: str) -> list[re.Pattern]:
    return asked(question)


def missing(kinds: list[re.Pattern], text: str) -> float:
    """1.0 when the text holds nothing of a kind the question asks for, else 0.0."""
    t = normalize(text)
    return float(any(not k.search(t) for k in kinds))


# a place whose own rules are asked about: "湖南那边", "广东省的", "四川省对"; not where
# someone works or lives ("在温州鞋厂", "打工的苏州")
_PLACE_AFTER = ("那边", "那里", "那儿", "这边", "的", "对", "也", "有", "是不是", "跟", "和")
_PLACE_BEFORE = ("在", "去", "到", "从", "回", "的")
_PLACE_SUFFIX = ("省", "市", "县", "自治区")


def other_place(question: str, known: str) -> str | None:
    """A place the documents never mention whose own rules the question asks about."""
    import jieba.posseg as pseg

    from policy.index import _jieba

    _jieba()
    tokens = [(t.word, t.flag) for t in pseg.cut(normalize(question))]
    for n, (w, flag) in enumerate(tokens):
        if flag != "ns" or len(w) < 2:
            continue
        base = w
        for suffix in _PLACE_SUFFIX:
            if base.endswith(suffix) and len(base) > len(suffix) + 1:
                base = base[: -len(suffix)]
        if base in known:
            continue
        before = tokens[n - 1][0] if n else ""
        after = tokens[n + 1][0] if n + 1 < len(tokens) else ""
        if after in _PLACE_SUFFIX:
            after = tokens[n + 2][0] if n + 2 < len(tokens) else ""
        if before not in _PLACE_BEFORE and after in _PLACE_AFTER:
            return w
    return None
