"""Many reporters confirming at the same moment each get their own case number.

On PostgreSQL the turns of several workers run truly in parallel, each in its own
transaction that stays open a little after the case is filed (the turn still saves its
conversation state and replies). Every one of them must be filed, with distinct numbers."""
from __future__ import annotations

import threading
import time
from datetime import datetime

from sqlalchemy import select

from core.db import WRITE
from core.models import Case, CaseCounter
from core.services import cases
from core.services.cases import CaseDraft, submit_case
from core.services.conversations import write_guard
from core.services.reporting import file_report

THREADS = 12  # below the engine pool's 5 + 10 overflow connections, all held at once
NOW = datetime(2026, 12, 2, 9, 30)


def _draft(i: int) -> CaseDraft:
    return CaseDraft(category="dropout", urgency="normal", reporter_role="citizen",
                     description=f"邻居家的孩子一个人在家，第{i}份报告", township="红星镇")


def _file_concurrently(runtime, hold_seconds: float = 0.2) -> tuple[list[str], list[BaseException]]:
    barrier = threading.Barrier(THREADS)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def confirm(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            # Like bot/turns.py: one writing transaction per turn (serialized on SQLite).
            with write_guard(runtime.db), runtime.sessions() as session, session.begin():
                session.connection(execution_options=WRITE)
                filed = file_report(session, _draft(i), now=NOW, submission_key=f"report:{i}:draft{i}")
                number = filed.case.number
                time.sleep(hold_seconds)  # the rest of the turn, before its commit
            with lock:
                numbers.append(number)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=confirm, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return numbers, errors


def test_simultaneous_confirms_all_get_distinct_numbers(jurisdiction):
    numbers, errors = _file_concurrently(jurisdiction)
    assert errors == [], [f"{type(e).__name__}: {e}"[:300] for e in errors]
    assert sorted(numbers) == [f"BG-20261202-{n:04d}" for n in range(1, THREADS + 1)]
    with jurisdiction.sessions() as s:
        stored = s.scalars(select(Case.number)).all()
    assert sorted(stored) == sorted(numbers)


def test_numbers_continue_past_9999_in_a_day(jurisdiction):
    with jurisdiction.sessions() as session, session.begin():
        session.add(CaseCounter(day="20261202", last=9998))
    got = []
    for i in range(3):
        with jurisdiction.sessions() as session, session.begin():
            got.append(submit_case(session, _draft(i), now=NOW).number)
    assert got == ["BG-20261202-9999", "BG-20261202-10000", "BG-20261202-10001"]


def test_number_format_is_the_documented_one():
    assert cases._format_number(NOW, 1) == "BG-20261202-0001"
    assert cases._format_number(NOW, 12345) == "BG-20261202-12345"


def test_status_lookup_reads_a_five_digit_number():
    from handlers.status import NUMBER, _canonical
    found = NUMBER.search("我的报告编号是BG-20261202-10001，现在怎么样了")
    assert found and _canonical(found.group(0)) == "BG-20261202-10001"
    assert _canonical(NUMBER.search("bg202612020007").group(0)) == "BG-20261202-0007"
