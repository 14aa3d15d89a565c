"""Staff accounts, their scope, API tokens and on-duty notification targets."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import permissions
from core.crypto import Encrypted
from core.db import Base, utcnow

# The roles and each role's own jurisdiction come from the permission table.
ROLES = permissions.ROLES
ROLE_SCOPE = {role: permissions.home_scope(role) for role in ROLES}


class StaffUser(Base):
    __tablename__ = "staff_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str | None] = mapped_column(Encrypted, nullable=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), nullable=True)
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"), nullable=True, index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"), nullable=True, index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), nullable=True)
    # Where on-duty alerts reach this person, e.g. "telegram:12345", "email:a@b.cn".
    notify_to: Mapped[str | None] = mapped_column(Encrypted, nullable=True)
    on_duty: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Optional second factor (RFC 6238); the last accepted time step stops a code's replay.
    totp_secret: Mapped[str | None] = mapped_column(Encrypted, nullable=True)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # Set by an administrator's reset (a temporary password): changed at the next login.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    township = relationship("Township")
    village = relationship("Village")
    school = relationship("School")

    @property
    def scope(self) -> str:
        return ROLE_SCOPE[self.role]


class ApiToken(Base):
    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    user: Mapped[StaffUser] = relationship()


class StaffSession(Base):
    """One signed-in browser. The cookie holds a random token; only its hash is stored, and
    a session ends here (logout, password change, idle) whatever the cookie still says."""

    __tablename__ = "staff_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    ended_reason: Mapped[str | None] = mapped_column(String(20), nullable=True)
