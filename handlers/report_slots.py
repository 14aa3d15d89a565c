"""What the report flow learns from one message: NLU entities first, then our own validators.

`absorb` fills empty slots from anything the user said (so nothing is asked twice); with
`focus` set to the slot the bot just asked about it also overwrites that slot and reports
a problem when the answer is not valid, so the flow can re-ask with an example.
"""
from __future__ import annotations

import re

from core.categories import CODES as CATEGORIES
from core.models.cases import MANDATORY_ROLES, REPORTER_ROLES
from handlers import places
from handlers import validators as v
from handlers.base import Turn
from handlers.describe import says_what_happened
from handlers.entrust_children import child_entries
from handlers.reporter_role import guess_role
from nlu import danger as nlu_danger
from nlu.normalize import normalize_text
from policy.text import to_simplified

CONTACT_SLOTS = ("reporter_name", "reporter_unit", "reporter_phone")


def place_done(slots: dict) -> bool:
    return bool(slots.get("township") and (slots.get("village") or slots.get("village_unknown")))


def _set(slots: dict, key: str, value, force: bool) -> bool:
    if value in (None, ""):
        return False
    if force or slots.get(key) in (None, ""):
        slots[key] = value
        return True
    return False


def apply_place(data: dict, match: places.PlaceMatch, force: bool) -> str | None:
    """Store a resolved place, or keep the options to ask about. Returns a problem or None."""
    slots = data["slots"]
    if match.status == "ok":
        if force or not slots.get("township"):
            slots.update(township=match.township, village=match.village, village_unknown=False)
            data.pop("place_options", None)
        return None
    if match.status == "need_village":
        if force or not slots.get("township"):
            slots.update(township=match.township, village=None, village_unknown=False)
            data["place_options"] = [[o.title, o.payload] for o in match.options]
        return None
    if force:
        data["place_options"] = [[o.title, o.payload] for o in match.options]
        data["place_said"] = match.said
        return match.status  # ambiguous or unknown
    return None


def absorb(data: dict, turn: Turn, gaz: places.Gazetteer, focus: str | None = None) -> str | None:
    """Merge what this message says into data["slots"]; return a problem code for `focus`.

    Each part below reports a problem only for its own `focus`, so at most one does.
    """
    slots = data["slots"]
    before = dict(slots)
    problem = _what_happened(slots, turn, focus)
    problem = _where(data, turn, gaz, focus) or problem
    problem = _the_child(slots, turn, focus) or problem
    problem = _the_reporter(slots, turn, focus) or problem
    if focus == "category" and problem == "no_category" and (v.is_unknown(turn.text) or says_what_happened(turn.text)):
        # "不知道", or what happened in their own words: kept, and the case goes on as 其他情况
        # for the staff to sort, instead of asking again.
        if not v.is_unknown(turn.text):
            slots["description"] = " ".join(x for x in (slots.get("description"), turn.text) if x)
        slots.update(category="other", category_confirmed=True)
        problem = None
    if focus == "reporter_role" and problem == "no_role" and not _other_facts(before, slots):
        # "我是村里开小卖部的": who they are, in their own words; not asked again.
        slots["reporter_role"], slots["reporter_said"] = "other", turn.text[:60]
        problem = None
    if focus == "place" and problem == "unknown" and _other_facts(before, slots):
        # They answered something else ("十岁左右"): keep it, and ask for the place again.
        problem = None
        data.pop("place_said", None)
        if slots.get("township"):
            data["place_options"] = [[o.title, o.payload] for o in
                                     places.resolve_text(gaz, slots["township"]).options]
        else:
            data.pop("place_options", None)
    return problem


def _what_happened(slots: dict, turn: Turn, focus: str | None) -> str | None:
    """Category, urgency and (when asked for) the description."""
    text = turn.text
    problem = None
    category = turn.entity("category") if focus in (None, "category", "description") else None
    if category not in CATEGORIES:
        category = None
    modelled = category
    chosen = data_choice(text, "cat:")
    category = chosen or category or v.guess_category(text)
    if category not in CATEGORIES:
        category = None
    if _set(slots, "category", category, force=focus == "category"):
        _category_certainty(slots, turn, modelled if category == modelled and not chosen else None)
    if focus == "category" and category is None:
        problem = "no_category"
    # "没有" to 孩子现在有危险吗？, or the harm is over ("后来找着了")
    # The engine gave the 110 guidance (bot.commands.mark_urgent): urgent, whatever else it says.
    guided = any(e.get("extractor") == "danger_check" for e in turn.entities("urgency"))
    if not guided and (turn.entity("urgency") == "calm"
                       or (not slots.get("urgent") and nlu_danger.over(normalize_text(text)))):
        slots["calm"] = True
    elif guided or turn.entity("urgency") == "urgent" or (v.sounds_urgent(text) and not slots.get("calm")):
        slots["urgent"] = True
        slots.pop("calm", None)
    if focus == "description":
        desc = v.valid_description(" ".join(x for x in (text, turn.aside) if x))
        if desc is None:
            problem = "empty"
        else:
            slots["description"] = desc
    return problem


def _category_certainty(slots: dict, turn: Turn, modelled: str | None) -> None:
    """Keep the model's probability (and its next guesses) so a low one is confirmed."""
    if modelled is None:  # a button, or the rules: nothing to confirm
        slots.pop("category_p", None)
        slots["category_confirmed"] = True
        return
    found = turn.entities("category")
    p = found[0].get("confidence") if found else None
    ranking = (turn.nlu.get("category") or {}).get("ranking") or []
    slots["category_p"] = float(p) if isinstance(p, (int, float)) else None
    slots["category_options"] = [r["name"] for r in ranking if r.get("name") in CATEGORIES][:3]
    slots.pop("category_confirmed", None)


def _where(data: dict, turn: Turn, gaz: places.Gazetteer, focus: str | None) -> str | None:
    """The township and village: from a shared location, an answer to our question, or names."""
    slots = data["slots"]
    text = turn.text
    loc = turn.inbound.location
    if loc is not None:
        _from_location(data, loc, gaz, focus)
        return None
    if focus == "place":
        if slots.get("township") and not slots.get("village") and v.is_unknown(text):
            slots["village_unknown"] = True
            return None
        match = places.resolve_text(gaz, text)
        if match.status in ("ambiguous", "unknown") and slots.get("township") and match.options:
            # "东风" while asking for a village of 红星镇: prefer that township's villages.
            inside = [o for o in match.options if o.payload.startswith(f"{places.PLACE_PREFIX}{slots['township']}/")
                      and not o.payload.endswith("/")]
            if len(inside) == 1:
                match = places.resolve_text(gaz, inside[0].payload)
        problem = apply_place(data, match, force=True)
        if match.status == "ok":
            _keep_address(slots, text, gaz)
        return problem
    t_ent, v_ent = turn.entity("township"), turn.entity("village")
    match = places.resolve_names(gaz, t_ent, v_ent) if (t_ent or v_ent) else places.resolve_text(gaz, text, strict=True)
    apply_place(data, match, force=False)
    return None


def _keep_address(slots: dict, text: str, gaz: places.Gazetteer) -> None:
    """"青山镇白沙村，村口往里第三家": the words beyond the names stay on the case."""
    rest = to_simplified(text)
    names = sorted(places.spellings(gaz), key=len, reverse=True)
    for name in names:
        rest = rest.replace(name, "")
    if len(re.sub(r"[^\u4e00-\u9fff\d]", "", rest)) >= 2 and not text.startswith(places.PLACE_PREFIX):
        slots["address_text"] = text.strip()[:100]


def _from_location(data: dict, loc, gaz: places.Gazetteer, focus: str | None) -> None:
    slots = data["slots"]
    slots.update(lat=loc.lat, lng=loc.lng)
    if loc.label:
        slots.setdefault("address_text", loc.label)
    match = places.resolve_location(gaz, loc.label)
    if match.status in ("ok", "need_village") or focus == "place":
        apply_place(data, match, force=focus == "place" or not slots.get("township"))
        if match.status not in ("ok", "need_village"):
            data["place_options"] = [[o.title, o.payload] for o in match.options] or \
                [[t, f"{places.PLACE_PREFIX}{t}/"] for t in gaz.townships]


BARE_CN_AGE = re.compile(r"(?:他|她|孩子|娃儿?)?(?:今年)?(?:大概|差不多|大约|约|估计)?([零〇一二两三四五六七八九十]{1,3}|\d{1,2})"
                         r"(?:来|多)?(?:左右|上下)?(?:了|啦|吧|呀)?")


def _the_child(slots: dict, turn: Turn, focus: str | None) -> str | None:
    """The child's age, gender and name."""
    text = turn.text
    problem = None
    age = v.parse_age(text)
    ent_age = turn.entity("age")
    if age is None and ent_age is not None and str(ent_age).isdigit() and 0 <= int(ent_age) <= v.MAX_AGE:
        age = int(ent_age) if v.age_mentioned(text) or focus == "child_age" else None
    bare = BARE_CN_AGE.fullmatch(text.strip(" 。.，,"))
    if age is None and focus == "child_age" and bare:  # "十三", "十四了", "大概七八" answer "几岁"
        said = bare.group(1)
        age = int(said) if said.isdigit() else v.cn_number(said[:1] if re.fullmatch(r"[一二三四五六七八九]{2}", said) else said)
        age = age if age is not None and 0 <= age <= v.MAX_AGE else None
    if focus == "child_age":
        if age is None and v.is_unknown(text) and slots.get("age_asked_again"):
            slots["age_unknown"] = True  # said twice they do not know: filed as 年龄未填, never a loop
        elif age is None:
            problem = "unknown_age" if v.is_unknown(text) else ("bad_age" if v.age_mentioned(text) else "no_age")
            slots["age_asked_again"] = True
        slots["child_age"] = age if age is not None else slots.get("child_age")
    else:
        _set(slots, "child_age", age, force=False)
    gender = turn.entity("gender") if turn.entity("gender") in ("male", "female") else v.parse_gender(text)
    _set(slots, "child_gender", gender, force=focus == "child_age")
    name = v.parse_child_name(text)
    if name is None and focus is not None and age is not None:
        # "谭宇航 男 11岁 …" said to any question: a name leading the child's details (the
        # registration's reading; a first message is left to 叫…: it names reporters too)
        named = [e["name"] for e in child_entries(text) if e.get("age") == age]
        name = named[0] if len(named) == 1 else None
    if name is None and focus == "child_age":
        name = next((e["value"] for e in turn.entities("person_name")  # never the reporter's own name
                     if not v.names_oneself(text, int(e.get("start") or 0))), None)
    _set(slots, "child_name", name, force=focus in ("child_age", "child_name"))
    return problem


def _the_reporter(slots: dict, turn: Turn, focus: str | None) -> str | None:
    """Who reports (their role) and, for mandatory reporters, how to reach them."""
    text = turn.text
    problem = None
    role = turn.entity("reporter_role") if turn.entity("reporter_role") in REPORTER_ROLES else None
    if focus == "reporter_role":
        role = data_choice(text, "role:") or guess_role(text, loose=True) or role
        if role is None and (v.is_unknown(text) or v.declines(text)):
            role = "other"  # "不想说": not asked again, the report goes on
        if role is None:
            problem = "no_role"
    else:
        role = role or guess_role(text)
    _set(slots, "reporter_role", role, force=focus == "reporter_role")
    contact = v.split_contact(text) if focus in ("contact",) + CONTACT_SLOTS else {
        k: val for k, val in (("reporter_phone", v.parse_phone(text)),
                              ("reporter_name", v.parse_reporter_name(text)),
                              ("reporter_unit", v.parse_unit(text) if role in MANDATORY_ROLES else None))
        if val}
    if not contact.get("reporter_phone") and turn.entity("phone"):
        contact["reporter_phone"] = v.parse_phone(str(turn.entity("phone")))
    for key, val in contact.items():
        _set(slots, key, val, force=focus in ("contact", key))
    if focus in ("contact", "reporter_phone") and not contact.get("reporter_phone") and v.phone_mentioned(text):
        problem = "bad_phone"
    elif focus == "contact" and not contact:
        problem = "no_contact"
    return problem


_PLACE_KEYS = {"township", "village", "village_unknown", "lat", "lng", "address_text", "urgent", "calm"}


def _other_facts(before: dict, after: dict) -> bool:
    return any(after.get(k) != before.get(k) for k in after if k not in _PLACE_KEYS)


def data_choice(text: str, prefix: str) -> str | None:
    """A button payload like 'role:teacher' -> 'teacher'."""
    return text[len(prefix):] if text.startswith(prefix) else None


def collect_media(data: dict, turn: Turn) -> bool:
    inbound, items = turn.inbound, data.setdefault("attachments", [])
    if inbound.media is not None:
        items.append({"kind": inbound.media.kind, "ref": inbound.media.ref, "channel": inbound.channel,
                      "content_type": inbound.media.content_type})
    if inbound.location is not None:
        loc = inbound.location
        items.append({"kind": "location", "ref": f"{loc.lat},{loc.lng} {loc.label}".strip(),
                      "channel": inbound.channel})
    return inbound.media is not None or inbound.location is not None
