"""A bare answer to the question the entrustment flow just asked ("10岁", "王小雨", a
button, "日本大阪 一家食品加工厂"), after handlers/entrust_slots.merge has taken what it
could. Returns a re-ask text when the answer cannot be used, else None.

"不知道" to a question that can wait (a school, a guardian's health, who is speaking) is
kept as not known: the slot is skipped and never asked again (slots["skip"]).
"""
from __future__ import annotations

import re

from handlers import entrust_parse as p
from handlers import entrust_people as people
from handlers import entrust_slots as S
from handlers import places
from handlers import validators as v

YES = {"entrust:yes", "确认登记", "确认修改", "确认", "对", "对的", "是", "是的", "没问题", "好", "好的", "yes", "1"}
NO = {"no", "不是", "否", "没有", "不", "不对"}
# Questions a parent may not know the answer to; everything else is needed to file.
SKIPPABLE = ("child.gender", "child.school", "parent.role", "parent.name", "guardian.relation",
             "guardian.age", "guardian.health", "guardian.lives_with", "home.recheck")


def skip(slots: dict, ask: str, kid: int | None) -> None:
    key = S.skip_key(ask, kid)
    slots.setdefault("skip", [])
    if key not in slots["skip"]:
        slots["skip"].append(key)


def direct(slots: dict, ask: str | None, kid_index: int | None, text: str, today, changed: list[str],
           gaz: places.Gazetteer) -> str | None:
    kid = slots["children"][kid_index] if kid_index is not None else None
    named_kin = ask == "guardian.name" and slots["guardian"].get("relation")  # "奶奶", her name not known
    if (ask in SKIPPABLE or named_kin) and v.is_unknown(text) and not changed:
        skip(slots, ask, kid_index)
        return None
    if ask == "child.age" and kid is not None and kid.get("age") is None and v.is_unknown(text) and not changed:
        return _age_unknown(slots, kid_index)
    if ask == "guardian.phone" and (v.is_unknown(text) or re.search(r"没有?(?:手机|电话)|不会用手机", text)):
        skip(slots, ask, kid_index)  # many grandparents have no phone: the village visits instead
        return None
    child_named = next((c["name"] for c in slots["children"] if c.get("name") and c["name"] in text), None)
    if ask in ("guardian.name", "guardian.relation") and child_named and not slots["guardian"].get("name") \
            and child_named == re.sub(r"[\s，,。.！!]|^(?:是|叫)", "", text):
        who = slots["guardian"].get("relation") or "照顾孩子的人"
        return (f"{child_named}是这次要登记的孩子，照顾孩子的得是另一位大人。请说{who}叫什么名字，"
                f"例如：{'' if who == '照顾孩子的人' else who + ' '}李春华")
    if ask and ask.startswith("guardian.") and "other_parent" in changed and slots.get("other_parent") == "home":
        return None  # "孩子她妈在家带孩子": the other parent looks after the child
    if ask in ("parent.city", "parent.city_in", "other_parent", "home.recheck"):
        return _where(slots, ask, text, changed, gaz)
    if kid is not None and ask and ask.startswith("child."):
        return _child(kid, ask, text, today)
    parent = slots["parent"]
    if ask == "children" and "children" not in changed:
        name = v.parse_child_name(text) or (text if re.fullmatch(r"[\u4e00-\u9fa5·]{2,4}", text) else None)
        if not name or v.is_unknown(text):
            return "没听清孩子的名字，请只回复名字，例如：王小雨"
        slots["children"].append({"name": name})
    elif ask == "parent.role":
        parent["role"] = parent.get("role") or "parent"
    elif ask == "parent.name" and not parent.get("name"):
        name = re.sub(r"^(?:我叫|我是|叫|姓名是?)|[\d\s，,。:：+-]+|电话|手机", "", text)  # "王大军 13812345678"
        if not re.fullmatch(r"[\u4e00-\u9fa5·]{2,5}", name) or not (people.name_ok(name) or p.person_name(name)):
            return "请说您的姓名，例如：王建国"
        parent["name"] = name
    elif ask in ("parent.phone", "guardian.phone"):
        phone = v.parse_phone(text)
        if ask == "parent.phone" and not phone and not parent.get("name") \
                and direct(slots, "parent.name", None, text, today, changed, gaz) is None:
            return None  # "王建国": the name first, the phone asked next
        if not phone:
            return "这个号码好像不对：手机是11位数字，座机请带区号，例如：13800001234"
        (parent if ask == "parent.phone" else slots["guardian"])["phone"] = phone
        name = re.sub(r"^(?:我叫|我是|叫|姓名是?)|[\d\s，,。:：+-]+|电话|手机", "", text)  # "王建国 13800001234"
        if ask == "parent.phone" and not parent.get("name") and re.fullmatch(r"[\u4e00-\u9fa5·]{2,4}", name) \
                and (people.name_ok(name) or p.person_name(name)):
            parent["name"] = name
    elif ask == "parent.left_on" and "parent.left_on" not in changed:
        parent["left_on"] = None  # not known: kept as unknown, never guessed
    else:
        return _guardian(slots["guardian"], ask, text)
    return None


def _age_unknown(slots: dict, kid_index: int) -> str | None:
    """"不知道" to the child's age: asked once more for a rough guess, then kept as not known
    (the village fills it in when they check the registration), never asked in circles."""
    key = S.skip_key("child.age", kid_index)
    if key in slots.setdefault("reasked", []):
        skip(slots, "child.age", kid_index)
        return None
    slots["reasked"].append(key)
    return "记不清也没关系，说个大概就行，例如：上小学三年级就说9岁；实在不知道也没关系，再回复“不知道”就行"


def _child(kid: dict, ask: str, text: str, today) -> str | None:
    if ask == "child.age" and kid.get("age") is None:
        age = v.parse_age(text) if v.age_mentioned(text) else v.cn_number(text) if text.isdigit() or len(text) <= 3 else None
        if p.birth_date(text + "生"):  # "2015年3月" answers "哪年哪月出生"
            kid["birth"] = p.birth_date(text + "生")
            age = S.age_from_birth(kid["birth"], today)
        if age is None or not 0 <= age <= 18:
            return f"请说{kid['name']}哪年哪月出生（例如：2015年3月），或者几岁（例如：10岁）"
        kid["age"] = age
    elif ask == "child.gender" and not kid.get("gender"):
        kid["gender"] = v.parse_gender(text) or ("male" if "男" in text else "female" if "女" in text else None)
        if not kid["gender"]:
            return "请选“男孩”或“女孩”"
    elif ask == "child.school" and not kid.get("school"):
        if not re.search(r"学|校|园|年级|班", text):
            return f"请说{kid['name']}的学校，例如：红星镇中心小学三年级；没上学就回复“没上学”；不清楚就回复“不知道”"
        details = p.child_details(text)
        kid["school"] = details.get("school") or text[:40]
        kid["school_class"] = details.get("school_class") or kid.get("school_class")
    return None


def _where(slots: dict, ask: str, text: str, changed: list[str], gaz: places.Gazetteer) -> str | None:
    parent = slots["parent"]
    if ask == "home.recheck":
        slots["home"].pop("recheck", None)  # "是", a new village (merged already), or not known
        return None
    if ask == "other_parent":
        return _other_parent(slots, text, changed)
    if any(c.startswith("parent.city") for c in changed):
        return None
    # The answer to "where do you work" is about work, whatever its words: "日本大阪 一家食品加工厂".
    found = p.work_place(text, S.local_names(gaz))
    if not found.get("city") and re.fullmatch(r"[\u4e00-\u9fa5]{2,8}", text) and not re.search(r"[村镇乡]$", text):
        found["city"] = re.sub(r"市$", "", text)
    if not found:
        return "请说打工的城市，例如：浙江宁波、东莞"
    for key in ("city", "province", "country", "work_address"):
        if found.get(key):
            parent[key] = found[key]
    pieces = [c for c in re.split(r"[\s，,。]+", text) if c][1:]  # "苏州 电子厂": the second piece
    where = next((w for w in (p.employer(c if c.startswith(("在", "单位")) else "在" + c) for c in pieces) if w), {})
    parent.update(where)
    return None


def _other_parent(slots: dict, text: str, changed: list[str]) -> str | None:
    if not slots["parent"].get("role"):
        role = people.spoken_of(text)  # "孩子爸爸在新疆跑车": the speaker is the mother
        if role:
            slots["parent"]["role"] = role
    if text.startswith("other:"):
        slots["other_parent"] = text[6:]
    elif "other_parent" in changed:
        return None
    elif v.is_unknown(text):
        slots["other_parent"] = "unknown"  # said so: never asked again, never guessed
    else:
        # The answer's subject is the other parent: "也在外地打工", "在家带孩子".
        code = people.other_parent(text if re.search(people.SPOUSE, text) else "孩子妈妈" + text)
        if code is None and (re.search(p.WORK.pattern + r"|跑|厂|工地|外地|一起|一块|一道|也去|都去|也走", text)
                             or p.work_place(text, set()).get("city")):
            code = "away"  # "孩子爸爸在厦门开货车": in another city
        if code is None:
            return "请点下面的一个按钮，或直接说，例如：也在外地打工、在家照顾孩子；不清楚就回复“不清楚”"
        slots["other_parent"] = code
    return None


# "没有托付给谁", "没人照顾", "孩子自己在家", "他一个人住": nobody looks after the child.
NOBODY = re.compile(r"没(?:有)?(?:托付|委托|交给|人照顾|人管|人带|人看|谁照顾|谁管)|没有人|没人|无人照顾|"
                    r"自己(?:在家|住|照顾自己|管自己)|一个人(?:在家|住|生活)|独自(?:在家|居住|生活)")


def says_nobody(text: str) -> bool:
    return bool(NOBODY.search(text))


def _guardian(guardian: dict, ask: str | None, text: str) -> str | None:
    asks_who = ask in ("guardian.name", "guardian.relation")
    named = bool(people.guardian_entry(text).get("name"))  # "叔叔 张强 … 孩子自己住老房子": he is named
    if text == "rel:没有人照顾" or (asks_who and (text in ("没有", "没人", "没有人") or (says_nobody(text) and not named))):
        guardian.clear()
        guardian["none"] = True
    elif asks_who and v.is_unknown(text) and not guardian.get("name"):
        # The parent does not know who looks after the child: saved as nobody named, which
        # the policy check turns into a task for the village (never asked round in circles).
        guardian.clear()
        guardian.update(none=True, unknown=True)
    elif text.startswith("rel:"):
        guardian["relation"] = "亲戚" if text == "rel:其他亲戚" else text[4:]
    elif ask == "guardian.name" and not guardian.get("name"):
        if not re.fullmatch(r"[\u4e00-\u9fa5·]{2,4}", text) or v.is_unknown(text):
            return "请说照顾孩子的人的关系和姓名，例如：奶奶 李桂兰"
        guardian["name"] = text
    elif ask == "guardian.relation" and not guardian.get("relation"):
        guardian["relation"] = people.relation_in(text) or text[:10]
    elif ask == "guardian.age" and not guardian.get("age"):
        age = v.cn_number(re.sub(r"[岁多来]", "", text))
        if age is None or not 10 <= age <= 110:
            return "请说年龄，例如：65岁；不清楚就回复“不知道”"
        guardian["age"] = age
    elif ask == "guardian.health" and not guardian.get("health"):
        health = people.guardian_details(text).get("health") or (
            "good" if re.search(r"好|行|能|健康|可以", text) and "不" not in text else None)
        if health is None:
            return f"请说{guardian.get('relation') or '照顾孩子的人'}身体怎么样，例如：身体好、有病、行动不便；不清楚就回复“不知道”"
        guardian["health"] = health
    elif ask == "guardian.lives_with" and guardian.get("lives_with") is None:
        if text in YES or text in NO:
            guardian["lives_with"] = text in YES
        else:
            return "请回答“是”或“不是”"
    return None
