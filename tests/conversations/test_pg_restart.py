"""PostgreSQL restarted while users are reporting: requests fail cleanly with
"系统繁忙 … 110", succeed again afterwards, and every case number a user was told exists
exactly once afterwards.

Runs in the PostgreSQL pass of `make test`, on a cluster of its own (scripts/pg.sh) so that
the restart does not disturb the other tests. The real engine, NLU and /api/chat; the
clients behave like the web chat: a 503 is sent again with the same msg_id.
"""
from __future__ import annotations

import os
import re
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from core.settings import REPO_ROOT

pytestmark = pytest.mark.skipif(not os.environ.get("SHOUHU_TEST_DATABASE_URL"),
                                reason="the PostgreSQL pass of make test runs it")
NUMBER = re.compile(r"BG-\d{8}-\d{4}")
REPORT = ("我是红星镇中心小学的李老师，电话13800001234。我们班有个8岁的男孩住在向阳村，"
          "父母都在外地打工，他一个人住了一个星期了")


class Cluster:
    def __init__(self, path: Path):
        self.path = path
        self.url = subprocess.run([str(REPO_ROOT / "scripts" / "pg.sh"), "start", str(path)],
                                  check=True, capture_output=True, text=True).stdout.strip()
        self.pg_ctl = next(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))

    def ctl(self, *args: str) -> None:
        cmd = [str(self.pg_ctl), "-D", str(self.path / "data"), "-l", str(self.path / "server.log"),
               "-w", *args]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        # not captured: the server started would hold the pipe open
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/")

    def stop(self) -> None:
        subprocess.run([str(REPO_ROOT / "scripts" / "pg.sh"), "stop", str(self.path)], check=False,
                       capture_output=True)


@pytest.fixture
def restartable_app(real_parser):
    from bot.app import build_runtime, create_app
    from bot.engine import Engine
    from bot.flows import build_registry
    from core import migrate
    from core.db import transaction
    from core.services.jurisdiction import load_jurisdiction_file
    from core.settings import load_settings
    from tests.conftest import DEMO_JURISDICTION, FIELD_KEY

    cluster = Cluster(Path(f"/tmp/shouhu-pg-restart-{uuid.uuid4().hex[:8]}"))
    try:
        migrate.upgrade(cluster.url)
        settings = load_settings(REPO_ROOT / "config.yaml", env={
            "SHOUHU_INSTANCE_DIR": str(cluster.path / "instance"), "SHOUHU_DATABASE_URL": cluster.url,
            "SHOUHU_FIELD_KEY": FIELD_KEY, "SHOUHU_SECRET_KEY": "test-secret-key-not-for-production"})
        settings.raw["rate_limits"] = {"per_user": "1000 per minute", "per_ip": "100000 per minute"}
        runtime = build_runtime(settings)
        with transaction(runtime.sessions) as s:
            load_jurisdiction_file(s, DEMO_JURISDICTION)
        runtime._lazy["engine"] = Engine(runtime.flow_context(), build_registry(), real_parser.parse,
                                         real_parser.is_uncertain, sessions=runtime.sessions)
        app = create_app(settings, runtime)
        app.config.update(TESTING=True)
        yield app, runtime, cluster
        runtime.close()
        runtime.db.dispose()
    finally:
        cluster.stop()


class Reporter(threading.Thread):
    """Files reports one after another until told to stop; a refused turn is sent again."""

    def __init__(self, app, name: str, stop: threading.Event):
        super().__init__(daemon=True)
        self.client, self.name, self.stop = app.test_client(), name, stop
        self.told: list[str] = []
        self.busy: list[str] = []
        self.other: list[tuple[int, str]] = []
        self.sent = 0

    def send(self, user: str, text: str) -> str:
        msg_id = uuid.uuid4().hex
        for _ in range(200):
            resp = self.client.post("/api/chat", json={"user_id": user, "text": text, "msg_id": msg_id})
            self.sent += 1
            replies = " ".join(r["text"] for r in (resp.get_json() or {}).get("replies", []))
            if resp.status_code == 200 and "系统繁忙" not in replies:
                return replies
            if resp.status_code in (200, 503) and "110" in replies and (
                    "系统繁忙" in replies or "还在处理中" in replies):  # answered cleanly: try again
                self.busy.append(replies)
            else:
                self.other.append((resp.status_code, replies[:80]))
            time.sleep(0.2)
        raise AssertionError(f"{user}: no answer after the database came back")

    def run(self):
        n = 0
        while not self.stop.is_set():
            n += 1
            user = f"pg-{self.name}-{n}"
            summary = self.send(user, REPORT)
            for _ in range(3):  # the danger question or the category check may come first
                if "孩子现在有危险吗" in summary:
                    summary = self.send(user, "没有")
                elif "对吗" in summary and "请核对" not in summary:
                    summary = self.send(user, "对")
                else:
                    break
            if "请核对" not in summary:
                self.other.append((200, summary[:80]))
                continue
            found = NUMBER.search(self.send(user, "1"))
            if found:
                self.told.append(found.group(0))


def test_postgres_restart_during_traffic(restartable_app):
    from core.models import Case
    app, runtime, cluster = restartable_app
    stop = threading.Event()
    reporters = [Reporter(app, str(i), stop) for i in range(3)]
    for r in reporters:
        r.start()
    deadline = time.time() + 60
    while sum(len(r.told) for r in reporters) < 3 and time.time() < deadline:
        time.sleep(0.1)
    before = sum(len(r.told) for r in reporters)
    assert before >= 3, "no report was filed before the restart"
    cluster.ctl("-m", "fast", "stop")  # the restart: down for a moment, then back
    time.sleep(1.5)
    cluster.ctl("restart")  # starts it again with the options it last ran with
    while sum(len(r.told) for r in reporters) < before + 6 and time.time() < deadline + 60:
        time.sleep(0.1)
    stop.set()
    for r in reporters:
        r.join(120)

    told = [n for r in reporters for n in r.told]
    assert sum(len(r.busy) for r in reporters) > 0, "no request met the restart"
    assert not [o for r in reporters for o in r.other], "only clean 系统繁忙/110 answers during the restart"
    assert len(told) >= before + 6, "reports were filed again after the restart"
    with runtime.sessions() as s:
        stored = list(s.scalars(select(Case.number)))
    assert sorted(told) == sorted(stored), "every number told exists, once; nothing else was filed"
