"""Password policy, private files (0600) and demo passwords shown once; the user CLI."""
from __future__ import annotations

import os
import stat

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from bot.cli import cli
from bot.demo.setup import ACCOUNTS_FILE, ensure_demo_data
from core.db import make_engine, transaction
from core.services import passwords
from core.services import staff as staff_service
from core.services.errors import Invalid
from tests.conftest import FIELD_KEY


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("password, words", [
    ("short1!", "至少"), ("1234567890", "全是数字"), ("123456789012345", "全是数字"),
    ("zhang_police99!", "用户名"), ("password123", "容易被猜到"), ("qwertyuiop", "容易被猜到"),
    ("aaaaaaaaaaaa", "容易被猜到"), ("shouhu2026!", "容易被猜到"),
])
def test_weak_passwords_are_refused(password, words):
    with pytest.raises(Invalid) as err:
        passwords.check_policy(password, "zhang_police")
    assert words in str(err.value)


def test_strong_passwords_pass():
    for password in ("correct horse battery", "river lantern 47 quietly", "Tq7#mW2v!pLx"):
        passwords.check_policy(password, "zhang_police")


def test_user_create_applies_the_policy(runtime):
    with transaction(runtime.sessions) as session, pytest.raises(Invalid):
        staff_service.create_user(session, "county", "admin", "1234567890")


def test_sqlite_files_are_private(tmp_path):
    old = os.umask(0o022)  # even under a permissive umask
    try:
        path = tmp_path / "inst" / "shouhu.db"
        engine = make_engine(f"sqlite:///{path}")
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
            conn.execute(text("INSERT INTO t VALUES (1)"))
            assert _mode(path) == 0o600
            for suffix in ("-wal", "-shm"):
                assert _mode(f"{path}{suffix}") == 0o600, suffix
        engine.dispose()
        os.chmod(path, 0o644)  # a file left readable by an older version is narrowed
        make_engine(f"sqlite:///{path}").dispose()
        assert _mode(path) == 0o600
    finally:
        os.umask(old)


def test_demo_passwords_are_returned_only_when_created(runtime):
    first = ensure_demo_data(runtime)
    assert {u for u, _, _ in first} >= {"admin", "minzheng", "hongxing_police"}
    for _, _, password in first:
        assert len(password) >= passwords.MIN_LENGTH
    accounts = runtime.settings.instance_dir / ACCOUNTS_FILE
    assert _mode(accounts) == 0o600
    os.chmod(accounts, 0o644)
    assert ensure_demo_data(runtime) == []  # a later start prints no passwords
    assert _mode(accounts) == 0o600
    assert len(accounts.read_text(encoding="utf-8").splitlines()) == len(first)


@pytest.fixture
def run(monkeypatch, settings):
    monkeypatch.setenv("SHOUHU_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("SHOUHU_FIELD_KEY", FIELD_KEY)
    monkeypatch.setenv("SHOUHU_INSTANCE_DIR", str(settings.instance_dir))
    old = os.umask(0o022)
    yield lambda *args, input=None: CliRunner().invoke(cli, list(args), input=input,
                                                       catch_exceptions=False)
    os.umask(old)  # the CLI narrows the umask of its process


def test_user_password_and_totp_commands(run, runtime):
    made = run("user", "create", "--username", "county", "--role", "admin", "--password-stdin",
               input="correct horse battery\n")
    assert made.exit_code == 0, made.output
    weak = run("user", "password", "--username", "county", "--password-stdin", input="1234567890\n")
    assert weak.exit_code != 0 and "全是数字" in weak.output
    ok = run("user", "password", "--username", "county", "--password-stdin",
             input="river lantern 47 quietly\n")
    assert ok.exit_code == 0, ok.output
    with transaction(runtime.sessions) as session:
        assert staff_service.authenticate(session, "county", "river lantern 47 quietly")
    enrol = run("user", "totp", "--username", "county")
    assert enrol.exit_code == 0 and "otpauth://totp/" in enrol.output
    with transaction(runtime.sessions) as session:
        assert staff_service.find_user(session, "county").totp_secret
    assert run("user", "totp", "--username", "county", "--disable").exit_code == 0
    with transaction(runtime.sessions) as session:
        assert staff_service.find_user(session, "county").totp_secret is None
    assert run("user", "totp", "--username", "nobody").exit_code != 0


def test_hashes_verify_and_say_when_to_upgrade():
    from argon2 import PasswordHasher
    from werkzeug.security import generate_password_hash
    current = passwords.hash_password("correct horse battery")
    assert passwords.verify(current, "correct horse battery") == (True, False)
    assert passwords.verify(current, "wrong") == (False, False)
    for older in (generate_password_hash("correct horse battery"),
                  PasswordHasher(time_cost=1, memory_cost=8 * 1024).hash("correct horse battery")):
        assert passwords.verify(older, "correct horse battery") == (True, True)
        assert passwords.verify(older, "wrong")[0] is False
    assert passwords.verify("not a hash", "x") == (False, False)
