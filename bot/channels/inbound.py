"""What every channel does to incoming text before the engine sees it.

A lone UTF-16 surrogate (JSON "\\ud800") is not a character: it cannot be encoded,
encrypted or stored, so a message carrying one would be lost further in. Each one is
replaced with U+FFFD, so the rest of what the user said is kept and answered.
"""
from __future__ import annotations

import dataclasses
import logging
import re

from core.messages import Inbound

log = logging.getLogger(__name__)
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_incoming_text(text: str, where: str = "incoming text") -> str:
    """`text` with every lone surrogate replaced by U+FFFD (valid pairs are joined)."""
    if not isinstance(text, str) or not _SURROGATE.search(text):
        return text
    cleaned = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    log.warning("replaced lone surrogates in %s with U+FFFD", where)
    return cleaned


def clean_inbound(inbound: Inbound) -> Inbound:
    """The same message with every text field cleaned (see `clean_incoming_text`)."""
    where = f"a {inbound.channel} message"
    changes = {name: clean_incoming_text(getattr(inbound, name), where)
               for name in ("user_id", "text", "msg_id", "event")
               if getattr(inbound, name) is not None}
    if inbound.location is not None:
        changes["location"] = dataclasses.replace(
            inbound.location, label=clean_incoming_text(inbound.location.label, where))
    if inbound.media is not None:
        changes["media"] = dataclasses.replace(
            inbound.media, ref=clean_incoming_text(inbound.media.ref, where),
            content_type=clean_incoming_text(inbound.media.content_type, where))
    return dataclasses.replace(inbound, **changes)
