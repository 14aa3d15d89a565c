"""Read an entrustment's facts out of what a parent says (pure functions, no database).

A message is split into clauses; each clause is about someone (the parent, a child, the
guardian, the other parent), decided by its words, and what it holds (a name, a phone,
an age, a place) belongs to that person. Places come from jieba's part-of-speech tags
(`ns`) checked against lists of provinces and countries, so "浙江宁波" is the city 宁波 in
浙江 and "日本大阪" is 大阪 in 日本. A relation word before a name ("姑姑 赵红梅") makes it
the guardian, never a city.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache

from handlers import validators as v
from handlers.entrust_people import (  # noqa: F401  (re-exported: the people in a message)
    _REL,
    HAN,
    NAME_END,
    NEW_GUARDIAN,
    RELATIONS,
    SPOUSE,
    gone,
    guardian_details,
    guardian_entry,
    guardian_subject,
    other_parent,
    parent_role,
)
from handlers.entrust_people import name_ok as _name_ok

PROVINCES = ("河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东",
             "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
             "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆")
MUNICIPALITIES = ("北京", "上海", "天津", "重庆", "香港", "澳门")
COUNTRIES = ("日本", "韩国", "新加坡", "马来西亚", "泰国", "越南", "俄罗斯", "美国", "加拿大", "澳大利亚",
             "新西兰", "英国", "法国", "德国", "意大利", "西班牙", "阿联酋", "沙特", "迪拜", "非洲",
             "安哥拉", "尼日利亚", "印度尼西亚", "柬埔寨", "老挝", "缅甸", "以色列")
WORK = re.compile(r"打工|上班|干活|工作|务工|做工|工地|厂里|进厂|做事|挣钱|跑车|开车|换到|调到|去了|在外")
CHILD_WORD = r"孩子|小孩|儿子|女儿|闺女|老大|老二|老三|老幺|大的|小的|大儿子|小儿子|大女儿|小女儿|娃"
_CHILD_NAME = re.compile(r"(?:" + CHILD_WORD + r")(?:叫|是|名叫|名字叫)?[:：\s]*(" + HAN + r"{2,3}?)" + NAME_END)
_SELF_NAME = re.compile(r"(?:我(?:叫|名叫|姓名是?)|本人(?:叫|姓名是?)?)[:：\s]*(" + HAN + r"{2,3}?)" + NAME_END)
_PARENT_OF = re.compile(r"我是(" + HAN + r"{2,3}?)(?:的|他|她)?(爸爸|父亲|爸|妈妈|母亲|妈)")
_BARE_NAME = re.compile(r"^(" + HAN + r"{2,3}?)" + NAME_END)
SCHOOL = re.compile(r"(" + HAN + r"{0,10}?(?:小学|中学|初中|高中|学校|幼儿园))")
CLASS = re.compile(r"([一二三四五六七八九1-9]年级(?:[一二三四五六七八九十\d]{1,2}班)?|[初高][一二三]"
                   r"(?:[一二三四五六七八九十\d]{1,2}班)?|[一二三四五六七八九十\d]{1,2}班|大班|中班|小班)")
GENDER = {"male": re.compile(r"儿子|男孩|男娃|男生|男"), "female": re.compile(r"女儿|闺女|女孩|女娃|女生|女")}
BIRTH = re.compile(r"((?:19|20)\d\d)\s*[年./-]\s*(\d{1,2})\s*(?:月)?(?:\s*[./-]?\s*(\d{1,2})\s*[日号]?)?\s*(?:出生|生的|生)")
EMPLOYER = re.compile(r"(?:单位(?:是|叫|名称是?)?[:：\s]*|在|去|到)([\u4e00-\u9fa5A-Za-z0-9（）()]{2,24}?"
                      r"(?:公司|集团|工厂|厂|酒店|宾馆|饭店|餐厅|餐馆|超市|商场|医院|项目部|物流园|车队))")
ADDRESS = re.compile(r"(?:工作地址|单位地址|地址)(?:是|在)?[:：\s]*([^，,。；;\n]{4,40})")
log = logging.getLogger(__name__)


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


def employer(text: str) -> dict:
    """{"employer": ...} or {"work_address": ...} when the parent names where they work."""
    m = ADDRESS.search(text or "")
    if m:
        return {"work_address": m.group(1).strip()}
    m = EMPLOYER.search(text or "")
    if not m:
        return {}
    name = re.sub(r"^(?:.*的|一家|一个|一间)", "", m.group(1))
    return {"employer": name} if len(name) >= 3 else {}


@lru_cache(maxsize=1)
def _posseg():
    import jieba
    import jieba.posseg as pseg
    jieba.setLogLevel(logging.WARNING)
    return pseg


def clauses(text: str) -> list[str]:
    """The text's clauses, without list bullets ("- 黄子涵 女 8岁", "1. …")."""
    parts = (re.sub(r"^(?:[-*•·]|\d{1,2}[.)）])\s*", "", c.strip()) for c in re.split(r"[，,。；;！!？?\n、]+", text or ""))
    return [c.strip() for c in parts if c.strip()]


def _clean_place(word: str) -> str:
    return re.sub(r"(?:市|省|地区|自治州|特别行政区)$", "", word)


def place_spans(text: str) -> list[tuple[str, int, int]]:
    """Place names (jieba `ns`) with where they start and end, in order."""
    spans, at = [], 0
    for w in _posseg().cut(text):
        if (w.flag.startswith("ns") and len(w.word) >= 2) or province_prefix(w.word):  # "福建厦门" is nz
            spans.append((_clean_place(w.word), at, at + len(w.word)))
        at += len(w.word)
    return spans


def place_words(text: str) -> list[str]:
    return [w for w, _, _ in place_spans(text)]


def work_place(text: str, local: set[str], hint: str | None = None) -> dict:
    """{"city", "province", "country", "work_address"} from a sentence about work. A place
    right after a province or country is its city ("浙江宁波", "日本大阪"); right after a city,
    or ending in 区/县, it is a district of that city ("天津武清", "上海 浦东", "佛山市顺德区");
    a city said later on its own replaces the earlier one ("从北京换到天津" -> 天津).
    `local` holds the jurisdiction's own place names."""
    body = re.sub(r"(?:" + _REL + r")[:：\s]*" + HAN + r"{2,3}", " ", text)  # "姑姑 赵红梅" is a person
    found: dict = {}
    prev_end, prev_kind = -1, None
    for w, start, end in place_spans(body):
        if w in local or re.search(r"[村镇乡]$", w):
            continue
        adjacent = prev_end >= 0 and not body[prev_end:start].strip()
        town = next((m for m in MUNICIPALITIES if w.startswith(m) and len(w) > len(m)), None)
        if town:  # one jieba word "上海浦东": the city and its district
            found = {"city": town, "work_address": w}
            prev_end, prev_kind = end, "city"
            continue
        prov = province_prefix(w)
        if prov:  # one jieba word "福建厦门": the province and its city
            found = {"province": prov, "city": w[len(prov):]}
            prev_end, prev_kind = end, "city"
            continue
        kind = ("country" if w in COUNTRIES else "province" if w in PROVINCES
                else "district" if re.search(r"[区县]$", w) or (adjacent and prev_kind == "city") else "city")
        if kind == "district" and not found.get("city") and adjacent and prev_kind == "province":
            city = _city_in(w)  # "江苏苏州工业园区": the city the district is named after
            if city:
                found.update(city=city, work_address=city + w[len(city):])
        elif kind == "district":
            if found.get("city"):
                found["work_address"] = found["city"] + w
        else:
            if kind == "city" and found.get("city") and not (adjacent and prev_kind in ("province", "country")):
                found = {}  # another city on its own: another job
            found[kind] = w
        prev_end, prev_kind = end, kind
    if hint and hint in body and not found.get("city") and hint not in local:
        prov = province_prefix(hint)
        found.update({"province": prov, "city": hint[len(prov):]} if prov else {"city": hint})
    return found


def _city_in(word: str) -> str | None:
    """The place a district's name starts with ("苏州工业园区" -> 苏州), if jieba knows it."""
    import jieba

    for piece in jieba.lcut(word, cut_all=True):
        if 2 <= len(piece) < len(word) and word.startswith(piece) and \
                any(x.flag.startswith("ns") for x in _posseg().cut(piece)):
            return piece
    return None


def province_prefix(word: str) -> str | None:
    """The province a place word starts with, when a city follows it in the same word."""
    prov = next((pv for pv in PROVINCES if word.startswith(pv) and len(word) - len(pv) >= 2), None)
    if prov is None:
        return None
    rest = list(_posseg().cut(_clean_place(word[len(prov):])))
    return prov if len(rest) == 1 and rest[0].flag.startswith("ns") else None  # not "山东大学"


def person_name(word: str) -> bool:
    """jieba reads the word as a person's name (`nr`), for surnames beyond the list."""
    cut = list(_posseg().cut(word))
    return len(cut) == 1 and cut[0].flag == "nr"


def is_work_clause(clause: str) -> bool:
    return bool(WORK.search(clause)) and not re.search(r"^(?:" + _REL + ")", clause)


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


def extract(text: str, local: set[str], city_hint: str | None = None) -> dict:
    """Everything one message says: {"parent": {...}, "children": [...], "guardian": {...},
    "other_parent": code}. Keys appear only when said."""
    parent: dict = {}
    guardian: dict = {}
    facts: dict = {"parent": parent, "guardian": guardian, "children": child_entries(text)}
    of = _PARENT_OF.search(text)
    if of and _name_ok(of.group(1)) and not facts["children"]:  # "我是王小雨的爸爸，孩子转学到…"
        facts["children"] = [{"name": of.group(1), **child_details(text.replace(of.group(0), " "))}]
    role = parent_role(text)
    if role:
        parent["role"] = role
    me = _SELF_NAME.search(text)
    if me and _name_ok(me.group(1)):
        parent["name"] = me.group(1)
    subject = "parent"
    for clause in clauses(text):
        if gone(clause):
            continue  # "奶奶过世了": the guardian who was, not the one who is
        if guardian_subject(clause) and not re.match(r"^我", clause):
            subject = "guardian"
            fresh = NEW_GUARDIAN.search(clause)  # "现在换成舅舅照顾": the new one, nothing of the last
            if fresh:
                guardian.clear()
                facts["new_guardian"] = True
            guardian.update({k: val for k, val in guardian_entry(clause).items() if k not in guardian})
        elif not is_work_clause(clause) and (SCHOOL.search(clause) or CLASS.search(clause)):
            subject = "child"  # "在村幼儿园上大班": the child's school, never a work place
        elif re.match(SPOUSE, clause):
            subject = "other"  # "孩子他爸在东莞工地": the other parent's work, not the speaker's
        elif (re.search(r"^(?:我|联系)", clause) or is_work_clause(clause)
              or (re.search(r"^(?:电话|手机)", clause) and subject != "guardian")):  # after the guardian: theirs
            subject = "parent"
        elif re.search(CHILD_WORD, clause):
            subject = "child"
        elif subject == "guardian":
            guardian.update({k: val for k, val in guardian_details(clause).items() if k not in guardian})
            continue
        if subject == "parent":
            phone = v.parse_phone(clause)
            if phone and "phone" not in parent:
                parent["phone"] = phone
            where = employer(clause) if is_work_clause(clause) or re.search(r"单位|地址", clause) else {}
            if (is_work_clause(clause) or re.search(r"在|到|去|从", clause)) and "work_address" not in where:
                body = clause.replace(parent.get("name") or "\0", " ")
                parent.update(work_place(body, local, city_hint))
            parent.update(where)
    living = guardian_details(text).get("lives_with")
    if "lives_with" not in guardian and living is not None:
        guardian["lives_with"] = living
    other = next((o for o in map(other_parent, _about_parents(text)) if o), None)
    if other:
        facts["other_parent"] = other
    return facts


def _about_parents(text: str) -> list[str]:
    """Clauses that may be about the other parent: not about a guardian who died or left."""
    return [c for c in clauses(text) if not gone(c) and not (re.search(_REL, c) and not re.search(SPOUSE, c.replace(
        "舅妈", "").replace("姑妈", "").replace("姨妈", "")))]
