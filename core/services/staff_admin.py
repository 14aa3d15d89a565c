"""What an administrator does to staff accounts: create one, disable or enable it, reset its
password, change its role and jurisdiction. Every change is audited (no personal data in
the detail). A new or reset password is a temporary one: shown once to the administrator,
stored only as a hash, and to be changed by its owner at the next login."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import labels
from core.db import utcnow
from core.models import School, StaffUser, Township, Village
from core.models.staff import ROLE_SCOPE, ROLES
from core.services import audit, passwords, staff_sessions
from core.services import staff as staff_service
from core.services.errors import Invalid, NotFound

# No 0/O, 1/l/I: read aloud over the phone or copied from a screen without mistakes.
ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def temporary_password(username: str) -> str:
    """Random, 4 groups of 4 (about 92 bits), and always accepted by the password policy."""
    while True:
        word = "-".join("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(4))
        try:
            passwords.check_policy(word, username)
            return word
        except Invalid:  # pragma: no cover - astronomically rare
            continue


@dataclass
class Scope:
    role: str
    township_id: int | None = None
    village_id: int | None = None
    school_id: int | None = None


def _checked(session: Session, scope: Scope) -> tuple[Township | None, Village | None, School | None]:
    """The places of a scope, refused in plain Chinese when they do not fit the role."""
    if scope.role not in ROLES:
        raise Invalid("请选择角色。")
    town = session.get(Township, scope.township_id) if scope.township_id else None
    village = session.get(Village, scope.village_id) if scope.village_id else None
    school = session.get(School, scope.school_id) if scope.school_id else None
    if (scope.township_id and town is None) or (scope.village_id and village is None) or (
            scope.school_id and school is None):
        raise Invalid("所选的乡镇、村或学校不存在。")
    if town is None and (village or school):
        town = (village or school).township
    if (village and village.township_id != town.id) or (school and school.township_id != town.id):
        raise Invalid("所选的村或学校不在这个乡镇。")
    needs = ROLE_SCOPE[scope.role]
    role = labels.ROLE[scope.role]
    if needs in ("township", "village", "school") and town is None:
        raise Invalid(f"{role}账号需要选择所在乡镇。")
    if needs == "village" and village is None:
        raise Invalid(f"{role}账号需要选择所在的村（社区）。")
    if needs == "school" and school is None:
        raise Invalid(f"{role}账号需要选择所在学校。")
    return town, village, school


def _apply(user: StaffUser, scope: Scope, places) -> None:
    town, village, school = places
    user.role = scope.role
    user.township_id = town.id if town else None
    user.region_id = town.region_id if town else None
    user.village_id = village.id if village else None
    user.school_id = school.id if school else None


def _describe(user: StaffUser) -> str:
    return (f"role={user.role} township={user.township_id} village={user.village_id} "
            f"school={user.school_id}")


def create(session: Session, admin: StaffUser, username: str, scope: Scope,
           source: str | None = None) -> tuple[StaffUser, str]:
    """A new account with a temporary password; returns (account, password to show once)."""
    username = (username or "").strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise Invalid("用户名要 1 到 64 个字符，不能有空格。")
    if staff_service.find_user(session, username) is not None:
        raise Invalid("这个用户名已经有人用了，请换一个。")
    places = _checked(session, scope)
    password = temporary_password(username)
    user = StaffUser(username=username, password_hash=passwords.hash_password(password),
                     role=scope.role, must_change_password=True, active=True)
    _apply(user, scope, places)
    session.add(user)
    session.flush()
    audit.record(session, f"staff:{admin.id}", "create", "staff_user", user.id, source=source,
                 detail=_describe(user))
    return user, password


def get(session: Session, user_id: int) -> StaffUser:
    user = session.get(StaffUser, user_id)
    if user is None:
        raise NotFound(f"no staff account {user_id}")
    return user


def _other_active_admins(session: Session, user: StaffUser) -> int:
    return session.scalar(select(func.count()).select_from(StaffUser).where(
        StaffUser.role == "admin", StaffUser.active.is_(True), StaffUser.id != user.id)) or 0


def change_scope(session: Session, admin: StaffUser, user: StaffUser, scope: Scope,
                 source: str | None = None) -> None:
    if user.id == admin.id and scope.role != "admin":
        raise Invalid("不能取消自己的管理员角色，请让另一位管理员来改。")
    places = _checked(session, scope)
    before = _describe(user)
    _apply(user, scope, places)
    after = _describe(user)
    if after != before:
        audit.record(session, f"staff:{admin.id}", "change_scope", "staff_user", user.id, source=source,
                     detail=f"{before} -> {after}")


def set_active(session: Session, admin: StaffUser, user: StaffUser, active: bool,
               source: str | None = None) -> None:
    """Disable (every session ends, API tokens stop working) or enable an account."""
    if not active and user.id == admin.id:
        raise Invalid("不能停用自己的账号。")
    if not active and user.role == "admin" and not _other_active_admins(session, user):
        raise Invalid("这是最后一个可用的管理员账号，不能停用。")
    if user.active == active:
        return
    user.active = active
    ended = 0 if active else staff_sessions.end_all(session, user.id, "disabled")
    audit.record(session, f"staff:{admin.id}", "enable" if active else "disable", "staff_user", user.id,
                 source=source, detail=None if active else f"sessions_ended={ended}")


def reset_password(session: Session, admin: StaffUser, user: StaffUser,
                   source: str | None = None) -> str:
    """A new temporary password (returned, to show once); every session of the account ends."""
    password = temporary_password(user.username)
    user.password_hash = passwords.hash_password(password)
    user.password_changed_at = utcnow()
    user.must_change_password = True
    ended = staff_sessions.end_all(session, user.id, "password_reset")
    audit.record(session, f"staff:{admin.id}", "reset_password", "staff_user", user.id, source=source,
                 detail=f"sessions_ended={ended}")
    return password


def all_users(session: Session) -> list[StaffUser]:
    return list(session.scalars(select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.role,
                                                           StaffUser.username)))
