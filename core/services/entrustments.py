"""Parents register who looks after their child while they work away (委托监护).

Policy: before leaving, parents tell the village committee and the school where they work,
how to reach them and who the entrusted guardian is. A registration by chat creates or
updates the child's file (一人一档) and asks the village committee to verify it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.crypto import cipher, phone_hash
from core.db import utcnow
from core.models import Child, FollowUpTask, Parent, Township, Village
from core.services.children import EntrustmentInput, add_parent, create_child, register_entrustment
from core.services.errors import Invalid

VERIFY_WITHIN_DAYS = 7


@dataclass
class Registration:
    child_name: str
    township: str
    village: str | None
    parent_relation: str  # father / mother / parent
    parent_phone: str
    work_city: str
    guardian_name: str
    guardian_relation: str | None
    guardian_phone: str


@dataclass
class Registered:
    child_id: int
    version: int
    updated: bool  # a new version of an existing entrustment


def _find_child(session: Session, reg: Registration) -> Child | None:
    """The same child: same name and township, registered with the same parent phone."""
    town = session.scalar(select(Township).where(Township.name == reg.township))
    if town is None:
        raise Invalid(f"unknown township '{reg.township}'")
    name_hash = cipher().lookup_hash("name:" + reg.child_name.strip())
    return session.scalar(
        select(Child).join(Parent, Parent.child_id == Child.id)
        .where(Child.name_hash == name_hash, Child.township_id == town.id,
               Parent.phone_hash == phone_hash(reg.parent_phone)))


def register_from_chat(session: Session, reg: Registration, channel_user_id: int | None,
                       now: datetime | None = None) -> Registered:
    now = now or utcnow()
    child = _find_child(session, reg)
    updated = child is not None
    actor = f"channel:{channel_user_id}" if channel_user_id else "chat"
    if child is None:
        child = create_child(session, reg.child_name, reg.township, reg.village, actor=actor)
    parent = next((p for p in child.parents if p.phone_hash == phone_hash(reg.parent_phone)), None)
    if parent is None:
        parent = add_parent(session, child, reg.parent_relation, phone=reg.parent_phone,
                            channel_user_id=channel_user_id)
    row = register_entrustment(session, child, EntrustmentInput(
        guardian_name=reg.guardian_name, guardian_relation=reg.guardian_relation,
        guardian_phone=reg.guardian_phone, work_city=reg.work_city,
        parent_phone=reg.parent_phone, parent_id=parent.id, start_date=now.date()),
        actor=actor, now=now)
    village = session.get(Village, child.village_id) if child.village_id else None
    unit = f"{village.name}村（居）委会" if village else f"{reg.township}人民政府"
    session.add(FollowUpTask(child_id=child.id, kind="verify_entrustment", assigned_unit=unit,
                             due_at=now + timedelta(days=VERIFY_WITHIN_DAYS),
                             note=f"核实委托监护信息（第{row.version}版）"))
    session.flush()
    return Registered(child_id=child.id, version=row.version, updated=updated)

