"""The outbox relay: moves committed outbound_job rows onto the Huey queue.

No queue library reads our outbox table, so this small loop is ours (docs/queue.md says
why): it polls every `queue.relay_interval_seconds`, and is woken at once after a commit
that wrote jobs (in-process). While the queue's storage (Redis) is down, rows stay
`pending` in the database and the loop keeps trying; nothing is lost, and the web path
never waits for it.
"""
from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)


class Relay(threading.Thread):
    def __init__(self, queue, interval: float = 1.0):
        super().__init__(name="shouhu-relay", daemon=True)
        self.queue, self.interval = queue, interval
        self._halt = threading.Event()
        self._wake = threading.Event()
        self.reachable = True  # whether the last attempt reached the queue

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._halt.set()
        self._wake.set()
        self.join(timeout)

    def step(self) -> int:
        try:
            moved = self.queue.relay()
        except Exception as exc:
            if self.reachable:  # log the outage once, not every second
                log.error("relaying jobs failed (%s): they wait in the outbox", type(exc).__name__)
                log.debug("relay failure detail", exc_info=True)
            self.reachable = False
            return 0
        if not self.reachable:
            log.warning("job queue reachable again: relaying the waiting jobs")
        self.reachable = True
        return moved

    def run(self) -> None:
        while not self._halt.is_set():
            self.step()
            self._wake.wait(self.interval)
            self._wake.clear()
