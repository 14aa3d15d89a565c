"""Web chat, console, and a conversation surviving a restart of the whole app."""
from __future__ import annotations

import io

from click.testing import CliRunner

from bot.channels import console
from tests.channels.conftest import build_app
from tests.channels.fakes import make_engine


def test_web_chat_transcript(runtime, jurisdiction):
    client = build_app(runtime, make_engine(runtime)).test_client()
    say = lambda text: client.post("/api/chat", json={"user_id": "w1", "text": text}).get_json()
    assert say("你好")["replies"][0]["buttons"] == ["我要报告", "监护登记", "政策咨询", "我的进度"]
    assert "哪个村" in say("1")["replies"][0]["text"]
    loc = client.post("/api/chat", json={"user_id": "w1", "text": "",
                                         "location": {"lat": 26.1, "lng": 119.3, "label": "东风村"}})
    assert loc.get_json()["replies"][0]["buttons"] == ["老师", "亲属", "其他人"]
    assert "东风村" in say("老师")["replies"][0]["text"]


def test_kill_and_restart_the_app_mid_conversation(settings, runtime, jurisdiction):
    from bot.app import build_runtime
    client = build_app(runtime, make_engine(runtime)).test_client()
    client.post("/api/chat", json={"user_id": "w2", "text": "我要报告"})
    client.post("/api/chat", json={"user_id": "w2", "text": "东风村"})
    runtime.close()
    runtime.db.dispose()  # the old process is gone
    runtime2 = build_runtime(settings)
    try:
        client2 = build_app(runtime2, make_engine(runtime2)).test_client()
        reply = client2.post("/api/chat", json={"user_id": "w2", "text": "2"}).get_json()
        assert "报告已提交（东风村，relative）" in reply["replies"][0]["text"]
    finally:
        runtime2.close()
        runtime2.db.dispose()


def test_web_chat_page(runtime, jurisdiction):
    client = build_app(runtime, make_engine(runtime)).test_client()
    page = client.get("/")
    assert page.status_code == 200 and "守护" in page.get_data(as_text=True)


def test_console_transcript(runtime):
    out = io.StringIO()
    n = console.run(make_engine(runtime), "c1", io.StringIO("你好\n1\n东风村\n3\nexit\n没读到\n"), out)
    text = out.getvalue()
    assert n == 4
    assert "1. 我要报告" in text and "哪个村" in text and "1. 老师" in text and "东风村，other" in text


def test_shouhu_chat_command(settings, runtime, monkeypatch):
    from bot import cli_channels
    from bot.cli import cli
    monkeypatch.setattr(cli_channels, "_runtime", lambda **kw: runtime)
    result = CliRunner().invoke(cli, ["chat", "--user", "tester"], input="你好\n帮助\n")
    assert result.exit_code == 0, result.output
    assert "我要报告" in result.output and "转人工" in result.output
