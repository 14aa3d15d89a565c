"""Server-side staff sessions: a browser's cookie names a row here, and the row decides.

Logout, a password change and inactivity end the row, so a copied or replayed cookie
stops working at once even though its signature is still valid."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core import db
from core.models import StaffSession

# last_seen_at is written at most this often, not on every request.
TOUCH_EVERY = timedelta(seconds=60)


def now():
    """The clock of this module (tests move it)."""
    return db.utcnow()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(session: Session, user_id: int) -> str:
    """Open a session for the account; return the token for the cookie (never stored)."""
    token = secrets.token_urlsafe(32)
    at = now()
    session.add(StaffSession(token_hash=_hash(token), user_id=user_id, created_at=at, last_seen_at=at))
    session.flush()
    return token


def check(session: Session, token: str | None, user_id: int, idle: timedelta,
          longest: timedelta | None = None) -> bool:
    """True while the session is open, belongs to user_id, has been used within `idle` and
    is younger than `longest`; an expired one is ended here. Refreshes last_seen_at."""
    if not token:
        return False
    row = session.scalar(select(StaffSession).where(StaffSession.token_hash == _hash(token)))
    if row is None or row.user_id != user_id or row.ended_at is not None:
        return False
    at = now()
    if at - row.last_seen_at > idle or (longest is not None and at - row.created_at > longest):
        row.ended_at, row.ended_reason = at, "expired"
        return False
    if at - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = at
    return True


def end(session: Session, token: str | None, reason: str = "logout") -> None:
    if token:
        session.execute(update(StaffSession).where(
            StaffSession.token_hash == _hash(token), StaffSession.ended_at.is_(None))
            .values(ended_at=now(), ended_reason=reason))


def end_all(session: Session, user_id: int, reason: str) -> int:
    result = session.execute(update(StaffSession).where(
        StaffSession.user_id == user_id, StaffSession.ended_at.is_(None))
        .values(ended_at=now(), ended_reason=reason))
    return result.rowcount or 0
