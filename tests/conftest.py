"""Shared fixtures. The suite runs on SQLite by default and on PostgreSQL when
SHOUHU_TEST_DATABASE_URL is set (`make test` does both). Tests of the production profile
take the `redis_url` fixture: it points at the throwaway server of `scripts/redis.sh`
(SHOUHU_TEST_REDIS_URL, set by `make test`'s PostgreSQL pass) and skips without one."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from core import crypto, migrate
from core.db import Base
from core.settings import REPO_ROOT, load_settings

PG_URL = os.environ.get("SHOUHU_TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("SHOUHU_TEST_REDIS_URL", "")
FIELD_KEY = crypto.generate_key()
DEMO_JURISDICTION = REPO_ROOT / "bot" / "demo" / "jurisdiction.yaml"


def pytest_configure(config):
    """One trained NLU artefact per data version for the whole suite (and the next run): the
    stacked model with the sentence encoder takes a minute to train, every instance folder
    would otherwise train its own. Sentence embeddings are cached too (nlu/encoder.py)."""
    if getattr(config, "cache", None) is not None:  # absent with -p no:cacheprovider
        os.environ.setdefault("SHOUHU_NLU_MODEL_CACHE", str(config.cache.mkdir("nlu-models")))


def pytest_report_header(config):
    return (f"shouhu database backend: {'postgresql' if PG_URL else 'sqlite'}; "
            f"redis: {'yes' if REDIS_URL else 'no (production-profile tests skipped)'}")


@pytest.fixture
def redis_url() -> str:
    """The test Redis, emptied for this test; skips when SHOUHU_TEST_REDIS_URL is unset."""
    if not REDIS_URL:
        pytest.skip("needs Redis: set SHOUHU_TEST_REDIS_URL (make test does)")
    import redis
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    client.close()
    return REDIS_URL


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated SQLite file, built once with Alembic and copied per test."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_migrated():
    if not PG_URL:
        return None
    migrate.upgrade(PG_URL)
    return PG_URL


def _truncate_pg(url: str) -> None:
    engine = create_engine(url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def database_url(tmp_path, request) -> str:
    if PG_URL:
        url = request.getfixturevalue("pg_migrated")
        _truncate_pg(url)
        return url
    template = request.getfixturevalue("sqlite_template")
    path = tmp_path / "shouhu.db"
    shutil.copy(template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def settings(tmp_path, database_url):
    env = {
        "SHOUHU_INSTANCE_DIR": str(tmp_path / "instance"),
        "SHOUHU_DATABASE_URL": database_url,
        "SHOUHU_FIELD_KEY": FIELD_KEY,
        "SHOUHU_SECRET_KEY": "test-secret-key-not-for-production",
    }
    return load_settings(REPO_ROOT / "config.yaml", env=env)


@pytest.fixture
def runtime(settings):
    from bot.app import build_runtime
    rt = build_runtime(settings)
    yield rt
    rt.close()  # threads a test started (relay, in-process consumer) end with it
    rt.db.dispose()


@pytest.fixture
def jurisdiction(runtime):
    from core.db import transaction
    from core.services.jurisdiction import load_jurisdiction_file
    with transaction(runtime.sessions) as session:
        load_jurisdiction_file(session, DEMO_JURISDICTION)
    return runtime


@pytest.fixture
def app(runtime, jurisdiction):
    from bot.app import create_app
    app = create_app(runtime.settings, runtime)
    app.config.update(TESTING=True)
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_staff(runtime):
    """Create a staff account and return (username, password)."""
    from core.db import transaction
    from core.services import staff as staff_service

    def make(username, role, township=None, village=None, school=None, password="correct horse battery"):
        with transaction(runtime.sessions) as session:
            staff_service.create_user(session, username, role, password, township=township,
                                      village=village, school=school)
        return username, password
    return make


@pytest.fixture
def make_token(runtime):
    from core.db import transaction
    from core.services import staff as staff_service

    def make(username):
        with transaction(runtime.sessions) as session:
            return staff_service.create_token(session, username)
    return make
