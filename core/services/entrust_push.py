"""How the quarterly question reaches a parent, one tap from the answer.

- Telegram: a pushed message with inline buttons (信息没变 / 需要修改); a tap comes back
  to the engine as the button's command ("/entrust same").
- WeChat within 48 hours of the parent's last message: a customer-service message whose
  buttons read as a numbered list; the conversation is told those are the choices, so a
  reply "1" (or "信息没变") answers it.
- WeChat later than that: a template message whose link opens a signed, expiring page
  (/confirm/<token>) with the same two answers, when a template id and the service's
  public address are configured.
- Anything else (web chat, console, unsubscribed, nothing configured): not sent; the
  caller records that the channel could not reach the parent and asks the village.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.messages import Button, Reply
from core.models import ChannelUser, ConversationState, InboundMessage
from core.services import entrust_links, jobs, notifications
from core.services.conversations import replies_to_json

WECHAT_WINDOW = timedelta(hours=48)
SAME, EDIT = "/entrust same", "/entrust edit"
BUTTONS = (Button("信息没变", SAME), Button("需要修改", EDIT))
QUESTION = ("【每季度确认】您登记的孩子{names}的委托照顾信息还对吗？"
            "信息没变就点“信息没变”；有变化点“需要修改”，或者直接告诉我，例如：我换到东莞上班了。")


@dataclass(frozen=True)
class PushOptions:
    template_id: str = ""  # WeChat template for the question (empty: no template message)
    public_url: str = ""  # where /confirm/<token> is served, e.g. https://shouhu.example.gov.cn
    secret_key: str = ""  # signs the link

    @property
    def can_template(self) -> bool:
        return bool(self.template_id and self.public_url and self.secret_key)


def options_from(settings) -> PushOptions:
    if settings is None:
        return PushOptions()
    cfg = settings.section("entrustment")
    return PushOptions(str(cfg.get("wechat_template_id") or ""), str(cfg.get("public_url") or ""),
                       settings.secret_key or "")


def last_message_at(session: Session, user: ChannelUser) -> datetime | None:
    return session.scalar(select(func.max(InboundMessage.received_at))
                          .where(InboundMessage.channel_user_id == user.id))


def push(session: Session, user: ChannelUser | None, names: str, check_id: int, now: datetime,
         opts: PushOptions) -> str | None:
    """Queue the question for this account; returns how it goes out, or None."""
    if user is None or not user.subscribed:
        return None
    question = [Reply(QUESTION.format(names=names), BUTTONS)]
    if user.channel == "telegram":
        jobs.enqueue(session, "telegram_push", user.external_ref, replies_to_json(question), due_at=now)
        return "telegram"
    if user.channel != "wechat":
        return None
    last = last_message_at(session, user)
    if last is not None and now - last <= WECHAT_WINDOW:
        jobs.enqueue(session, "wechat_cs", user.external_ref, replies_to_json(question), due_at=now)
        offer_choices(session, user.id, BUTTONS, now)
        return "wechat_cs"
    if opts.can_template:
        token = entrust_links.make_token(opts.secret_key, check_id, lambda: now)
        notifications.send_template(session, user.external_ref, opts.template_id, {
            "first": {"value": "每季度确认：孩子的委托照顾信息还对吗？"},
            "keyword1": {"value": names},
            "keyword2": {"value": f"{now:%Y-%m-%d}"},
            "remark": {"value": "点这里确认“信息没变”，有变化也可以直接在公众号里告诉我们。"},
        }, f"{opts.public_url.rstrip('/')}/confirm/{token}", due_at=now)
        return "wechat_template"
    return None


def offer_choices(session: Session, channel_user_id: int, buttons: tuple[Button, ...], now: datetime) -> None:
    """A pushed message with numbered choices is the last thing the user saw: "1" means its
    first button (the engine reads the choices from the conversation state). A conversation
    in the middle of a flow is left alone; its own question still stands."""
    row = session.scalar(select(ConversationState).where(ConversationState.channel_user_id == channel_user_id))
    blob = json.loads(row.data) if row is not None and row.data else {}
    if row is not None and row.flow:
        return
    meta = blob.get("meta") or {}
    meta["choices"] = [[b.title, b.payload] for b in buttons]
    blob = {"data": blob.get("data") or {}, "meta": meta}
    if row is None:
        session.add(ConversationState(channel_user_id=channel_user_id, flow=None, step=None,
                                      data=json.dumps(blob, ensure_ascii=False), updated_at=now, version=0))
    else:
        row.data = json.dumps(blob, ensure_ascii=False)
        row.version = (row.version or 0) + 1
    session.flush()
