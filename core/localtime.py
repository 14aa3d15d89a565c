"""Local time for people: the database keeps naive UTC, staff read the configured zone.

config.yaml `timezone` (an IANA name, default Asia/Shanghai) is checked when the settings
are loaded.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT = "Asia/Shanghai"


def zone(name: str | None = None) -> ZoneInfo:
    """The zone called `name` (DEFAULT when empty); ValueError when there is none."""
    try:
        return ZoneInfo(str(name or DEFAULT))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"timezone '{name}' is not an IANA time zone, e.g. {DEFAULT}") from exc


def of_settings(settings) -> ZoneInfo:
    return zone((settings.raw or {}).get("timezone") if settings is not None else None)


def local(utc_naive: datetime | None, tz: ZoneInfo) -> datetime | None:
    """A stored (naive UTC) time as an aware local time."""
    if utc_naive is None:
        return None
    return utc_naive.replace(tzinfo=UTC).astimezone(tz)


def day_start_utc(day: date, tz: ZoneInfo, days_later: int = 0) -> datetime:
    """The naive UTC instant a local calendar day begins (plus `days_later` days)."""
    start = datetime.combine(day + timedelta(days=days_later), time.min, tzinfo=tz)
    return start.astimezone(UTC).replace(tzinfo=None)
