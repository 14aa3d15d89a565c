"""Message rate limits per user and per client address (Flask-Limiter's storage and
moving-window strategy: memory in the embedded profile, Redis in production, so that
every worker process and machine shares the counts).

A user over the limit is answered at once with a short "too fast" text and the message
is not run, so one user's flood costs little and never delays anyone else. It is still
stored (inbound_message, status "throttled", text encrypted): nothing said is lost. Emergencies
first: a message that the danger decision (nlu/danger.py) calls dangerous is run by the
engine whatever the counts say, so its sender gets the 110 guidance and the report.
If the limiter's storage is down, messages go through: answering matters more.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from limits import parse_many

from core.messages import Inbound, Reply

log = logging.getLogger(__name__)
DEFAULTS = {"per_user": "20 per minute", "per_ip": "600 per minute",
            "per_ip_webhooks": "60000 per minute"}
WEBHOOK_CHANNELS = ("wechat", "telegram")


def too_fast(police: str = "110") -> list[Reply]:
    return [Reply(f"消息太频繁了，这条没有处理。请稍等一会儿再发。如果孩子现在有危险，请直接拨打 {police}。")]


class MessageThrottle:
    """`refusal(inbound, address)`: the replies for a message over a limit, else None."""

    def __init__(self, limiter, cfg: dict, in_danger: Callable[[str], bool], police: str = "110",
                 record: Callable[[Inbound, list[Reply]], None] | None = None):
        cfg = {**DEFAULTS, **{k: v for k, v in (cfg or {}).items() if v}}
        self.limiter = limiter  # a flask_limiter.Limiter: its storage and strategy
        self.per_user = parse_many(cfg["per_user"])
        self.per_ip = parse_many(cfg["per_ip"])
        self.per_ip_webhooks = parse_many(cfg["per_ip_webhooks"])
        self.in_danger, self.police = in_danger, police
        self.record = record  # stores a refused message: nothing a user said is lost

    def _hit(self, limits, *keys: str) -> bool:
        """Count one message; False when any of the limits is already full."""
        strategy = self.limiter.limiter
        ok = True
        for limit in limits:
            ok = strategy.hit(limit, *keys) and ok
        return ok

    def refusal(self, inbound: Inbound, address: str | None) -> list[Reply] | None:
        ip_limits = self.per_ip_webhooks if inbound.channel in WEBHOOK_CHANNELS else self.per_ip
        try:
            ok = self._hit(self.per_user, "chat-user", inbound.channel, inbound.user_id)
            ok = self._hit(ip_limits, "chat-ip", inbound.channel, address or "-") and ok
        except Exception as exc:  # noqa: BLE001 - storage down: answer rather than refuse
            log.warning("rate limit storage unavailable (%s): message let through", type(exc).__name__)
            return None
        if ok:
            return None
        if inbound.text and self.in_danger(inbound.text):
            log.warning("a message over the rate limit describes danger: it is answered")
            return None
        log.info("message over the rate limit refused on %s", inbound.channel)
        replies = too_fast(self.police)
        if self.record is not None:
            self.record(inbound, replies)
        return replies


EXTENSION = "shouhu.throttle"


def request_gate() -> Callable[[Inbound], list[Reply] | None] | None:
    """For a channel's view: the rate-limit check of this app and this client address."""
    from flask import current_app, request
    throttle = current_app.extensions.get(EXTENSION)
    if throttle is None:
        return None
    address = request.remote_addr
    return lambda inbound: throttle.refusal(inbound, address)
