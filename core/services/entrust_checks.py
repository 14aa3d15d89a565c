"""The quarterly confirmation: every quarter a parent is asked whether the registration is
still right; no answer within 14 days becomes a task for the village committee.

Scheduler jobs driven by the clock they are given (tests move it). The question goes out
through the outbox (core/services/jobs) to the account the parent registered from. A
WeChat customer-service message only reaches a user within 48 hours of their last
message, and the web chat and console cannot push at all: then the check is recorded as
undelivered, logged, and the village committee gets the task at once.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import ChannelUser, Child, EntrustCheck, Entrustment, FollowUpTask, InboundMessage
from core.services import entrust_codes, jobs
from core.services.children import current_entrustment
from core.services.entrust_notices import village_unit

log = logging.getLogger(__name__)
QUARTER = timedelta(days=91)
ANSWER_WITHIN = timedelta(days=14)
WECHAT_WINDOW = timedelta(hours=48)
PUSH_CHANNELS = {"telegram": None, "wechat": WECHAT_WINDOW}  # channel -> reply window (None: any time)
QUESTION = ("【每季度确认】您登记的孩子{names}的委托照顾信息还对吗？"
            "回复“监护登记”查看，信息没变就点“信息没变”，有变化直接告诉我。")


def _reachable(session: Session, user: ChannelUser | None, now: datetime) -> bool:
    if user is None or not user.subscribed or user.channel not in PUSH_CHANNELS:
        return False
    window = PUSH_CHANNELS[user.channel]
    if window is None:
        return True
    last = session.scalar(select(func.max(InboundMessage.received_at))
                          .where(InboundMessage.channel_user_id == user.id))
    return last is not None and now - last <= window


def _due(session: Session, child: Child, now: datetime) -> bool:
    e = current_entrustment(child)
    if e is None or e.ended_at is not None:
        return False
    last = session.scalar(select(func.max(EntrustCheck.sent_at)).where(EntrustCheck.child_id == child.id))
    return now - max(last or e.created_at, e.created_at) >= QUARTER


def send_quarterly(session: Session, now: datetime) -> int:
    """Ask every parent whose registration is a quarter old; returns how many checks."""
    live = select(Entrustment.child_id).where(Entrustment.superseded_at.is_(None), Entrustment.ended_at.is_(None))
    sent = 0
    for child in session.scalars(select(Child).where(Child.id.in_(live)).order_by(Child.id)):
        if not _due(session, child, now):
            continue
        parent = next((p for p in child.parents if p.channel_user_id), None)
        user = session.get(ChannelUser, parent.channel_user_id) if parent else None
        delivered = _reachable(session, user, now)
        check = EntrustCheck(child_id=child.id, parent_id=parent.id if parent else None, sent_at=now,
                             due_at=now + ANSWER_WITHIN, delivered=delivered)
        session.add(check)
        if delivered:
            jobs.enqueue(session, entrust_codes.MESSAGE_KIND, f"{user.channel}:{user.external_ref}",
                         QUESTION.format(names=child.name), due_at=now)
        else:
            log.warning("quarterly check for child file %s: the parent's channel cannot be reached", child.id)
            check.escalated_at = now
            _village_task(session, child, now, "系统无法联系到家长（微信48小时外不能主动发消息，或家长没有可推送的账号），"
                                               "请电话或上门确认委托监护信息是否有变化。")
        sent += 1
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


def run(sessions, now: datetime) -> tuple[int, int]:
    """The scheduler task: send what is due and escalate what went unanswered, in one transaction."""
    from core.db import transaction

    with transaction(sessions) as session:
        return send_quarterly(session, now), escalate_unanswered(session, now)
