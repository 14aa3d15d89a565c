"""Signed, expiring links for the quarterly confirmation page (/confirm/<token>).

A WeChat template message (sent when the 48-hour customer-service window has closed)
cannot carry buttons, only a link. The link holds the check's id, signed with the
service's secret key (itsdangerous) and valid as long as the check may be answered; the
page shows no personal data beyond the children's given names.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from core.db import utcnow

SALT = "shouhu-entrust-confirm"
VALID_FOR = timedelta(days=14)


def _serializer(secret_key: str, clock: Callable[[], datetime]) -> URLSafeTimedSerializer:
    class ClockSigner(TimestampSigner):
        def get_timestamp(self) -> int:  # the service's clock, which tests move
            return int((clock() - datetime(1970, 1, 1)).total_seconds())

    return URLSafeTimedSerializer(secret_key, salt=SALT, signer=ClockSigner)


def make_token(secret_key: str, check_id: int, clock: Callable[[], datetime] = utcnow) -> str:
    return _serializer(secret_key, clock).dumps({"check": check_id})


def read_token(secret_key: str, token: str, clock: Callable[[], datetime] = utcnow) -> tuple[int | None, str]:
    """(check id, "ok") or (None, "expired" / "bad")."""
    try:
        data = _serializer(secret_key, clock).loads(token, max_age=int(VALID_FOR.total_seconds()))
    except SignatureExpired:
        return None, "expired"
    except BadSignature:
        return None, "bad"
    check = data.get("check") if isinstance(data, dict) else None
    return (check, "ok") if isinstance(check, int) else (None, "bad")
