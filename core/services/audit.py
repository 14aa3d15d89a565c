"""Audit every staff read or write of a personal record. Details never hold personal data."""
from __future__ import annotations

from sqlalchemy.orm import Session

from core.models import AuditEntry


def record(session: Session, actor: str, action: str, entity: str, entity_id: str | int | None = None,
           source: str | None = None, detail: str | None = None) -> None:
    session.add(AuditEntry(actor=actor, action=action, entity=entity,
                           entity_id=None if entity_id is None else str(entity_id),
                           source=source, detail=(detail or None) and detail[:500]))
