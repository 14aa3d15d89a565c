"""The staff inbox: scoped, filtered, searched and paged; urgent and waiting cases first.

Search never decrypts the table: a case number is matched as text, a child's name and a
reporter's phone through their keyed lookup hashes (core/crypto.py).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core import localtime, permissions
from core.crypto import normalize_phone, phone_hash
from core.models import Case, StaffUser
from core.models.indexes import URGENCY_RANK, WAITING_RANK
from core.services import audit
from core.services.cases import name_hash
from core.services.scope import case_scope

PER_PAGE = 50
ALL, OPEN = "all", "open"
_NUMBER = re.compile(r"[A-Za-z]{2}-?\d{0,8}-?\d{0,4}")


@dataclass
class InboxQuery:
    status: str = OPEN              # OPEN (default: not closed or merged), ALL or one status
    category: str | None = None
    township_id: int | None = None
    village_id: int | None = None
    date_from: date | None = None   # local calendar days, inclusive
    date_to: date | None = None
    q: str = ""                     # a case number, a child's name or a reporter's phone
    page: int = 1
    per_page: int = PER_PAGE


@dataclass
class Page:
    rows: list[Case] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def search_condition(q: str):
    """What a search box text matches: case numbers as text, names and phones by hash."""
    q = (q or "").strip()[:40]
    if not q:
        return None
    matches = []
    if _NUMBER.fullmatch(q):
        matches.append(Case.number.like(q.upper().replace("%", "").replace("_", "") + "%"))
    digits = normalize_phone(q)
    if len(digits) >= 7 and len(digits) >= len(re.sub(r"[\s\-+()]", "", q)) - 2:
        matches.append(Case.reporter_phone_hash == phone_hash(q))
    if not digits:
        matches.append(Case.child_name_hash == name_hash(q))
    return or_(*matches) if matches else Case.id.is_(None)


def _filters(query: InboxQuery, tz) -> list:
    conds = []
    if query.status == OPEN:
        conds.append(Case.status.in_(permissions.OPEN))
    elif query.status != ALL:
        conds.append(Case.status == query.status)
    if query.category:
        conds.append(Case.category == query.category)
    if query.township_id:
        conds.append(Case.township_id == query.township_id)
    if query.village_id:
        conds.append(Case.village_id == query.village_id)
    if query.date_from:
        conds.append(Case.created_at >= localtime.day_start_utc(query.date_from, tz))
    if query.date_to:
        conds.append(Case.created_at < localtime.day_start_utc(query.date_to, tz, days_later=1))
    found = search_condition(query.q)
    if found is not None:
        conds.append(found)
    return conds


def inbox(session: Session, user: StaffUser, query: InboxQuery, tz=None,
          source: str | None = None) -> Page:
    """One page of the cases the staff member may see: urgent first, then those waiting
    for acceptance, then by acceptance deadline (the oldest report first)."""
    tz = tz or localtime.zone()
    where = [case_scope(user), *_filters(query, tz)]
    total = session.scalar(select(func.count()).select_from(Case).where(*where)) or 0
    page = Page(total=total, per_page=query.per_page)
    page.page = min(max(1, query.page), page.pages)
    page.rows = list(session.scalars(
        select(Case).where(*where)
        .order_by(URGENCY_RANK, WAITING_RANK, Case.accept_deadline, Case.id)
        .limit(query.per_page).offset((page.page - 1) * query.per_page)))
    audit.record(session, f"staff:{user.id}", "list", "case", source=source,
                 detail=f"inbox page {page.page}: {len(page.rows)} of {total}"
                        + (" (search)" if query.q else ""))
    return page
