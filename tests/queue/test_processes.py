"""The production profile's processes: `shouhu scheduler` (periodic tasks + relay) and
`shouhu worker` (Huey consumer) as separate programs on Redis, the web side only writing
to the outbox."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import yaml
from sqlalchemy import select

from core.db import transaction
from core.models import Case, OutboundJob
from core.settings import REPO_ROOT
from tests.conftest import FIELD_KEY
from tests.queue.conftest import sent_texts, tg_ok, wait_for
from tests.queue.test_periodic import file_case


def production_config(tmp_path, api_base: str) -> str:
    raw = yaml.safe_load((REPO_ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw["telegram"]["base_url"] = api_base + "/bot"
    raw["notifications"] = {"channels": ["log", "telegram"]}
    raw["profiles"]["production"]["queue"].update(workers=1, retry_delay_seconds=0.5,
                                                  relay_interval_seconds=0.2)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_worker_and_scheduler_processes_deliver_and_escalate(
        tmp_path, settings, runtime, telegram_staff, redis_url, database_url):
    telegram_staff.expect_request(f"/bot{settings.raw['telegram']['token']}/sendMessage").respond_with_json(tg_ok())
    number = file_case(runtime)  # filed 2026-12-01 08:00: long past its deadline
    env = {**os.environ, "SHOUHU_PROFILE": "production", "SHOUHU_REDIS_URL": redis_url,
           "SHOUHU_DATABASE_URL": database_url, "SHOUHU_FIELD_KEY": FIELD_KEY,
           "SHOUHU_SECRET_KEY": "test-secret-key-not-for-production",
           "SHOUHU_TELEGRAM_TOKEN": settings.raw["telegram"]["token"],
           "SHOUHU_INSTANCE_DIR": str(tmp_path / "instance"),
           "SHOUHU_CONFIG": production_config(tmp_path, telegram_staff.url_for("").rstrip("/"))}
    procs = [subprocess.Popen([sys.executable, "-m", "bot", "-v", role], cwd=REPO_ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for role in ("worker", "scheduler")]
    try:
        # The scheduler's first round escalates the overdue case; its alerts reach Telegram.
        def escalated() -> bool:
            with runtime.sessions() as s:
                return s.scalar(select(Case.escalated_at).where(Case.number == number)) is not None
        if not wait_for(escalated, 180):
            for proc in procs:
                proc.send_signal(signal.SIGINT)
            raise AssertionError("no escalation:\n" + "\n".join(p.communicate(timeout=20)[0][-3000:] for p in procs))
        assert wait_for(lambda: any("超时未受理" in t for t in sent_texts(telegram_staff)), 120)
        # A job a web process commits later is relayed and delivered too.
        from core.services import jobs
        with transaction(runtime.sessions) as s:
            jobs.enqueue(s, "notify:telegram", "777", {"subject": "有群众请求人工服务", "body": "渠道：web",
                                                       "urgency": "high"})
        assert wait_for(lambda: any("有群众请求人工服务" in t for t in sent_texts(telegram_staff)), 120)
        # The message reaches Telegram a moment before the worker marks its row done.
        def all_done() -> bool:
            with runtime.sessions() as s:
                return set(s.scalars(select(OutboundJob.status))) == {"done"}
        assert wait_for(all_done, 30)
    finally:
        outputs = []
        for proc in procs:
            proc.send_signal(signal.SIGINT)
        for proc in procs:
            try:
                outputs.append(proc.communicate(timeout=20)[0])
            except subprocess.TimeoutExpired:
                proc.kill()
                outputs.append(proc.communicate()[0])
    assert "worker: redis queue, 1 worker thread(s), periodic tasks off" in outputs[0], outputs[0][-2000:]
    assert "scheduler: redis queue, 0 worker thread(s), periodic tasks on" in outputs[1], outputs[1][-2000:]
