"""Outbound jobs: replies and alerts delivered later, with retries and backoff.

Jobs live in the database (OutboundJob), so they survive restarts and any worker
process may deliver them. A job is claimed with a conditional UPDATE (only one worker
wins) and leased: a worker that dies mid-send leaves a job that becomes due again.
Senders are plain callables `send(target, body)` registered by the composition root;
this module knows no channel SDK.
"""
from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from core.db import transaction, utcnow
from core.models.channel import OutboundJob

log = logging.getLogger(__name__)
BACKOFF_SECONDS = (5, 30, 120, 600, 1800)
MAX_ATTEMPTS = len(BACKOFF_SECONDS) + 1
LEASE = timedelta(minutes=5)

Sender = Callable[[str, str], None]


def describe(exc: BaseException) -> str:
    """An error for the job record: no message text, which may hold URLs with tokens."""
    status = getattr(getattr(exc, "response", None), "status_code", None)
    code = getattr(exc, "errcode", None) or getattr(exc, "smtp_code", None)
    return " ".join(str(x) for x in (type(exc).__name__, status, code) if x is not None)


def enqueue(session: Session, kind: str, target: str, body: str | dict,
            due_at: datetime | None = None) -> OutboundJob:
    if not isinstance(body, str):
        body = json.dumps(body, ensure_ascii=False)
    job = OutboundJob(kind=kind, target=target, body=body, status="pending",
                      due_at=due_at or utcnow(), attempts=0)
    session.add(job)
    session.flush()
    return job


def _claim(sessions: sessionmaker[Session], now: datetime, limit: int) -> list[int]:
    with transaction(sessions) as s:
        ids = s.scalars(select(OutboundJob.id).where(
            or_(OutboundJob.status == "pending", OutboundJob.status == "sending"),
            OutboundJob.due_at <= now).order_by(OutboundJob.due_at).limit(limit)).all()
    claimed = []
    for job_id in ids:
        with transaction(sessions) as s:
            won = s.execute(update(OutboundJob).where(
                OutboundJob.id == job_id, OutboundJob.due_at <= now,
                OutboundJob.status.in_(("pending", "sending"))).values(
                status="sending", due_at=now + LEASE, attempts=OutboundJob.attempts + 1))
            if won.rowcount == 1:
                claimed.append(job_id)
    return claimed


def run_due(sessions: sessionmaker[Session], senders: dict[str, Sender],
            now: datetime | None = None, limit: int = 20) -> int:
    """Deliver the jobs that are due; returns how many were delivered."""
    now = now or utcnow()
    delivered = 0
    for job_id in _claim(sessions, now, limit):
        with transaction(sessions) as s:
            job = s.get(OutboundJob, job_id)
            kind, target, body, attempts = job.kind, job.target, job.body, job.attempts
        sender = senders.get(kind)
        error = None
        if sender is None:
            error = f"no sender for {kind}"
        else:
            try:
                sender(target, body)
            except Exception as exc:
                error = describe(exc)
                log.warning("outbound job %s (%s) failed, attempt %s: %s", job_id, kind,
                            attempts, type(exc).__name__)
                log.debug("outbound job failure detail", exc_info=True)
        with transaction(sessions) as s:
            job = s.get(OutboundJob, job_id)
            if error is None:
                job.status, job.last_error = "done", None
                delivered += 1
            elif sender is None or attempts >= MAX_ATTEMPTS:
                job.status, job.last_error = "failed", error[:500]
                log.error("outbound job %s (%s) given up after %s attempts", job_id, kind, attempts)
            else:
                job.status, job.last_error = "pending", error[:500]
                job.due_at = now + timedelta(seconds=BACKOFF_SECONDS[min(attempts, MAX_ATTEMPTS - 1) - 1])
    return delivered


class JobWorker(threading.Thread):
    """Background delivery loop (started by `shouhu serve` / `demo`, not in tests)."""

    def __init__(self, sessions: sessionmaker[Session], senders: dict[str, Sender],
                 interval: float = 1.0, clock: Callable[[], datetime] = utcnow):
        super().__init__(name="shouhu-jobs", daemon=True)
        self.sessions, self.senders, self.interval, self.clock = sessions, senders, interval, clock
        self._halt = threading.Event()
        self._wake = threading.Event()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._halt.set()
        self._wake.set()
        self.join(timeout)

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                run_due(self.sessions, self.senders, self.clock())
            except Exception as exc:
                log.error("job worker iteration failed: %s", type(exc).__name__)
                log.debug("job worker failure detail", exc_info=True)
            self._wake.wait(self.interval)
            self._wake.clear()
