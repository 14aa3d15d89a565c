"""Reading a typed answer to 孩子现在有危险吗？ as a whole, not by its first words.

People rarely answer with one word. "孩子现在在家，俺们看着呢" and "现在在学校 我陪着她" say the
child is safe now (someone is with them, or they are somewhere safe); "人没有过来，就是在网上
威胁" says the person is not there, the threat is online; "不知道他在哪，很危险" says danger
in its second clause. The shared answer words (是 / 没有 / 不确定, "没啥危险") are nlu.danger's;
this module adds what only the whole answer tells, clause by clause, on jieba's words:

- danger: 危险 said without a negation before it in its clause ("挺危险的", "那可危险") -> yes;
- safe now: someone with the child (陪着, 看着), a safe place (学校, 医院), a stable state
  (稳定), or a negation followed only by words of nothing happening ("今天没划", "没看到在打",
  "人没有过来") -> no, unless the answer has danger words of its own (nlu.danger.check): then
  it is read with the first message, as before.

An answer it cannot read gives None: the engine reads it with the first message, and a
still-unsure decision is taken as danger (a false alarm costs a call, a miss a life).
"""
from __future__ import annotations

from handlers.clauses import word_clauses
from nlu import danger as nlu_danger
from nlu.normalize import normalize_text

# Words that negate what follows them in a clause (jieba's tokens, after normalize_text:
# 冇 is read as 没有).
NEGATIONS = frozenset(["没", "没有", "不", "无", "未", "别", "脱离", "没人"])
# Someone is with the child, the child is somewhere safe, or their state is stable.
WITH_SOMEONE = frozenset(["看着", "陪着", "守着", "陪", "照看", "看护", "关注"])
SAFE_PLACES = frozenset(["学校", "医院", "卫生院", "住院", "派出所", "上课", "上学"])
STABLE = frozenset(["稳定", "安全", "平安"])
# After a negation, only these words: nothing is happening now ("没看到在打", "没什么事").
QUIET = frozenset(["事", "什么", "啥", "看到", "看见", "划", "割", "打", "危险", "过来", "来", "得",
                   "有", "的", "马上", "紧急", "在", "太", "了", "呢", "啊"])
# A threat made from afar: not danger now, but the police can act on it.
THREATS = frozenset(["威胁", "恐吓", "勒索", "要挟"])


def _words(text: str) -> list[list[str]]:
    """The answer's clauses as lists of jieba words (normalised: Simplified, dialect read)."""
    return word_clauses(text, lambda before, word: word == "着")  # "守|着" -> "守着"


def _negated(clause: list[str], index: int) -> bool:
    return any(w in NEGATIONS or w.startswith("没") for w in clause[:index])  # "没啥", "没得"


def says_danger(clause: list[str]) -> bool:
    return any(w == "危险" and not _negated(clause, i) for i, w in enumerate(clause))


def says_safe(clause: list[str]) -> bool:
    for i, word in enumerate(clause):
        if word in WITH_SOMEONE | SAFE_PLACES | STABLE and not _negated(clause, i):
            return True
        rest = None
        if word in NEGATIONS - {"没人"}:
            rest = clause[i + 1:]
        elif word.startswith("没") and len(word) > 1 and word not in NEGATIONS:  # "没划", "没什么"
            rest = [word[1:]] + clause[i + 1:]
        if rest and all(w in QUIET for w in rest):
            return True
    return False


def read(value: str) -> str | None:
    """"yes", "no", "unsure", or None when the answer cannot be read on its own."""
    clauses = _words(value)
    if any(says_danger(c) for c in clauses):
        return "yes"
    verdict = nlu_danger.answer(value)
    if verdict is not None:
        return verdict
    if nlu_danger.check(normalize_text(value)):
        return None  # harm told in the answer itself: read with the first message
    return "no" if any(says_safe(c) for c in clauses) else None


def threat_from_afar(value: str) -> bool:
    """The answer says the child is not in danger now but is being threatened ("就是在网上威胁")."""
    return any(w in THREATS for c in _words(value) for w in c)
