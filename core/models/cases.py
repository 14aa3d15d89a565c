"""Cases (报告), their append-only event timeline, and attachments."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import categories
from core.crypto import Encrypted, LookupHash
from core.db import Base, utcnow

# The codes a case's category and urgency may take: the category table's (core/categories.py).
CATEGORIES = categories.CODES
URGENCIES = categories.URGENCIES
REPORTER_ROLES = ("teacher", "medical", "village_cadre", "social_worker", "relative",
                  "citizen", "child_self", "parent", "other")
MANDATORY_ROLES = frozenset({"teacher", "medical", "village_cadre", "social_worker"})
STATUSES = ("submitted", "accepted", "responding", "referred", "assessing", "assisting",
            "monitoring", "closed", "merged")


class Case(Base):
    __tablename__ = "case_report"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    category: Mapped[str] = mapped_column(String(30), index=True)
    urgency: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default="submitted", index=True)
    reporter_role: Mapped[str] = mapped_column(String(20))
    mandatory_reporter: Mapped[bool] = mapped_column(Boolean, default=False)
    reporter_name: Mapped[str | None] = mapped_column(Encrypted, nullable=True)
    reporter_unit: Mapped[str | None] = mapped_column(Encrypted, nullable=True)
    reporter_phone: Mapped[str | None] = mapped_column(Encrypted, nullable=True)
    reporter_phone_hash: Mapped[str | None] = mapped_column(LookupHash, nullable=True, index=True)
    reporter_channel_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("channel_user.id"), nullable=True, index=True)
    child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id"), nullable=True, index=True)
    child_name: Mapped[str | None] = mapped_column(Encrypted, nullable=True)
    child_name_hash: Mapped[str | None] = mapped_column(LookupHash, nullable=True, index=True)
    child_age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    child_gender: Mapped[str | None] = mapped_column(String(10), nullable=True)
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"), nullable=True, index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"), nullable=True, index=True)
    address_text: Mapped[str | None] = mapped_column(Encrypted, nullable=True)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lng: Mapped[float | None] = mapped_column(Float, nullable=True)
    description: Mapped[str] = mapped_column(Encrypted)
    assigned_unit: Mapped[str] = mapped_column(String(100), index=True)
    accept_deadline: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("case_report.id"), nullable=True)
    # The conversation and draft it was filed from: unique, so a draft is filed once.
    submission_key: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    township = relationship("Township")
    village = relationship("Village")
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="case", order_by="Attachment.id", cascade="all, delete-orphan")


class CaseEvent(Base):
    """Append-only: rows are added, never edited."""

    __tablename__ = "case_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_report.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    status_from: Mapped[str | None] = mapped_column(String(20), nullable=True)
    status_to: Mapped[str | None] = mapped_column(String(20), nullable=True)
    by: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Encrypted, nullable=True)
    # What a staff step recorded (core/step_content.py codes) as JSON; encrypted, because
    # notes on a child's safety and health are personal data.
    detail: Mapped[str | None] = mapped_column(Encrypted, nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    case: Mapped[Case] = relationship(back_populates="events")

    @property
    def content(self) -> dict:
        return json.loads(self.detail) if self.detail else {}


class Attachment(Base):
    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_report.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # image, voice, location, file
    channel: Mapped[str] = mapped_column(String(20))
    media_ref: Mapped[str] = mapped_column(Encrypted)
    content_type: Mapped[str | None] = mapped_column(String(100), nullable=True)
    stored_path: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    case: Mapped[Case] = relationship(back_populates="attachments")


class ReportDraft(Base):
    """An unfinished report, kept `conversation.draft_hours` so the reporter can come back."""

    __tablename__ = "report_draft"
    id: Mapped[int] = mapped_column(primary_key=True)
    channel_user_id: Mapped[int] = mapped_column(ForeignKey("channel_user.id"), unique=True)
    data: Mapped[str] = mapped_column(Encrypted)  # JSON of the slots: personal data, encrypted
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class CaseCounter(Base):
    """The last case sequence number handed out on a day (the `0001` of BG-20261202-0001).
    Bumped with one atomic upsert per case; the row lock it takes orders concurrent
    filings on PostgreSQL, so numbers never collide, even past 9999 a day."""
    __tablename__ = "case_counter"
    day: Mapped[str] = mapped_column(String(8), primary_key=True)  # YYYYMMDD
    last: Mapped[int] = mapped_column(Integer)
