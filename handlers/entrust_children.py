"""The children a parent names, with age, gender, birth date, school and class said beside
each name (pure functions, no database).

"老大王小雨 10岁 四年级；老二王小雷 7岁": each name starts a child, the details after it are
that child's; "李小花，女，10岁" (a name alone, details in the next clauses) is one child too.
"""
from __future__ import annotations

import re

from handlers import validators as v
from handlers.entrust_people import _REL, HAN, NAME_END
from handlers.entrust_people import loose_name_ok as _name_ok

CHILD_WORD = r"孩子|小孩|儿子|女儿|闺女|老大|老二|老三|老幺|大的|小的|大儿子|小儿子|大女儿|小女儿|娃"
_CHILD_NAME = re.compile(r"(?:" + CHILD_WORD + r")(?:叫|是|名叫|名字叫)?[:：\s]*(" + HAN + r"{2,3}?)" + NAME_END)
_BARE_NAME = re.compile(r"^(" + HAN + r"{2,3}?)" + NAME_END)
SCHOOL = re.compile(r"(" + HAN + r"{0,10}?(?:小学|中学|初中|高中|学校|幼儿园))")
CLASS = re.compile(r"([一二三四五六七八九1-9]年级(?:[一二三四五六七八九十\d]{1,2}班)?|[初高][一二三]"
                   r"(?:[一二三四五六七八九十\d]{1,2}班)?|[一二三四五六七八九十\d]{1,2}班|大班|中班|小班)")
GENDER = {"male": re.compile(r"儿子|男孩|男娃|男生|男"), "female": re.compile(r"女儿|闺女|女孩|女娃|女生|女")}
BIRTH = re.compile(r"((?:19|20)\d\d)\s*[年./-]\s*(\d{1,2})\s*(?:月)?(?:\s*[./-]?\s*(\d{1,2})\s*[日号]?)?\s*(?:出生|生的|生)")


def birth_date(text: str) -> str | None:
    """"2015年3月生" / "2015年3月12日出生" / "2015.3.12生" -> ISO date (the 1st when no day)."""
    m = BIRTH.search(text or "")
    if not m:
        return None
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)
    try:
        from datetime import date
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def clauses(text: str) -> list[str]:
    """The text's clauses, without list bullets ("- 黄子涵 女 8岁", "1. …"). A space between
    two sentences is a comma ("俺跟孩子他爹都在北京干保洁 俩孩子在老家跟着他爷", as voice
    input and hurried typing give it); a space inside a list of fields ("奶奶 李桂兰 65岁")
    is not."""
    parts = (re.sub(r"^(?:[-*•·]|\d{1,2}[.)）])\s*", "", c.strip()) for c in re.split(r"[，,。；;！!？?\n、]+", text or ""))
    return [piece for c in parts if c.strip() for piece in _sentences(c.strip())]


SENTENCE_CHARS = 5  # Han characters on each side of a space that makes it a clause break


def _sentences(clause: str) -> list[str]:
    pieces = re.split(r"\s+", clause)
    out = [pieces[0]]
    for piece in pieces[1:]:
        if min(_han(out[-1].rsplit(" ", 1)[-1]), _han(piece)) >= SENTENCE_CHARS:
            out.append(piece)
        else:
            out[-1] += " " + piece
    return out


def _han(text: str) -> int:
    return len(re.findall(r"[\u4e00-\u9fa5]", text))


def child_entries(text: str) -> list[dict]:
    """Each child named in the text, with age, gender, school and class when said beside it."""
    found: list[dict] = []
    for clause in clauses(text):
        names = [m for m in _CHILD_NAME.finditer(clause) if _name_ok(m.group(1))]
        bare = _BARE_NAME.match(clause)
        if not names and bare and _name_ok(bare.group(1)) and (v.age_mentioned(clause) or SCHOOL.search(clause)):
            names = [bare]
        if not names and bare and _name_ok(bare.group(1)) and bare.group(1) == clause and not found_pending(found):
            found.append({"name": bare.group(1), "bare": True})  # "李小花，女，10岁": details follow
            continue
        if not names and found and (SCHOOL.search(clause) or CLASS.search(clause) or BIRTH.search(clause)
                                    or _about_last_child(clause)):
            keys = ("school", "school_class", "birth") if not _about_last_child(clause) else tuple(child_details(clause))
            found[-1].update({k: val for k, val in child_details(clause).items()
                              if k in keys and k not in found[-1]})
        for i, m in enumerate(names):
            tail = clause[m.start(1):names[i + 1].start() if i + 1 < len(names) else len(clause)]
            entry = {"name": m.group(1)}
            before = clause[:m.start(1)] if i == 0 else clause[m.start():m.start(1)]  # "儿子刘小军": 儿子 too
            entry.update(child_details(before + " " + tail))
            found.append(entry)
    # A name said alone counts only when details about that child followed it.
    found = [e for e in found if not (e.get("bare") and len(e) == 2)]
    for entry in found:
        entry.pop("bare", None)
    return found


def _about_last_child(clause: str) -> bool:
    """"女", "10岁", "上四年级": a short clause right after a child's name, about that child."""
    details = child_details(clause)
    return bool(details) and len(clause) <= 12 and not re.search(_REL + "|我|他爸|她爸|妈", clause) \
        and (details.get("age") is None or details["age"] <= 18)


def found_pending(found: list[dict]) -> bool:
    """The last name was said alone and nothing about that child has followed yet."""
    return bool(found) and found[-1].get("bare") is True and len(found[-1]) == 2


def child_details(text: str) -> dict:
    out: dict = {}
    born = birth_date(text)
    if born:
        out["birth"] = born
    age = v.parse_age(BIRTH.sub(" ", text))
    if age is not None and 0 <= age < 19:
        out["age"] = age
    gender = next((g for g, rx in GENDER.items() if rx.search(text)), None)
    if gender:
        out["gender"] = gender
    school = _school(text)
    if school:
        out["school"] = school
    klass = CLASS.search(text)
    if klass:
        out["school_class"] = klass.group(1)
    if re.search(r"没上学|还没上学|不上学|没读书|在家带", text):
        out["school"] = "未上学"
    return out


def _school(text: str) -> str | None:
    """The school the child goes to: the one moved to when two are said ("小学毕业了，九月
    去青山镇中学读初一", "从村小学换到青山镇中学"), never one left behind ("毕业")."""
    found = [m for m in SCHOOL.finditer(text) if not re.match(r"\s*毕业", text[m.end():])]
    moved = [m for m in found if re.search(r"(?:去|到|转|进|升|考上)", m.group(1))]
    pick = (moved or found or [None])[-1 if moved else 0]
    return re.sub(r"^.*(?:在|读|去|到|岁|进|升|考上)", "", pick.group(1)) if pick else None
