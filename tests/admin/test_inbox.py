"""The case inbox: order, filters, hash search, pages without a cap, scope, one-click accept,
and the case page's local-time Chinese timeline and tap-to-call."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from core import localtime
from core.db import transaction, utcnow
from core.models import Case, StaffUser, Township, Village
from core.services.case_search import InboxQuery, inbox
from core.services.cases import CaseDraft, add_event, submit_case
from core.settings import REPO_ROOT, SettingsError, load_settings
from tests.admin.test_workflow import _login, _status

SH = localtime.zone("Asia/Shanghai")


def _file(s, category="child_alone", urgency="normal", township="红星镇", village="东风村", now=None,
          **fields) -> Case:
    return submit_case(s, CaseDraft(category=category, urgency=urgency, reporter_role="teacher",
                                    description="虚构：测试", township=township, village=village, **fields),
                       now=now or utcnow())


def _user(s, name) -> StaffUser:
    return s.scalar(select(StaffUser).where(StaffUser.username == name))


def _numbers(page) -> list[str]:
    return [c.number for c in page.rows]


@pytest.fixture
def town(jurisdiction, make_staff):
    make_staff("hx_town", "township", township="红星镇")
    return jurisdiction


def test_urgent_first_then_waiting_then_by_deadline_and_closed_out_of_view(runtime, town):
    base = utcnow() - timedelta(hours=3)
    with transaction(runtime.sessions) as s:
        normal_old = _file(s, now=base)
        high = _file(s, urgency="high", now=base + timedelta(minutes=5))
        urgent_accepted = _file(s, urgency="urgent", now=base + timedelta(minutes=1))
        urgent_new = _file(s, urgency="urgent", now=base + timedelta(minutes=50))
        urgent_old = _file(s, urgency="urgent", now=base + timedelta(minutes=10))
        closed = _file(s, urgency="urgent", now=base)
        add_event(s, urgent_accepted, "accepted", "x", status_to="accepted")
        add_event(s, closed, "closed", "x", status_to="closed")
        page = inbox(s, _user(s, "hx_town"), InboxQuery(), SH)
        assert _numbers(page) == [urgent_old.number, urgent_new.number, urgent_accepted.number,
                                  high.number, normal_old.number]
        assert closed.number in _numbers(inbox(s, _user(s, "hx_town"), InboxQuery(status="all"), SH))
        assert _numbers(inbox(s, _user(s, "hx_town"), InboxQuery(status="closed"), SH)) == [closed.number]


def test_filters_and_local_dates(runtime, town):
    # 2026-11-30 17:30 UTC is 2026-12-01 01:30 in Shanghai: a 1 December report.
    with transaction(runtime.sessions) as s:
        late = _file(s, category="dropout", village="向阳村", now=datetime(2026, 11, 30, 17, 30))
        early = _file(s, category="child_alone", now=datetime(2026, 11, 30, 15, 30))
        _file(s, township="青山镇", village="石桥村", now=datetime(2026, 11, 30, 15, 0))
        user = _user(s, "hx_town")
        xy = s.scalar(select(Village.id).where(Village.name == "向阳村"))
        hx = s.scalar(select(Township.id).where(Township.name == "红星镇"))
        qs = s.scalar(select(Township.id).where(Township.name == "青山镇"))

        def numbers(**kw):
            return _numbers(inbox(s, user, InboxQuery(**kw), SH))
        assert numbers(date_from=date(2026, 12, 1)) == [late.number]
        assert numbers(date_to=date(2026, 11, 30)) == [early.number]
        assert numbers(category="dropout") == [late.number]
        assert numbers(village_id=xy) == [late.number]
        assert sorted(numbers(township_id=hx)) == sorted([late.number, early.number])
        assert numbers(township_id=qs) == []  # another township's filter shows nothing of it


def test_search_by_number_child_name_and_phone_through_hashes(runtime, town):
    with transaction(runtime.sessions) as s:
        named = _file(s, child_name="王小雨", reporter_phone="13912345678")
        other = _file(s, child_name="李小花", reporter_phone="13800001111")
        user = _user(s, "hx_town")

        def found(q):
            return _numbers(inbox(s, user, InboxQuery(q=q), SH))
        assert found("王小雨") == [named.number] and found("王 小雨") == [named.number]
        assert found("139-1234-5678") == [named.number] and found("+86 13800001111") == [other.number]
        assert found(other.number.lower()) == [other.number]
        assert found("王小") == [] and found("1391234") == []
        # The table holds no clear text to search: names and phones are encrypted.
        raw = s.connection().exec_driver_sql(
            f"SELECT child_name, reporter_phone FROM case_report WHERE id = {named.id}").one()
        assert "王小雨" not in raw[0] and "13912345678" not in raw[1]


def test_pages_go_past_two_hundred_rows(runtime, town):
    with transaction(runtime.sessions) as s:
        for i in range(230):
            _file(s, now=utcnow() - timedelta(minutes=i))
        user = _user(s, "hx_town")
        pages = [inbox(s, user, InboxQuery(page=n), SH) for n in (1, 5, 6)]
        assert pages[0].total == 230 and pages[0].pages == 5 and len(pages[0].rows) == 50
        assert len(pages[1].rows) == 30 and pages[2].page == 5  # past the end: the last page
        every = {n for p in range(1, 6) for n in _numbers(inbox(s, user, InboxQuery(page=p), SH))}
        assert len(every) == 230


def test_inbox_page_shows_overdue_in_red_and_accepts_in_one_click(client, runtime, town, make_staff):
    make_staff("hx_police", "police", township="红星镇")
    with transaction(runtime.sessions) as s:
        late = _file(s, category="domestic_violence", urgency="urgent", now=utcnow() - timedelta(minutes=40))
        theirs = _file(s, township="青山镇", village="石桥村", urgency="urgent")
        number, other = late.number, theirs.number
    _login(client, "hx_police")
    page = client.get("/admin/cases").get_data(as_text=True)
    assert re.search(r'class="deadline late"[^>]*>超时 2[45] 分钟', page), "15-minute deadline, 40 minutes ago"
    assert number in page and other not in page
    assert 'src="/admin/static/inbox.js"' in page and "<script>" not in page
    token = re.search(r'name="accept-csrf_token" value="([^"]+)"', page).group(1)
    resp = client.post(f"/admin/cases/{number}/steps/accept",
                       data={"accept-csrf_token": token, "next": "/admin/cases?status=open"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/admin/cases?status=open")
    assert _status(runtime, number) == "accepted"
    again = client.post(f"/admin/cases/{number}/steps/accept", data={"accept-csrf_token": token})
    assert again.status_code == 409 and "已受理" in again.get_data(as_text=True)
    assert client.post(f"/admin/cases/{other}/steps/accept", data={"accept-csrf_token": token}).status_code == 404
    listed = client.get("/admin/cases?q=" + number).get_data(as_text=True)
    assert number in listed and "受理</button>" not in listed


def test_a_role_that_may_not_accept_gets_no_button_and_a_403(client, runtime, jurisdiction, make_staff):
    make_staff("hx_school", "school", township="红星镇", school="红星镇中心小学")
    with transaction(runtime.sessions) as s:
        number = _file(s, category="dropout", urgency="high").number  # routed to the school
    _login(client, "hx_school")
    assert "受理</button>" in client.get("/admin/cases").get_data(as_text=True)
    make_staff("xy_village", "village", township="红星镇", village="东风村")
    other = client.application.test_client()
    _login(other, "xy_village")
    page = other.get("/admin/cases").get_data(as_text=True)
    assert number in page and "受理</button>" not in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    resp = other.post(f"/admin/cases/{number}/steps/accept", data={"accept-csrf_token": token})
    assert resp.status_code == 403 and "不归您的单位处置" in resp.get_data(as_text=True)
    assert _status(runtime, number) == "submitted"


def test_case_page_timeline_in_chinese_and_local_time_with_tap_to_call(client, runtime, town):
    with transaction(runtime.sessions) as s:
        case = _file(s, urgency="high", reporter_phone="139 1234 5678", now=datetime(2026, 11, 30, 16, 30))
        add_event(s, case, "alerted", "system", note="已通知值班人员", now=datetime(2026, 11, 30, 16, 31))
        add_event(s, case, "escalated", "system", now=datetime(2026, 11, 30, 18, 31))
        number = case.number
    _login(client, "hx_town")
    page = client.get(f"/admin/cases/{number}").get_data(as_text=True)
    timeline = page[page.index('id="timeline"'):]
    assert "2026-12-01 00:30" in timeline and "2026-12-01 00:31" in timeline and "16:30" not in timeline
    assert "已提醒值班人员" in timeline and "超时上报" in timeline and "收到报告" in timeline
    assert not re.search(r"<td>(alerted|escalated|submitted)</td>", timeline)
    assert 'href="tel:13912345678"' in page


def test_an_unknown_timezone_stops_the_settings(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text((REPO_ROOT / "config.yaml").read_text(encoding="utf-8").replace(
        "timezone: Asia/Shanghai", "timezone: Mars/Olympus"), encoding="utf-8")
    with pytest.raises(SettingsError, match="Mars/Olympus"):
        load_settings(config, env={})
    assert localtime.local(datetime(2026, 11, 30, 16, 0), SH).hour == 0


def test_an_incomplete_step_form_comes_back_with_what_was_entered(client, runtime, town, make_staff):
    from tests.admin.case_helpers import take
    make_staff("hx_police", "police", township="红星镇")
    with transaction(runtime.sessions) as s:
        number = _file(s, category="domestic_violence").number
    _login(client, "hx_police")
    take(client, number, "accept")
    resp = take(client, number, "respond", {"mode": "check", "note": "邻居说孩子在外婆家"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "请至少选择一项已采取的应急处置措施" in page
    assert re.search(r'<input checked id="respond-mode-\d" name="respond-mode" type="radio" value="check">', page)
    assert "邻居说孩子在外婆家" in page and _status(runtime, number) == "accepted"
    assert take(client, number, "nonsense").status_code == 404
