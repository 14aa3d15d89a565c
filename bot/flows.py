"""The explicit registry of conversation flows and which intent starts which flow.

The engine looks flows up here by name (the name is persisted in the conversation
state) and starts one when the user's intent or a command button ("/report") asks for it.
"""
from __future__ import annotations

from handlers.ask import AskFlow
from handlers.base import Flow
from handlers.entrustment import EntrustmentFlow
from handlers.report import ReportFlow
from handlers.status import StatusFlow

# intent name -> flow name
INTENT_FLOWS: dict[str, str] = {
    "report_case": "report",
    "check_status": "status",
    "ask_policy": "ask",
    "register_entrustment": "entrust",
    "update_entrustment": "entrust",
}
# command payload (buttons, menu keys) -> flow name
COMMAND_FLOWS: dict[str, str] = {
    "/report": "report",
    "/status": "status",
    "/ask": "ask",
    "/entrust": "entrust",
}


def build_registry() -> dict[str, Flow]:
    """Flow name -> flow instance. Flows are stateless; their state lives in FlowState."""
    flows: list[Flow] = [ReportFlow(), StatusFlow(), AskFlow(), EntrustmentFlow()]
    return {f.name: f for f in flows}
