"""People who talk to the bot, their conversation state, and every message they sent."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.crypto import Encrypted
from core.db import Base, utcnow


class ChannelUser(Base):
    __tablename__ = "channel_user"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    # External ids (WeChat openid, Telegram chat id) are identifiers, kept as keyed hashes
    # plus an encrypted copy for sending messages back.
    external_id: Mapped[str] = mapped_column(String(64))
    external_ref: Mapped[str] = mapped_column(Encrypted)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    subscribed: Mapped[bool] = mapped_column(default=True)


class ConversationState(Base):
    __tablename__ = "conversation_state"
    id: Mapped[int] = mapped_column(primary_key=True)
    channel_user_id: Mapped[int] = mapped_column(ForeignKey("channel_user.id"), unique=True)
    flow: Mapped[str | None] = mapped_column(String(40), nullable=True)
    step: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # Slots hold what the user said (names, phones): encrypted JSON.
    data: Mapped[str | None] = mapped_column(Encrypted, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=0)


class InboundMessage(Base):
    """Every message received, keyed by the channel's message id: retries are harmless."""

    __tablename__ = "inbound_message"
    __table_args__ = (UniqueConstraint("channel", "msg_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    msg_key: Mapped[str] = mapped_column(String(128))
    channel_user_id: Mapped[int | None] = mapped_column(ForeignKey("channel_user.id"), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(20), default="text")
    text: Mapped[str | None] = mapped_column(Encrypted, nullable=True)
    payload: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # non-personal metadata
    status: Mapped[str] = mapped_column(String(20), default="processing")  # processing/done/failed/aborted/throttled
    replies: Mapped[str | None] = mapped_column(Encrypted, nullable=True)  # JSON of the replies
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class OutboundJob(Base):
    """A reply or alert to deliver later (WeChat customer-service API, notifications)."""

    __tablename__ = "outbound_job"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(Encrypted)
    body: Mapped[str] = mapped_column(Encrypted)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    due_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
