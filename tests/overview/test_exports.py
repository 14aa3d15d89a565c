"""The Excel ledgers: opened with openpyxl, scoped, audited, formulas written as text."""
from __future__ import annotations

import io
from datetime import datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from core import labels
from core.db import transaction, utcnow
from core.models import AuditEntry, StaffUser
from core.services import exports
from tests.admin.login_helpers import post_login
from tests.overview.data import add_case, add_child, seed


def _sheet(resp):
    assert resp.status_code == 200, resp.status_code
    assert resp.mimetype == exports_mimetype()
    ws = load_workbook(io.BytesIO(resp.data)).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    return ws, rows[1], rows[2:]


def exports_mimetype():
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _audits(runtime, entity):
    with transaction(runtime.sessions) as s:
        return [(a.actor, a.action, a.detail) for a in
                s.scalars(select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.action == "export"))]


def test_case_ledger_of_a_township_opens_in_excel_with_its_rows(client, runtime, make_staff):
    seed(runtime, utcnow())
    make_staff("hx_head", "township", township="红星镇")
    post_login(client, "hx_head", "correct horse battery")
    resp = client.get("/admin/export/cases.xlsx")
    assert "attachment" in resp.headers["Content-Disposition"]
    assert resp.headers["Cache-Control"] == "no-store"
    _ws, header, rows = _sheet(resp)
    assert header == exports.CASE_HEADER
    assert [r[0] for r in rows] == [1, 2]
    assert {r[header.index("乡镇（街道）")] for r in rows} == {"红星镇"}  # 青山镇's case is not there
    on_time = sorted(r[header.index("是否按时受理")] for r in rows)
    assert on_time == ["否（超时受理）", "是"]
    assert sorted(r[header.index("报告类别")] for r in rows) == sorted(
        [labels.CATEGORY["child_alone"], labels.CATEGORY["dropout"]])
    assert all(isinstance(r[header.index("报告时间")], datetime) for r in rows)
    with transaction(runtime.sessions) as s:
        uid = s.scalar(select(StaffUser.id).where(StaffUser.username == "hx_head"))
    assert _audits(runtime, "case") == [(f"staff:{uid}", "export", "cases.xlsx rows=2")]


def test_child_ledger_has_the_ledger_columns_and_the_file_rule(client, runtime, make_staff):
    now = seed(runtime, utcnow())
    make_staff("dongfeng", "village", township="红星镇", village="东风村")
    post_login(client, "dongfeng", "correct horse battery")
    _ws, header, rows = _sheet(client.get("/admin/export/children.xlsx"))
    assert header == exports.CHILD_HEADER
    names = {r[header.index("姓名")]: r for r in rows}
    assert set(names) == {"虚构小东", "虚构小西"}  # only 东风村
    row = names["虚构小西"]
    assert row[header.index("是否留守儿童")] == "是"
    assert row[header.index("委托照护人")] == "虚构奶奶"
    assert row[header.index("务工地")] == "东莞"
    assert row[header.index("照护人联系电话")] == "13900001234"
    assert row[header.index("最近入户走访")] is None and row[header.index("最近联系")] is not None
    assert isinstance(names["虚构小东"][header.index("最近入户走访")], datetime)
    assert now - timedelta(days=11) < names["虚构小东"][header.index("最近入户走访")] - timedelta(hours=8)
    assert _audits(runtime, "child")[0][2] == "children.xlsx rows=2"


def test_formulas_and_control_characters_are_written_as_text(client, runtime, make_staff):
    with transaction(runtime.sessions) as s:
        add_case(s, description='=HYPERLINK("http://evil.example","点我")', address="+1+1",
                 child="@SUM(A1)", at=utcnow())
        add_child(s, "-2+3", guardian="=1+1", guardian_phone="\t-1", address="\r=cmd", city="宁波\x07\x1b")
    make_staff("county", "civil_affairs")
    post_login(client, "county", "correct horse battery")
    ws, header, rows = _sheet(client.get("/admin/export/cases.xlsx"))
    row = rows[0]
    assert row[header.index("情况描述")] == '\'=HYPERLINK("http://evil.example","点我")'
    assert row[header.index("发生地点")] == "'+1+1"
    assert row[header.index("儿童姓名")] == "'@SUM(A1)"
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)
    ws, header, rows = _sheet(client.get("/admin/export/children.xlsx"))
    row = rows[0]
    assert row[header.index("姓名")] == "'-2+3"
    assert row[header.index("委托照护人")] == "'=1+1"
    assert row[header.index("照护人联系电话")] == "'\t-1"
    # XML reads a CR back as a line feed; the apostrophe is what matters.
    assert row[header.index("家庭住址")] in ("'\r=cmd", "'\n=cmd")
    assert row[header.index("务工地")] == "宁波"
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)


def test_safe_text_leaves_ordinary_text_alone():
    assert exports.safe_text("东风村 3组") == "东风村 3组"
    assert exports.safe_text("13800001234") == "13800001234"
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert exports.safe_text(start + "1") == "'" + start + "1"


def test_roles_without_a_jurisdiction_get_an_empty_ledger_and_strangers_none(client, runtime, make_staff):
    seed(runtime, utcnow())
    assert client.get("/admin/export/cases.xlsx").status_code in (302, 401)  # not signed in
    make_staff("shiqiao", "village", township="青山镇", village="白沙村")
    post_login(client, "shiqiao", "correct horse battery")
    _, _, rows = _sheet(client.get("/admin/export/children.xlsx"))
    assert rows == []
    assert _audits(runtime, "child")[0][2] == "children.xlsx rows=0"


def test_a_large_ledger_streams_in_batches(runtime, jurisdiction, make_staff, monkeypatch):
    """More rows than one batch: every row written once, in order, none kept in the session."""
    monkeypatch.setattr(exports, "BATCH", 7)
    with transaction(runtime.sessions) as s:
        for i in range(30):
            add_case(s, at=datetime(2026, 11, 1) + timedelta(minutes=i))
    make_staff("county", "civil_affairs")
    out = io.BytesIO()
    with transaction(runtime.sessions) as s:
        user = s.scalar(select(StaffUser).where(StaffUser.username == "county"))
        assert exports.write_cases(s, user, out, "Asia/Shanghai") == 30
        assert len(s.identity_map) < 15
    rows = list(load_workbook(out, read_only=True).active.iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == list(range(1, 31))
    assert len({r[1] for r in rows}) == 30
