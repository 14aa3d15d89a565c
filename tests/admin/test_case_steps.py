"""Case steps at the service level (SQLite and PostgreSQL): each step's structured content,
who may take it where, refusals in Chinese, merging and unlinking, and what the reporter
is told."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import select

from core import step_content
from core.db import transaction
from core.models import Case, CaseEvent, ChannelUser, OutboundJob, StaffUser
from core.services import case_steps
from core.services.cases import CaseDraft, submit_case
from core.services.errors import Conflict, Forbidden, Invalid
from tests.admin.case_helpers import FILLED

NOW = datetime(2026, 11, 30, 8, 0)
TODAY = date(2026, 11, 30)


def _file(s, category="domestic_violence", village="向阳村", township="红星镇", routing=None, reporter=None,
          **child) -> Case:
    return submit_case(s, CaseDraft(category=category, urgency="high", reporter_role="citizen",
                                    description="虚构：邻居家孩子身上有伤", township=township, village=village,
                                    reporter_channel_user_id=reporter, **child), routing=routing, now=NOW)


def _reporter(s, ref: str) -> int:
    user = ChannelUser(channel="telegram", external_id=f"hash-{ref}", external_ref=ref)
    s.add(user)
    s.flush()
    return user.id


def _staff(s, username) -> StaffUser:
    return s.scalar(select(StaffUser).where(StaffUser.username == username))


def _events(s, case) -> list[CaseEvent]:
    return list(s.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)))


def _take(s, case, user, code, **fields):
    fields = {**FILLED.get(code, {}), **fields}
    if code == "visit":
        fields["visited_on"] = date.fromisoformat(fields["visited_on"])
        fields["today"] = TODAY
    return case_steps.take_step(s, case, user, code, fields, now=NOW)


@pytest.fixture
def desks(jurisdiction, make_staff):
    make_staff("hx_police", "police", township="红星镇")
    make_staff("hx_town", "township", township="红星镇")
    make_staff("xy_director", "village", township="红星镇", village="向阳村")
    make_staff("qs_police", "police", township="青山镇")
    return jurisdiction


def test_each_step_records_its_structured_content(runtime, desks):
    with transaction(runtime.sessions) as s:
        case = _file(s)
        police, town, director = (_staff(s, n) for n in ("hx_police", "hx_town", "xy_director"))
        _take(s, case, police, "accept")
        responded = _take(s, case, police, "respond")
        referred = _take(s, case, police, "refer")
        assessed = _take(s, case, town, "assess")
        assisted = _take(s, case, town, "assist")
        visit = _take(s, case, director, "visit")
        assert case.status == "assisting", "a visit adds a record, not a status"
        _take(s, case, town, "follow_up")
        closed = _take(s, case, town, "close", note="监护人已接受告诫")
        assert case.status == "closed"
        assert responded.content == {"mode": "dispatch", "measures": ["temporary_care", "medical"]}
        assert referred.note == "已电话通报乡镇：孩子已由姑姑临时照料"
        assert assessed.content["safety"] == {"rating": "at_risk", "note": "父亲酒后打人"}
        assert assessed.content["health"]["rating"] == "concern"
        assert assisted.content == {"services": ["counselling", "guardian_guidance"],
                                    "interventions": ["warning_letter"]}
        assert visit.action == "visit" and visit.by == "xy_director"
        assert visit.content == {"visited_on": "2026-11-30", "way": "home", "finding": "better"}
        assert closed.content == {"reason": "risk_removed"} and closed.note == "监护人已接受告诫"
        lines = step_content.describe(assessed.content) + step_content.describe(closed.content)
        assert "安全处境：有风险：父亲酒后打人" in lines and "结案原因：风险已消除，监护已落实" in lines
        # Personal notes are encrypted at rest, structured content included.
        raw = s.connection().exec_driver_sql(
            f"SELECT detail FROM case_event WHERE id = {assessed.id}").scalar()
        assert "父亲" not in raw and json.loads(s.get(CaseEvent, assessed.id).detail)


@pytest.mark.parametrize("code,fields,message", [
    ("respond", {"measures": []}, "请至少选择一项"),
    ("respond", {"mode": "teleport"}, "请选择处置方式"),
    ("respond", {"measures": ["fly_away"]}, "不在清单里"),
    ("refer", {"note": "  "}, "向乡镇通报了什么"),
    ("assess", {"health_rating": None}, "请评定“身心健康”"),
    ("assist", {"services": [], "interventions": []}, "至少选择一项帮扶服务或监护干预"),
    ("visit", {"visited_on": "2026-12-25"}, "不能是将来"),
    ("close", {"reason": None}, "请选择结案原因"),
    ("close", {"reason": "other", "note": ""}, "写明结案原因"),
    ("unlink", {"note": ""}, "为什么不是同一事件"),
    ("merge", {"original": ""}, "原案件编号"),
])
def test_incomplete_content_is_refused_in_chinese_and_nothing_is_written(runtime, desks, code, fields, message):
    status = {"respond": "accepted", "refer": "responding", "assess": "referred", "assist": "assessing",
              "visit": "monitoring", "close": "monitoring", "unlink": "submitted", "merge": "submitted"}[code]
    with transaction(runtime.sessions) as s:
        first = _file(s, village="东风村")
        case = _file(s)
        case.status = status
        if code == "unlink":
            case.duplicate_of_id = first.id
        before = len(_events(s, case))
        user = _staff(s, "hx_police" if code in ("respond", "refer", "unlink", "merge") else "hx_town")
        with pytest.raises(Invalid, match=message):
            _take(s, case, user, code, **fields)
        assert case.status == status and len(_events(s, case)) == before


def test_refusals_say_who_and_why(runtime, desks):
    with transaction(runtime.sessions) as s:
        case = _file(s, category="other")  # routed to 红星镇儿童主任: the village may work it
        police_case = _file(s)
        director, town, other = (_staff(s, n) for n in ("xy_director", "hx_town", "qs_police"))
        with pytest.raises(Forbidden, match="村（居）委会账号不能“出警/核查”"):
            _take(s, case, director, "respond")
        with pytest.raises(Forbidden, match="不归您的单位处置"):
            _take(s, police_case, director, "accept")   # a police case: not the director's to accept
        with pytest.raises(Forbidden, match="不归您的单位处置"):
            _take(s, case, other, "accept")             # another township's police
        with pytest.raises(Conflict, match="现在是“待受理”，不能“结案”"):
            _take(s, case, town, "close")
        with pytest.raises(Conflict, match="没有关联的原报告"):
            _take(s, case, town, "unlink")
        with pytest.raises(Invalid, match="没有这项操作"):
            case_steps.take_step(s, case, town, "delete_everything", {})
        _take(s, case, director, "accept")
        with pytest.raises(Conflict, match="现在是“已受理”，不能“受理”"):
            _take(s, case, town, "accept")           # a colleague was quicker
        assert case_steps.load_for_step(s, other, case.number) is None  # outside: not even found


def test_the_village_director_works_its_own_case_to_the_end(runtime, desks):
    with transaction(runtime.sessions) as s:
        case = _file(s, category="other")
        director = _staff(s, "xy_director")
        for code in ("accept", "refer", "assess", "monitor", "visit", "close"):
            _take(s, case, director, code)
        assert case.status == "closed"
        assert [e.action for e in _events(s, case)][-6:] == ["accepted", "referred", "assessing", "monitoring",
                                                         "visit", "closed"]


def _messages(s) -> list[tuple[str, str]]:
    return [(j.target, j.body) for j in s.scalars(select(OutboundJob).where(
        OutboundJob.kind == "reporter_message").order_by(OutboundJob.id))]


def test_merge_and_unlink_and_what_each_reporter_is_told(runtime, desks):
    with transaction(runtime.sessions) as s:
        first = _file(s, reporter=_reporter(s, "100"), child_name="李小花", child_age=9)
        second = _file(s, reporter=_reporter(s, "200"), child_name="李小花", child_age=9)
        wrong = _file(s, reporter=_reporter(s, "300"))
        wrong.duplicate_of_id = first.id
        police, town = _staff(s, "hx_police"), _staff(s, "hx_town")
        with pytest.raises(Invalid, match="不能把案件并入它自己"):
            _take(s, second, police, "merge", original=second.number)
        qs = _file(s, township="青山镇", village="石桥村")
        with pytest.raises(Invalid, match="不在您的辖区内"):
            _take(s, second, police, "merge", original=qs.number)
        second.duplicate_of_id = first.id
        with pytest.raises(Invalid, match="是本案的重复报告"):
            _take(s, first, police, "merge", original=second.number)

        _take(s, wrong, police, "unlink", note="不是同一个孩子")
        assert wrong.duplicate_of_id is None
        assert any("不是同一事件" in (e.note or "") for e in _events(s, first))

        _take(s, first, police, "accept")
        merged = _take(s, second, police, "merge", original=first.number.lower())
        assert second.status == "merged" and merged.content == {"original": first.number}
        assert f"{second.number}已并入本案" in [e.note for e in _events(s, first)]
        for code in ("respond", "refer"):
            _take(s, first, police, code)
        for code in ("assess", "monitor", "close"):
            _take(s, first, town, code)
        told = _messages(s)
    assert [t for t, _ in told] == ["telegram:100", "telegram:200", "telegram:100", "telegram:200"]
    assert first.number in told[0][1] and "受理" in told[0][1]
    assert second.number in told[1][1] and "受理" in told[1][1]  # told at the merge: already accepted
    assert "结案" in told[2][1] and "结案" in told[3][1] and second.number in told[3][1]
    assert all("伤" not in body and "李小花" not in body for _, body in told)


def test_every_event_kind_in_the_code_has_a_chinese_label():
    import re
    from pathlib import Path

    from core import permissions
    from core.settings import REPO_ROOT
    kinds = set()
    for path in Path(REPO_ROOT).glob("[bchap]*/**/*.py"):
        text = path.read_text(encoding="utf-8")
        kinds |= set(re.findall(r'add_event\(\s*session,\s*\w+,\s*"([a-z_]+)"', text))
        kinds |= set(re.findall(r'CaseEvent\([^)]*action="([a-z_]+)"', text))
    kinds |= {a.to for a in permissions.WORKFLOW} | {"visit"}
    assert {"alerted", "escalated", "duplicate_linked", "duplicate_merged", "duplicate_unlinked"} <= kinds
    missing = sorted(k for k in kinds if k not in step_content.EVENT)
    assert not missing, missing
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in step_content.EVENT.values())


def test_a_duplicate_accepted_before_its_merge_is_not_told_twice(runtime, desks):
    with transaction(runtime.sessions) as s:
        original = _file(s, reporter=_reporter(s, "100"))
        dup = _file(s, reporter=_reporter(s, "200"))
        police = _staff(s, "hx_police")
        _take(s, dup, police, "accept")
        _take(s, dup, police, "merge", original=original.number)
        _take(s, original, police, "accept")
        told = _messages(s)
    assert [t for t, _ in told] == ["telegram:200", "telegram:100"]


def test_every_step_of_the_table_has_a_form_and_a_check():
    from admin.step_forms import FORMS
    from core.services.step_input import CHECKS
    assert set(FORMS) == set(case_steps.STEP_CODES) == set(CHECKS)
