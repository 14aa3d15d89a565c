"""Staff accounts, passwords (Argon2id, a policy) and API tokens (shown once, stored as
SHA-256 hashes)."""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import utcnow
from core.models import ApiToken, School, StaffUser, Township, Village
from core.models.staff import ROLE_SCOPE, ROLES
from core.services import audit, passwords, staff_sessions
from core.services.errors import Invalid, NotFound

TOKEN_PREFIX = "shh_"


def _township(session: Session, name: str) -> Township:
    found = session.scalars(select(Township).where(Township.name == name)).all()
    if not found:
        found = [t for t in session.scalars(select(Township)) if name in (t.aliases or [])]
    if len(found) != 1:
        raise Invalid(f"unknown township '{name}' (load the jurisdiction first)")
    return found[0]


def create_user(session: Session, username: str, role: str, password: str,
                township: str | None = None, village: str | None = None,
                school: str | None = None, actor: str = "cli") -> StaffUser:
    username = (username or "").strip()
    if not username or len(username) > 64:
        raise Invalid("username must be 1-64 characters")
    if role not in ROLES:
        raise Invalid(f"unknown role '{role}' (one of: {', '.join(ROLES)})")
    passwords.check_policy(password, username)
    if session.scalar(select(StaffUser).where(StaffUser.username == username)):
        raise Invalid(f"user '{username}' already exists")
    user = StaffUser(username=username, role=role, password_hash=passwords.hash_password(password))
    scope = ROLE_SCOPE[role]
    if scope in ("township", "village", "school") and not township:
        raise Invalid(f"role '{role}' needs --township")
    if township:
        t = _township(session, township)
        user.township_id, user.region_id = t.id, t.region_id
        if village:
            v = session.scalar(select(Village).where(Village.township_id == t.id, Village.name == village))
            if v is None:
                raise Invalid(f"unknown village '{village}' in {t.name}")
            user.village_id = v.id
        if school:
            s = session.scalar(select(School).where(School.township_id == t.id, School.name == school))
            if s is None:
                raise Invalid(f"unknown school '{school}' in {t.name}")
            user.school_id = s.id
    if scope == "village" and user.village_id is None:
        raise Invalid(f"role '{role}' needs --village")
    if scope == "school" and user.school_id is None:
        raise Invalid(f"role '{role}' needs --school")
    session.add(user)
    session.flush()
    audit.record(session, actor, "create", "staff_user", user.id, detail=f"role={role}")
    return user


def authenticate(session: Session, username: str, password: str) -> StaffUser | None:
    """The active account with this username and password, else None. An unknown or
    disabled username costs one hash verification too (no timing difference)."""
    user = session.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is None or not user.active:
        passwords.verify_nothing(password)
        return None
    ok, rehash = passwords.verify(user.password_hash, password)
    if not ok:
        return None
    if rehash:  # an older hash (pbkdf2/scrypt, or weaker Argon2 parameters): upgrade it now
        user.password_hash = passwords.hash_password(password)
    return user


def change_password(session: Session, user: StaffUser, new_password: str, actor: str,
                    source: str | None = None) -> None:
    """Set a new password (policy-checked) and end every session of the account."""
    passwords.check_policy(new_password, user.username)
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = utcnow()
    user.must_change_password = False
    ended = staff_sessions.end_all(session, user.id, "password")
    audit.record(session, actor, "change_password", "staff_user", user.id, source=source,
                 detail=f"sessions_ended={ended}")


def find_user(session: Session, username: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(StaffUser.username == username))


def set_password_by_name(session: Session, username: str, new_password: str,
                         actor: str = "cli") -> StaffUser:
    user = find_user(session, username)
    if user is None:
        raise NotFound(f"no staff account '{username}'")
    change_password(session, user, new_password, actor)
    return user


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, username: str, actor: str = "cli") -> str:
    user = session.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is None:
        raise NotFound(f"no staff account '{username}'")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_hash_token(token), prefix=token[:12]))
    audit.record(session, actor, "create", "api_token", user.id)
    return token


def revoke_token(session: Session, token_or_prefix: str, actor: str = "cli") -> int:
    rows = session.scalars(select(ApiToken).where(
        (ApiToken.token_hash == _hash_token(token_or_prefix)) | (ApiToken.prefix == token_or_prefix[:12]),
        ApiToken.revoked_at.is_(None))).all()
    for row in rows:
        row.revoked_at = utcnow()
        audit.record(session, actor, "revoke", "api_token", row.id)
    return len(rows)


def user_for_token(session: Session, token: str) -> StaffUser | None:
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    return row.user
