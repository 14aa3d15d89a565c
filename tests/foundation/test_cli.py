"""The operator's command line: jurisdiction, users, tokens (through the real CLI)."""
from __future__ import annotations

import textwrap

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.cli import cli
from core.db import transaction
from core.models import School, Township, Village
from tests.conftest import DEMO_JURISDICTION, FIELD_KEY


@pytest.fixture
def run(monkeypatch, settings):
    monkeypatch.setenv("SHOUHU_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("SHOUHU_FIELD_KEY", FIELD_KEY)
    monkeypatch.setenv("SHOUHU_INSTANCE_DIR", str(settings.instance_dir))
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)
    return invoke


def _counts(runtime):
    with transaction(runtime.sessions) as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (Township, Village, School))


def test_jurisdiction_load_is_idempotent(run, runtime):
    first = run("jurisdiction", "load", str(DEMO_JURISDICTION))
    assert first.exit_code == 0, first.output
    assert "added" in first.output
    counts = _counts(runtime)
    assert counts == (3, 6, 4)
    second = run("jurisdiction", "load", str(DEMO_JURISDICTION))
    assert second.exit_code == 0
    assert "nothing changed" in second.output
    assert _counts(runtime) == counts


@pytest.mark.parametrize("body, line, words", [
    ("region: 示例县\ntownships:\n  - name: 红星镇\n    villages: [东风村]\n", 3, "police_station"),
    ("region: 示例县\ntownships:\n  - name: 红星镇\n    police_station: 红星派出所\n    vilages: [东风村]\n", 5, "vilages"),
    ("region: 示例县\ntownships:\n  - name: 红星镇\n    police_station: 红星派出所\n    villages: 东风村\n", 5, "list"),
    ("region: 示例县\ntownships: [\n  - name: x\n", 3, "YAML"),
    ("region: 示例县\ntownships:\n  - name: 红星镇\n    police_station: 甲\n  - name: 红星镇\n    police_station: 乙\n", 5, "twice"),
])
def test_jurisdiction_load_rejects_malformed_file_with_line(run, runtime, tmp_path, body, line, words):
    path = tmp_path / "bad.yaml"
    path.write_text(body, encoding="utf-8")
    result = run("jurisdiction", "load", str(path))
    assert result.exit_code != 0
    assert f"bad.yaml:{line}:" in result.output
    assert words in result.output
    assert _counts(runtime) == (0, 0, 0), "nothing half-loaded"


def test_user_and_token_commands(run, client):
    run("jurisdiction", "load", str(DEMO_JURISDICTION))
    made = run("user", "create", "--username", "zhang_police", "--role", "police",
               "--township", "红星镇", "--password-stdin", input="a-long-password-123\n")
    assert made.exit_code == 0, made.output
    dup = run("user", "create", "--username", "zhang_police", "--role", "police",
              "--township", "红星镇", "--password-stdin", input="a-long-password-123\n")
    assert dup.exit_code != 0 and "already exists" in dup.output
    short = run("user", "create", "--username", "li", "--role", "admin", "--password-stdin", input="short\n")
    assert short.exit_code != 0 and "至少" in short.output
    nowhere = run("user", "create", "--username", "wang", "--role", "village", "--township", "红星镇",
                  "--password-stdin", input="a-long-password-123\n")
    assert nowhere.exit_code != 0 and "--village" in nowhere.output

    out = run("token", "create", "--username", "zhang_police")
    assert out.exit_code == 0
    token = out.output.strip()
    assert token.startswith("shh_") and len(token) > 30
    ok = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    # Shown once: a second token is different, and the first is not stored in clear.
    assert run("token", "create", "--username", "zhang_police").output.strip() != token

    assert run("token", "revoke", token).exit_code == 0
    revoked = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
    assert revoked.status_code == 401


def test_config_errors_are_clear(run, monkeypatch, tmp_path):
    bad = tmp_path / "config.yaml"
    bad.write_text(textwrap.dedent("""\
        database:
          url: [oops
        """), encoding="utf-8")
    monkeypatch.setenv("SHOUHU_CONFIG", str(bad))
    result = run("db", "upgrade")
    assert result.exit_code != 0
    assert "not valid YAML" in result.output
