"""The quarterly confirmation: every quarter a parent is asked whether the registration is
still right; no answer within 14 days becomes a task for the village committee.

Scheduler jobs driven by the clock they are given (tests move it). One question per
parent account names all of the family's children that are due; how it reaches the
parent, one tap from the answer, is core/services/entrust_push.py. When no channel can
reach the parent (web chat, console, WeChat beyond 48 hours without a template), the
check is recorded as undelivered, logged, and the village committee gets the task at once.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import ChannelUser, Child, EntrustCheck, Entrustment, FollowUpTask, Parent
from core.services import entrust_push
from core.services.children import current_entrustment
from core.services.entrust_notices import village_unit
from core.services.entrust_push import PushOptions

log = logging.getLogger(__name__)
QUARTER = timedelta(days=91)
ANSWER_WITHIN = timedelta(days=14)
UNREACHABLE = ("系统无法联系到家长（微信48小时外不能主动发消息且没有配置模板消息，或家长没有可推送的账号），"
               "请电话或上门确认委托监护信息是否有变化。")


def _due(session: Session, child: Child, now: datetime) -> bool:
    e = current_entrustment(child)
    if e is None or e.ended_at is not None:
        return False
    last = session.scalar(select(func.max(EntrustCheck.sent_at)).where(EntrustCheck.child_id == child.id))
    return now - max(last or e.created_at, e.created_at) >= QUARTER


def _due_by_account(session: Session, now: datetime) -> dict[int | None, list[tuple[Child, Parent | None]]]:
    live = select(Entrustment.child_id).where(Entrustment.superseded_at.is_(None), Entrustment.ended_at.is_(None))
    groups: dict[int | None, list] = {}
    for child in session.scalars(select(Child).where(Child.id.in_(live)).order_by(Child.id)):
        if _due(session, child, now):
            parent = next((p for p in child.parents if p.channel_user_id), None)
            groups.setdefault(parent.channel_user_id if parent else None, []).append((child, parent))
    return groups


def send_quarterly(session: Session, now: datetime, opts: PushOptions | None = None) -> int:
    """Ask every parent whose registration is a quarter old; returns how many checks."""
    sent = 0
    for cu_id, due in _due_by_account(session, now).items():
        checks = [EntrustCheck(child_id=c.id, parent_id=p.id if p else None, sent_at=now,
                               due_at=now + ANSWER_WITHIN, delivered=True) for c, p in due]
        session.add_all(checks)
        session.flush()
        user = session.get(ChannelUser, cu_id) if cu_id else None
        names = "、".join(c.name for c, _ in due)
        how = entrust_push.push(session, user, names, checks[0].id, now, opts or PushOptions())
        for check, (child, _) in zip(checks, due, strict=True):
            check.sent_by, check.delivered = how, how is not None
            if how is None:
                log.warning("quarterly check for child file %s: the parent's channel cannot be reached", child.id)
                check.escalated_at = now
                _village_task(session, child, now, UNREACHABLE)
        sent += len(checks)
    session.flush()
    return sent


def _village_task(session: Session, child: Child, now: datetime, note: str) -> None:
    session.add(FollowUpTask(child_id=child.id, kind="quarterly_check", assigned_unit=village_unit(child),
                             due_at=now + timedelta(days=7), note=note))


def escalate_unanswered(session: Session, now: datetime) -> int:
    rows = session.scalars(select(EntrustCheck).where(
        EntrustCheck.answered_at.is_(None), EntrustCheck.escalated_at.is_(None), EntrustCheck.due_at < now)).all()
    for check in rows:
        check.escalated_at = now
        _village_task(session, session.get(Child, check.child_id), now,
                      "家长14天内没有回复季度确认，请电话或上门确认委托监护信息是否有变化。")
    session.flush()
    return len(rows)


def answered(session: Session, child_ids: list[int], now: datetime) -> int:
    """The parent confirmed (or updated): their open checks are answered."""
    rows = session.scalars(select(EntrustCheck).where(EntrustCheck.child_id.in_(child_ids),
                                                      EntrustCheck.answered_at.is_(None))).all()
    for check in rows:
        check.answered_at = now
    session.flush()
    return len(rows)


def family_child_ids(session: Session, check: EntrustCheck) -> list[int]:
    """The children whose open checks one answer covers: those of the same parent account."""
    parent = session.get(Parent, check.parent_id) if check.parent_id else None
    if parent is None or not parent.channel_user_id:
        return [check.child_id]
    return list(session.scalars(select(Parent.child_id).where(Parent.channel_user_id == parent.channel_user_id)))


def confirm(session: Session, check_id: int, now: datetime) -> str:
    """The confirmation page's "信息没变": "ok", "already" (answered before), "late"
    (escalated to the village already, still recorded) or "unknown"."""
    check = session.get(EntrustCheck, check_id)
    if check is None:
        return "unknown"
    if check.answered_at is not None:
        return "already"
    answered(session, family_child_ids(session, check), now)
    return "late" if check.escalated_at is not None else "ok"


def run(sessions, now: datetime, opts: PushOptions | None = None) -> tuple[int, int]:
    """The scheduler task: send what is due and escalate what went unanswered, in one transaction."""
    from core.db import transaction

    with transaction(sessions) as session:
        return send_quarterly(session, now, opts), escalate_unanswered(session, now)
