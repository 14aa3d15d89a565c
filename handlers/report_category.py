"""The category check of a report: "听起来是…，对吗？" when the model is not sure.

Buttons offer the model's top guesses and 都不是; a typed answer is read, not taken as yes:
"对，不过…" keeps the guess and adds the words, "不是，孩子走丢了" drops it for what they now
say, and any other sentence is re-read as a whole. Asked once, never again.
"""
from __future__ import annotations

import re

from handlers.describe import says_what_happened


def forget_category(slots: dict) -> None:
    for key in ("category", "category_p", "category_options", "category_confirmed"):
        slots.pop(key, None)


def category_unsure(slots: dict, nlu_cfg: dict) -> bool:
    """The model's category with a low probability: confirm it with buttons."""
    p = slots.get("category_p")
    below = float(nlu_cfg.get("category_confirm_below", 0.7))
    return p is not None and not slots.get("category_confirmed") and float(p) < below


NO_LEAD = re.compile(r"^(?:都不是|不是|不对|不)[，,。.\s]*")
YES_LEAD = re.compile(r"^(?:对的?|是的?|没错|嗯|差不多)[，,。.!！\s]*(?=\S)")


def category_answer(slots: dict, text: str, yes_words) -> bool:
    """"对" keeps the guess; "都不是" shows every category. False: absorb the answer."""
    if slots.get("category_p") is None or slots.get("category_confirmed"):
        return False
    if text in yes_words:
        slots["category_confirmed"] = True
        return True
    if text == "cat:more" or text.strip(" 。") in ("都不是", "不是", "不对"):
        slots.pop("category", None)
        slots["category_confirmed"] = True
        return True
    return False


def reread_category(slots: dict, text: str, found: str | None) -> str:
    """A sentence to "听起来是…，对吗？" is read, not taken as yes: "对，不过是他爸打的" keeps
    the guess and adds the words; "不是，孩子走丢了" drops it for what they now say (or the
    full list when it says nothing); any other description is re-read as a whole.
    Returns the words left to absorb for the other facts (place, age ...)."""
    yes, no = YES_LEAD.match(text), NO_LEAD.match(text)
    rest = text[(yes or no).end():] if (yes or no) else text
    if rest.strip() and says_what_happened(rest):  # "是这样" adds nothing to what happened
        slots["description"] = " ".join(x for x in (slots.get("description"), rest.strip()) if x)
    if no:
        slots.pop("category", None)
    if found and not yes:
        slots["category"] = found
    slots.pop("category_p", None)
    slots["category_confirmed"] = True  # asked once: what they said decides, never asked again
    return rest
