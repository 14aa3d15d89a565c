"""The admin pages, the REST API and on-duty alerts read the permission table: an office
routing assigns a case to works it to the end, and a role the table refuses is refused."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core import permissions
from core.db import transaction
from core.models import Case, CaseEvent
from core.services.cases import CaseDraft, submit_case
from core.services.notifications import on_duty_staff
from tests.admin.case_helpers import take
from tests.admin.test_workflow import _advance, _login, _status
from tests.channels.test_notifications import on_duty


def _file(runtime, category, village="向阳村", routing=None, duplicate_of=None) -> str:
    with transaction(runtime.sessions) as s:
        case = submit_case(s, CaseDraft(category=category, urgency="normal", reporter_role="citizen",
                                        description="虚构：测试用的情况", township="红星镇", village=village),
                           routing=routing)
        if duplicate_of:
            case.duplicate_of_id = s.scalar(select(Case.id).where(Case.number == duplicate_of))
        return case.number


def _refuse(role: str, action: str):
    row = permissions.GRANTS[action]
    return tuple(None if r == role else scope for r, scope in zip(permissions.ROLES, row, strict=True))


@pytest.mark.parametrize("category,staff,routing", [
    ("other", ("xy_director", "village", {"township": "红星镇", "village": "向阳村"}), None),
    ("dropout", ("hx_school", "school", {"township": "红星镇", "school": "红星镇中心小学"}), None),
    ("other", ("county", "civil_affairs", {}), {"other": "{region}民政局"}),
], ids=["village-director", "school", "civil-affairs"])
def test_the_assigned_office_works_its_case_from_submitted_to_closed(
        client, runtime, make_staff, category, staff, routing):
    number = _file(runtime, category, routing=routing)
    username, role, place = staff
    make_staff(username, role, **place)
    _login(client, username)
    for step in ("accepted", "referred", "assessing", "assisting", "monitoring", "closed"):
        page = _advance(client, number, step).get_data(as_text=True)
        assert "未能完成" not in page, (step, page[page.find("未能完成"):][:80])
        assert _status(runtime, number) == step


def test_another_villages_director_cannot_touch_it(client, runtime, make_staff):
    number = _file(runtime, "other")
    make_staff("df_director", "village", township="红星镇", village="东风村")
    _login(client, "df_director")
    assert client.get(f"/admin/cases/{number}").status_code == 404


def test_a_refused_step_says_why_in_chinese(client, runtime, make_staff):
    number = _file(runtime, "other")
    make_staff("xy_director", "village", township="红星镇", village="向阳村")
    _login(client, "xy_director")
    _advance(client, number, "accepted")
    resp = take(client, number, "respond")
    assert resp.status_code == 403
    assert "未能完成“出警/核查”：村（居）委会账号不能“出警/核查”" in resp.get_data(as_text=True)
    resp = take(client, number, "close")
    assert resp.status_code == 409
    assert "这个案件现在是“已受理”，不能“结案”" in resp.get_data(as_text=True)
    assert _status(runtime, number) == "accepted"


def test_a_linked_duplicate_can_be_merged_into_the_original(client, runtime, make_staff):
    first = _file(runtime, "domestic_violence")
    second = _file(runtime, "domestic_violence", duplicate_of=first)
    make_staff("hx_police", "police", township="红星镇")
    _login(client, "hx_police")
    # The linked original is offered; unlinking only where there is a link.
    assert 'id="step-unlink"' not in client.get(f"/admin/cases/{first}").get_data(as_text=True)
    page = client.get(f"/admin/cases/{second}").get_data(as_text=True)
    assert 'id="step-unlink"' in page and f'name="merge-original" type="text" value="{first}"' in page
    take(client, second, "merge", {"original": first})
    assert _status(runtime, second) == "merged" and _status(runtime, first) == "submitted"
    with transaction(runtime.sessions) as s:
        notes = s.scalars(select(CaseEvent.note).join(Case).where(Case.number == first)).all()
    assert f"{second}已并入本案" in notes


@pytest.mark.parametrize("action,page", [("view_case", "/admin/cases"), ("view_child", "/admin/children"),
                                         ("view_tasks", "/admin/tasks")])
def test_admin_pages_refuse_what_the_table_refuses(client, make_staff, monkeypatch, action, page):
    make_staff("xy_village", "village", township="红星镇", village="向阳村")
    _login(client, "xy_village")
    assert client.get(page).status_code == 200
    monkeypatch.setitem(permissions.GRANTS, action, _refuse("village", action))
    assert client.get(page).status_code == 403


@pytest.mark.parametrize("action,path", [("api_read", "/api/v1/cases"), ("view_case", "/api/v1/cases"),
                                         ("view_child", "/api/v1/children")])
def test_the_api_refuses_what_the_table_refuses(client, make_staff, make_token, monkeypatch, action, path):
    make_staff("hx_police", "police", township="红星镇")
    headers = {"Authorization": f"Bearer {make_token('hx_police')}"}
    assert client.get(path, headers=headers).status_code == 200
    monkeypatch.setitem(permissions.GRANTS, action, _refuse("police", action))
    resp = client.get(path, headers=headers)
    assert resp.status_code == 403 and "police" in resp.get_json()["error"]


def test_on_duty_alerts_follow_the_table(runtime, jurisdiction, make_staff, monkeypatch):
    make_staff("hx_police", "police", township="红星镇")
    make_staff("county", "civil_affairs")
    on_duty(runtime, "hx_police", "email:p@test")
    on_duty(runtime, "county", "email:c@test")
    with transaction(runtime.sessions) as s:
        assert [u.username for u in on_duty_staff(s, "红星派出所")] == ["hx_police"]
    monkeypatch.setitem(permissions.GRANTS, "receive_alert", _refuse("police", "receive_alert"))
    with transaction(runtime.sessions) as s:
        assert [u.username for u in on_duty_staff(s, "红星派出所")] == ["county"]
