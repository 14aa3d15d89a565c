"""Periodic background tasks (escalation of overdue cases, forgetting old drafts).

A tiny loop, not a dependency: each task runs every `interval` seconds with the clock's
time; a failing task is logged and retried on its next turn. Tests call the tasks
directly with a moved clock instead of starting the thread.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from core.db import transaction, utcnow
from core.services import drafts, entrust_checks, entrust_push, escalation

log = logging.getLogger(__name__)


@dataclass
class Task:
    name: str
    interval: float  # seconds
    run: Callable[[datetime], object]
    next_at: float = 0.0


class Scheduler(threading.Thread):
    def __init__(self, tasks: list[Task], clock: Callable[[], datetime] = utcnow, tick: float = 5.0):
        super().__init__(name="shouhu-scheduler", daemon=True)
        self.tasks, self.clock, self.tick = tasks, clock, tick
        self._stop = threading.Event()

    def run_pending(self, monotonic: float) -> None:
        for task in self.tasks:
            if monotonic >= task.next_at:
                task.next_at = monotonic + task.interval
                try:
                    task.run(self.clock())
                except Exception:
                    log.exception("scheduled task %s failed", task.name)

    def run(self) -> None:
        import time
        while not self._stop.is_set():
            self.run_pending(time.monotonic())
            self._stop.wait(self.tick)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self.join(timeout)


def default_tasks(sessions, settings, notifier) -> list[Task]:
    cases = settings.section("cases")
    hours = float(settings.section("conversation").get("draft_hours", 72))

    def purge(now: datetime) -> None:
        with transaction(sessions) as session:
            drafts.purge_drafts(session, now, hours)

    push_options = entrust_push.options_from(settings)
    return [
        Task("escalate_overdue", float(cases.get("escalation_check_seconds", 60)),
             lambda now: escalation.run_escalation(sessions, notifier, cases, now)),
        Task("purge_drafts", 3600.0, purge),
        Task("entrust_quarterly", 3600.0, lambda now: entrust_checks.run(sessions, now, push_options)),
    ]
