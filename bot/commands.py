"""Pure helpers of the engine: global command words, choice answers, NLU uncertainty,
what an inbound message is and how it is logged."""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from core.messages import Button, Inbound
from handlers.smalltalk import MENU

MAX_TEXT = 10_000

# Words that act as commands in every state, after normalisation (see `command_word`).
GLOBAL_WORDS: dict[str, str] = {
    "取消": "/cancel", "重新开始": "/cancel", "重来": "/cancel", "从头开始": "/cancel",
    "退出": "/cancel", "不办了": "/cancel", "cancel": "/cancel",
    "帮助": "/help", "help": "/help", "?": "/help", "使用说明": "/help",
    "菜单": "/menu", "主菜单": "/menu", "menu": "/menu",
    "转人工": "/human", "人工": "/human", "人工客服": "/human", "人工服务": "/human",
    "找人工": "/human", "真人": "/human", "找真人": "/human", "找工作人员": "/human",
}
# Slash commands the engine answers itself; others go through COMMAND_FLOWS.
ENGINE_COMMANDS = {"/cancel", "/restart", "/help", "/menu", "/start", "/human", "/continue"}
# Synthetic intents for commands, so flows always see a parse result.
COMMAND_INTENTS = {"/report": "report_case", "/entrust": "register_entrustment",
                   "/ask": "ask_policy", "/status": "check_status", "/human": "human_handoff",
                   "/cancel": "cancel", "/restart": "cancel", "/help": "help", "/menu": "help",
                   "/start": "greet", "/continue": "affirm"}
_PUNCT = re.compile(r"[\s。，、！？!?,.~～…]+")


# Chinese punctuation is the user's own writing: NFKC would turn "，" into ",".
_KEEP_WIDE = re.compile("([，。！？：；（）、【】《》“”‘’～]+)")


def clean_text(text: str | None) -> str:
    """NFKC (full-width digits and letters, but not Chinese punctuation), no control
    characters, bounded length."""
    parts = _KEEP_WIDE.split((text or "")[:MAX_TEXT])  # odd items: kept punctuation
    text = "".join(p if i % 2 else unicodedata.normalize("NFKC", p) for i, p in enumerate(parts))
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return text.strip()


def command_word(text: str) -> str | None:
    if text.startswith("/"):
        word = text.split()[0].split("@")[0].lower()  # Telegram: "/start@ShouhuBot"
        return word if len(word) <= 32 else None
    key = _PUNCT.sub("", text).lower()
    key = key.removeprefix("请")
    return GLOBAL_WORDS.get(key)


def resolve_choice(text: str, choices: list | None) -> tuple[str, str | None]:
    """Map "1"/"2" or a button's words to that button's value.

    Returns (value, title): the title is the words to give the NLU, or None when the
    text was not a choice. Menu titles are understood even without a pending question.
    """
    buttons = [Button(t, p) for t, p in (choices or [])]
    key = _PUNCT.sub("", text)
    if key.isdigit() and buttons and 1 <= int(key) <= len(buttons):
        b = buttons[int(key) - 1]
        return b.value, b.title
    for b in buttons + list(MENU):
        if key and key == _PUNCT.sub("", b.title):
            return b.value, b.title
    suggested = [b for b in buttons if not _escape(b.value)]
    if key.lower() in YES and len(suggested) == 1:  # "是" to "是不是向阳村？[向阳村] [都不是]"
        return suggested[0].value, suggested[0].title
    return text, None


# A yes to a question that suggested one option takes that option.
YES = {"是", "是的", "是啊", "是呀", "对", "对的", "对啊", "对呀", "嗯", "嗯嗯", "恩", "好", "好的", "没错",
       "就是", "就是这个", "是这个", "是这里", "就是这里", "是他", "是她", "ok", "yes"}


def _escape(payload: str) -> bool:
    """A way out rather than a suggestion: 都不是, 不清楚是哪个村, 取消, 修改, 没有 ..."""
    tail = payload.rsplit(":", 1)[-1]
    return tail in ("more", "unknown", "no", "unsure", "other", "cancel", "edit", "restart")


def choice_key(text: str) -> str:
    """A short answer without spaces and punctuation, for comparing with fixed words."""
    return _PUNCT.sub("", text or "")


def default_is_uncertain(nlu: dict, min_confidence: float = 0.45, margin: float = 0.12) -> bool:
    conf = float((nlu.get("intent") or {}).get("confidence") or 0.0)
    if conf < min_confidence:
        return True
    ranking = nlu.get("intent_ranking") or []
    if len(ranking) >= 2:
        gap = float(ranking[0].get("confidence") or 0) - float(ranking[1].get("confidence") or 0)
        return gap < margin
    return False


def synthetic_parse(text: str, intent: str) -> dict:
    return {"text": text, "intent": {"name": intent, "confidence": 1.0},
            "intent_ranking": [{"name": intent, "confidence": 1.0}], "entities": []}


def mark_urgent(nlu: dict) -> dict:
    """After the 110 guidance the report that follows is urgent, whatever the model said or
    the words suggest ("前年跑丢过，后来找着了，这回又不见了" is not over)."""
    entity = {"entity": "urgency", "value": "urgent", "start": 0, "end": 0, "extractor": "danger_check"}
    others = [e for e in nlu.get("entities") or [] if e.get("entity") != "urgency"]
    return {**nlu, "entities": [entity, *others]}


def mark_calm(nlu: dict) -> dict:
    """The reporter said the child is in no danger now: the case follows what they said, not
    its category's default urgency or a word like 危险 in "已经脱离危险了"."""
    entity = {"entity": "urgency", "value": "calm", "start": 0, "end": 0, "extractor": "danger_answer"}
    others = [e for e in nlu.get("entities") or [] if e.get("entity") != "urgency"]
    return {**nlu, "entities": [*others, entity]}


# A confirmation repeated this soon after a filing is answered with the same receipt.
RECEIPT_MINUTES = 30
CONFIRM_AGAIN = {"1", "确认", "确认提交", "提交", "confirm", "确认登记", "entrust:yes"}


def repeated_confirmation(value: str, receipt: dict, now: datetime) -> bool:
    """The same confirmation again, soon after a filing (a retry without a message id
    after a lost reply): answer with the receipt instead of starting anything."""
    at = datetime.fromisoformat(receipt.get("at") or "1970-01-01T00:00:00")
    fresh = (now - at).total_seconds() < RECEIPT_MINUTES * 60
    return fresh and choice_key(value) in CONFIRM_AGAIN


def message_kind(inbound: Inbound) -> str:
    if inbound.event:
        return "event"
    if inbound.location:
        return "location"
    return inbound.media.kind[:20] if inbound.media else "text"


def loggable_text(inbound: Inbound) -> str | None:
    """What the user sent, for the encrypted log: text, plus place and media references."""
    parts = [inbound.text[:MAX_TEXT]] if inbound.text else []
    if inbound.location:
        loc = inbound.location
        parts.append(f"[位置] {loc.label} ({loc.lat:.6f},{loc.lng:.6f})")
    if inbound.media:
        parts.append(f"[{inbound.media.kind}] {inbound.media.ref}")
    return "\n".join(parts) or None
