"""The dashboard's summary tables: after a refresh they give exactly the live counts, for
every role's scope; a stale summary is not shown; the refresh runs as a Huey periodic task."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.db import transaction
from core.models import (
    CaseMonthSummary,
    CaseTownMonthSummary,
    ChildPlaceSummary,
    DashboardRefresh,
    School,
    StaffUser,
)
from core.services import dashboard_summary, stats
from tests.admin.login_helpers import post_login
from tests.overview.data import add_case, add_child, visit

NOW = datetime(2026, 12, 2, 8, 0)  # 16:00 in Shanghai
MAX_AGE = timedelta(minutes=30)
ROLES = (  # username, role, township, village, school
    ("county", "civil_affairs", None, None, None),
    ("boss", "admin", None, None, None),
    ("hx_head", "township", "红星镇", None, None),
    ("qs_police", "police", "青山镇", None, None),
    ("df_cadre", "village", "红星镇", "东风村", None),
    ("hx_school", "school", "红星镇", None, "红星镇中心小学"),
)


def world(runtime):
    """Three townships; cases of several categories and statuses over 14 months (one filed
    at 01:00 local on 1 November, still October in UTC); left-behind children and others,
    with visits recent, late and missing."""
    with transaction(runtime.sessions) as s:
        school = s.scalar(select(School).where(School.name == "红星镇中心小学"))
        old = NOW - timedelta(days=200)
        kids = [add_child(s, "虚构小东", "红星镇", "东风村", created=old),
                add_child(s, "虚构小西", "红星镇", "东风村", created=old),
                add_child(s, "虚构小南", "红星镇", "东风村", created=old),
                add_child(s, "虚构小向", "红星镇", "向阳村", created=NOW - timedelta(days=5)),
                add_child(s, "虚构小石", "青山镇", "石桥村", created=old),
                add_child(s, "虚构小沙", "青山镇", "白沙村", created=old),
                add_child(s, "虚构小李", "柳河乡", "李家村", created=old)]
        add_child(s, "虚构小北", "红星镇", "向阳村", other_parent="home", created=old)  # not left behind
        add_child(s, "虚构小大", "红星镇", "东风村", born=date(2008, 3, 1), created=old)  # 18: too old
        add_child(s, "虚构小回", "青山镇", "石桥村", ended=True, created=old)  # parent came home
        kids[0].school_id = kids[1].school_id = kids[3].school_id = school.id
        visit(s, kids[0], "home_visit", NOW - timedelta(days=10))
        visit(s, kids[1], "contact", NOW - timedelta(days=3))
        visit(s, kids[2], "contact", NOW - timedelta(days=45))      # contact late, home late
        visit(s, kids[4], "home_visit", NOW - timedelta(days=60))   # contact late, home fine
        visit(s, kids[6], "contact", NOW - timedelta(days=1))

        add_case(s, at=NOW - timedelta(days=3), accepted_after=timedelta(hours=2))
        add_case(s, category="dropout", at=NOW - timedelta(days=3), accepted_after=timedelta(days=2))
        add_case(s, category="dropout", village="向阳村", at=NOW - timedelta(days=40)).assigned_unit = school.name
        add_case(s, "青山镇", "石桥村", at=NOW - timedelta(days=3))                    # unaccepted, late
        add_case(s, "青山镇", "白沙村", urgency="urgent", at=NOW - timedelta(minutes=5))  # not yet due
        add_case(s, "青山镇", "石桥村", category="domestic_violence", at=datetime(2026, 10, 31, 17, 0),
                 accepted_after=timedelta(minutes=30)).status = "closed"
        add_case(s, "柳河乡", "王庄村", category="injury_or_harm", at=NOW - timedelta(days=70),
                 accepted_after=timedelta(hours=1)).status = "assessing"
        add_case(s, "柳河乡", "李家村", at=NOW - timedelta(days=20)).status = "merged"
        add_case(s, "红星镇", "东风村", at=datetime(2025, 10, 15, 3, 0),
                 accepted_after=timedelta(hours=1)).status = "closed"                   # before the window
        add_case(s, "红星镇", "东风村", category="guardian_unfit", at=NOW - timedelta(days=100),
                 accepted_after=timedelta(days=3)).status = "monitoring"


@pytest.fixture
def staff(runtime, jurisdiction, make_staff):
    world(runtime)
    for username, role, township, village, school in ROLES:
        make_staff(username, role, township=township, village=village, school=school)
    return runtime


def _user(s, username) -> StaffUser:
    return s.scalar(select(StaffUser).where(StaffUser.username == username))


@pytest.mark.parametrize("username", [r[0] for r in ROLES])
def test_the_summary_after_a_refresh_gives_the_live_numbers_in_every_scope(staff, username):
    dashboard_summary.refresh(staff.sessions, NOW, "Asia/Shanghai")
    with transaction(staff.sessions) as s:
        user = _user(s, username)
        live = stats.overview(s, user, "Asia/Shanghai", NOW)
        summary = dashboard_summary.overview(s, user, "Asia/Shanghai", NOW + timedelta(minutes=5), MAX_AGE)
    assert live.pop("as_of") is None
    assert summary.pop("as_of") == {"at": "2026-12-02T08:00:00Z", "local": "16:00", "date": "2026-12-02"}
    assert summary == live


def test_the_dataset_is_not_trivial_and_a_township_sees_only_its_rows(staff):
    dashboard_summary.refresh(staff.sessions, NOW, "Asia/Shanghai")
    with transaction(staff.sessions) as s:
        county = dashboard_summary.overview(s, _user(s, "county"), "Asia/Shanghai", NOW, MAX_AGE)
        town = dashboard_summary.overview(s, _user(s, "hx_head"), "Asia/Shanghai", NOW, MAX_AGE)
        school = dashboard_summary.overview(s, _user(s, "hx_school"), "Asia/Shanghai", NOW, MAX_AGE)
        assert s.scalar(select(func.count()).select_from(CaseMonthSummary)) >= 8
        assert s.scalar(select(func.count()).select_from(ChildPlaceSummary)) >= 6
    assert county["counts"]["by_status"] == {"accepted": 2, "submitted": 3, "closed": 2, "assessing": 1,
                                             "merged": 1, "monitoring": 1}
    assert county["counts"]["unaccepted_overdue"] == 2  # the school's and 青山镇's
    assert set(county["cases"]["township"]) == {"红星镇", "青山镇", "柳河乡"}
    # 1 November 01:00 local (31 October in UTC) is November's, with the one of 29 November.
    assert county["cases"]["township"]["青山镇"][-3:] == [0, 2, 1]
    assert (county["children"]["left_behind"], county["children"]["contact_overdue"],
            county["children"]["home_visit_overdue"]) == (7, 3, 4)
    assert set(town["cases"]["township"]) == {"红星镇"}
    assert {p["township"] for p in town["children"]["villages"]} == {"红星镇"}
    assert town["counts"]["by_status"] == {"accepted": 2, "submitted": 1, "closed": 1, "monitoring": 1}
    assert school["counts"]["by_status"] == {"accepted": 1, "submitted": 1}  # the two dropouts
    assert school["children"]["left_behind"] == 3


def test_a_stale_or_missing_summary_gives_way_to_the_live_count(staff):
    with transaction(staff.sessions) as s:  # no refresh yet (embedded profile, first start)
        assert dashboard_summary.overview(s, _user(s, "county"), "Asia/Shanghai", NOW, MAX_AGE)["as_of"] is None
    dashboard_summary.refresh(staff.sessions, NOW, "Asia/Shanghai")
    with transaction(staff.sessions) as s:
        add_case(s, "柳河乡", "李家村", at=NOW + timedelta(minutes=1))
    with transaction(staff.sessions) as s:
        county = _user(s, "county")
        recent = dashboard_summary.overview(s, county, "Asia/Shanghai", NOW + timedelta(minutes=29), MAX_AGE)
        stale = dashboard_summary.overview(s, county, "Asia/Shanghai", NOW + timedelta(minutes=31), MAX_AGE)
        other_zone = dashboard_summary.overview(s, county, "Asia/Urumqi", NOW + timedelta(minutes=5), MAX_AGE)
        off = dashboard_summary.overview(s, county, "Asia/Shanghai", NOW + timedelta(minutes=5), timedelta(0))
    assert recent["as_of"]["local"] == "16:00" and recent["counts"]["by_status"]["submitted"] == 3
    for live in (stale, other_zone, off):
        assert live["as_of"] is None and live["counts"]["by_status"]["submitted"] == 4


def test_a_refresh_replaces_the_rows_it_counted_before(staff):
    dashboard_summary.refresh(staff.sessions, NOW, "Asia/Shanghai")
    with transaction(staff.sessions) as s:
        before = s.scalar(select(func.sum(CaseMonthSummary.cases)))
        add_case(s, "柳河乡", "李家村", at=NOW + timedelta(minutes=1))
    dashboard_summary.refresh(staff.sessions, NOW + timedelta(minutes=10), "Asia/Shanghai")
    with transaction(staff.sessions) as s:
        assert s.scalar(select(func.sum(CaseMonthSummary.cases))) == before + 1 == 11
        assert s.scalar(select(func.sum(CaseTownMonthSummary.cases))) == 11
        assert s.scalar(select(func.count()).select_from(DashboardRefresh)) == 1
        assert s.get(DashboardRefresh, 1).refreshed_at == NOW + timedelta(minutes=10)


def test_the_refresh_is_a_periodic_task_every_ten_minutes(staff):
    queue = staff.queue
    assert "dashboard_summary" in queue.periodic
    assert "dashboard_summary" not in queue.run_periodic(datetime(2026, 12, 2, 8, 3))
    assert "dashboard_summary" in queue.run_periodic(datetime(2026, 12, 2, 8, 10))
    with transaction(staff.sessions) as s:
        row = s.get(DashboardRefresh, 1)
        assert (row.refreshed_at, row.tz) == (datetime(2026, 12, 2, 8, 10), "Asia/Shanghai")
        assert s.scalar(select(func.sum(CaseMonthSummary.cases))) == 10


def test_the_dashboard_page_says_when_its_numbers_were_counted(staff, client):
    post_login(client, "hx_head", "correct horse battery")
    assert "数据为实时统计" in client.get("/admin/").get_data(as_text=True)
    dashboard_summary.refresh(staff.sessions, None, "Asia/Shanghai")
    page = client.get("/admin/").get_data(as_text=True)
    assert "数据更新于" in page and "数据为实时统计" not in page
    data = client.get("/admin/dashboard.json").get_json()
    assert data["as_of"]["local"] in page
    assert set(data["cases"]["township"]) == {"红星镇"}
