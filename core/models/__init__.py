"""All models, imported here so Base.metadata knows every table."""
from core.models import indexes  # noqa: F401  (the query indexes of the staff pages)
from core.models.audit import AuditEntry
from core.models.cases import Attachment, Case, CaseCounter, CaseEvent, ReportDraft
from core.models.channel import ChannelUser, ConversationState, InboundMessage, OutboundJob
from core.models.children import (
    Child,
    EntrustCheck,
    EntrustCode,
    Entrustment,
    FollowUpTask,
    Parent,
    Visit,
)
from core.models.jurisdiction import Region, School, Township, Village
from core.models.staff import ApiToken, StaffSession, StaffUser
from core.models.summary import (
    CaseMonthSummary,
    CaseTownMonthSummary,
    ChildPlaceSummary,
    DashboardRefresh,
)

__all__ = [
    "ApiToken", "Attachment", "AuditEntry", "Case", "CaseCounter", "CaseEvent", "CaseMonthSummary",
    "CaseTownMonthSummary", "ChannelUser", "Child", "ChildPlaceSummary", "ConversationState",
    "DashboardRefresh", "EntrustCheck", "EntrustCode", "Entrustment", "FollowUpTask", "InboundMessage",
    "OutboundJob", "Parent", "Region", "ReportDraft", "School", "StaffSession", "StaffUser", "Township",
    "Village", "Visit",
]
