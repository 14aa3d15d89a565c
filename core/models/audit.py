"""Audit log: who read or changed which record, when, and from where."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))  # "staff:12", "channel:5", "system", "cli"
    action: Mapped[str] = mapped_column(String(30))  # view, list, create, update, export, login
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    source: Mapped[str | None] = mapped_column(String(100), nullable=True)  # ip or "cli"
    detail: Mapped[str | None] = mapped_column(String(500), nullable=True)  # never personal data
