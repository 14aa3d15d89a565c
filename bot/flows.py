"""The explicit registry of conversation flows and which intent starts which flow.

The engine looks flows up here by name (the name is persisted in the conversation
state) and starts one when the user's intent or a command button ("/report") asks for it.
"""
from __future__ import annotations

from handlers.ask import AskFlow
from handlers.base import Flow
from handlers.report import ReportFlow
from handlers.status import StatusFlow

# intent name -> flow name
INTENT_FLOWS: dict[str, str] = {
    "report_case": "report",
    "check_status": "status",
    "ask_policy": "ask",
}
# command payload (buttons, menu keys) -> flow name
COMMAND_FLOWS: dict[str, str] = {
    "/report": "report",
    "/status": "status",
    "/ask": "ask",
}


def build_registry() -> dict[str, Flow]:
    """Flow name -> flow instance. Flows are stateless; their state lives in FlowState."""
    flows: list[Flow] = [ReportFlow(), StatusFlow(), AskFlow()]
    return {f.name: f for f in flows}
