"""The job queue: Huey, on SQLite in the embedded profile and on Redis in production.

Jobs are first written to the outbox (the outbound_job table) in the turn's own
transaction; the relay (bot/relay.py) puts committed rows on this queue as `deliver(id)`
tasks; a task re-reads its row (core/services/jobs.py), so a row enqueued twice is still
delivered once. Huey retries a failed delivery with backoff; after the third failure the
row is `failed`, the dead-letter list staff see at /admin/jobs. Periodic work
(core/services/scheduler.py) runs as Huey periodic tasks.

Who runs what (config.yaml `queue`, see docs/queue.md):
  embedded    `shouhu serve` / `demo` start the consumer and the relay in-process
  production  `shouhu worker` (consumer), `shouhu scheduler` (periodic tasks + relay)
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from huey import RedisHuey, SqliteHuey, crontab
from huey.api import Huey
from huey.consumer import Consumer

from core.db import utcnow
from core.services import jobs
from core.services.scheduler import Periodic
from core.settings import SettingsError

log = logging.getLogger(__name__)
DEFAULTS = {"backend": "sqlite", "name": "shouhu", "sqlite_path": "queue.db", "redis_url": "",
            "in_process": True, "workers": 2, "retry_delay_seconds": 10, "retry_backoff": 6,
            "relay_interval_seconds": 1.0, "requeue_after_seconds": 900}
RELAY_BATCH, RELAY_BATCHES = 100, 20


class DeliveryFailed(Exception):
    """One delivery attempt failed (details are on the job row); Huey retries it."""


def queue_settings(settings) -> dict:
    cfg = {**DEFAULTS, **settings.section("queue")}
    if cfg["backend"] not in ("sqlite", "redis"):
        raise SettingsError(f"queue.backend is '{cfg['backend']}': use sqlite or redis")
    if cfg["backend"] == "redis" and not cfg["redis_url"]:
        raise SettingsError("queue.backend is redis but no Redis URL is set (SHOUHU_REDIS_URL)")
    return cfg


def make_huey(settings, cfg: dict) -> Huey:
    if cfg["backend"] == "redis":
        from redis import ConnectionPool
        # Fail fast while Redis is down: the relay keeps the rows and tries again later.
        pool = ConnectionPool.from_url(cfg["redis_url"], socket_connect_timeout=2,
                                       health_check_interval=30)
        return RedisHuey(cfg["name"], connection_pool=pool, results=False, utc=True)
    path = settings.resolve(cfg["sqlite_path"])
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(cfg["name"], filename=str(path), results=False, utc=True)


class JobQueue:
    """One Huey instance with Shouhu's tasks, built from the settings by the runtime."""

    def __init__(self, settings, sessions, senders: Callable[[], dict[str, jobs.Sender]],
                 periodic: list[Periodic], clock: Callable[[], datetime] = utcnow):
        self.cfg = queue_settings(settings)
        self.sessions, self._make_senders, self.clock = sessions, senders, clock
        self.huey = make_huey(settings, self.cfg)
        self._senders: dict[str, jobs.Sender] | None = None
        self._lock = threading.Lock()
        self.delivered = 0  # deliveries done by this process (tests, logs)
        self.deliver = self._register_deliver()
        self.periodic = {p.name: self._register_periodic(p) for p in periodic}

    @property
    def requeue_after(self) -> timedelta:
        return timedelta(seconds=float(self.cfg["requeue_after_seconds"]))

    def senders(self) -> dict[str, jobs.Sender]:
        with self._lock:
            if self._senders is None:
                self._senders = self._make_senders()
            return self._senders

    def _register_deliver(self):
        @self.huey.task(retries=jobs.MAX_ATTEMPTS - 1, retry_delay=float(self.cfg["retry_delay_seconds"]),
                        retry_backoff=float(self.cfg["retry_backoff"]), context=True, name="deliver")
        def deliver(job_id: int, task=None):
            now = self.clock()
            retry_at = now + timedelta(seconds=task.retry_delay) if task.retries else None
            status = jobs.deliver(self.sessions, self.senders(), job_id, now, retry_at)
            if status == "done":
                with self._lock:
                    self.delivered += 1
            elif status == "queued":
                raise DeliveryFailed(f"outbound job {job_id}: attempt failed, retried later")
        return deliver

    def _register_periodic(self, p: Periodic):
        when = crontab(minute="0") if p.every_minutes >= 60 else crontab(minute=f"*/{p.every_minutes}")

        def run() -> None:
            p.run(self.clock())
        run.__name__ = p.name
        return self.huey.periodic_task(when, retries=2, retry_delay=30, name=p.name)(run)

    # --- the relay's step ---------------------------------------------------------
    def relay(self, now: datetime | None = None) -> int:
        """Put committed outbox rows that are due on the queue; returns how many. Raises
        the storage's error (Redis down): the rows then wait in the outbox."""
        now = now or self.clock()
        moved = 0
        for _ in range(RELAY_BATCHES):  # a burst goes out at once, in bounded rounds
            due = jobs.due_for_relay(self.sessions, now, RELAY_BATCH)
            for job_id in due:
                self.deliver(job_id)  # first on the queue, then marked: never lost in between
                jobs.mark_queued(self.sessions, job_id, now, self.requeue_after)
            moved += len(due)
            if len(due) < RELAY_BATCH:
                break
        return moved

    # --- running tasks in this thread (tests, `shouhu jobs run`) ---------------------
    def drain(self, now: datetime | None = None, limit: int = 1000) -> int:
        """Relay, then execute every task that is due, here and now, the way Huey's
        consumer does (retries due by `now` included). Returns deliveries done."""
        now = now or self.clock()
        before = self.delivered
        self.relay(now)
        for task in self.huey.read_schedule(now):
            self.huey.enqueue(task)
        for _ in range(limit):
            task = self.huey.dequeue()
            if task is None:
                break
            self.huey.execute(task, now)
        return self.delivered - before

    def run_periodic(self, now: datetime) -> list[str]:
        """Enqueue the periodic tasks whose schedule matches `now`, run them with the
        clock at `now`; returns their names."""
        names = [t.name for t in self.huey.read_periodic(now)]
        clock = self.clock
        self.clock = lambda: now
        try:
            for task in self.huey.read_periodic(now):
                self.huey.enqueue(task)
            self.drain(now)
        finally:
            self.clock = clock
        return names

    # --- consumers ----------------------------------------------------------------
    def consumer(self, workers: int | None = None, periodic: bool = True, **options) -> Consumer:
        workers = int(self.cfg["workers"]) if workers is None else workers
        return Consumer(self.huey, workers=workers, periodic=periodic, worker_type="thread",
                        **options)

    def start_in_process(self, workers: int | None = None) -> InProcessConsumer:
        """Workers and periodic scheduler as threads of this process (embedded profile)."""
        workers = int(self.cfg["workers"]) if workers is None else workers
        consumer = InProcessConsumer(self.huey, workers=workers, periodic=True,
                                     worker_type="thread", shutdown_timeout=5, max_delay=1.0)
        consumer.start()
        return consumer

    def close(self) -> None:
        try:
            self.huey.storage.close()
        except Exception:  # pragma: no cover - closing is best effort
            log.debug("closing the queue storage failed", exc_info=True)


class InProcessConsumer(Consumer):
    """Huey's consumer without its signal handlers: inside `shouhu serve` the web server
    owns the signals (and they can only be set from the main thread)."""

    def _set_signal_handlers(self) -> None:
        pass

    def stop(self, graceful: bool = True) -> None:
        super().stop(graceful=graceful)
