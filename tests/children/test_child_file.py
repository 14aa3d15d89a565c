"""The child's file (一人一档) and the child list, as staff read them in the admin UI."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core import labels
from core.db import transaction, utcnow
from core.models import AuditEntry, Child, Visit
from core.services.cases import CaseDraft, submit_case
from core.services.children import create_child
from core.services.entrustments import Family, KidFacts, save_family
from tests.children.helpers import login, register

NOW = utcnow()


def _update_guardian(runtime, kid):
    """The parent says the child is now looked after by the other grandmother: version 2."""
    with transaction(runtime.sessions) as s:
        save_family(s, Family(township="红星镇", village="东风村", parent_phone="13800001111", work_city="东莞",
                              work_province="广东", children=[KidFacts("虚构小雨", "female", 10, "红星镇中心小学",
                                                                      "三年级", kid)],
                              parent_role="father", left_on=(NOW - timedelta(days=120)).date(),
                              other_parent="away",
                              guardian={"name": "虚构外婆", "relation": "外婆", "phone": "13900005555", "age": 64,
                                        "health": "good", "lives_with": True}),
                    None, now=NOW, change="委托照顾人")


def test_the_file_holds_identity_entrustments_history_cases_visits_and_tasks(
        client, runtime, jurisdiction, make_staff):
    make_staff("df_village", "village", township="红星镇", village="东风村")
    kid = register(runtime, now=NOW)
    _update_guardian(runtime, kid)
    with transaction(runtime.sessions) as s:
        submit_case(s, CaseDraft(category="dropout", urgency="normal", reporter_role="teacher",
                                 description="虚构：连续一周没来上学", township="红星镇", village="东风村",
                                 child_name="虚构小雨"), routing={"dropout": "{township}儿童主任"})
        s.add(Visit(child_id=kid, kind="contact", at=NOW, visitor="虚构主任丙", safety="ok", guardianship="ok",
                    health="concern", schooling="ok", note="虚构：感冒了"))
    login(client, "df_village")
    page = client.get(f"/admin/children/{kid}").get_data(as_text=True)
    for text in ("虚构小雨", "女", "10岁", "红星镇东风村", "红星镇中心小学", "三年级", "留守儿童",
                 "虚构外婆", "13900005555", "64岁", "身体好", "和孩子住在一起", "广东东莞", labels.OTHER_PARENT["away"],
                 "第2版", "委托照顾人", "虚构奶奶", "13800001111",  # the first version and the parent
                 "BG-", "辍学", "虚构主任丙", "需要关注", "虚构：感冒了", "重点关注",
                 "核实委托监护信息", "东风村村委会", "记录走访"):
        assert text in page, text
    assert page.index("第2版") < page.index("第1版")  # newest first
    with transaction(runtime.sessions) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity == "child", AuditEntry.action == "view")).all()
        assert [e.entity_id for e in entry] == [str(kid)]


def test_a_child_outside_the_scope_is_404_and_shows_nothing(app, runtime, jurisdiction, make_staff):
    make_staff("xy_village", "village", township="红星镇", village="向阳村")
    make_staff("qs_school", "school", township="青山镇", school="青山镇中学")
    kid = register(runtime, now=NOW)
    for username in ("xy_village", "qs_school"):
        client = app.test_client()
        login(client, username)
        assert "儿童档案" in client.get("/admin/children").get_data(as_text=True)  # signed in
        resp = client.get(f"/admin/children/{kid}")
        assert resp.status_code == 404 and "虚构小雨" not in resp.get_data(as_text=True)
        assert client.get(f"/admin/children/{kid}/visits/new").status_code == 404
        assert "虚构小雨" not in client.get("/admin/children").get_data(as_text=True)
        assert client.get(f"/admin/children/{kid + 1}").status_code == 404  # no such child


def test_the_list_filters_by_village_left_behind_and_at_risk(client, runtime, jurisdiction, make_staff):
    make_staff("hx_town", "township", township="红星镇")
    register(runtime, name="虚构东东", now=NOW)
    register(runtime, name="虚构向向", village="向阳村", guardian={"age": 78}, phone="13800002222", now=NOW)
    register(runtime, name="虚构家家", other_parent="home", phone="13800003333", now=NOW)
    register(runtime, name="虚构石石", village="石桥村", township="青山镇", school=None, phone="13800004444", now=NOW)
    login(client, "hx_town")

    def names(query=""):
        page = client.get("/admin/children" + query).get_data(as_text=True)
        return {n for n in ("虚构东东", "虚构向向", "虚构家家", "虚构石石") if n in page}

    assert names() == {"虚构东东", "虚构向向", "虚构家家"}
    with transaction(runtime.sessions) as s:
        xiangyang = s.scalar(select(Child.village_id).where(Child.id == 2))
    assert names(f"?village={xiangyang}") == {"虚构向向"}
    assert names("?left_behind=yes") == {"虚构东东", "虚构向向"}
    assert names("?left_behind=no") == {"虚构家家"}
    assert names("?at_risk=1") == {"虚构向向"}  # a guardian over 70
    assert names("?name=虚构东东") == {"虚构东东"}
    page = client.get("/admin/children").get_data(as_text=True)
    assert f'href="/admin/children/{2}"' in page
    assert client.get("/admin/children?page=abc").status_code == 400


def test_the_list_is_paginated(client, runtime, jurisdiction, make_staff):
    make_staff("hx_town", "township", township="红星镇")
    with transaction(runtime.sessions) as s:
        for i in range(55):
            create_child(s, f"虚构孩子{i:02d}", "红星镇", "东风村")
    login(client, "hx_town")
    first = client.get("/admin/children").get_data(as_text=True)
    assert "共 55 名儿童" in first and "虚构孩子49" in first and "虚构孩子50" not in first
    second = client.get("/admin/children?page=2").get_data(as_text=True)
    assert "虚构孩子50" in second and "虚构孩子54" in second and "虚构孩子00" not in second
    assert "上一页" in second and 'id="next-page"' not in second
