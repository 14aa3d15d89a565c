"""The REST API: bearer tokens and jurisdiction scoping."""
from __future__ import annotations

import pytest

from core.db import transaction
from core.services.cases import CaseDraft, submit_case
from core.services.children import EntrustmentInput, create_child, register_entrustment


@pytest.fixture
def cases(runtime, jurisdiction):
    made = {}
    with transaction(runtime.sessions) as s:
        for key, township, village, category in (
            ("dongfeng", "红星镇", "东风村", "child_alone"),
            ("xiangyang", "红星镇", "向阳村", "domestic_violence"),
            ("shiqiao", "青山镇", "石桥村", "dropout"),
        ):
            c = submit_case(s, CaseDraft(category=category, urgency="high", reporter_role="teacher",
                                         description="测试用的虚构情况", township=township, village=village,
                                         child_age=9))
            made[key] = c.number
        child = create_child(s, "虚构小明", "红星镇", "东风村")
        register_entrustment(s, child, EntrustmentInput(guardian_name="虚构奶奶", guardian_relation="奶奶"))
        other = create_child(s, "虚构小红", "青山镇", "石桥村")
        register_entrustment(s, other, EntrustmentInput(guardian_name="虚构外公", guardian_relation="外公"))
    return made


def _get(client, path, token):
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


def test_no_or_wrong_token_is_401(client, cases):
    assert client.get("/api/v1/cases").status_code == 401
    assert _get(client, "/api/v1/cases", "shh_not-a-real-token").status_code == 401
    assert _get(client, "/api/v1/children", "garbage").status_code == 401


def test_village_token_sees_only_its_village(client, cases, make_staff, make_token):
    make_staff("dongfeng", "village", township="红星镇", village="东风村")
    token = make_token("dongfeng")
    body = _get(client, "/api/v1/cases", token).get_json()
    assert [c["number"] for c in body["cases"]] == [cases["dongfeng"]]
    assert body["cases"][0]["village"] == "东风村"
    assert _get(client, f"/api/v1/cases/{cases['xiangyang']}", token).status_code == 404
    assert _get(client, f"/api/v1/cases/{cases['shiqiao']}", token).status_code == 404
    kids = _get(client, "/api/v1/children", token).get_json()["children"]
    assert [k["name"] for k in kids] == ["虚构小明"]
    assert kids[0]["entrustment"]["guardian_name"] == "虚构奶奶"


def test_township_and_region_scopes(client, cases, make_staff, make_token):
    make_staff("hx_police", "police", township="红星镇")
    make_staff("county", "civil_affairs")
    town = {c["number"] for c in _get(client, "/api/v1/cases", make_token("hx_police")).get_json()["cases"]}
    assert town == {cases["dongfeng"], cases["xiangyang"]}
    county = {c["number"] for c in _get(client, "/api/v1/cases", make_token("county")).get_json()["cases"]}
    assert county == set(cases.values())


def test_case_record_shape_and_filters(client, cases, make_staff, make_token):
    make_staff("county", "civil_affairs")
    token = make_token("county")
    one = _get(client, f"/api/v1/cases/{cases['dongfeng']}", token).get_json()
    assert one["number"].startswith("BG-") and one["category"] == "child_alone"
    assert one["assigned_unit"] == "红星派出所"
    assert one["mandatory_reporter"] is True and one["child"] == {"age": 9}
    assert one["events"][0]["action"] == "submitted"
    dropout = _get(client, "/api/v1/cases?category=dropout", token).get_json()["cases"]
    assert [c["assigned_unit"] for c in dropout] == ["青山镇中学"]
    assert _get(client, "/api/v1/cases?township=青山镇", token).get_json()["count"] == 1
    assert _get(client, "/api/v1/cases?status=bogus", token).status_code == 400
    assert _get(client, "/api/v1/cases?since=yesterday", token).status_code == 400


def test_reads_are_audited(client, runtime, cases, make_staff, make_token):
    from sqlalchemy import select

    from core.models import AuditEntry
    make_staff("county", "civil_affairs")
    token = make_token("county")
    _get(client, f"/api/v1/cases/{cases['dongfeng']}", token)
    with transaction(runtime.sessions) as s:
        views = s.scalars(select(AuditEntry).where(AuditEntry.action == "view", AuditEntry.entity == "case")).all()
        assert len(views) == 1 and views[0].actor.startswith("staff:")
