"""Filing a confirmed report draft: the case, its routing and notices (core/services/reporting),
a note when the reporter declined to leave a contact, and the replies after filing."""
from __future__ import annotations

import logging
import uuid

from core.models.cases import MANDATORY_ROLES
from core.services import drafts
from core.services.cases import CaseDraft, add_event
from core.services.reporting import file_report, urgency_for
from handlers import report_contact as contact
from handlers import report_text as say
from handlers.base import FlowContext, Outcome, Turn

log = logging.getLogger("handlers.report")


def submit(ctx: FlowContext, turn: Turn, data: dict) -> Outcome:
    s = data["slots"]
    cfg = ctx.settings.section("cases")
    calm = s.get("calm") and not s.get("urgent")  # they said the child is in no danger now
    urgency = "normal" if calm else urgency_for(s["category"], bool(s.get("urgent")), cfg)
    role = s.get("reporter_role") or "other"  # an urgent report does not ask who reports
    mandatory = role in MANDATORY_ROLES
    draft = CaseDraft(
        category=s["category"], urgency=urgency, reporter_role=role,
        description=s["description"] + (f"\n报告人自述：{s['reporter_said']}" if s.get("reporter_said") else ""),
        township=s.get("township"), village=s.get("village"),
        address_text=s.get("address_text"), child_name=s.get("child_name"),
        child_age=s.get("child_age"), child_gender=s.get("child_gender"),
        reporter_name=s.get("reporter_name"), reporter_phone=s.get("reporter_phone"),
        reporter_unit=s.get("reporter_unit") if mandatory else None,
        reporter_channel_user_id=turn.channel_user_id or None, lat=s.get("lat"), lng=s.get("lng"))
    session = ctx.db
    draft_id = data.setdefault("draft_id", uuid.uuid4().hex)
    filed = file_report(session, draft, cfg, ctx.services.get("notifier"), now=turn.now,
                        attachments=data.get("attachments"),
                        submission_key=f"report:{turn.channel_user_id}:{draft_id}")
    if s.get("contact_declined") and not filed.repeated:
        add_event(session, filed.case, "contact_declined", "system", now=turn.now,
                  note=contact.declined_note(s))
    if turn.channel_user_id:
        drafts.delete_draft(session, turn.channel_user_id)
    minutes = int((filed.case.accept_deadline - filed.case.created_at).total_seconds() // 60)
    replies = say.submitted(filed.case, minutes, filed.duplicate_of is not None,
                            ctx.settings.section("region").get("hotlines") or {})
    log.info("report filed: case %s (%s, %s)", filed.case.number, filed.case.category, urgency)
    return Outcome(None, replies, receipt=True)
