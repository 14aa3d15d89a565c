"""Read an entrustment's facts out of what a parent says (pure functions, no database).

A message is split into clauses; each clause is about someone (the parent, a child, the
guardian, the other parent), decided by its words, and what it holds (a name, a phone,
an age, a place) belongs to that person. The pieces live by kind: work places in
handlers/entrust_workplace.py, children in handlers/entrust_children.py, the guardian and
the other parent in handlers/entrust_people.py; this module decides whose each clause is.
"""
from __future__ import annotations

import re

from handlers import validators as v
from handlers.entrust_children import (  # noqa: F401  (re-exported: the children in a message)
    BIRTH,
    CHILD_WORD,
    CLASS,
    GENDER,
    SCHOOL,
    birth_date,
    child_details,
    child_entries,
    clauses,
)
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
    standalone_name,
)
from handlers.entrust_people import name_ok as _name_ok
from handlers.entrust_workplace import (  # noqa: F401  (re-exported: where the parent works)
    COUNTRIES,
    MUNICIPALITIES,
    PROVINCES,
    person_name,
    place_spans,
    place_words,
    province_prefix,
    work_place,
)

WORK = re.compile(r"打工|上班|干活|工作|务工|做工|工地|厂里|进厂|做事|挣钱|跑车|开车|换到|调到|去了|在外")
_SELF_NAME = re.compile(r"(?:我(?:叫|名叫|姓名是?)|本人(?:叫|姓名是?)?)[:：\s]*(" + HAN + r"{2,3}?)" + NAME_END)
_PARENT_OF = re.compile(r"我是(" + HAN + r"{2,3}?)(?:的|他|她)?(爸爸|父亲|爸|妈妈|母亲|妈)")
EMPLOYER = re.compile(r"(?:单位(?:是|叫|名称是?)?[:：\s]*|在|去|到)([\u4e00-\u9fa5A-Za-z0-9（）()]{2,24}?"
                      r"(?:公司|集团|工厂|厂|酒店|宾馆|饭店|餐厅|餐馆|超市|商场|医院|项目部|物流园|车队))")
ADDRESS = re.compile(r"(?:工作地址|单位地址|地址)(?:是|在)?[:：\s]*([^，,。；;\n]{4,40})")


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


def is_work_clause(clause: str) -> bool:
    return bool(WORK.search(clause)) and not re.search(r"^(?:" + _REL + ")", clause)


def extract(text: str, local: set[str], city_hint: str | None = None, about: str | None = None) -> dict:
    """Everything one message says: {"parent": {...}, "children": [...], "guardian": {...},
    "other_parent": code}. Keys appear only when said. `about="guardian"`: the message answers
    who looks after the child, so a clause that mentions the child ("…电话139… 跟孩子住一起")
    still goes on about the guardian."""
    text = re.sub(r"俺|咱", "我", text or "")  # "俺跟孩子他爹…", as northern parents say "I"
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
        if guardian_subject(clause) and (not re.match(r"^我", clause) or NEW_GUARDIAN.search(clause)):
            subject = "guardian"
            fresh = NEW_GUARDIAN.search(clause)  # "现在换成舅舅照顾": the new one, nothing of the last
            if fresh:
                guardian.clear()
                facts["new_guardian"] = True
            guardian.update({k: val for k, val in guardian_entry(clause).items() if k not in guardian})
        elif not is_work_clause(clause) and (SCHOOL.search(clause) or CLASS.search(clause)) and not (
                subject == "guardian" and about == "guardian" and not re.search(CHILD_WORD, clause)):
            subject = "child"  # "在村幼儿园上大班": the child's school, never a work place
        elif re.match(SPOUSE, clause):
            subject = "other"  # "孩子他爸在东莞工地": the other parent's work, not the speaker's
        elif (re.search(r"^(?:我|联系)", clause) or is_work_clause(clause)
              or (re.search(r"^(?:电话|手机)", clause) and subject != "guardian")):  # after the guardian: theirs
            subject = "parent"
        elif re.search(CHILD_WORD, clause) and not (subject == "guardian" and (
                about == "guardian" or "lives_with" in guardian_details(clause))):  # "…电话139… 跟孩子住一起"
            subject = "child"
        elif subject == "guardian":
            guardian.update({k: val for k, val in guardian_details(clause).items() if k not in guardian})
            if guardian.get("relation") and "name" not in guardian and standalone_name(clause):
                guardian["name"] = standalone_name(clause)  # "孩子舅舅，就是我弟弟 邹德才 58岁"
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
