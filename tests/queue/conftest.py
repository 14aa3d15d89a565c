"""The production profile's queue: Huey on the test Redis (skipped without one), and a
private Redis server for the tests that stop it."""
from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import update

from core.db import transaction
from core.models.staff import StaffUser
from tests.channels.conftest import TG_TOKEN, configure
from tests.channels.fakes import keyword_parse

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "redis.sh"


def use_redis(settings, url: str, **queue) -> None:
    """Production profile queue settings, with retries fast enough for a test."""
    settings.raw["queue"] = {"backend": "redis", "redis_url": url, "in_process": False,
                             "workers": 1, "retry_delay_seconds": 0.3, "retry_backoff": 2,
                             "relay_interval_seconds": 0.2, "requeue_after_seconds": 900, **queue}


class RedisServer:
    """A throwaway redis-server of our own (scripts/redis.sh) that a test may stop."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, None

    def start(self) -> str:
        args = ["bash", str(SCRIPT), "start", str(self.folder)] + ([str(self.port)] if self.port else [])
        url = subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip()
        self.port = int(url.rsplit(":", 1)[1].split("/")[0])
        return url

    def stop(self) -> None:
        subprocess.run(["bash", str(SCRIPT), "stop", str(self.folder)], check=True, capture_output=True)


@pytest.fixture
def own_redis(redis_url, tmp_path):
    server = RedisServer(tmp_path / "redis")
    server.url = server.start()
    yield server
    server.stop()


@pytest.fixture
def telegram_staff(settings, jurisdiction, make_staff, httpserver):
    """An on-duty county civil-affairs officer alerted on Telegram (fake Bot API)."""
    configure(settings, safe=False, api_base=httpserver.url_for("").rstrip("/"))
    settings.raw["notifications"] = {"channels": ["log", "telegram"]}
    make_staff("county", "civil_affairs")
    with transaction(jurisdiction.sessions) as s:
        s.execute(update(StaffUser).where(StaffUser.username == "county")
                  .values(on_duty=True, notify_to="telegram:777"))
    jurisdiction.parse = keyword_parse
    return httpserver


def tg_ok() -> dict:
    return {"ok": True, "result": {"message_id": 1, "date": 1, "chat": {"id": 777, "type": "private"},
                                   "text": "x"}}


def sent_messages(httpserver) -> list:
    return [r for r, _ in httpserver.log if r.path.endswith(f"/bot{TG_TOKEN}/sendMessage")]


def wait_for(predicate, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def sent_texts(httpserver) -> list[str]:
    return [(r.get_json() if r.is_json else r.form)["text"] for r in sent_messages(httpserver)]
