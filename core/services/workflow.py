"""The case workflow the policy prescribes, one step at a time, and who may take each step.

Police accept (受理) and respond (出警/应急处置), then notify the township (通报乡镇);
the township assesses (调查评估) and arranges help or guardianship intervention
(帮扶/监护干预); the village committee follows up (随访); the case is closed (结案).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from core.models import Case, StaffUser
from core.services import audit
from core.services.cases import add_event
from core.services.errors import Forbidden, Invalid
from core.services.reporting import accept_case, close_case


@dataclass(frozen=True)
class Step:
    to: str
    label: str  # the button staff press
    roles: frozenset[str]


STEPS: dict[str, tuple[Step, ...]] = {
    "submitted": (Step("accepted", "受理", frozenset({"police", "township", "school", "civil_affairs", "admin"})),),
    "accepted": (Step("responding", "出警/应急处置", frozenset({"police", "admin"})),
                 Step("referred", "通报乡镇", frozenset({"police", "school", "admin"}))),
    "responding": (Step("referred", "通报乡镇", frozenset({"police", "admin"})),),
    "referred": (Step("assessing", "开始调查评估", frozenset({"township", "civil_affairs", "admin"})),),
    "assessing": (Step("assisting", "安排帮扶/监护干预", frozenset({"township", "civil_affairs", "admin"})),
                  Step("monitoring", "转入随访", frozenset({"township", "civil_affairs", "admin"}))),
    "assisting": (Step("monitoring", "转入随访", frozenset({"township", "village", "civil_affairs", "admin"})),),
    "monitoring": (Step("closed", "结案", frozenset({"township", "civil_affairs", "admin"})),),
}


def next_steps(case: Case, user: StaffUser) -> list[Step]:
    return [s for s in STEPS.get(case.status, ()) if user.role in s.roles]


def advance(session: Session, case: Case, user: StaffUser, to: str, note: str | None = None,
            now: datetime | None = None, source: str | None = None) -> Case:
    """Move a case one step; raise Forbidden/Invalid rather than skip or guess."""
    step = next((s for s in STEPS.get(case.status, ()) if s.to == to), None)
    if step is None:
        raise Invalid(f"a case that is {case.status} cannot move to {to}")
    if user.role not in step.roles:
        raise Forbidden(f"role {user.role} cannot take the step {step.label}")
    by = f"{user.username}"
    note = (note or "").strip()[:1000] or None
    if to == "accepted":
        accept_case(session, case, by, note, now)
    elif to == "closed":
        close_case(session, case, by, note, now)
    else:
        add_event(session, case, to, by, note=note, status_to=to, now=now)
    audit.record(session, f"staff:{user.id}", "update", "case", case.id, source=source,
                 detail=f"status -> {to}")
    return case


__all__ = ["STEPS", "Step", "advance", "next_steps"]
