"""Staff move a case through the policy's steps; the reporter hears about acceptance and closure."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.db import transaction
from core.models import Case, ChannelUser, OutboundJob
from core.services.cases import CaseDraft, submit_case
from tests.admin.case_helpers import advance, take


@pytest.fixture
def case_number(runtime, jurisdiction):
    with transaction(runtime.sessions) as s:
        reporter = ChannelUser(channel="web", external_id="hash-of-reporter", external_ref="web-reporter-1")
        s.add(reporter)
        s.flush()
        case = submit_case(s, CaseDraft(category="domestic_violence", urgency="high", reporter_role="citizen",
                                        description="虚构：邻居家天天打孩子", township="红星镇", village="向阳村",
                                        reporter_channel_user_id=reporter.id))
        return case.number


def _login(client, username, password="correct horse battery"):
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/admin/login", data={"username": username, "password": password,
                                             "csrf_token": token}).status_code == 302


def _advance(client, number, to, note=""):
    return advance(client, number, to, note)


def _status(runtime, number):
    with transaction(runtime.sessions) as s:
        return s.scalar(select(Case.status).where(Case.number == number))


def test_police_then_township_take_their_steps(client, runtime, case_number, make_staff):
    make_staff("hx_police", "police", township="红星镇")
    make_staff("hx_town", "township", township="红星镇")
    _login(client, "hx_police")
    page = client.get(f"/admin/cases/{case_number}").get_data(as_text=True)
    assert 'id="step-accept"' in page and 'id="step-assess"' not in page
    _advance(client, case_number, "accepted", "已电话联系报告人")
    _advance(client, case_number, "responding")
    _advance(client, case_number, "referred")
    assert _status(runtime, case_number) == "referred"
    # Police may not assess: that is the township's step.
    refused = take(client, case_number, "assess")
    assert refused.status_code == 403 and _status(runtime, case_number) == "referred"
    assert "派出所账号不能“调查评估”" in refused.get_data(as_text=True)

    other = client.application.test_client()  # a second browser
    _login(other, "hx_town")
    for step in ("assessing", "assisting", "monitoring", "closed"):
        _advance(other, case_number, step)
    assert _status(runtime, case_number) == "closed"
    page = other.get(f"/admin/cases/{case_number}").get_data(as_text=True)
    assert "已电话联系报告人" in page  # the timeline keeps every step's note

    with transaction(runtime.sessions) as s:
        messages = [j.body for j in s.scalars(select(OutboundJob).where(OutboundJob.kind == "reporter_message"))]
    assert len(messages) == 2
    assert "受理" in messages[0] and "结案" in messages[1]
    assert all("邻居" not in m for m in messages), "nothing confidential goes back to the reporter"


def test_staff_outside_the_jurisdiction_cannot_act(client, runtime, case_number, make_staff):
    make_staff("qs_police", "police", township="青山镇")
    _login(client, "qs_police")
    assert client.get(f"/admin/cases/{case_number}").status_code == 404
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    resp = client.post(f"/admin/cases/{case_number}/steps/accept", data={"accept-csrf_token": token})
    assert resp.status_code == 404
    assert _status(runtime, case_number) == "submitted"


def test_skipping_steps_is_refused(client, runtime, case_number, make_staff):
    make_staff("county", "civil_affairs")
    _login(client, "county")
    refused = take(client, case_number, "close")
    assert refused.status_code == 409 and "不能“结案”" in refused.get_data(as_text=True)
    assert _status(runtime, case_number) == "submitted"
