"""Finding an earlier report of the same child or incident, on evidence staff can check.

A place and a category alone are not evidence: two children of one village can be in
trouble the same week (a 6-year-old's poisoning was once linked to a 10-year-old's
harassment). A report is linked to an earlier one only when
  - the child's name is the same (keyed hashes: nothing is decrypted), or
  - the same reporter (phone hash) reports the same kind of trouble again, or
  - same village, same category, ages within a year, and filed close together in time,
and nothing contradicts it (two different names, genders or ages). Staff merge a link
that is right and unlink one that is wrong (core/services/case_steps.py).
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Case

DEFAULT_WINDOW_HOURS = 48   # how far back a name or reporter match reaches
DEFAULT_CLOSE_HOURS = 12    # how close in time a match without a name must be
MAX_CANDIDATES = 500


def _conflict(a: Case, b: Case) -> bool:
    """Facts that say these are two different children."""
    if a.child_name_hash and b.child_name_hash and a.child_name_hash != b.child_name_hash:
        return True
    if a.child_gender and b.child_gender and a.child_gender != b.child_gender:
        return True
    return a.child_age is not None and b.child_age is not None and abs(a.child_age - b.child_age) > 1


def evidence(new: Case, old: Case, close_hours: float = DEFAULT_CLOSE_HOURS) -> str | None:
    """Why `new` looks like a report of the same child or incident as `old`, in the words
    shown on the timeline; None when there is no such evidence."""
    if _conflict(new, old):
        return None
    if new.child_name_hash and new.child_name_hash == old.child_name_hash:
        return "儿童姓名相同"
    same_kind = new.category == old.category
    if same_kind and new.reporter_phone_hash and new.reporter_phone_hash == old.reporter_phone_hash:
        return "同一报告人再次报告同类情况"
    close = abs(new.created_at - old.created_at) <= timedelta(hours=float(close_hours))
    if (same_kind and close and new.village_id is not None and new.village_id == old.village_id
            and new.child_age is not None and old.child_age is not None):
        return "同村、同类情况、年龄相符、时间相近"
    return None


def find_duplicate(session: Session, case: Case, window_hours: float = DEFAULT_WINDOW_HOURS,
                   close_hours: float = DEFAULT_CLOSE_HOURS) -> tuple[Case, str] | None:
    """The earliest earlier open report of the same child or incident in the case's
    township, with the evidence; the original itself when that report was a linked
    duplicate. None without evidence."""
    if case.township_id is None:
        return None
    since = case.created_at - timedelta(hours=float(window_hours))
    rows = session.scalars(
        select(Case).where(Case.id != case.id, Case.township_id == case.township_id,
                           Case.created_at >= since, Case.created_at <= case.created_at,
                           Case.status.not_in(("merged",)))
        .order_by(Case.created_at, Case.id).limit(MAX_CANDIDATES))
    for earlier in rows:
        why = evidence(case, earlier, close_hours)
        if why is None:
            continue
        original = session.get(Case, earlier.duplicate_of_id) if earlier.duplicate_of_id else None
        return (original or earlier), why
    return None
