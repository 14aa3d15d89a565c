"""Personal data is encrypted at rest; migrations go up and down; the schema matches the models."""
from __future__ import annotations

import glob
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from core import migrate
from core.db import Base, transaction
from core.models import Case, Entrustment
from core.services.cases import CaseDraft, submit_case
from core.services.children import EntrustmentInput, add_parent, create_child, register_entrustment
from tests.conftest import PG_URL

SECRETS = ["司马小雨", "欧阳桂花", "诸葛老师", "13912345678", "13687654321", "15011112222",
           "110101201501011234", "东风村三组十八号"]


def _dump_everything(runtime) -> str:
    """Every byte the database holds, as text."""
    if runtime.settings.is_sqlite:
        path = runtime.settings.database_url[len("sqlite:///"):]
        runtime.db.dispose()
        blob = b"".join(Path(p).read_bytes() for p in glob.glob(path + "*"))
        return blob.decode("utf-8", errors="ignore")
    parts = []
    with runtime.db.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(text(f'SELECT * FROM "{table.name}"')):
                parts.append(" ".join(str(v) for v in row))
    return "\n".join(parts)


def test_names_phones_and_ids_are_not_stored_in_clear(runtime, jurisdiction):
    with transaction(runtime.sessions) as s:
        submit_case(s, CaseDraft(category="child_alone", urgency="high", reporter_role="teacher",
                                 description="司马小雨一个人住在东风村三组十八号", township="红星镇",
                                 village="东风村", child_name="司马小雨", child_age=8,
                                 reporter_name="诸葛老师", reporter_phone="13912345678",
                                 address_text="东风村三组十八号"))
        child = create_child(s, "司马小雨", "红星镇", "东风村", id_number="110101201501011234")
        parent = add_parent(s, child, "mother", name="欧阳桂花", phone="15011112222")
        register_entrustment(s, child, EntrustmentInput(guardian_name="欧阳桂花", guardian_phone="13687654321",
                                                        parent_id=parent.id, work_city="深圳"))
    dump = _dump_everything(runtime)
    assert "深圳" in dump or not runtime.settings.is_sqlite  # the dump really holds the rows
    for secret in SECRETS:
        assert secret not in dump, f"{secret} stored in clear"
    # ...and the application still reads them back.
    with transaction(runtime.sessions) as s:
        case = s.scalar(select(Case))
        assert case.child_name == "司马小雨" and case.reporter_phone == "13912345678"


def test_entrustment_update_keeps_history(runtime, jurisdiction):
    with transaction(runtime.sessions) as s:
        child = create_child(s, "虚构小强", "红星镇", "东风村")
        register_entrustment(s, child, EntrustmentInput(guardian_name="虚构爷爷", guardian_relation="爷爷"))
        register_entrustment(s, child, EntrustmentInput(guardian_name="虚构姑姑", guardian_relation="姑姑"))
    with transaction(runtime.sessions) as s:
        rows = s.scalars(select(Entrustment).order_by(Entrustment.version)).all()
        assert [(r.version, r.guardian_name, r.superseded_at is None) for r in rows] == [
            (1, "虚构爷爷", False), (2, "虚构姑姑", True)]


def test_schema_matches_models(database_url):
    engine = create_engine(database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == [], "models changed without a migration: run alembic revision --autogenerate"


@pytest.fixture
def scratch_url(tmp_path):
    """An empty database of the same kind as the suite's."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    name = f"shouhu_scratch_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_and_downgrade(scratch_url):
    migrate.upgrade(scratch_url)
    engine = create_engine(scratch_url)
    assert {"case_report", "child", "entrustment", "audit_log"} <= set(inspect(engine).get_table_names())
    engine.dispose()
    migrate.downgrade(scratch_url, "base")
    engine = create_engine(scratch_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    migrate.upgrade(scratch_url)


def test_village_office_names_are_renamed_in_stored_addresses(scratch_url):
    """Tasks and cases addressed to "东风村村（居）委会" before 0016 stay visible to the village's
    staff, who now look them up as "东风村村委会"; a community's become its 居委会."""
    migrate.upgrade(scratch_url, "0015_visit_plan_indexes")
    engine = create_engine(scratch_url)
    old = ["东风村村（居）委会", "南街社区村（居）委会", "红星派出所"]
    with engine.begin() as conn:
        for unit in old:
            conn.execute(text("INSERT INTO dashboard_case_month (month, assigned_unit, category, status, "
                              "cases, due, on_time, late_unaccepted) VALUES ('2026-11', :u, 'other', "
                              "'submitted', 1, 0, 0, 0)"), {"u": unit})
    units = "SELECT assigned_unit FROM dashboard_case_month ORDER BY id"
    migrate.upgrade(scratch_url)
    with engine.connect() as conn:
        assert [r[0] for r in conn.execute(text(units))] == ["东风村村委会", "南街社区居委会", "红星派出所"]
    migrate.downgrade(scratch_url, "0015_visit_plan_indexes")
    with engine.connect() as conn:
        assert [r[0] for r in conn.execute(text(units))] == old
    engine.dispose()


def test_new_tasks_use_the_same_office_names():
    from core.labels import village_office
    assert village_office("东风村") == "东风村村委会"
    assert village_office("南街社区") == "南街社区居委会"
