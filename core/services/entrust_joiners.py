"""What a second parent or the guardian tells us when they join a registration with the
first parent's code: their own phone and, for a parent, where they work. Kept on their
own parent rows (the phone and employer encrypted, the phone also as a keyed hash)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.crypto import phone_hash
from core.models import Parent


def _rows(session: Session, child_ids: list[int], channel_user_id: int) -> list[Parent]:
    return list(session.scalars(select(Parent).where(Parent.child_id.in_(child_ids),
                                                     Parent.channel_user_id == channel_user_id)))


def set_details(session: Session, child_ids: list[int], channel_user_id: int, *, relation: str | None = None,
                phone: str | None = None, work: dict | None = None) -> int:
    """Update the joiner's rows; returns how many."""
    rows = _rows(session, child_ids, channel_user_id)
    for row in rows:
        if relation:
            row.relation = relation
        if phone:
            row.phone, row.phone_hash = phone, phone_hash(phone)
        if work is not None:
            row.work_city, row.work_province = work.get("city"), work.get("province")
            row.work_country, row.employer = work.get("country"), work.get("employer") or work.get("work_address")
    session.flush()
    return len(rows)
