"""The visit plan page, the weather round button and the visit form, through Flask."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from core.db import transaction, utcnow
from core.models import Case, FollowUpTask, Township, Visit
from tests.children.helpers import csrf, login, register

NOW = utcnow()


def test_the_plan_lists_due_and_overdue_children_per_village(client, runtime, jurisdiction, make_staff):
    make_staff("hx_town", "township", township="红星镇")
    register(runtime, name="虚构超期", now=NOW - timedelta(days=40))                  # contact overdue
    register(runtime, name="虚构快到", village="向阳村", now=NOW - timedelta(days=26), phone="13800002222")
    register(runtime, name="虚构按时", village="向阳村", now=NOW, phone="13800003333")
    register(runtime, name="虚构外镇", village="石桥村", township="青山镇", school=None, now=NOW - timedelta(days=40),
             phone="13800004444")
    login(client, "hx_town")
    page = client.get("/admin/visits").get_data(as_text=True)
    assert "虚构超期" in page and "虚构快到" in page and "虚构按时" not in page and "虚构外镇" not in page
    assert page.index("虚构超期") < page.index("虚构快到")  # overdue first
    assert "已超期 10天" in page
    villages = page[page.index('id="villages"'):page.index('id="due"')]
    assert "红星镇东风村" in villages and "红星镇向阳村" in villages and "石桥村" not in villages
    everyone = client.get("/admin/visits?all=1").get_data(as_text=True)
    assert "虚构按时" in everyone and "虚构外镇" not in everyone


def test_the_weather_button_needs_the_right_role_and_a_csrf_token(client, app, runtime, jurisdiction, make_staff):
    make_staff("hx_town", "township", township="红星镇")
    make_staff("df_village", "village", township="红星镇", village="东风村")
    register(runtime, name="虚构小东", now=NOW)
    with transaction(runtime.sessions) as s:
        township = s.scalar(select(Township.id).where(Township.name == "红星镇"))
    login(client, "hx_town")
    assert client.post("/admin/visits/weather", data={"township": township, "weather": "暴雨"}).status_code == 400
    token = csrf(client, "/admin/visits")
    page = client.post("/admin/visits/weather", data={"csrf_token": token, "township": township, "weather": "暴雨"},
                       follow_redirects=True).get_data(as_text=True)
    assert "已发起红星镇暴雨天气走访：1名留守儿童" in page and "极端天气走访" in page
    village = app.test_client()
    login(village, "df_village")
    assert 'id="weather-round"' not in village.get("/admin/visits").get_data(as_text=True)
    token = csrf(village, "/admin/visits")
    assert village.post("/admin/visits/weather", data={"csrf_token": token, "township": township,
                                                       "weather": "暴雨"}).status_code == 403
    tasks = village.get("/admin/tasks").get_data(as_text=True)
    assert "极端天气走访" in tasks and "暴雨天气" in tasks


def test_the_visit_form_records_findings_and_raises_a_case(client, runtime, jurisdiction, make_staff):
    make_staff("df_village", "village", township="红星镇", village="东风村")
    kid = register(runtime, name="虚构小雨", now=NOW)
    login(client, "df_village")
    form = client.get(f"/admin/children/{kid}/visits/new").get_data(as_text=True)
    assert "电话联系" in form and "上门走访" in form and "110" in form
    token = csrf(client, f"/admin/children/{kid}/visits/new")
    today = re.search(r'name="date"[^>]*value="([0-9-]{10})"', form).group(1)
    data = {"csrf_token": token, "kind": "home_visit", "date": today, "visitor": "虚构儿童主任丁",
            "safety": "ok", "guardianship": "danger", "health": "ok", "schooling": "concern",
            "note": "虚构：奶奶摔伤住院，孩子这两天一个人住"}
    page = client.post(f"/admin/children/{kid}/visits/new", data=data, follow_redirects=True).get_data(as_text=True)
    assert "走访发现孩子有危险，请同时提交报告" in page
    page = client.post(f"/admin/children/{kid}/visits/new", follow_redirects=True,
                       data={**data, "raise_case": "y", "category": "child_alone"}).get_data(as_text=True)
    assert "已记录上门走访" in page and "已提交报告 BG-" in page
    with transaction(runtime.sessions) as s:
        visit = s.scalar(select(Visit))
        case = s.get(Case, visit.case_id)
        assert (visit.guardianship, visit.schooling, visit.visitor) == ("danger", "concern", "虚构儿童主任丁")
        assert case.child_id == kid and case.status == "submitted"
        assert s.scalar(select(FollowUpTask).where(FollowUpTask.kind == "visit_due")) is None
    assert case.number in page and "虚构儿童主任丁" in page and "有危险" in page
