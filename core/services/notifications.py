"""Alerts to on-duty staff: `Notifier.notify(session, unit, subject, body, urgency)`.

Targets come from StaffUser.notify_to ("email:a@b.cn", "telegram:12345",
"wechat:<openid>", comma-separated); which kinds are used is set by config
notifications.channels (plus "log"). Each alert becomes an OutboundJob delivered by
core.services.jobs with retries, so a mail server hiccup never loses an urgent case.
"""
from __future__ import annotations

import json
import logging
import smtplib
from email.message import EmailMessage

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from core import permissions
from core.models.jurisdiction import School, Township
from core.models.staff import StaffUser
from core.services import jobs

log = logging.getLogger(__name__)
KINDS = ("email", "telegram", "wechat")


def on_duty_staff(session: Session, unit: str | None) -> list[StaffUser]:
    """The on-duty people responsible for `unit` (a police station, school or township
    unit name); region-wide staff when nobody matches or no unit is given."""
    base = select(StaffUser).where(StaffUser.on_duty.is_(True), StaffUser.active.is_(True))
    found: list[StaffUser] = []
    if unit:
        station = session.scalars(select(Township.id).where(Township.police_station == unit)).all()
        if station:
            found = session.scalars(base.where(StaffUser.township_id.in_(station),
                                               StaffUser.role.in_(permissions.alert_roles("{police_station}")))).all()
        school = session.scalars(select(School.id).where(School.name == unit)).all()
        if not found and school:
            found = session.scalars(base.where(StaffUser.school_id.in_(school))).all()
        if not found:
            towns = [t for t in session.scalars(select(Township)).all() if unit.startswith(t.name)]
            if towns:
                found = session.scalars(base.where(StaffUser.township_id.in_([t.id for t in towns]),
                                                   StaffUser.role.in_(permissions.alert_roles("{township}")))).all()
    if not found:
        found = session.scalars(base.where(
            StaffUser.role.in_(permissions.roles_for("receive_alert", permissions.REGION)))).all()
    return list(found)


class Notifier:
    """Alerts go into the outbox (OutboundJob rows) in the CALLER's session, so an alert
    exists exactly when the case or turn that raised it was committed. The worker is
    woken after that commit."""

    def __init__(self, settings, on_enqueue=None):
        cfg = settings.section("notifications") if settings is not None else {}
        self.channels = set(cfg.get("channels") or ["log"])
        self.on_enqueue = on_enqueue  # e.g. wake the job worker

    def notify(self, session: Session, unit: str | None, subject: str, body: str,
               urgency: str = "normal") -> int:
        """Queue the alert for every on-duty target; returns how many jobs were queued."""
        payload = {"subject": subject, "body": body, "urgency": urgency, "unit": unit}
        queued = 0
        for person in on_duty_staff(session, unit):
            for target in (person.notify_to or "").split(","):
                kind, _, address = target.strip().partition(":")
                if kind in KINDS and kind in self.channels and address:
                    jobs.enqueue(session, f"notify:{kind}", address, payload)
                    queued += 1
        after_commit(session, lambda: self._committed(unit, subject, urgency, queued))
        return queued

    def _committed(self, unit, subject, urgency, queued) -> None:
        if "log" in self.channels:
            log.warning("alert [%s] for %s: %s", urgency, unit or "on-duty staff", subject)
        if queued and self.on_enqueue:
            self.on_enqueue()


def after_commit(session: Session, action) -> None:
    """Run `action()` once the session's transaction commits (never after a rollback)."""
    def run(_session) -> None:
        try:
            action()
        except Exception as exc:
            log.error("after-commit action failed: %s", type(exc).__name__)
            log.debug("after-commit failure detail", exc_info=True)
    event.listen(session, "after_commit", run, once=True)


def render_text(body: str) -> str:
    """An alert job's body as plain text for chat channels."""
    p = json.loads(body)
    mark = {"urgent": "【紧急】", "high": "【重要】"}.get(p.get("urgency"), "")
    return f"{mark}{p['subject']}\n{p['body']}"


def email_sender(settings):
    cfg = (settings.section("notifications").get("email") or {}) if settings is not None else {}

    def send(address: str, body: str) -> None:
        p = json.loads(body)
        msg = EmailMessage()
        mark = {"urgent": "[紧急] ", "high": "[重要] "}.get(p.get("urgency"), "")
        msg["Subject"] = f"{mark}守护：{p['subject']}"
        msg["From"] = cfg.get("sender", "shouhu@localhost")
        msg["To"] = address
        msg.set_content(p["body"])
        with smtplib.SMTP(cfg.get("host", "127.0.0.1"), int(cfg.get("port", 25)), timeout=10) as smtp:
            smtp.send_message(msg)
    return send


TEMPLATE_JOB = "wechat_template"


def send_template(session: Session, openid: str, template_id: str, data: dict, url: str | None = None,
                  due_at=None) -> None:
    """Queue a WeChat template message (the only way to reach a user 48 hours after their
    last message). The WeChat channel's job sender delivers it with wechatpy's
    `client.message.send_template`."""
    jobs.enqueue(session, TEMPLATE_JOB, openid, {"template_id": template_id, "data": data, "url": url},
                 due_at=due_at)
