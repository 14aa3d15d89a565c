"""The periodic work: escalation of overdue cases, quarterly entrustment confirmations,
visit reminders, forgetting old report drafts, the dashboard's summary tables.

This module only says WHAT runs and how often; Huey's periodic tasks run it (bot/queue.py:
in-process in the embedded profile, `shouhu scheduler` + `shouhu worker` in production).
Each task takes the time it should act at, so tests call them with a moved clock.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from core import localtime
from core.db import transaction
from core.services import (
    dashboard_summary,
    drafts,
    entrust_checks,
    entrust_push,
    escalation,
    visit_plan,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    every_minutes: int  # 1..60, a divisor of 60 (Huey's crontab granularity is a minute)
    run: Callable[[datetime], object]


def _every(seconds: float) -> int:
    """The nearest divisor of 60 minutes at or above `seconds` (at least one minute)."""
    minutes = max(1, round(seconds / 60))
    return next(m for m in (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60) if m >= minutes) if minutes < 60 else 60


def periodic_tasks(sessions, settings, notifier) -> list[Periodic]:
    cases = settings.section("cases")
    hours = float(settings.section("conversation").get("draft_hours", 72))

    def purge(now: datetime) -> None:
        with transaction(sessions) as session:
            drafts.purge_drafts(session, now, hours)

    push_options = entrust_push.options_from(settings)
    dashboard = dashboard_summary.options(settings)
    tz_name = localtime.of_settings(settings).key
    visit_rules = visit_plan.Rules.from_config(settings.section("visits"))
    summary = [Periodic("dashboard_summary", _every(60 * dashboard["refresh_minutes"]),
                        lambda now: dashboard_summary.refresh(sessions, now, tz_name, visit_rules))
               ] if dashboard["refresh_minutes"] else []
    return [
        Periodic("escalate_overdue", _every(float(cases.get("escalation_check_seconds", 60))),
                 lambda now: escalation.run_escalation(sessions, notifier, cases, now)),
        Periodic("purge_drafts", 60, purge),
        Periodic("entrust_quarterly", 60, lambda now: entrust_checks.run(sessions, now, push_options)),
        Periodic("visit_reminders", 60,
                 lambda now: visit_plan.send_reminders(sessions, now, settings.section("visits"))),
        *summary,
    ]
