"""The outbox: replies and alerts to deliver later, as rows of OutboundJob.

A job is written in the caller's session, so it exists exactly when the turn or case that
raised it was committed. The relay (bot/queue.py) then puts committed rows on the Huey
queue; the Huey task re-reads its row here and keeps the row's state up to date, so a job
is enqueued at least once but delivered effectively once.

`due_at` is the next time the relay must look at a row:
  pending  due to be relayed (a job may be written for later)
  queued   on the queue; relayed again after `requeue_after` in case the queue lost it
  sending  a worker holds it; relayed again when its lease ends (the worker died)
  done / failed   finished; `failed` rows are the dead-letter list staff see
This module knows no queue library and no channel SDK.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from core.db import transaction, utcnow
from core.models.channel import OutboundJob

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3  # then the job is failed and listed for staff
LEASE = timedelta(minutes=5)
WAITING = ("pending", "queued", "sending")

Sender = Callable[[str, str], None]


def describe(exc: BaseException) -> str:
    """An error for the job record: no message text, which may hold URLs with tokens."""
    status = getattr(getattr(exc, "response", None), "status_code", None)
    code = getattr(exc, "errcode", None) or getattr(exc, "smtp_code", None)
    return " ".join(str(x) for x in (type(exc).__name__, status, code) if x is not None)


def enqueue(session: Session, kind: str, target: str, body: str | dict,
            due_at: datetime | None = None) -> OutboundJob:
    """Write a job into the outbox, in the caller's transaction."""
    if not isinstance(body, str):
        body = json.dumps(body, ensure_ascii=False)
    job = OutboundJob(kind=kind, target=target, body=body, status="pending",
                      due_at=due_at or utcnow(), attempts=0)
    session.add(job)
    session.flush()
    return job


# --- the relay's side ---------------------------------------------------------------
def due_for_relay(sessions: sessionmaker[Session], now: datetime, limit: int = 100) -> list[int]:
    """Committed jobs the queue must (again) be given: due pending rows, queued rows the
    queue may have lost, and rows whose worker died mid-send."""
    with transaction(sessions) as s:
        return list(s.scalars(select(OutboundJob.id).where(
            OutboundJob.status.in_(WAITING), OutboundJob.due_at <= now)
            .order_by(OutboundJob.due_at).limit(limit)))


def mark_queued(sessions: sessionmaker[Session], job_id: int, now: datetime,
                requeue_after: timedelta) -> None:
    """After the queue accepted the job: look again only after `requeue_after`. A row a
    worker already took (sending, done, failed) is left as it is."""
    with transaction(sessions, write=True) as s:
        s.execute(update(OutboundJob).where(
            OutboundJob.id == job_id,
            (OutboundJob.status.in_(("pending", "queued")))
            | ((OutboundJob.status == "sending") & (OutboundJob.due_at <= now)))
            .values(status="queued", due_at=now + requeue_after))


# --- the worker's side --------------------------------------------------------------
@dataclass(frozen=True)
class Claimed:
    id: int
    kind: str
    target: str
    body: str
    attempts: int


def claim(sessions: sessionmaker[Session], job_id: int, now: datetime) -> Claimed | None:
    """Take the job for one delivery attempt. None when it is finished or another worker
    holds it (a second copy of the same queue message then does nothing)."""
    with transaction(sessions, write=True) as s:
        won = s.execute(update(OutboundJob).where(
            OutboundJob.id == job_id,
            OutboundJob.status.in_(("pending", "queued"))
            | ((OutboundJob.status == "sending") & (OutboundJob.due_at <= now)))
            .values(status="sending", due_at=now + LEASE, attempts=OutboundJob.attempts + 1))
        if won.rowcount != 1:
            return None
        job = s.get(OutboundJob, job_id)
        return Claimed(job.id, job.kind, job.target, job.body, job.attempts)


def finish(sessions: sessionmaker[Session], job_id: int, error: str | None,
           retry_at: datetime | None, now: datetime) -> str:
    """Record an attempt: done, queued again for the retry at `retry_at`, or failed
    (no retry left). Returns the new status."""
    with transaction(sessions, write=True) as s:
        job = s.get(OutboundJob, job_id)
        if error is None:
            job.status, job.last_error, job.due_at = "done", None, now
        elif retry_at is None or job.attempts >= MAX_ATTEMPTS:
            job.status, job.last_error, job.due_at = "failed", error[:500], now
            log.error("outbound job %s (%s) failed after %s attempts", job_id, job.kind, job.attempts)
        else:
            # The queue holds the retry; the relay looks again well after it is due.
            job.status, job.last_error, job.due_at = "queued", error[:500], retry_at + LEASE
        return job.status


def deliver(sessions: sessionmaker[Session], senders: dict[str, Sender], job_id: int,
            now: datetime, retry_at: datetime | None) -> str | None:
    """One delivery attempt of job `job_id`; `retry_at` is when the queue would retry it
    (None on the last attempt). Returns the job's new status, or None if not taken."""
    job = claim(sessions, job_id, now)
    if job is None:
        return None
    sender = senders.get(job.kind)
    error = None
    if sender is None:
        error, retry_at = f"no sender for {job.kind}", None
    else:
        try:
            sender(job.target, job.body)
        except Exception as exc:
            error = describe(exc)
            log.warning("outbound job %s (%s) failed, attempt %s: %s", job_id, job.kind,
                        job.attempts, type(exc).__name__)
            log.debug("outbound job failure detail", exc_info=True)
    if job.attempts >= MAX_ATTEMPTS:
        retry_at = None
    return finish(sessions, job_id, error, retry_at, now)


# --- the dead-letter list -------------------------------------------------------------
def failed_jobs(session: Session, limit: int = 200) -> list[OutboundJob]:
    return list(session.scalars(select(OutboundJob).where(OutboundJob.status == "failed")
                                .order_by(OutboundJob.id.desc()).limit(limit)))


def counts(session: Session) -> dict[str, int]:
    return dict(session.execute(select(OutboundJob.status, func.count())
                                .group_by(OutboundJob.status)).all())


def retry_failed(session: Session, job_id: int, now: datetime | None = None) -> bool:
    """Staff send a failed job again: three new attempts. False if it is not failed."""
    done = session.execute(update(OutboundJob).where(
        OutboundJob.id == job_id, OutboundJob.status == "failed")
        .values(status="pending", attempts=0, due_at=now or utcnow()))
    return done.rowcount == 1
