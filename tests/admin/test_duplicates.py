"""A new report is linked to an earlier one only on evidence of the same child or incident."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from core.db import transaction
from core.models import Case, CaseEvent
from core.services.cases import CaseDraft
from core.services.reporting import file_report

T0 = datetime(2026, 11, 30, 2, 0)


def _report(s, category, hours=0.0, village="东风村", township="红星镇", **fields):
    draft = CaseDraft(category=category, urgency="high", reporter_role="citizen",
                      description="虚构：测试用的情况", township=township, village=village, **fields)
    return file_report(s, draft, now=T0 + timedelta(hours=hours))


def test_the_poisoned_six_year_old_is_not_linked_to_the_harassed_ten_year_old(runtime, jurisdiction):
    with transaction(runtime.sessions) as s:
        _report(s, "injury_or_harm", child_age=10)
        second = _report(s, "injury_or_harm", hours=1, child_age=6)
        assert second.duplicate_of is None and second.case.duplicate_of_id is None
        # ...nor is a report of another kind, or one without any fact about the child.
        assert _report(s, "domestic_violence", hours=2, child_age=10).duplicate_of is None
        assert _report(s, "injury_or_harm", hours=3).duplicate_of is None


@pytest.mark.parametrize("first,second,hours,why", [
    ({"child_name": "王小雨"}, {"child_name": "王 小雨", "child_age": 8}, 30, "儿童姓名相同"),
    ({"reporter_phone": "13800001234"}, {"reporter_phone": "+86 138-0000-1234"}, 20, "同一报告人"),
    ({"child_age": 7}, {"child_age": 8}, 2, "同村、同类情况、年龄相符、时间相近"),
])
def test_evidence_of_the_same_child_links_the_reports(runtime, jurisdiction, first, second, hours, why):
    with transaction(runtime.sessions) as s:
        original = _report(s, "child_alone", **first).case
        filed = _report(s, "child_alone", hours=hours, **second)
        assert filed.duplicate_of is not None and filed.duplicate_of.id == original.id
        notes = s.scalars(select(CaseEvent.note).where(CaseEvent.case_id == filed.case.id,
                                                       CaseEvent.action == "duplicate_linked")).all()
        assert len(notes) == 1 and why in notes[0] and original.number in notes[0]


@pytest.mark.parametrize("first,second,hours", [
    ({"child_name": "王小雨"}, {"child_name": "李小花"}, 1),                  # two names
    ({"child_age": 7, "child_gender": "male"}, {"child_age": 7, "child_gender": "female"}, 1),
    ({"child_age": 7}, {"child_age": 8}, 20),                                # too far apart without a name
    ({"child_name": "王小雨"}, {"child_name": "王小雨"}, 60),                  # outside the window
    ({"reporter_phone": "13800001234", "child_age": 5}, {"reporter_phone": "13800001234", "child_age": 12}, 1),
])
def test_no_link_without_evidence_or_against_it(runtime, jurisdiction, first, second, hours):
    with transaction(runtime.sessions) as s:
        _report(s, "child_alone", **first)
        assert _report(s, "child_alone", hours=hours, **second).duplicate_of is None


def test_a_same_name_report_in_another_township_is_not_linked(runtime, jurisdiction):
    with transaction(runtime.sessions) as s:
        _report(s, "child_alone", child_name="王小雨")
        other = _report(s, "child_alone", hours=1, township="青山镇", village="石桥村", child_name="王小雨")
        assert other.duplicate_of is None


def test_a_third_report_links_to_the_original_not_to_the_duplicate(runtime, jurisdiction):
    with transaction(runtime.sessions) as s:
        first = _report(s, "child_missing", child_name="赵小军").case
        _report(s, "child_missing", hours=1, child_name="赵小军")
        third = _report(s, "child_missing", hours=2, child_name="赵小军")
        assert third.case.duplicate_of_id == first.id
        assert s.scalar(select(Case.duplicate_of_id).where(Case.id == first.id)) is None
