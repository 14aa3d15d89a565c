"""One turn, one unit of work: a turn commits everything it did, or nothing; a draft is
filed once, whatever is retried and however."""
from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.db import transaction
from core.models import Case, CaseEvent, InboundMessage, OutboundJob, ReportDraft
from core.services.cases import CaseDraft, submit_case

FIRST = "邻居家8岁的孩子一个人住了一个星期，在红星镇东风村，我是邻居"
REPO = Path(__file__).resolve().parents[2]


def counts(runtime) -> dict:
    with runtime.sessions() as s:
        return {name: s.scalar(select(func.count()).select_from(model))
                for name, model in (("cases", Case), ("events", CaseEvent), ("jobs", OutboundJob),
                                    ("drafts", ReportDraft))}


def numbers(text: str) -> list[str]:
    return re.findall(r"BG-\d{8}-\d{4}", text)


@contextmanager
def failing_case_commit():
    """Make the commit of a session holding a case fail, after the flow has run, as a
    crash or a lost database connection at that moment would."""
    def seen(session, _context):
        if any(isinstance(obj, Case) for obj in session.new):
            session.info["case_flushed"] = True

    def boom(session):
        if not session.in_nested_transaction() and session.info.pop("case_flushed", False):
            raise RuntimeError("simulated failure at commit")
    event.listen(Session, "after_flush", seen)
    event.listen(Session, "before_commit", boom)
    try:
        yield
    finally:
        event.remove(Session, "after_flush", seen)
        event.remove(Session, "before_commit", boom)


def test_a_failed_case_commit_leaves_nothing_of_the_turn(chat, jurisdiction, notifier):
    c = chat()
    c.say(FIRST)
    assert c.step == "confirm"
    before = counts(jurisdiction)
    with failing_case_commit():
        reply = c.say("确认提交", msg_id="m-confirm")
    assert "没有处理成功" in reply and "110" in reply and not numbers(reply)
    # Nothing of that turn remains: no case, no event, no alert job; the draft and the
    # conversation are where they were, so the reporter loses nothing.
    assert counts(jurisdiction) == before
    assert c.step == "confirm"
    with jurisdiction.sessions() as s:
        assert s.scalar(select(InboundMessage.status).order_by(InboundMessage.id.desc())) == "aborted"


def test_a_retry_after_a_failed_commit_files_exactly_once(chat, api_cases):
    c = chat()
    c.say(FIRST)
    with failing_case_commit():
        c.say("确认提交", msg_id="m-confirm")
    first = c.say("确认提交", msg_id="m-confirm")  # the client retries with the same id
    again = c.say("确认提交", msg_id="m-confirm")  # and once more: the stored reply
    (number,) = set(numbers(first))
    assert numbers(again) == numbers(first)
    cases = api_cases()
    assert [x["number"] for x in cases] == [number]
    actions = [e["action"] for e in cases[0]["events"]]
    assert actions[0] == "submitted" and "alerted" in actions  # child alone: high, alerted


def test_a_repeated_confirmation_without_an_id_answers_with_the_same_number(chat, api_cases):
    c = chat()
    c.say(FIRST)
    first = c.say("确认提交")
    again = c.say("确认提交")  # a client that lost the reply and retries without an id
    one = c.say("1")
    assert numbers(again) == numbers(first) == numbers(one) and len(numbers(first)) == 1
    assert "已经提交过了" in again
    assert len(api_cases()) == 1


def test_a_draft_is_filed_once_even_if_its_state_comes_back(chat, jurisdiction, api_cases):
    """The submission key (conversation + draft) is checked before filing and enforced by
    the database: a confirmation replayed from an old state finds the same case."""
    c = chat()
    c.say(FIRST)
    with jurisdiction.sessions() as s:
        from core.models import ConversationState
        saved = s.scalar(select(ConversationState.data).where(
            ConversationState.channel_user_id == c.channel_user_id))
    first = c.say("确认提交")
    with transaction(jurisdiction.sessions) as s:  # replay the state as it was before filing
        from core.models import ConversationState
        row = s.scalar(select(ConversationState).where(
            ConversationState.channel_user_id == c.channel_user_id))
        row.data, row.flow, row.step = saved, "report", "confirm"
    replay = c.say("确认")
    assert numbers(replay) == numbers(first)
    assert len(api_cases()) == 1


def test_the_database_refuses_a_second_case_with_the_same_submission_key(jurisdiction):
    draft = CaseDraft(category="child_alone", urgency="high", reporter_role="citizen",
                      description="孩子一个人在家", township="红星镇", village="东风村")
    with transaction(jurisdiction.sessions) as s:
        submit_case(s, draft, submission_key="report:1:abc")
    with pytest.raises(IntegrityError), transaction(jurisdiction.sessions) as s:
        submit_case(s, draft, submission_key="report:1:abc")


def test_a_rolled_back_savepoint_is_not_committed(jurisdiction):
    """On SQLite too (SQLAlchemy's pysqlite recipe): a savepoint's rows go when the outer
    transaction rolls back, and a rolled-back savepoint leaves the outer rows alone."""
    draft = CaseDraft(category="dropout", urgency="normal", reporter_role="citizen",
                      description="好久没来上学", township="红星镇")
    with jurisdiction.sessions() as s, s.begin():
        submit_case(s, draft)  # submit_case numbers the case inside a savepoint
        s.rollback()
    with jurisdiction.sessions() as s, s.begin():
        kept = submit_case(s, draft, submission_key="kept")
        try:
            with s.begin_nested():
                submit_case(s, draft, submission_key="dropped")
                raise RuntimeError
        except RuntimeError:
            pass
        assert kept.id is not None
    with jurisdiction.sessions() as s:
        assert s.scalars(select(Case.submission_key)).all() == ["kept"]


def test_flows_never_open_or_commit_a_transaction():
    for path in sorted((REPO / "handlers").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        for forbidden in ("transaction(", "sessions()", ".commit(", ".rollback(", "begin("):
            assert forbidden not in source, f"{path.name} calls {forbidden}"
