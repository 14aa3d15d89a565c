"""Cases: submission (numbering, routing, deadlines), timeline events, scoped reads."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core import categories
from core.crypto import cipher, phone_hash
from core.db import utcnow
from core.models import Case, CaseCounter, CaseEvent, StaffUser, Township, Village
from core.models.cases import CATEGORIES, MANDATORY_ROLES, REPORTER_ROLES, URGENCIES
from core.services import audit
from core.services.errors import Invalid, NotFound
from core.services.scope import case_scope

DEFAULT_ROUTING = categories.routing()
DEFAULT_DEADLINES = {"urgent": 15, "high": 120, "normal": 1440}


@dataclass
class CaseDraft:
    category: str
    urgency: str
    reporter_role: str
    description: str
    township: str | None = None
    village: str | None = None
    address_text: str | None = None
    child_name: str | None = None
    child_age: int | None = None
    child_gender: str | None = None
    reporter_name: str | None = None
    reporter_unit: str | None = None
    reporter_phone: str | None = None
    reporter_channel_user_id: int | None = None
    lat: float | None = None
    lng: float | None = None
    extra: dict = field(default_factory=dict)


def route(category: str, township: Township | None, routing: dict | None = None) -> str:
    """The unit that receives a case: the category table's routing, overridden by the
    config's for the categories it names."""
    template = categories.routing(routing).get(category) or DEFAULT_ROUTING[categories.FALLBACK]
    if township is None:
        return categories.fill(template)
    school = township.schools[0].name if township.schools else f"{township.name}中心学校"
    region = township.region.name if township.region is not None else None
    return categories.fill(template, police_station=township.police_station, township=township.name,
                           school=school, region=region)


def name_hash(name: str | None) -> str | None:
    """Keyed hash of a child's name, to find reports about the same child without decrypting."""
    if not name or not name.strip():
        return None
    return cipher().lookup_hash("name:" + "".join(name.split()))


def _format_number(now: datetime, seq: int) -> str:
    """BG-YYYYMMDD-NNNN: four digits at least, more past 9999 cases a day."""
    return f"BG-{now:%Y%m%d}-{seq:04d}"


def _next_number(session: Session, now: datetime) -> str:
    """Take the day's next number with one atomic upsert on its counter row.

    A max(number)+1 read cannot work under concurrency: on PostgreSQL every worker reads
    the same max, all but one then block on the unique index until the winner's turn
    commits and fail, and the next round repeats that. The upsert instead waits on the
    counter row and reads the value the previous holder committed. The row stays locked
    until the filing transaction ends, so a rolled-back filing leaves no gap."""
    table = CaseCounter.__table__
    upsert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = (upsert(table).values(day=f"{now:%Y%m%d}", last=1)
            .on_conflict_do_update(index_elements=[table.c.day], set_={"last": table.c.last + 1})
            .returning(table.c.last))
    return _format_number(now, session.execute(stmt).scalar_one())


def _validate(d: CaseDraft) -> None:
    if d.category not in CATEGORIES:
        raise Invalid(f"unknown category '{d.category}'")
    if d.urgency not in URGENCIES:
        raise Invalid(f"unknown urgency '{d.urgency}'")
    if d.reporter_role not in REPORTER_ROLES:
        raise Invalid(f"unknown reporter role '{d.reporter_role}'")
    if not (d.description or "").strip():
        raise Invalid("the description is empty")
    if d.child_age is not None and not 0 <= d.child_age <= 18:
        raise Invalid("the child's age must be between 0 and 18")


def submit_case(session: Session, draft: CaseDraft, routing: dict | None = None,
                deadlines: dict | None = None, now: datetime | None = None,
                by: str = "reporter", submission_key: str | None = None) -> Case:
    _validate(draft)
    now = now or utcnow()
    township = village = None
    if draft.township:
        township = session.scalar(select(Township).where(Township.name == draft.township))
        if township is None:
            raise Invalid(f"unknown township '{draft.township}'")
    if draft.village:
        q = select(Village).where(Village.name == draft.village)
        if township is not None:
            q = q.where(Village.township_id == township.id)
        village = session.scalar(q)
        if village is None:
            raise Invalid(f"unknown village '{draft.village}'")
        township = township or village.township
    minutes = (deadlines or DEFAULT_DEADLINES).get(draft.urgency, DEFAULT_DEADLINES[draft.urgency])
    case = Case(
        category=draft.category, urgency=draft.urgency, status="submitted",
        reporter_role=draft.reporter_role,
        mandatory_reporter=draft.reporter_role in MANDATORY_ROLES,
        reporter_name=draft.reporter_name, reporter_unit=draft.reporter_unit,
        reporter_phone=draft.reporter_phone, reporter_phone_hash=phone_hash(draft.reporter_phone),
        reporter_channel_user_id=draft.reporter_channel_user_id,
        child_name=draft.child_name, child_name_hash=name_hash(draft.child_name),
        child_age=draft.child_age, child_gender=draft.child_gender,
        township_id=township.id if township else None, village_id=village.id if village else None,
        address_text=draft.address_text, lat=draft.lat, lng=draft.lng,
        description=draft.description.strip(), assigned_unit=route(draft.category, township, routing),
        accept_deadline=now + timedelta(minutes=int(minutes)), created_at=now, updated_at=now,
        submission_key=submission_key,
    )
    case.number = _next_number(session, now)
    session.add(case)
    session.flush()
    session.add(CaseEvent(case_id=case.id, action="submitted", status_to="submitted", by=by, at=now,
                          note=f"分派至{case.assigned_unit}"))
    session.flush()
    return case


def add_event(session: Session, case: Case, action: str, by: str, note: str | None = None,
              status_to: str | None = None, now: datetime | None = None,
              detail: dict | None = None) -> CaseEvent:
    now = now or utcnow()
    event = CaseEvent(case_id=case.id, action=action, by=by, note=note, at=now,
                      status_from=case.status if status_to else None, status_to=status_to,
                      detail=json.dumps(detail, ensure_ascii=False) if detail else None)
    if status_to:
        case.status = status_to
    case.updated_at = now
    session.add(event)
    session.flush()
    return event


def list_cases(session: Session, user: StaffUser, status: str | None = None,
               category: str | None = None, township: str | None = None,
               since: datetime | None = None, limit: int = 200, offset: int = 0,
               source: str | None = None) -> list[Case]:
    q = select(Case).where(case_scope(user))
    if status:
        q = q.where(Case.status == status)
    if category:
        q = q.where(Case.category == category)
    if township:
        q = q.join(Township, Case.township_id == Township.id).where(Township.name == township)
    if since:
        q = q.where(Case.created_at >= since)
    rows = session.scalars(q.order_by(Case.created_at.desc(), Case.id.desc()).limit(limit).offset(offset)).all()
    audit.record(session, f"staff:{user.id}", "list", "case", source=source, detail=f"{len(rows)} rows")
    return list(rows)


def get_case(session: Session, user: StaffUser, number: str, source: str | None = None) -> Case:
    case = session.scalar(select(Case).where(Case.number == number, case_scope(user)))
    if case is None:
        # Out-of-scope and missing look the same to the caller.
        raise NotFound(f"no case {number}")
    audit.record(session, f"staff:{user.id}", "view", "case", case.id, source=source)
    return case


def case_to_dict(case: Case) -> dict:
    child = {k: v for k, v in (("name", case.child_name), ("age", case.child_age),
                               ("gender", case.child_gender)) if v is not None}
    return {
        "number": case.number, "category": case.category, "urgency": case.urgency,
        "status": case.status, "reporter_role": case.reporter_role,
        "mandatory_reporter": case.mandatory_reporter, "child": child,
        "township": case.township.name if case.township else None,
        "village": case.village.name if case.village else None,
        "address_text": case.address_text, "description": case.description,
        "assigned_unit": case.assigned_unit,
        "created_at": case.created_at.isoformat() + "Z",
        "events": [{"action": e.action, "by": e.by, "at": e.at.isoformat() + "Z", "note": e.note,
                    **({"detail": e.content} if e.detail else {})} for e in case.events],
    }


def reporter_cases(session: Session, channel_user_id: int, number: str | None = None,
                   limit: int = 5) -> list[Case]:
    """A reporter's OWN cases (newest first); a number they did not report finds nothing."""
    q = select(Case).where(Case.reporter_channel_user_id == channel_user_id)
    if number:
        q = q.where(Case.number == number)
    return list(session.scalars(q.order_by(Case.created_at.desc(), Case.id.desc()).limit(limit)))
