"""The child ledger (一人一档) and versioned entrustments (委托监护)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.crypto import cipher, id_number_hash, phone_hash
from core.db import utcnow
from core.models import Child, Entrustment, Parent, StaffUser, Township, Village
from core.services import audit
from core.services.errors import Invalid, NotFound
from core.services.left_behind import status as left_behind_status
from core.services.scope import child_scope


@dataclass
class EntrustmentInput:
    guardian_name: str
    guardian_relation: str | None = None
    guardian_phone: str | None = None
    work_city: str | None = None
    work_address: str | None = None
    parent_phone: str | None = None
    parent_id: int | None = None
    start_date: date | None = None
    end_date: date | None = None


def create_child(session: Session, name: str, township: str, village: str | None = None,
                 gender: str | None = None, birth_date: date | None = None,
                 id_number: str | None = None, address: str | None = None,
                 actor: str = "system") -> Child:
    if not (name or "").strip():
        raise Invalid("the child's name is empty")
    t = session.scalar(select(Township).where(Township.name == township))
    if t is None:
        raise Invalid(f"unknown township '{township}'")
    v = None
    if village:
        v = session.scalar(select(Village).where(Village.township_id == t.id, Village.name == village))
        if v is None:
            raise Invalid(f"unknown village '{village}' in {t.name}")
    child = Child(name=name.strip(), name_hash=cipher().lookup_hash("name:" + name.strip()),
                  township_id=t.id, village_id=v.id if v else None, gender=gender,
                  birth_date=birth_date, id_number=id_number, id_number_hash=id_number_hash(id_number),
                  address=address)
    session.add(child)
    session.flush()
    audit.record(session, actor, "create", "child", child.id)
    return child


def add_parent(session: Session, child: Child, relation: str, name: str | None = None,
               phone: str | None = None, channel_user_id: int | None = None) -> Parent:
    parent = Parent(child_id=child.id, relation=relation, name=name, phone=phone,
                    phone_hash=phone_hash(phone), channel_user_id=channel_user_id)
    session.add(parent)
    session.flush()
    return parent


def current_entrustment(child: Child) -> Entrustment | None:
    live = [e for e in child.entrustments if e.superseded_at is None]
    return live[-1] if live else None


def register_entrustment(session: Session, child: Child, data: EntrustmentInput,
                         actor: str = "system", now: datetime | None = None) -> Entrustment:
    """Add a new version; the previous one is closed, never overwritten."""
    if data.guardian_name is None:  # "" = nobody was entrusted (a policy concern, kept on file)
        raise Invalid("the entrusted guardian's name is missing")
    now = now or utcnow()
    previous = current_entrustment(child)
    version = max((e.version for e in child.entrustments), default=0) + 1
    if previous is not None:
        previous.superseded_at = now
    row = Entrustment(child_id=child.id, version=version, parent_id=data.parent_id,
                      work_city=data.work_city, work_address=data.work_address,
                      parent_phone=data.parent_phone, guardian_name=data.guardian_name.strip(),
                      guardian_relation=data.guardian_relation, guardian_phone=data.guardian_phone,
                      guardian_phone_hash=phone_hash(data.guardian_phone),
                      start_date=data.start_date, end_date=data.end_date, created_at=now,
                      created_by=actor)
    session.add(row)
    session.flush()
    session.refresh(child)
    audit.record(session, actor, "create", "entrustment", row.id, detail=f"child={child.id} v{version}")
    return row


def list_children(session: Session, user: StaffUser, limit: int = 200, offset: int = 0,
                  source: str | None = None) -> list[Child]:
    rows = session.scalars(select(Child).where(child_scope(user)).order_by(Child.id)
                           .limit(limit).offset(offset)).all()
    audit.record(session, f"staff:{user.id}", "list", "child", source=source, detail=f"{len(rows)} rows")
    return list(rows)


def get_child(session: Session, user: StaffUser, child_id: int, source: str | None = None) -> Child:
    child = session.scalar(select(Child).where(Child.id == child_id, child_scope(user)))
    if child is None:
        raise NotFound(f"no child {child_id}")
    audit.record(session, f"staff:{user.id}", "view", "child", child.id, source=source)
    return child


def _iso(value) -> str | None:
    if value is None:
        return None
    return value.isoformat() + ("Z" if isinstance(value, datetime) else "")


def entrustment_to_dict(e: Entrustment | None) -> dict | None:
    if e is None:
        return None
    return {"version": e.version, "guardian_name": e.guardian_name or None,
            "guardian_relation": e.guardian_relation, "guardian_phone": e.guardian_phone,
            "guardian_age": e.guardian_age, "guardian_health": e.guardian_health,
            "guardian_lives_with_child": e.guardian_lives_with,
            "work_city": e.work_city, "work_province": e.work_province, "work_country": e.work_country,
            "work_address": e.work_address, "employer": e.employer, "parent_phone": e.parent_phone,
            "left_on": _iso(e.left_on), "return_plan": e.return_plan, "other_parent": e.other_parent,
            "concerns": (e.concerns or "").split(",") if e.concerns else [],
            "change": e.change, "start_date": _iso(e.start_date), "end_date": _iso(e.end_date),
            "ended_at": _iso(e.ended_at), "created_at": _iso(e.created_at),
            "superseded_at": _iso(e.superseded_at)}


def child_to_dict(child: Child, today: date | None = None) -> dict:
    current = current_entrustment(child)
    lb = left_behind_status(child, current, today or utcnow().date())
    return {"id": child.id, "name": child.name, "gender": child.gender,
            "birth_date": child.birth_date.isoformat() if child.birth_date else None,
            "township": child.township.name, "village": child.village.name if child.village else None,
            "school": child.school.name if child.school else child.school_name,
            "school_class": child.school_class,
            "left_behind": lb.left_behind, "left_behind_reason": lb.reason,
            "status": child.status,
            "last_checked_at": child.last_checked_at.isoformat() + "Z" if child.last_checked_at else None,
            "parents": [{"relation": p.relation, "name": p.name, "phone": p.phone, "work_city": p.work_city,
                         "work_province": p.work_province, "work_country": p.work_country, "employer": p.employer}
                        for p in child.parents],
            "entrustment": entrustment_to_dict(current),
            "entrustment_versions": len(child.entrustments),
            "entrustment_history": [entrustment_to_dict(e) for e in child.entrustments]}
