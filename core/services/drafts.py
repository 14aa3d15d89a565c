"""Unfinished report drafts, one per channel user, kept for `conversation.draft_hours`."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.models import ReportDraft


def save_draft(session: Session, channel_user_id: int, data: dict, now: datetime) -> None:
    row = session.scalar(select(ReportDraft).where(ReportDraft.channel_user_id == channel_user_id))
    if row is None:
        row = ReportDraft(channel_user_id=channel_user_id)
        session.add(row)
    row.data = json.dumps(data, ensure_ascii=False)
    row.updated_at = now
    session.flush()


def load_draft(session: Session, channel_user_id: int, now: datetime, max_hours: float) -> dict | None:
    """The user's draft if it is younger than max_hours; an older one is deleted."""
    row = session.scalar(select(ReportDraft).where(ReportDraft.channel_user_id == channel_user_id))
    if row is None:
        return None
    if row.updated_at < now - timedelta(hours=float(max_hours)):
        session.delete(row)
        session.flush()
        return None
    return json.loads(row.data)


def delete_draft(session: Session, channel_user_id: int) -> None:
    session.execute(delete(ReportDraft).where(ReportDraft.channel_user_id == channel_user_id))


def purge_drafts(session: Session, now: datetime, max_hours: float) -> int:
    """Scheduler job: forget drafts nobody came back to."""
    result = session.execute(delete(ReportDraft).where(
        ReportDraft.updated_at < now - timedelta(hours=float(max_hours))))
    return result.rowcount or 0
