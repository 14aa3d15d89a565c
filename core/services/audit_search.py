"""Searching the audit log (who read or changed what, when): by person, record and date.

The search itself is audited. Filters name staff accounts and record numbers, never
personal data, so they can be kept in the entry's detail."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import AuditEntry, Case, StaffUser
from core.services import audit

PER_PAGE = 50
CASE_NUMBER = re.compile(r"BG-\d{8}-\d{1,6}", re.IGNORECASE)
# Actors that are not staff accounts, as the log writes them.
OTHER_ACTORS = re.compile(r"(system|cli|anonymous|reporter|channel:\d{1,12}|staff:\d{1,12})")
ACTIONS = {"view": "查看", "list": "查看列表", "create": "新建", "update": "修改", "export": "导出",
           "login": "登录", "login_failed": "登录失败", "login_code_failed": "动态验证码错误",
           "login_locked": "登录被锁定", "change_password": "修改密码", "reset_password": "重置密码",
           "disable": "停用账号", "enable": "启用账号", "change_scope": "调整角色或辖区",
           "revoke": "吊销", "totp_enrol": "启用动态验证码", "totp_disable": "停用动态验证码"}
ENTITIES = {"case": "案件", "child": "儿童档案", "entrustment": "委托监护登记", "attachment": "附件",
            "follow_up_task": "待办", "staff_user": "工作人员账号", "api_token": "接口令牌",
            "audit_log": "审计日志", "visit": "走访记录"}


@dataclass
class Query:
    person: str = ""        # a username, or an actor as logged ("system", "channel:5")
    entity: str = ""        # one of ENTITIES, or "" for any
    record: str = ""        # a case number or a record id
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in (("person", self.person), ("entity", self.entity),
                                          ("record", self.record), ("from", self.date_from),
                                          ("to", self.date_to)) if v]
        return " ".join(parts + [f"page={self.page}"])


@dataclass
class Page:
    rows: list[AuditEntry]
    total: int
    page: int
    pages: int
    usernames: dict[str, str] = field(default_factory=dict)   # "staff:3" -> username
    case_numbers: dict[str, str] = field(default_factory=dict)  # case id -> number


def _actor(session: Session, person: str) -> str | None:
    person = person.strip()
    user = session.scalar(select(StaffUser).where(StaffUser.username == person))
    if user is not None:
        return f"staff:{user.id}"
    return person if OTHER_ACTORS.fullmatch(person) else None


def _record(session: Session, q: Query) -> tuple[str | None, str | None]:
    """(entity, entity_id) to match; a case number is looked up to its id."""
    text = q.record.strip()
    if CASE_NUMBER.fullmatch(text):
        case_id = session.scalar(select(Case.id).where(Case.number == text.upper()))
        return "case", str(case_id) if case_id is not None else "-"
    return q.entity or None, text or None


def _utc(day: date, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def _conditions(session: Session, q: Query, tz: ZoneInfo) -> list:
    where = []
    if q.person.strip():
        actor = _actor(session, q.person)
        where.append(AuditEntry.actor == (actor or "-"))  # an unknown person matches nothing
    entity, entity_id = _record(session, q)
    if entity:
        where.append(AuditEntry.entity == entity)
    if entity_id:
        where.append(AuditEntry.entity_id == entity_id)
    if q.date_from:
        where.append(AuditEntry.at >= _utc(q.date_from, tz))
    if q.date_to:
        where.append(AuditEntry.at < _utc(q.date_to + timedelta(days=1), tz))
    return where


def search(session: Session, viewer: StaffUser, q: Query, tz_name: str,
           source: str | None = None) -> Page:
    where = _conditions(session, q, ZoneInfo(tz_name))
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*where)) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(q.page, 1), pages)
    rows = list(session.scalars(select(AuditEntry).where(*where)
                                .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                                .limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
    staff_ids = {int(r.actor[6:]) for r in rows if r.actor.startswith("staff:") and r.actor[6:].isdigit()}
    staff_ids |= {int(r.entity_id) for r in rows if r.entity == "staff_user" and (r.entity_id or "").isdigit()}
    names = dict(session.execute(select(StaffUser.id, StaffUser.username)
                                 .where(StaffUser.id.in_(staff_ids))).all()) if staff_ids else {}
    case_ids = {int(r.entity_id) for r in rows if r.entity == "case" and (r.entity_id or "").isdigit()}
    numbers = dict(session.execute(select(Case.id, Case.number).where(Case.id.in_(case_ids))).all()) \
        if case_ids else {}
    audit.record(session, f"staff:{viewer.id}", "list", "audit_log", source=source,
                 detail=f"{q.describe()} rows={len(rows)}")
    return Page(rows, total, page, pages, {f"staff:{k}": v for k, v in names.items()},
                {str(k): v for k, v in numbers.items()})
