"""Escalate cases nobody accepted in time: a scheduler job, driven by the clock it is given.

Policy: the police accept and respond first, then inform the township; when a case waits
past its acceptance deadline, the township and civil affairs are alerted so a child is
never left waiting on one desk.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Case
from core.services.cases import add_event
from core.services.reporting import alert_units

log = logging.getLogger(__name__)

DEFAULT_ESCALATE_TO = ("{township}", "{region}民政局")


def escalation_units(case: Case, config: dict | None = None, region: str = "") -> list[str]:
    templates = (config or {}).get("escalate_to") or DEFAULT_ESCALATE_TO
    township = case.township.name if case.township else "县"
    if not region and case.township is not None and case.township.region is not None:
        region = case.township.region.name
    return [t.format(township=township, region=region or "县") for t in templates]


def overdue_cases(session: Session, now: datetime) -> list[Case]:
    q = (select(Case).where(Case.status == "submitted", Case.escalated_at.is_(None),
                            Case.accept_deadline.is_not(None), Case.accept_deadline < now)
         .order_by(Case.accept_deadline, Case.id))
    return list(session.scalars(q))


def escalate_overdue(session: Session, now: datetime, notifier=None, config: dict | None = None) -> list[Case]:
    """Escalate every unaccepted case past its deadline, once. Returns the escalated cases;
    the alerts to the township and civil affairs are queued in the same session."""
    escalated = []
    for case in overdue_cases(session, now):
        units = escalation_units(case, config)
        case.escalated_at = now
        late = int((now - case.accept_deadline).total_seconds() // 60)
        add_event(session, case, "escalated", "system",
                  note=f"超过受理时限{late}分钟仍未受理，已上报{'、'.join(units)}", now=now)
        alert_units(session, notifier, case, units, reason="超时未受理")
        escalated.append(case)
    if escalated:
        log.info("escalated %d overdue case(s)", len(escalated))
    session.flush()
    return escalated


def run_escalation(sessions, notifier=None, config: dict | None = None, now: datetime | None = None) -> int:
    """The scheduler job: one transaction for the escalations and their alerts."""
    from core.db import transaction, utcnow

    with transaction(sessions) as session:
        return len(escalate_overdue(session, now or utcnow(), notifier, config))
