"""The instance and the record checks behind bench/blind_conversations.py.

`open_instance` migrates a fresh SQLite database, loads the demo jurisdiction and returns
the runtime and its engine (real NLU). `seed_update` gives an update card the registration
it updates, bound to the same channel account (a returning parent). `check_card` reads what
the conversation left in the database and compares it with the card's `expect`.
"""
from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

from sqlalchemy import select

from policy.text import to_simplified

# The cards' relation codes, as the registration stores them (in Chinese).
RELATIONS = {"grandfather": {"爷爷", "外公", "姥爷"}, "grandmother": {"奶奶", "外婆", "姥姥"},
             "aunt": {"姑姑", "姨妈", "阿姨", "舅妈", "婶婶", "伯母", "小姨", "大姨", "姑妈"},
             "uncle": {"叔叔", "舅舅", "伯伯", "姑父", "姨父", "大伯", "小叔"},
             "cousin": {"表哥", "表姐", "堂哥", "堂姐", "表弟", "表妹", "堂弟", "堂妹"}}
CHECKS = {"guardian_over_70": "guardian_old", "guardian_under_18": "guardian_young",
          "guardian_not_living_with_child": "guardian_apart", "no_guardian": "no_guardian",
          "guardian_unable": "guardian_unable"}


def open_instance(tmp: Path):
    from bot.app import build_runtime
    from bot.demo.setup import ensure_demo_data
    from core import crypto, migrate
    from core.settings import load_settings

    db_url = f"sqlite:///{tmp / 'shouhu.db'}"
    migrate.upgrade(db_url)
    env = {**os.environ, "SHOUHU_INSTANCE_DIR": str(tmp), "SHOUHU_DATABASE_URL": db_url,
           "SHOUHU_FIELD_KEY": crypto.generate_key(), "SHOUHU_SECRET_KEY": "bench"}
    runtime = build_runtime(load_settings(env=env))
    ensure_demo_data(runtime)
    return runtime, runtime.engine


def channel_user(runtime, card: dict, user: str) -> int:
    return runtime.engine.store.user_id(card.get("channel", "web"), user)


def seed_update(runtime, card: dict, user: str) -> None:
    """The registration an update card changes: made before, from the same account, with
    the card's own children (name, age, gender as the card says them) in the village the
    family lived in before the update ("原来住王庄村 现在搬到李家村" -> 王庄村)."""
    from core.db import transaction
    from core.services import children as svc

    a, e = card["answers"], card["expect"]
    said = a.get("children") or [a.get("child_name") or "张小明"]
    phone = a.get("parent_phone") or a.get("old_phone") or "13800009999"
    cu_id = channel_user(runtime, card, user)
    village = _village_before(runtime, a.get("home_place") or "", e["township"], e["village"])
    with transaction(runtime.sessions) as s:
        for i, kid in enumerate(said):
            kid = to_simplified(str(kid))
            name = re.split(r"[\s，,]", kid)[0][:4]
            age = re.search(r"(\d{1,2})岁", kid)
            female = "女" in kid or (len(said) == 1 and re.search(r"女儿|闺女|女孩", card["first"]))
            child = svc.create_child(s, name, e["township"], village, gender="female" if female else "male",
                                     birth_date=date(date.today().year - (int(age.group(1)) if age else 10 + i), 3, 1),
                                     actor="bench")
            parent = svc.add_parent(s, child, "parent", name=str(a.get("parent_name", "张建国"))[:4],
                                    phone=phone, channel_user_id=cu_id)
            svc.register_entrustment(s, child, svc.EntrustmentInput(
                guardian_name="王秀英", guardian_relation="奶奶", guardian_phone="13900008888",
                work_city="北京", parent_phone=phone, parent_id=parent.id), actor="bench")


def _village_before(runtime, home_place: str, township: str, village: str) -> str:
    """The village named after 原来/以前 in the card's home answer, if it is another one."""
    from core.models import Township, Village

    said = to_simplified(home_place)
    before = re.search(r"(?:原来|以前|之前)(.*?)(?:现在|搬|$)", said)
    if not before:
        return village
    with runtime.sessions() as s:
        names = s.scalars(select(Village.name).join(Township, Village.township_id == Township.id)
                          .where(Township.name == township)).all()
    known = next((n for n in names if n in before.group(1) and n != village), None)
    return known or village


def check_card(runtime, card: dict, user: str) -> tuple[bool, str]:
    cu_id = channel_user(runtime, card, user)
    with runtime.sessions() as s:
        if card["kind"] == "report":
            return _check_report(s, card["expect"], cu_id)
        return _check_family(s, card["expect"], cu_id)


def _check_report(s, e: dict, cu_id: int) -> tuple[bool, str]:
    from core.models import Case, Township, Village

    case = s.scalar(select(Case).where(Case.reporter_channel_user_id == cu_id).order_by(Case.id.desc()))
    if case is None:
        return False, "no case filed"
    wrong = []
    if case.category != e.get("category"):
        wrong.append(f"category {case.category}")
    if (case.urgency == "urgent") != bool(e.get("urgent")):
        wrong.append(f"urgency {case.urgency}")
    village = case.village_id and s.get(Village, case.village_id)
    township = case.township_id and s.get(Township, case.township_id)
    if not village or village.name != e.get("village") or not township or township.name != e.get("township"):
        wrong.append("place")
    if e.get("child_age") is not None and case.child_age != e["child_age"]:
        wrong.append(f"age {case.child_age}")
    return not wrong, ", ".join(wrong)


def _check_family(s, e: dict, cu_id: int) -> tuple[bool, str]:
    from core.models import Child, Parent, Village
    from core.services.children import current_entrustment

    kids = list(s.scalars(select(Child).join(Parent, Parent.child_id == Child.id)
                          .where(Parent.channel_user_id == cu_id).distinct()))
    if not kids:
        return False, "no registration"
    wrong = []
    if e.get("children") and len(kids) != e["children"]:
        wrong.append(f"{len(kids)} children")
    if e.get("entrustment_ended"):
        if any(k.status == "left_behind" for k in kids):
            wrong.append("still left behind")
        return not wrong, ", ".join(wrong)
    cur = current_entrustment(kids[0])
    if cur is None:
        return False, "no current entrustment"
    if e.get("work_city") and cur.work_city != e["work_city"]:
        wrong.append(f"work city {cur.work_city}")
    if e.get("guardian_relation") and cur.guardian_relation not in RELATIONS.get(e["guardian_relation"], set()):
        wrong.append(f"relation {cur.guardian_relation}")
    if e.get("guardian_age") and cur.guardian_age != e["guardian_age"]:
        wrong.append(f"guardian age {cur.guardian_age}")
    if e.get("parent_phone") and cur.parent_phone != e["parent_phone"]:
        wrong.append("parent phone")
    if e.get("school") and (kids[0].school_name or "") != e["school"]:
        wrong.append(f"school {kids[0].school_name}")
    village = kids[0].village_id and s.get(Village, kids[0].village_id)
    if e.get("village") and (not village or village.name != e["village"]):
        wrong.append("village")
    want = {CHECKS.get(c, c) for c in e.get("checks", []) if c != "none"}
    have = set((cur.concerns or "").split(",")) - {""}
    if want != have:
        wrong.append(f"checks {sorted(have)}")
    return not wrong, ", ".join(wrong)
