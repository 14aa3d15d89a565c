"""Parents register who looks after their children while they work away (委托监护).

Policy: before leaving, parents tell the village committee and the school where they work,
how to reach them and who the entrusted guardian is. One registration covers all of a
family's children; each child has one file (一人一档) with versioned entrustments: every
change adds a version and closes the previous one, so history is kept. A family is found
by the channel account it was registered from (or, from a new device, by a child's name
and the parent's phone, which the flow then confirms with a one-time code).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.crypto import cipher, phone_hash
from core.db import utcnow
from core.models import Child, Entrustment, Parent, School, Township, Village
from core.services import entrust_checks, entrust_notices
from core.services.children import (
    EntrustmentInput,
    add_parent,
    create_child,
    current_entrustment,
    register_entrustment,
)
from core.services.errors import Invalid
from core.services.left_behind import age_on, concerns


@dataclass
class KidFacts:
    name: str
    gender: str | None = None
    age: int | None = None
    school: str | None = None
    school_class: str | None = None
    child_id: int | None = None  # set for a child already on file
    birth_date: date | None = None  # when the parent said it ("2015年3月生"); else estimated from the age


@dataclass
class Family:
    township: str
    village: str | None
    parent_phone: str
    work_city: str
    children: list[KidFacts]
    parent_name: str | None = None
    parent_role: str = "parent"  # father / mother / parent
    work_province: str | None = None
    work_country: str | None = None
    employer: str | None = None
    work_address: str | None = None
    left_on: date | None = None
    return_plan: str | None = None
    other_parent: str | None = None  # away / unable / home / none
    guardian: dict = field(default_factory=dict)  # name, relation, phone, age, health, lives_with


@dataclass
class Saved:
    child_ids: list[int]
    versions: list[int]
    updated: bool
    concerns: list[str]


def _birth_date(age: int | None, today: date) -> date | None:
    # Parents say an age, not a date: keep the latest birth date that gives that age today.
    return None if age is None else today.replace(year=today.year - age)


def _school(session: Session, township_id: int, said: str | None) -> tuple[int | None, str | None]:
    if not said:
        return None, None
    exact = session.scalar(select(School).where(School.name == said).limit(1))  # any township: a transfer
    schools = session.scalars(select(School).where(School.township_id == township_id)).all()
    core = said.replace("镇", "").replace("乡", "")
    loose = [s for s in schools if core and core in s.name.replace("镇", "").replace("乡", "")]
    found = exact or (loose[0] if len(loose) == 1 else None)
    return (found.id, found.name) if found else (None, said)


def _child_row(session: Session, fam: Family, kid: KidFacts, actor: str, today: date) -> Child:
    if kid.child_id:
        child = session.get(Child, kid.child_id)
    else:
        child = create_child(session, kid.name, fam.township, fam.village, gender=kid.gender,
                             birth_date=kid.birth_date or _birth_date(kid.age, today), actor=actor)
    town = session.scalar(select(Township).where(Township.name == fam.township))
    village = session.scalar(select(Village).where(Village.township_id == town.id, Village.name == fam.village)) \
        if fam.village else None
    child.township_id, child.village_id = town.id, village.id if village else None
    child.gender = kid.gender or child.gender
    if kid.birth_date:
        child.birth_date = kid.birth_date
    elif kid.age is not None and age_on(child.birth_date, today) != kid.age:
        child.birth_date = _birth_date(kid.age, today)
    child.school_id, child.school_name = _school(session, town.id, kid.school)
    child.school_class = kid.school_class
    child.status = "left_behind"
    return child


def _parent_row(session: Session, child: Child, fam: Family, channel_user_id: int | None) -> Parent:
    digest = phone_hash(fam.parent_phone)
    parent = next((p for p in child.parents if channel_user_id and p.channel_user_id == channel_user_id), None) \
        or next((p for p in child.parents if p.phone_hash == digest), None)
    if parent is None:
        return add_parent(session, child, fam.parent_role, name=fam.parent_name, phone=fam.parent_phone,
                          channel_user_id=channel_user_id)
    parent.phone, parent.phone_hash = fam.parent_phone, digest
    parent.name = fam.parent_name or parent.name
    if fam.parent_role != "parent":
        parent.relation = fam.parent_role
    parent.channel_user_id = parent.channel_user_id or channel_user_id
    return parent


def save_family(session: Session, fam: Family, channel_user_id: int | None, now: datetime | None = None,
                notifier=None, change: str | None = None) -> Saved:
    """Create or update every child's file and add an entrustment version for each; the
    village committee and the school are told, and concerns become follow-up tasks."""
    now = now or utcnow()
    actor = f"channel:{channel_user_id}" if channel_user_id else "chat"
    if session.scalar(select(Township).where(Township.name == fam.township)) is None:
        raise Invalid(f"unknown township '{fam.township}'")
    g = fam.guardian
    found = concerns([k.age for k in fam.children], fam.other_parent, g)
    saved = Saved([], [], False, found)
    for kid in fam.children:
        kid.child_id = kid.child_id or _same_child(session, fam, kid, channel_user_id)
        saved.updated = saved.updated or bool(kid.child_id)
        child = _child_row(session, fam, kid, actor, now.date())
        parent = _parent_row(session, child, fam, channel_user_id)
        row = register_entrustment(session, child, EntrustmentInput(
            guardian_name=g.get("name") or "", guardian_relation=g.get("relation"),
            guardian_phone=g.get("phone"), work_city=fam.work_city, work_address=fam.work_address,
            parent_phone=fam.parent_phone,
            parent_id=parent.id, start_date=now.date()), actor=actor, now=now)
        row.work_province, row.work_country, row.employer = fam.work_province, fam.work_country, fam.employer
        row.left_on, row.return_plan, row.other_parent = fam.left_on, fam.return_plan, fam.other_parent
        row.guardian_age, row.guardian_health = g.get("age"), g.get("health")
        row.guardian_lives_with = g.get("lives_with")
        row.change = (change or ("新登记" if row.version == 1 else "重新登记"))[:200]
        row.concerns = ",".join(found) or None
        saved.child_ids.append(child.id)
        saved.versions.append(row.version)
        entrust_notices.changed(session, child, row, notifier, now)
    entrust_checks.answered(session, saved.child_ids, now)
    session.flush()
    return saved


def _same_child(session: Session, fam: Family, kid: KidFacts, channel_user_id: int | None) -> int | None:
    """The same child: same name and township, registered with the same parent phone from
    this account (or from none). Someone else who knows a child's name and the parent's
    phone gets a new file for the village to check, never a say over the existing one."""
    town = session.scalar(select(Township).where(Township.name == fam.township))
    name_hash = cipher().lookup_hash("name:" + kid.name.strip())
    account = Parent.channel_user_id.is_(None)
    if channel_user_id:
        account = account | (Parent.channel_user_id == channel_user_id)
    return session.scalar(
        select(Child.id).join(Parent, Parent.child_id == Child.id)
        .where(Child.name_hash == name_hash, Child.township_id == town.id,
               Parent.phone_hash == phone_hash(fam.parent_phone), account).limit(1))


def family_of(session: Session, channel_user_id: int) -> list[Child]:
    """The children registered by (or joined from) this channel account."""
    if not channel_user_id:
        return []
    return list(session.scalars(select(Child).join(Parent, Parent.child_id == Child.id)
                                .where(Parent.channel_user_id == channel_user_id).order_by(Child.id)).unique())


def find_parent(session: Session, child_name: str, parent_phone: str) -> Parent | None:
    """A parent row by a child's name and the parent's phone (both keyed hashes)."""
    name_hash = cipher().lookup_hash("name:" + child_name.strip())
    return session.scalar(select(Parent).join(Child, Parent.child_id == Child.id)
                          .where(Child.name_hash == name_hash, Parent.phone_hash == phone_hash(parent_phone))
                          .order_by(Parent.id))


def siblings(session: Session, parent: Parent) -> list[Child]:
    """Every child this parent (same phone or same account) registered."""
    cond = Parent.phone_hash == parent.phone_hash
    if parent.channel_user_id:
        cond = cond | (Parent.channel_user_id == parent.channel_user_id)
    return list(session.scalars(select(Child).join(Parent, Parent.child_id == Child.id).where(cond)
                                .order_by(Child.id)).unique())


def bind(session: Session, children: list[Child], parent_phone: str, channel_user_id: int,
         relation: str = "parent") -> None:
    """Attach a channel account to these children's parent rows (after a confirmed code)."""
    digest = phone_hash(parent_phone)
    for child in children:
        row = next((p for p in child.parents if p.phone_hash == digest), None)
        if row is None:
            add_parent(session, child, relation, phone=parent_phone, channel_user_id=channel_user_id)
        else:
            row.channel_user_id = channel_user_id
    session.flush()


def join(session: Session, children: list[Child], channel_user_id: int, relation: str) -> None:
    """A second parent or the guardian joins with a code the first parent gave them."""
    for child in children:
        if not any(p.channel_user_id == channel_user_id for p in child.parents):
            add_parent(session, child, relation, channel_user_id=channel_user_id)
    session.flush()


def current_family(session: Session, children: list[Child], channel_user_id: int | None) -> Family | None:
    """The family's registration as it stands (from the newest live entrustment)."""
    live = [(c, current_entrustment(c)) for c in children]
    live = [(c, e) for c, e in live if e is not None and e.ended_at is None]
    if not live:
        return None
    first, e = live[0]
    parent = next((p for p in first.parents if channel_user_id and p.channel_user_id == channel_user_id),
                  first.parents[0] if first.parents else None)
    today = utcnow().date()
    kids = [KidFacts(c.name, c.gender, age_on(c.birth_date, today), c.school.name if c.school else c.school_name,
                     c.school_class, c.id) for c, _ in live]
    return Family(
        township=first.township.name, village=first.village.name if first.village else None,
        parent_phone=e.parent_phone or (parent.phone if parent else ""), work_city=e.work_city or "",
        children=kids, parent_name=parent.name if parent else None,
        parent_role=parent.relation if parent else "parent", work_province=e.work_province,
        work_country=e.work_country, employer=e.employer, work_address=e.work_address, left_on=e.left_on,
        return_plan=e.return_plan,
        other_parent=e.other_parent,
        guardian={"name": e.guardian_name or None, "relation": e.guardian_relation, "phone": e.guardian_phone,
                  "age": e.guardian_age, "health": e.guardian_health, "lives_with": e.guardian_lives_with})


def end_family(session: Session, children: list[Child], channel_user_id: int | None, now: datetime | None = None,
               notifier=None) -> int:
    """The parents are home for good: a last version marks the entrustment ended; the
    children stay on file, no longer left behind. Returns how many children."""
    now = now or utcnow()
    actor = f"channel:{channel_user_id}" if channel_user_id else "chat"
    ended = 0
    for child in children:
        e = current_entrustment(child)
        if e is None or e.ended_at is not None:
            continue
        row = register_entrustment(session, child, dataclasses.replace(_input_of(e), end_date=now.date()),
                                   actor=actor, now=now)
        _copy_details(e, row)
        row.ended_at, row.change, row.concerns = now, "父母回家，不再委托监护", None
        child.status = "other"
        entrust_notices.changed(session, child, row, notifier, now)
        ended += 1
    session.flush()
    return ended


def _input_of(e: Entrustment) -> EntrustmentInput:
    return EntrustmentInput(guardian_name=e.guardian_name or "", guardian_relation=e.guardian_relation,
                            guardian_phone=e.guardian_phone, work_city=e.work_city, work_address=e.work_address,
                            parent_phone=e.parent_phone, parent_id=e.parent_id, start_date=e.start_date)


def _copy_details(src: Entrustment, dst: Entrustment) -> None:
    for name in ("work_province", "work_country", "employer", "left_on", "return_plan", "other_parent",
                 "guardian_age", "guardian_health", "guardian_lives_with"):
        setattr(dst, name, getattr(src, name))


# -- the older single-child entry point, kept for callers outside the chat --------------
@dataclass
class Registration:
    child_name: str
    township: str
    village: str | None
    parent_relation: str
    parent_phone: str
    work_city: str
    guardian_name: str
    guardian_relation: str | None
    guardian_phone: str


def register_from_chat(session: Session, reg: Registration, channel_user_id: int | None,
                       now: datetime | None = None) -> Saved:
    return save_family(session, Family(
        township=reg.township, village=reg.village, parent_phone=reg.parent_phone, work_city=reg.work_city,
        children=[KidFacts(reg.child_name)], parent_role=reg.parent_relation,
        guardian={"name": reg.guardian_name, "relation": reg.guardian_relation, "phone": reg.guardian_phone}),
        channel_user_id, now=now)
