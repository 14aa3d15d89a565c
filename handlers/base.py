"""The contract between the engine (bot/engine.py) and the conversation flows.

A flow is a small object with `start` and `step`; each returns an Outcome: the next
state (or None when the flow is over) and the replies. States are persisted by the
engine, so `step` values are StrEnum members (strings), never bare ints, and `data`
holds only JSON-serialisable values.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from core.messages import Inbound, Reply


@dataclass
class FlowState:
    flow: str  # the flow's name in the engine's registry
    step: str  # a StrEnum value of that flow
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Turn:
    """One user message as a flow sees it."""

    inbound: Inbound
    text: str  # the user's text, stripped; "" for non-text messages
    nlu: dict  # Rasa-format parse result (intent, intent_ranking, entities)
    now: datetime  # naive UTC; tests move the clock by passing their own
    channel_user_id: int  # ChannelUser.id of the sender
    # What the user added when answering the danger question ("对，门锁着进不去"): kept with
    # the description, never read for facts.
    aside: str = ""

    @property
    def intent(self) -> str:
        return (self.nlu.get("intent") or {}).get("name") or "out_of_scope"

    @property
    def confidence(self) -> float:
        return float((self.nlu.get("intent") or {}).get("confidence") or 0.0)

    def entities(self, name: str) -> list[dict]:
        return [e for e in self.nlu.get("entities", []) if e.get("entity") == name]

    def entity(self, name: str) -> Any:
        found = self.entities(name)
        return found[0]["value"] if found else None


@dataclass
class Outcome:
    state: FlowState | None
    replies: list[Reply]
    # Set by a flow that has just filed something (a case, a registration): the engine
    # answers a repeated confirmation with these replies instead of acting twice.
    receipt: bool = False


@dataclass
class FlowContext:
    """What flows may use: settings sections, shared services, and the turn's session.

    `db` is the ONE session of the current turn, opened and committed by the engine.
    Flows read and write through it; they never open, commit or roll back a transaction
    (everything a turn does commits together, or none of it does)."""

    settings: Any  # core.settings.Settings
    services: dict[str, Any] = field(default_factory=dict)  # e.g. "policy", "notifier"
    parse: Callable[[str], dict] | None = None  # NLU parse, for flows that re-parse answers
    db: Session | None = None  # set per turn by the engine (`for_turn`)

    def for_turn(self, session: Session) -> FlowContext:
        return dataclasses.replace(self, db=session)


class Flow(Protocol):
    name: str

    def start(self, ctx: FlowContext, turn: Turn) -> Outcome: ...

    def step(self, ctx: FlowContext, state: FlowState, turn: Turn) -> Outcome: ...
