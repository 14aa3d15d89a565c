"""The child ledger (一人一档): children, parents, versioned entrustments, visits, tasks."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.crypto import Encrypted, LookupHash
from core.db import Base, utcnow

CHILD_STATUSES = ("left_behind", "difficult", "other", "archived")


class Child(Base):
    __tablename__ = "child"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Encrypted)
    name_hash: Mapped[str | None] = mapped_column(LookupHash, nullable=True, index=True)
    id_number: Mapped[str | None] = mapped_column(Encrypted, nullable=True)
    id_number_hash: Mapped[str | None] = mapped_column(LookupHash, nullable=True, unique=True)
    gender: Mapped[str | None] = mapped_column(String(10), nullable=True)
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"), index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"), nullable=True, index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), nullable=True)
    address: Mapped[str | None] = mapped_column(Encrypted, nullable=True)
    # The school as the parent said it when it is not in the gazetteer, and the class.
    school_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    school_class: Mapped[str | None] = mapped_column(String(30), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="left_behind")
    last_checked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    township = relationship("Township")
    village = relationship("Village")
    school = relationship("School")
    parents: Mapped[list[Parent]] = relationship(back_populates="child", order_by="Parent.id")
    entrustments: Mapped[list[Entrustment]] = relationship(
        back_populates="child", order_by="Entrustment.version")


class Parent(Base):
    __tablename__ = "parent"
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    relation: Mapped[str] = mapped_column(String(20))  # father, mother, ...
    name: Mapped[str | None] = mapped_column(Encrypted, nullable=True)
    phone: Mapped[str | None] = mapped_column(Encrypted, nullable=True)
    phone_hash: Mapped[str | None] = mapped_column(LookupHash, nullable=True, index=True)
    channel_user_id: Mapped[int | None] = mapped_column(ForeignKey("channel_user.id"), nullable=True)
    # Where this parent works, as they said it when joining (the registering parent's is
    # on the entrustment).
    work_city: Mapped[str | None] = mapped_column(String(60), nullable=True)
    work_province: Mapped[str | None] = mapped_column(String(30), nullable=True)
    work_country: Mapped[str | None] = mapped_column(String(30), nullable=True)
    employer: Mapped[str | None] = mapped_column(Encrypted, nullable=True)
    child: Mapped[Child] = relationship(back_populates="parents")


class Entrustment(Base):
    """委托监护: versioned. An update adds version n+1 and closes version n; nothing is overwritten."""

    __tablename__ = "entrustment"
    __table_args__ = (UniqueConstraint("child_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("parent.id"), nullable=True)
    work_city: Mapped[str | None] = mapped_column(String(60), nullable=True)
    work_province: Mapped[str | None] = mapped_column(String(30), nullable=True)
    work_country: Mapped[str | None] = mapped_column(String(30), nullable=True)  # None = China
    employer: Mapped[str | None] = mapped_column(Encrypted, nullable=True)
    left_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # when the parent left
    return_plan: Mapped[str | None] = mapped_column(String(60), nullable=True)
    # The other parent: away / unable (at home, cannot care) / home / none
    other_parent: Mapped[str | None] = mapped_column(String(20), nullable=True)
    work_address: Mapped[str | None] = mapped_column(Encrypted, nullable=True)
    parent_phone: Mapped[str | None] = mapped_column(Encrypted, nullable=True)
    guardian_name: Mapped[str] = mapped_column(Encrypted)
    guardian_relation: Mapped[str | None] = mapped_column(String(20), nullable=True)
    guardian_phone: Mapped[str | None] = mapped_column(Encrypted, nullable=True)
    guardian_phone_hash: Mapped[str | None] = mapped_column(LookupHash, nullable=True, index=True)
    guardian_age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    guardian_health: Mapped[str | None] = mapped_column(String(20), nullable=True)  # good / ill / disabled
    guardian_lives_with: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    # Set on the last version when the parents came home for good: no entrustment any more.
    ended_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    change: Mapped[str | None] = mapped_column(String(200), nullable=True)  # what this version changed
    concerns: Mapped[str | None] = mapped_column(String(200), nullable=True)  # policy-check codes
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_by: Mapped[str] = mapped_column(String(100), default="system")
    child: Mapped[Child] = relationship(back_populates="entrustments")


class Visit(Base):
    """A contact (电话联系) or home visit (上门走访) and what it found (core/services/visits.py)."""

    __tablename__ = "visit"
    __table_args__ = (Index("ix_visit_child_kind_at", "child_id", "kind", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # contact (monthly) / home_visit (quarterly)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Encrypted, nullable=True)
    visitor: Mapped[str | None] = mapped_column(Encrypted, nullable=True)  # who went or called
    # Findings, each ok / concern / danger (core/services/visits.py RATINGS).
    safety: Mapped[str | None] = mapped_column(String(10), nullable=True)
    guardianship: Mapped[str | None] = mapped_column(String(10), nullable=True)
    health: Mapped[str | None] = mapped_column(String(10), nullable=True)
    schooling: Mapped[str | None] = mapped_column(String(10), nullable=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_report.id"), nullable=True)  # raised by it
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class FollowUpTask(Base):
    __tablename__ = "follow_up_task"
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id"), nullable=True, index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_report.id"), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(30))
    assigned_unit: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    due_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    done_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)  # what to do; never personal data
    # How it ended (core/services/tasks.py OUTCOMES), in the staff member's words, and by whom.
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    outcome_note: Mapped[str | None] = mapped_column(Encrypted, nullable=True)
    done_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)


class EntrustCode(Base):
    """A short-lived, single-use code (hashed at rest): a second parent or the guardian
    joining a registration, or a parent on a new device proving it is them."""

    __tablename__ = "entrust_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20))  # join / verify / rebind
    code_hash: Mapped[str] = mapped_column(LookupHash, index=True)
    # Who received the code; None for a re-bind request, which names no registration.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("parent.id"), nullable=True)
    for_channel_user_id: Mapped[int | None] = mapped_column(ForeignKey("channel_user.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class EntrustCheck(Base):
    """The quarterly "are these details still right?" sent to a parent; unanswered within
    its window it becomes a village task."""

    __tablename__ = "entrust_check"
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("parent.id"), nullable=True)
    sent_at: Mapped[datetime] = mapped_column(DateTime)
    due_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    delivered: Mapped[bool] = mapped_column(Boolean, default=True)  # False: the channel could not reach them
    # How it went out: telegram / wechat_cs (within 48 h) / wechat_template / None (not sent)
    sent_by: Mapped[str | None] = mapped_column(String(20), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
