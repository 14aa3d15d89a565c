"""One-time codes for a family's registration: short-lived, single use, hashed at rest.

`verify`: a parent writing from a new device proves it is them with a code sent to the
account they registered from. `join`: the first parent gets a code to give the other
parent or the guardian, who then joins the registration from their own account.
`rebind`: a parent who lost that account shows this code to village staff, who bind the
registration to the new account after checking in person (core/services/entrust_rebind).
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.crypto import cipher
from core.db import utcnow
from core.models import ChannelUser, EntrustCode, OutboundJob, Parent

LIFETIME = {"verify": timedelta(minutes=15), "join": timedelta(hours=24), "rebind": timedelta(days=7)}
MESSAGE_KIND = "reporter_message"  # the outbound job that texts one channel user


def _digest(purpose: str, code: str) -> str:
    return cipher().lookup_hash(f"entrust-code:{purpose}:{code.strip()}")


def issue(session: Session, parent: Parent, purpose: str, for_channel_user_id: int | None = None,
          now: datetime | None = None) -> str:
    now = now or utcnow()
    code = f"{secrets.randbelow(10**6):06d}"
    session.add(EntrustCode(purpose=purpose, code_hash=_digest(purpose, code), parent_id=parent.id,
                            for_channel_user_id=for_channel_user_id, created_at=now,
                            expires_at=now + LIFETIME[purpose]))
    session.flush()
    return code


def issue_rebind(session: Session, channel_user_id: int, now: datetime | None = None) -> str:
    """A code naming the new account only (no registration: nothing is revealed)."""
    now = now or utcnow()
    code = f"{secrets.randbelow(10**6):06d}"
    session.add(EntrustCode(purpose="rebind", code_hash=_digest("rebind", code), parent_id=None,
                            for_channel_user_id=channel_user_id, created_at=now,
                            expires_at=now + LIFETIME["rebind"]))
    session.flush()
    return code


def redeem_rebind(session: Session, code: str, now: datetime | None = None) -> int | None:
    """The account a re-bind code was issued to, once; None when wrong, used or expired."""
    now = now or utcnow()
    row = session.scalar(select(EntrustCode).where(
        EntrustCode.code_hash == _digest("rebind", code), EntrustCode.purpose == "rebind",
        EntrustCode.used_at.is_(None), EntrustCode.expires_at > now))
    if row is None:
        return None
    row.used_at = now
    session.flush()
    return row.for_channel_user_id


def redeem(session: Session, code: str, purpose: str, channel_user_id: int | None,
           now: datetime | None = None) -> Parent | None:
    """The parent the code was issued for, once; None when wrong, used or expired."""
    now = now or utcnow()
    row = session.scalar(select(EntrustCode).where(
        EntrustCode.code_hash == _digest(purpose, code), EntrustCode.purpose == purpose,
        EntrustCode.used_at.is_(None), EntrustCode.expires_at > now))
    if row is None or (row.for_channel_user_id and row.for_channel_user_id != channel_user_id):
        return None
    row.used_at = now
    session.flush()
    return session.get(Parent, row.parent_id)


def send_to_parent(session: Session, parent: Parent, text: str, now: datetime | None = None) -> bool:
    """Queue a text to the account the parent registered from; False when there is none.
    (WeChat delivers such customer-service messages only within 48 h of the user's last
    message: a failed delivery stays a failed job, visible to staff.)"""
    if not parent.channel_user_id:
        return False
    user = session.get(ChannelUser, parent.channel_user_id)
    if user is None or not user.subscribed:
        return False
    session.add(OutboundJob(kind=MESSAGE_KIND, target=f"{user.channel}:{user.external_ref}", body=text,
                            status="pending", due_at=now or utcnow(), attempts=0))
    session.flush()
    return True
