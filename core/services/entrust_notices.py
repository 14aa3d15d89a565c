"""Who hears about a new or changed entrustment, in the same session as the change.

The home village committee verifies it (a task within a week) and the child's school is
told (a task); each policy concern becomes a task for the village committee and the
township. Alerts through the notifier carry no names or phones, only the place and what
to look at.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from core.labels import village_office
from core.models import Child, Entrustment, FollowUpTask
from core.services.left_behind import CONCERNS

VERIFY_WITHIN_DAYS = 7
CONCERN_WITHIN_DAYS = 3


def village_unit(child: Child) -> str:
    return village_office(child.village.name) if child.village else f"{child.township.name}人民政府"


def _task(session: Session, child: Child, kind: str, unit: str, due: datetime, note: str) -> None:
    session.add(FollowUpTask(child_id=child.id, kind=kind, assigned_unit=unit, due_at=due, note=note))


def changed(session: Session, child: Child, row: Entrustment, notifier, now: datetime) -> None:
    what = row.change or "登记"
    place = f"{child.township.name}{child.village.name if child.village else ''}"
    village = village_unit(child)
    _task(session, child, "verify_entrustment", village, now + timedelta(days=VERIFY_WITHIN_DAYS),
          f"核实委托监护信息（第{row.version}版：{what}）")
    units = [village]
    if child.school is not None:
        _task(session, child, "school_entrustment", child.school.name, now + timedelta(days=VERIFY_WITHIN_DAYS),
              f"学生的委托监护信息有变化（第{row.version}版：{what}），请更新学校的留守儿童台账")
        units.append(child.school.name)
    for code in (row.concerns or "").split(","):
        if not code:
            continue
        note = f"委托监护需要关注：{CONCERNS[code]}。请上门了解情况。"
        for unit in (village, child.township.name):
            _task(session, child, "entrust_concern", unit, now + timedelta(days=CONCERN_WITHIN_DAYS), note)
        if child.township.name not in units:
            units.append(child.township.name)
    if notifier is not None:
        subject = f"委托监护{'登记' if row.version == 1 else '变更'}：{place}（儿童档案 {child.id}）"
        body = f"{what}。请在系统待办中查看并核实。" + ("有需要关注的情况。" if row.concerns else "")
        for unit in units:
            notifier.notify(session, unit, subject, body, "high" if row.concerns else "normal")
    session.flush()
