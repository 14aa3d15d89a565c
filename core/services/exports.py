"""Excel ledgers (台账) of cases and of children, as a civil-affairs bureau keeps them.

Rows are read in batches and written with openpyxl's write-only workbook, so a county's
whole ledger never sits in memory at once. Every text cell that a spreadsheet could take
for a formula (=, +, -, @, tab, CR at the start) is written as text behind an apostrophe.
Each export is audited: who, which ledger, how many rows.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import IO
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from core import labels
from core.db import utcnow
from core.models import Case, CaseEvent, Child, School, StaffUser, Township, Village, Visit
from core.services import audit
from core.services import left_behind as lb
from core.services import left_behind_sql as lbsql
from core.services.scope import case_scope, child_scope

BATCH = 500
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Control characters an .xlsx cannot hold (openpyxl refuses them): dropped.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
GENDER = {"male": "男", "female": "女"}
OTHER_PARENT = labels.OTHER_PARENT
HEALTH = {"good": "良好", "ill": "患病", "disabled": "残疾或行动不便"}
RELATION = {"father": "父亲", "mother": "母亲", "parent": "家长"}
YES_NO = {True: "是", False: "否", None: ""}


def safe_text(value: str) -> str:
    """A string as the cell's text, never as a formula."""
    value = _ILLEGAL.sub("", value)
    return "'" + value if value.startswith(FORMULA_START) else value


def _cell(ws, value, bold: bool = False) -> WriteOnlyCell:
    if isinstance(value, str):
        value = safe_text(value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, whatever it looks like
    if isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    if bold:
        cell.font = Font(bold=True)
    return cell


class Ledger:
    """A write-only workbook with one sheet: a title row, the header, then the rows."""

    def __init__(self, sheet: str, title: str, header: list[str]):
        self.wb = Workbook(write_only=True)
        self.ws = self.wb.create_sheet(sheet)
        self.ws.freeze_panes = "A3"
        self.ws.append([_cell(self.ws, title, bold=True)])
        self.ws.append([_cell(self.ws, h, bold=True) for h in header])
        self.rows = 0

    def add(self, values: list) -> None:
        self.rows += 1
        self.ws.append([_cell(self.ws, v) for v in [self.rows, *values]])

    def save(self, out: IO[bytes]) -> int:
        self.wb.save(out)
        return self.rows


class Clock:
    """UTC timestamps from the database, shown in the configured timezone."""

    def __init__(self, tz_name: str):
        self.tz = ZoneInfo(tz_name)

    def local(self, at: datetime | None) -> datetime | None:
        if at is None:
            return None
        return at.replace(tzinfo=ZoneInfo("UTC")).astimezone(self.tz).replace(tzinfo=None)


def _names(session: Session, model) -> dict[int, str]:
    return dict(session.execute(select(model.id, model.name)).all())


def _first_event(status: str):
    return (select(CaseEvent.case_id, func.min(CaseEvent.at).label("at"))
            .where(CaseEvent.status_to == status).group_by(CaseEvent.case_id).subquery())


CASE_HEADER = ["序号", "案件编号", "报告时间", "报告类别", "紧急程度", "当前状态", "报告人身份",
               "是否强制报告责任主体", "儿童姓名", "儿童年龄", "儿童性别", "乡镇（街道）", "村（社区）",
               "发生地点", "情况描述", "承办单位", "受理时限", "受理时间", "是否按时受理", "结案时间",
               "最近更新"]


def _on_time(accepted: datetime | None, deadline: datetime | None, now: datetime) -> str:
    if deadline is None:
        return ""
    if accepted is None:
        return "超时未受理" if deadline < now else "待受理"
    return "是" if accepted <= deadline else "否（超时受理）"


def _case_rows(session: Session, user: StaffUser) -> Iterator[tuple]:
    accepted, closed = _first_event("accepted"), _first_event("closed")
    q = (select(Case, accepted.c.at, closed.c.at)
         .outerjoin(accepted, accepted.c.case_id == Case.id)
         .outerjoin(closed, closed.c.case_id == Case.id)
         .where(case_scope(user)).order_by(Case.created_at, Case.id)
         .execution_options(yield_per=BATCH))
    for row in session.execute(q):
        yield row
        session.expunge(row[0])  # keep the identity map small: rows are written, not kept


def write_cases(session: Session, user: StaffUser, out: IO[bytes], tz_name: str,
                source: str | None = None, now: datetime | None = None) -> int:
    """The case ledger (强制报告案件台账) of the user's jurisdiction, into `out`; the row count."""
    now, clock = now or utcnow(), Clock(tz_name)
    towns, villages = _names(session, Township), _names(session, Village)
    ledger = Ledger("案件台账", f"强制报告案件台账（导出时间 {clock.local(now):%Y-%m-%d %H:%M}）", CASE_HEADER)
    for case, accepted_at, closed_at in _case_rows(session, user):
        ledger.add([
            case.number, clock.local(case.created_at), labels.CATEGORY.get(case.category, case.category),
            labels.URGENCY.get(case.urgency, case.urgency), labels.STATUS.get(case.status, case.status),
            labels.REPORTER_ROLE.get(case.reporter_role, case.reporter_role), YES_NO[case.mandatory_reporter],
            case.child_name or "", case.child_age, GENDER.get(case.child_gender, case.child_gender or ""),
            towns.get(case.township_id, ""), villages.get(case.village_id, ""), case.address_text or "",
            case.description, case.assigned_unit, clock.local(case.accept_deadline), clock.local(accepted_at),
            _on_time(accepted_at, case.accept_deadline, now), clock.local(closed_at),
            clock.local(case.updated_at)])
    rows = ledger.save(out)
    audit.record(session, f"staff:{user.id}", "export", "case", source=source, detail=f"cases.xlsx rows={rows}")
    return rows


CHILD_HEADER = ["序号", "档案编号", "姓名", "性别", "出生日期", "年龄", "身份证号", "乡镇（街道）", "村（社区）",
                "家庭住址", "就读学校", "班级", "是否留守儿童", "认定说明", "外出务工家长", "家长联系电话",
                "务工地", "外出时间", "另一方家长情况", "委托照护人", "与儿童关系", "照护人联系电话",
                "照护人年龄", "照护人健康状况", "是否与儿童同住", "监护风险提示", "最近联系", "最近入户走访",
                "最近核查", "登记时间"]


def _last_visit(kind: str | None = None):
    q = select(Visit.child_id, func.max(Visit.at).label("at")).group_by(Visit.child_id)
    return (q.where(Visit.kind == kind) if kind else q).subquery()


def _child_rows(session: Session, user: StaffUser) -> Iterator[tuple]:
    e = lbsql.current_entrustment()
    contact, home = _last_visit(), _last_visit("home_visit")
    q = (select(Child, e, contact.c.at, home.c.at)
         .outerjoin(e, lbsql.join_condition(e))
         .outerjoin(contact, contact.c.child_id == Child.id)
         .outerjoin(home, home.c.child_id == Child.id)
         .where(child_scope(user)).order_by(Child.township_id, Child.village_id, Child.id)
         .options(selectinload(Child.parents)).execution_options(yield_per=BATCH))
    for row in session.execute(q):
        yield row
        session.expunge(row[0])
        if row[1] is not None:
            session.expunge(row[1])


def _parent(child: Child, e) -> tuple[str, str]:
    """Who is away and their phone: the registering parent, else the first on file."""
    parent = next((p for p in child.parents if e is not None and p.id == e.parent_id), None)
    parent = parent or (child.parents[0] if child.parents else None)
    who = RELATION.get(parent.relation, parent.relation) if parent else ""
    if parent and parent.name:
        who = f"{parent.name}（{who}）"
    return who, (e.parent_phone if e is not None and e.parent_phone else (parent.phone if parent else "")) or ""


def _concerns(e) -> str:
    codes = [c for c in (e.concerns or "").split(",") if c] if e is not None else []
    return "；".join(lb.CONCERNS.get(c, c) for c in codes)


def _place(e) -> str:
    if e is None:
        return ""
    return "".join(p for p in (e.work_country, e.work_province, e.work_city) if p)


def child_values(child: Child, e, names: dict, today: date, clock: Clock, visits: tuple) -> list:
    status = lb.status(child, e, today)
    live = e if e is not None and e.ended_at is None else None
    parent, parent_phone = _parent(child, e)
    school = names["school"].get(child.school_id) or child.school_name or ""
    return [
        child.id, child.name, GENDER.get(child.gender, child.gender or ""), child.birth_date,
        lb.age_on(child.birth_date, today), child.id_number or "", names["town"].get(child.township_id, ""),
        names["village"].get(child.village_id, ""), child.address or "", school, child.school_class or "",
        "是" if status.left_behind else "否", status.reason, parent if live else "", parent_phone,
        _place(live), live.left_on if live else None,
        OTHER_PARENT.get(live.other_parent, live.other_parent or "") if live else "",
        (live.guardian_name or "（无人照护）") if live else "", live.guardian_relation or "" if live else "",
        live.guardian_phone or "" if live else "", live.guardian_age if live else None,
        HEALTH.get(live.guardian_health, live.guardian_health or "") if live else "",
        YES_NO[live.guardian_lives_with] if live else "", _concerns(live),
        clock.local(visits[0]), clock.local(visits[1]), clock.local(child.last_checked_at),
        clock.local(child.created_at)]


def write_children(session: Session, user: StaffUser, out: IO[bytes], tz_name: str,
                   source: str | None = None, now: datetime | None = None) -> int:
    """The child ledger (留守儿童信息台账，一人一档) of the user's jurisdiction; the row count."""
    now, clock = now or utcnow(), Clock(tz_name)
    today = clock.local(now).date()
    names = {"town": _names(session, Township), "village": _names(session, Village),
             "school": _names(session, School)}
    ledger = Ledger("儿童台账", f"农村留守儿童信息台账（导出时间 {clock.local(now):%Y-%m-%d %H:%M}）",
                    CHILD_HEADER)
    for child, e, last_contact, last_home in _child_rows(session, user):
        ledger.add(child_values(child, e, names, today, clock, (last_contact, last_home)))
    rows = ledger.save(out)
    audit.record(session, f"staff:{user.id}", "export", "child", source=source, detail=f"children.xlsx rows={rows}")
    return rows


def stamp(now: datetime | None = None, tz_name: str = "Asia/Shanghai") -> str:
    """The date part of a download's file name, in local time."""
    return f"{Clock(tz_name).local(now or utcnow()):%Y%m%d}"

