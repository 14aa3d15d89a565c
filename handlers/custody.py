"""A parent who took their own child ("孩子他爸把孩子带走了", "我前夫趁我不在把女儿接走了").

After a divorce or a quarrel this is common, and not by itself a missing child: the
hotline asks whether the child is in danger now instead of sending the caller to 110 at
once. `without_parent_taking` finds the clauses where a parent takes the child away (on
jieba's words: a word for the child's parent before a verb of taking away, in one clause)
and returns the rest of the message, so the engine can still hear danger said elsewhere
("…还拿着刀"). Traditional characters and dialect are read as Simplified first.
"""
from __future__ import annotations

from handlers.clauses import word_clauses

# The child's own parent, as a reporter names them (after "他/她" + "爸/妈" are joined).
PARENTS = frozenset(["他爸", "她爸", "他妈", "她妈", "爸爸", "妈妈", "爸", "妈", "父亲", "母亲", "亲爸", "亲妈",
                     "孩子爸", "孩子妈", "孩子他爸", "孩子他妈", "孩子她爸", "孩子她妈", "前夫", "前妻", "老公",
                     "老婆", "爱人", "丈夫", "妻子", "孩子爸爸", "孩子妈妈", "娃他爸", "娃他妈", "他爸爸", "她爸爸",
                     "他妈妈", "她妈妈", "娃爸", "娃妈"])
# Taking a child away (after "抱" + "走" are joined).
TAKING = frozenset(["带走", "接走", "抱走", "领走", "抢走", "带回", "接回", "带去", "接去", "领回"])


def _clauses(text: str) -> list[list[str]]:
    return word_clauses(text, _joins)


def _joins(before: str, word: str) -> bool:
    """Words jieba leaves apart: "他|爸" (his dad), "抱|走" (carried off)."""
    return (before in ("他", "她", "娃", "孩子") and word in ("爸", "妈", "爸爸", "妈妈")) or (
        word == "走" and before in ("抱", "带", "接", "领", "抢"))


def _takes(clause: list[str]) -> bool:
    for i, word in enumerate(clause):
        if word in TAKING and any(w in PARENTS for w in clause[:i]):
            return True
    return False


def without_parent_taking(text: str) -> str | None:
    """The message without its clauses where a parent takes the child away ("" when that is
    all it says), or None when no parent takes a child in it."""
    clauses = _clauses(text)
    if not any(_takes(c) for c in clauses):
        return None
    return "，".join("".join(c) for c in clauses if not _takes(c))
