"""The entrustment conversation's slots: merge what a message says, say what is missing.

slots = {"parent": {name, role, phone, city, province, country, employer, work_address,
                    left_on, return_plan},
         "other_parent": code, "home": {township, village},
         "children": [{name, gender, age, birth, school, school_class, child_id}],
         "guardian": {name, relation, phone, age, health, lives_with, none}}
"""
from __future__ import annotations

import re
from datetime import date

from handlers import entrust_parse as p
from handlers import places

GUARDIAN_ASKS = ("guardian.name", "guardian.relation", "guardian.phone")
ORDINALS = {"老大": 0, "大的": 0, "老二": 1, "小的": -1, "老三": 2, "老幺": -1, "老小": -1}


def new_slots() -> dict:
    return {"parent": {}, "home": {}, "children": [], "guardian": {}}


def local_names(gaz: places.Gazetteer) -> set[str]:
    return places.spellings(gaz)


DEPART = re.compile(r"出来|出去|外出|出门|出发|离开|走的|走了|[^不]走$|去的|打工|上班|干活|前|了")


def left_on(text: str, today: date) -> date | None:
    """"去年3月" / "今年春节后" / "三个月前" / "半年了" / "2025年5月" / "三月份" (the last
    March) / "下个月初" -> a date (the first of the month)."""
    m = re.search(r"(20\d\d)年(\d{1,2})月", text)
    if m:
        return date(int(m.group(1)), min(int(m.group(2)), 12), 1)
    if re.search(r"下个?月|下月", text):
        return date(today.year + today.month // 12, today.month % 12 + 1, 1)
    year = today.year - 1 if "去年" in text else today.year - 2 if "前年" in text else today.year
    m = re.search(r"(\d{1,2}|[一二三四五六七八九十]{1,2})月", text)
    if m and re.search(r"去年|前年|今年", text):
        month = p.v.cn_number(m.group(1)) or 1
        return date(year, min(max(month, 1), 12), 1)
    if re.search(r"春节|过完年|过年后|年后|正月", text):
        ahead = (bool(re.search(r"就要|要去|准备|打算|将要", text)) or not re.search(r"去年|前年|今年|了|[来去走]的|过来", text)) \
            and today.month > 2  # "过完年都去", "过完年我就要去…了": the next one
        return date(year + ahead, 2, 15)
    m = re.search(r"(\d{1,2}|[一二三四五六七八九十两半]{1,2})(?:个)?(月|年)(?:前|了|多)", text)
    if m:
        n = 0.5 if m.group(1) == "半" else (p.v.cn_number(m.group(1).replace("两", "二")) or 1)
        months = int(n * (12 if m.group(2) == "年" else 1))
        total = today.year * 12 + today.month - 1 - months
        return date(total // 12, total % 12 + 1, 1)
    if re.search(r"刚出来|刚出去|这个月|上个月", text):
        return date(today.year, today.month, 1)
    m = re.search(r"(\d{1,2}|十[一二]|[一二三四五六七八九十])月份?", text)
    month = p.v.cn_number(m.group(1)) if m else None
    if month and 1 <= month <= 12:  # a month alone: the last one of that name
        return date(today.year - (month > today.month), month, 1)
    return None


def return_plan(text: str) -> str | None:
    m = re.search(r"(?:打算|准备|计划|预计|估计|要)?([^，,。]{1,8}?)(?:回来|回家|回去|回老家)", text)
    if m and not re.search(r"已经|回来了|回家了|回老家了|不出去", text):
        return m.group(1).strip("再就才") or None
    if re.search(r"不知道|不一定|说不准", text) and re.search(r"回", text):
        return "不确定"
    return None


def _kid_for(children: list[dict], entry: dict, text: str) -> dict | None:
    for kid in children:
        if entry.get("name") and kid["name"] == entry["name"]:
            return kid
    if entry.get("name"):
        return None  # a child named anew ("老大王小雨…，老二王小雷…"), not one on file
    for word, index in ORDINALS.items():
        if word in text and children and (index < len(children)):
            return children[index]
    return None


def merge(slots: dict, text: str, gaz: places.Gazetteer, today: date, city_hint: str | None = None,
          place_hint: tuple[str | None, str | None] = (None, None), ask: str | None = None) -> list[str]:
    """Merge everything the text says into the slots; returns what changed (slot names)."""
    facts = p.extract(text, local_names(gaz), city_hint, about="guardian" if ask in GUARDIAN_ASKS else None)
    changed: list[str] = []
    parent = slots["parent"]
    for key, value in facts["parent"].items():
        if parent.get(key) != value:
            parent[key] = value
            changed.append("parent." + key)
    if "city" in facts["parent"] or "province" in facts["parent"]:
        for key in ("city", "province", "country", "employer", "work_address"):
            if key not in facts["parent"] and parent.pop(key, None):  # a new place: a new job
                changed.append("parent." + key)
    # Only a clause about leaving ("去年3月出来的"), or any answer when that was asked: "九月份去
    #青山镇中学" is a school, "2015年3月生" a birthday.
    said = [c for c in p.clauses(p.BIRTH.sub(" ", text)) if DEPART.search(c) and not p.SCHOOL.search(c)
            and not (p.guardian_subject(c) and "我" not in c)]  # "他奶奶前年中风过" is not when I left
    since = left_on(" ".join(said) if ask != "parent.left_on" else p.BIRTH.sub(" ", text), today)
    if since:
        parent["left_on"] = since.isoformat()
        changed.append("parent.left_on")
    plan = next((return_plan(c) for c in _own_clauses(text)  # not the other parent's
                 if not re.search(r"住校|自己回|周末", c) and return_plan(c)), None)  # nor the child's weekends
    if plan:
        parent["return_plan"] = plan
        changed.append("parent.return_plan")
    if facts.get("other_parent"):
        slots["other_parent"] = facts["other_parent"]
        changed.append("other_parent")
    if facts["guardian"].get("name") in {c.get("name") for c in slots["children"]}:
        facts["guardian"].pop("name")  # a registered child never looks after themself (entrust_answer refuses)
    minder = facts["guardian"].get("name")  # "大女儿 薛小芳 17岁" looks after the child, is not one to register
    facts["children"] = [c for c in facts["children"] if not minder or c.get("name") != minder]
    changed += _merge_children(slots, facts, text, today)
    changed += _merge_guardian(slots["guardian"], facts["guardian"], facts.get("new_guardian", False))
    changed += _merge_place(slots, text, gaz, place_hint)
    if "guardian" in changed:  # another person: whatever was not known of the last one is asked
        slots["skip"] = [k for k in slots.get("skip", []) if not k.startswith("guardian.")]
    return changed


def _own_clauses(text: str) -> list[str]:
    """The clauses about the speaker: not one about the other parent ("孩子爸爸在新疆跑车"),
    nor the next one that goes on about them without a subject of its own ("一年回来一两次")."""
    own, other = [], False
    for clause in p.clauses(text):
        other = bool(re.match(p.SPOUSE, clause)) or (other and not re.match(r"我|" + p.CHILD_WORD, clause))
        if not other:
            own.append(clause)
    return own


def age_from_birth(birth: str, today: date) -> int:
    born = date.fromisoformat(birth)
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _merge_children(slots: dict, facts: dict, text: str, today: date) -> list[str]:
    changed = []
    children = slots["children"]
    # Unnamed, the only child: from clauses about them, not the guardian's ("他表哥 赵磊 17岁").
    about = " ".join(c for c in p.clauses(text) if not p.guardian_subject(c)
                     and not (c.startswith("我") and not re.search(p.CHILD_WORD, c)))
    entries = facts["children"] or ([{}] if any(w in text for w in ORDINALS) or
                                    (len(children) == 1 and re.search(r"孩子|转学|上学|读|年级", about)) else [])
    for entry in entries:
        details = entry or p.child_details(about)
        kid = _kid_for(children, entry, text) or (children[0] if len(children) == 1 and not entry.get("name")
                                                   else None)
        if kid is None and entry.get("name"):
            kid = {"name": entry["name"]}
            children.append(kid)
            changed.append("children")
        if kid is None:
            continue
        if details.get("birth"):
            details = {**details, "age": age_from_birth(details["birth"], today)}
        if details.get("school") and details["school"] != kid.get("school") and "school_class" not in details:
            kid.pop("school_class", None)  # another school: the old class no longer says anything
        for key, value in details.items():
            if key != "name" and kid.get(key) != value:
                kid[key] = value
                changed.append("child." + key)
    return changed


def _merge_guardian(guardian: dict, said: dict, new: bool = False) -> list[str]:
    changed = []
    if said.get("relation") and guardian.get("relation") and (
            said["relation"] != guardian["relation"] or (new and said.get("name") != guardian.get("name"))):
        guardian.clear()  # another person ("改成他奶奶带", even with the same kin word): asked afresh
        changed.append("guardian")
    for key, value in said.items():
        if guardian.get(key) != value:
            guardian[key] = value
            guardian.pop("none", None)
            changed.append("guardian." + key)
    return changed


def _merge_place(slots: dict, text: str, gaz: places.Gazetteer, hint: tuple) -> list[str]:
    said = re.sub(r"不是[^，,。；;\s是]{1,10}", " ", text)  # "家不是东风村，是向阳村": the one denied is not it
    if said != text:
        text, hint = said, (None, None)
    schools = " ".join(m.group(1) for m in p.SCHOOL.finditer(text))
    if schools:  # "青山镇石桥村小学": the school's township may be home's, its village says nothing
        text = p.SCHOOL.sub(lambda m: _township_of(gaz, m.group(1)) + " ", text)
        if hint[1] and hint[1] in schools and hint[1] not in text:
            hint = (hint[0], None)
    moved = re.split(r"现在|搬到|搬去|搬来|换到|改到", text)  # "原来住王庄村 现在搬到李家村": the last
    match = places.resolve_text(gaz, moved[-1], strict=True) if len(moved) > 1 else places.PlaceMatch("unknown")
    if match.status != "ok" and (hint[0] or hint[1]):
        match = places.resolve_names(gaz, *hint)
    if match.status != "ok":
        match = places.resolve_text(gaz, text, strict=True)
    if match.status == "ok" and (slots["home"].get("township"), slots["home"].get("village")) != (
            match.township, match.village):
        slots["home"] = {"township": match.township, "village": match.village}
        return ["home"]
    if match.status == "need_village" and not slots["home"].get("township"):
        slots["home"] = {"township": match.township, "pending": True,
                         "options": gaz.village_names(match.township)}
        return ["home"]
    return []


def _township_of(gaz: places.Gazetteer, school: str) -> str:
    match = places.resolve_text(gaz, school, strict=True)
    return match.township if match.status in ("ok", "need_village") and match.township else ""


def skip_key(slot: str, kid: int | None = None) -> str:
    return f"{slot}:{kid}" if kid is not None else slot


def missing(slots: dict) -> tuple[str, int | None] | None:
    """The next question: (slot, child index or None), or None when complete. Slots in
    slots["skip"] (not known, or not on file before an update) are not asked."""
    for slot, kid in _wanted(slots):
        if skip_key(slot, kid) not in slots.get("skip", ()):
            return slot, kid
    return None


def gaps(slots: dict) -> list[str]:
    """Everything missing: what an old registration lacks is not asked at an update."""
    return [skip_key(slot, kid) for slot, kid in _wanted(slots)]


# What the policy needs from a parent working away (the child, home, how to reach them,
# where they work, who looks after the child, and whether the other parent is at home,
# which decides whether the child is left behind at all) is asked; everything else is taken when said
# and offered once on the summary (OPTIONAL), never asked one question at a time.
OPTIONAL = ("parent.name", "parent.left_on", "child.school", "guardian.age",
            "guardian.health", "guardian.lives_with")


def _wanted(slots: dict):
    children, parent, guardian, home = slots["children"], slots["parent"], slots["guardian"], slots["home"]
    if not children:
        yield "children", None
        return
    if not home.get("township") or home.get("pending"):
        yield "home", None
        return
    for i, kid in enumerate(children):
        if kid.get("age") in (None, ""):
            yield "child.age", i
    if not parent.get("phone"):
        yield "parent.phone", None
    if not parent.get("city"):
        yield ("parent.city_in" if parent.get("province") or parent.get("country") else "parent.city"), None
    if not slots.get("other_parent"):  # whether the child is left behind at all (core/services/left_behind)
        yield "other_parent", None
    if guardian.get("none"):
        pass
    elif not (slots.get("other_parent") == "home" and not (guardian.get("name") or guardian.get("relation"))):
        for key in ("name", "relation", "phone"):
            if guardian.get(key) in (None, ""):
                yield "guardian." + key, None
    if home.get("recheck"):
        yield "home.recheck", None


def optional_missing(slots: dict) -> list[str]:
    """The optional facts not given yet, in OPTIONAL's order."""
    parent, guardian = slots["parent"], slots["guardian"]
    out = []
    if not parent.get("name"):
        out.append("parent.name")
    if not parent.get("left_on") and not parent.get("return_plan"):
        out.append("parent.left_on")
    if any(not k.get("school") for k in slots["children"]):
        out.append("child.school")
    if not guardian.get("none") and (guardian.get("name") or guardian.get("relation")):
        for key in ("age", "health", "lives_with"):
            if guardian.get(key) in (None, ""):
                out.append("guardian." + key)
    return out
