"""Filing a report and what follows: routing, urgency, duplicates, alerts, reporter updates.

The notifier is whatever bot/app.py provides as ctx.services["notifier"]: an object with
`notify(unit, subject, body, urgency)` that reaches the unit's on-duty staff. It may be
None (then nobody is alerted, which is only acceptable in tests and the console).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import categories, labels
from core.db import utcnow
from core.models import Attachment, Case, CaseEvent, ChannelUser, OutboundJob
from core.services.attachments import queue_downloads
from core.services.cases import CaseDraft, add_event, submit_case
from core.services.duplicates import find_duplicate
from core.services.errors import Invalid

log = logging.getLogger(__name__)

# Urgency by category when the reporter did not say it is happening now (the category table's).
DEFAULT_URGENCY = categories.urgencies()
ALERT_URGENCIES = ("urgent", "high")
REPORTER_MESSAGE = "reporter_message"  # OutboundJob kind: a text to one channel user


@dataclass
class Filed:
    case: Case
    duplicate_of: Case | None
    alerted: bool
    repeated: bool = False  # filed earlier under the same submission key


def urgency_for(category: str, said_urgent: bool, config: dict | None = None) -> str:
    if said_urgent:
        return "urgent"
    table = {**DEFAULT_URGENCY, **((config or {}).get("default_urgency") or {})}
    return table.get(category, "normal")


def case_place(case: Case) -> str:
    parts = [case.township.name if case.township else "", case.village.name if case.village else ""]
    return "".join(parts) or "地点待核实"


def alert_text(case: Case, reason: str = "新报告") -> tuple[str, str]:
    """Subject and body of an alert. No names or phones: staff open the case to see them."""
    mark = "【紧急】" if case.urgency == "urgent" else ""
    subject = f"{mark}{reason} {case.number}：{labels.CATEGORY.get(case.category, case.category)}"
    body = (f"编号：{case.number}\n类别：{labels.CATEGORY.get(case.category, case.category)}\n"
            f"紧急程度：{labels.URGENCY.get(case.urgency, case.urgency)}\n地点：{case_place(case)}\n"
            f"分派单位：{case.assigned_unit}\n请尽快登录守护系统查看并受理。")
    return subject, body


def alert_units(session: Session, notifier, case: Case, units: list[str], reason: str = "新报告") -> bool:
    """Queue alerts to the units' on-duty staff in the case's own session: they exist
    exactly when the case (or its escalation) is committed."""
    if notifier is None:
        log.warning("no notifier configured; case %s not alerted", case.number)
        return False
    subject, body = alert_text(case, reason)
    for unit in units:
        notifier.notify(session, unit, subject, body, case.urgency)
    return True


def file_report(session: Session, draft: CaseDraft, config: dict | None = None, notifier=None,
                now: datetime | None = None, attachments: list[dict] | None = None,
                submission_key: str | None = None) -> Filed:
    """Submit, attach media, link a likely duplicate and alert the assigned unit (urgent
    and high), all in the caller's transaction: the case, its events and its alert jobs
    are committed together or not at all.

    With a submission_key (the conversation and the draft), filing is idempotent: a case
    already filed under that key is returned as it is (`Filed.repeated`)."""
    config = config or {}
    now = now or utcnow()
    if submission_key:
        existing = find_by_submission_key(session, submission_key)
        if existing is not None:
            return Filed(case=existing, duplicate_of=None, alerted=False, repeated=True)
    case = submit_case(session, draft, routing=config.get("routing"),
                       deadlines=config.get("accept_deadline_minutes"), now=now,
                       submission_key=submission_key)
    for item in attachments or []:
        case.attachments.append(Attachment(kind=item.get("kind", "file"),
                                           channel=item.get("channel", ""), media_ref=item.get("ref", ""),
                                           content_type=item.get("content_type") or None, created_at=now))
    session.flush()
    queue_downloads(session, case)
    found = find_duplicate(session, case, config.get("duplicate_window_hours", 48),
                           config.get("duplicate_close_hours", 12))
    original = found[0] if found else None
    if found:
        why = found[1]
        case.duplicate_of_id = original.id
        add_event(session, case, "duplicate_linked", "system", now=now,
                  note=f"疑似与{original.number}为同一事件（{why}），请核对后合并或解除关联")
        add_event(session, original, "duplicate_linked", "system", note=f"新报告{case.number}疑似同一事件（{why}）",
                  now=now)
    alerted = False
    if case.urgency in ALERT_URGENCIES:
        alerted = alert_units(session, notifier, case, [case.assigned_unit])
        if alerted:
            add_event(session, case, "alerted", "system", note=f"已通知{case.assigned_unit}值班人员", now=now)
    session.flush()
    return Filed(case=case, duplicate_of=original, alerted=alerted)


def find_by_submission_key(session: Session, key: str) -> Case | None:
    return session.scalar(select(Case).where(Case.submission_key == key))


def notify_reporter(session: Session, case: Case, text: str, now: datetime | None = None) -> bool:
    """Queue a plain message to the reporter's chat (delivered by the outbound worker)."""
    if not case.reporter_channel_user_id:
        return False
    user = session.get(ChannelUser, case.reporter_channel_user_id)
    if user is None or not user.subscribed:
        return False
    session.add(OutboundJob(kind=REPORTER_MESSAGE, target=f"{user.channel}:{user.external_ref}",
                            body=text, due_at=now or utcnow()))
    session.flush()
    return True


def _transition(session: Session, case: Case, status: str, by: str, note: str | None,
                allowed_from: tuple[str, ...], now: datetime | None, detail: dict | None = None) -> None:
    if case.status not in allowed_from:
        raise Invalid(f"case {case.number} is {case.status}; cannot move it to {status}")
    add_event(session, case, status, by, note=note, status_to=status, now=now, detail=detail)


def merged_into(session: Session, case: Case) -> list[Case]:
    """The reports staff merged into this case as duplicates of it."""
    return list(session.scalars(select(Case).where(Case.duplicate_of_id == case.id,
                                                   Case.status == "merged").order_by(Case.id)))


def tell_accepted(session: Session, case: Case, unit: str, now: datetime | None = None) -> bool:
    return notify_reporter(session, case, f"您提交的报告 {case.number} 已被{unit}受理，"
                                          f"他们会尽快处置。感谢您对孩子的关心！", now)


def tell_closed(session: Session, case: Case, now: datetime | None = None) -> bool:
    return notify_reporter(session, case, f"您提交的报告 {case.number} 已处理完毕并结案。"
                                          f"谢谢您及时报告，守护孩子平安。", now)


def accept_case(session: Session, case: Case, by: str, note: str | None = None,
                now: datetime | None = None, detail: dict | None = None) -> Case:
    """Staff accept (受理) a case; its reporter, and the reporters of the duplicates merged
    into it, are told in plain words (each under their own report number)."""
    _transition(session, case, "accepted", by, note, ("submitted",), now, detail)
    tell_accepted(session, case, case.assigned_unit, now)
    for report in merged_into(session, case):
        if not was_accepted(session, report):  # a duplicate accepted before its merge was told then
            tell_accepted(session, report, case.assigned_unit, now)
    return case


def was_accepted(session: Session, case: Case) -> bool:
    return session.scalar(select(CaseEvent.id).where(CaseEvent.case_id == case.id,
                                                     CaseEvent.status_to == "accepted").limit(1)) is not None


def close_case(session: Session, case: Case, by: str, note: str | None = None,
               now: datetime | None = None, detail: dict | None = None) -> Case:
    """Staff close (结案) a case; the reporters are told, without any confidential detail."""
    _transition(session, case, "closed", by, note,
                tuple(s for s in labels.STATUS if s not in ("closed", "merged")), now, detail)
    for report in (case, *merged_into(session, case)):
        tell_closed(session, report, now)
    return case
