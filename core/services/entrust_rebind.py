"""A parent who lost the account they registered from (there is no SMS here): the chat
gives them a re-bind code on the new account and sends them to the village committee;
village staff check who they are in person and bind the registration to that account.

Staff act only on children in their `rebind_entrust` scope (core/permissions.py); the
action is audited with ids only. The code names the new account, never a registration,
so the chat gives it out without saying whether a registration exists.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import permissions as perm
from core.crypto import phone_hash
from core.models import Child, Parent, StaffUser
from core.services import audit, entrust_codes
from core.services.errors import Forbidden, Invalid, NotFound
from core.services.scope import child_scope


def rebind(session: Session, staff: StaffUser, child_id: int, parent_phone: str, code: str, now: datetime,
           source: str | None = None) -> list[int]:
    """Bind the parent (by their registered phone) of this child, and of the child's
    siblings registered with that phone, to the account that holds `code`. Returns the
    children's ids."""
    if not perm.allowed(staff.role, "rebind_entrust"):
        raise Forbidden("this role may not re-bind registrations")
    child = session.scalar(select(Child).where(Child.id == child_id, child_scope(staff, "rebind_entrust")))
    if child is None:
        raise NotFound("no such child in your jurisdiction")
    digest = phone_hash(parent_phone.strip())
    if not any(p.phone_hash == digest for p in child.parents):
        raise Invalid("the parent's phone does not match this child's registration")
    account = entrust_codes.redeem_rebind(session, code, now)
    if account is None:
        raise Invalid("the re-bind code is wrong, used or expired")
    rows = session.scalars(select(Parent).where(Parent.phone_hash == digest)).all()
    children = sorted({p.child_id for p in rows})
    for row in rows:
        row.channel_user_id = account
    audit.record(session, f"staff:{staff.id}", "rebind", "child", child.id, source,
                 f"entrustment: children {','.join(map(str, children))} bound to channel account {account}")
    session.flush()
    return children
