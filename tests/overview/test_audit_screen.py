"""The audit screen: admin and civil affairs only; search by person, record and date; pages."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select

from core.db import transaction, utcnow
from core.models import AuditEntry, StaffUser
from core.services import audit, audit_search
from tests.admin.login_helpers import post_login
from tests.overview.data import add_case


def _rows(page: str) -> list[str]:
    table = page[page.index('id="audit"'):page.index("</table>")]
    return re.findall(r"<tr>\s*<td>(.*?)</tr>", table, re.DOTALL)


def _uid(runtime, username):
    with transaction(runtime.sessions) as s:
        return s.scalar(select(StaffUser.id).where(StaffUser.username == username))


def test_only_admin_and_civil_affairs_open_the_audit_screen(app, make_staff):
    for name, role, kw in (("pol", "police", {"township": "红星镇"}), ("town", "township", {"township": "红星镇"}),
                           ("vil", "village", {"township": "红星镇", "village": "东风村"}),
                           ("sch", "school", {"township": "红星镇", "school": "红星镇中心小学"}),
                           ("county", "civil_affairs", {}), ("root", "admin", {})):
        make_staff(name, role, **kw)
        client = app.test_client()
        post_login(client, name, "correct horse battery")
        status = client.get("/admin/audit").status_code
        assert status == (200 if role in ("civil_affairs", "admin") else 403), (role, status)


def test_a_case_view_and_an_export_are_found_by_person_and_record(client, runtime, make_staff):
    with transaction(runtime.sessions) as s:
        number = add_case(s, at=utcnow()).number
    make_staff("hx_police", "police", township="红星镇")
    make_staff("root", "admin")
    post_login(client, "hx_police", "correct horse battery")
    assert client.get(f"/admin/cases/{number}").status_code == 200
    assert client.get("/admin/export/cases.xlsx").status_code == 200
    client.delete_cookie("session")
    post_login(client, "root", "correct horse battery")
    page = client.get("/admin/audit", query_string={"person": "hx_police"}).get_data(as_text=True)
    rows = _rows(page)
    assert any("查看" in r and number in r for r in rows)          # the case, by its number
    assert any("导出" in r and "cases.xlsx rows=1" in r for r in rows)
    assert any("登录" in r for r in rows)
    assert all("hx_police" in r for r in rows)
    by_record = _rows(client.get("/admin/audit", query_string={"record": number}).get_data(as_text=True))
    assert by_record and all(number in r for r in by_record)
    nobody = client.get("/admin/audit", query_string={"person": "no_such_user"}).get_data(as_text=True)
    assert "没有符合条件的记录" in nobody
    # The searches were audited too, with their filters.
    with transaction(runtime.sessions) as s:
        details = s.scalars(select(AuditEntry.detail).where(AuditEntry.entity == "audit_log")).all()
    assert any(d.startswith("person=hx_police") for d in details)
    assert any(f"record={number}" in d for d in details)


def test_dates_are_local_days_and_pages_hold_fifty(client, runtime, make_staff):
    make_staff("root", "admin")
    with transaction(runtime.sessions) as s:
        # 2026-11-30 23:30 in Shanghai is 15:30 UTC that day; 16:30 UTC is already 1 December.
        for i in range(120):
            s.add(AuditEntry(actor="system", action="view", entity="child", entity_id=str(i),
                             at=datetime(2026, 11, 30, 15, 30) + timedelta(seconds=i)))
        s.add(AuditEntry(actor="system", action="view", entity="child", entity_id="999",
                         at=datetime(2026, 11, 30, 16, 30)))
    post_login(client, "root", "correct horse battery")
    q = {"person": "system", "from": "2026-11-30", "to": "2026-11-30"}
    first = client.get("/admin/audit", query_string=q).get_data(as_text=True)
    assert "共 120 条，第 1 / 3 页" in first and len(_rows(first)) == audit_search.PER_PAGE
    assert "2026-11-30 23:31:59" in first  # newest first, in local time
    last = client.get("/admin/audit", query_string={**q, "page": "3"}).get_data(as_text=True)
    assert len(_rows(last)) == 20 and 'rel="prev"' in last and 'rel="next"' not in last
    dec = client.get("/admin/audit", query_string={"person": "system", "from": "2026-12-01"}).get_data(as_text=True)
    assert "共 1 条" in dec and "2026-12-01 00:30:00" in dec
    bad = client.get("/admin/audit", query_string={"from": "昨天"})
    assert bad.status_code == 200 and "看不懂" in bad.get_data(as_text=True)
    assert client.get("/admin/audit", query_string={"page": "x"}).status_code == 400


def test_search_service_by_entity_and_id(runtime, jurisdiction, make_staff):
    make_staff("root", "admin")
    with transaction(runtime.sessions) as s:
        audit.record(s, "cli", "view", "child", 7)
        audit.record(s, "cli", "view", "case", 7)
        viewer = s.scalar(select(StaffUser).where(StaffUser.username == "root"))
        page = audit_search.search(s, viewer, audit_search.Query(entity="child", record="7"), "Asia/Shanghai")
    assert [(r.entity, r.entity_id) for r in page.rows] == [("child", "7")]
