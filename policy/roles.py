"""Who a question is about, and what they do: the actor/action check of the answerer.

A question often names two parties ("派出所通知乡镇以后，乡镇要做什么"); the one it asks
about is the agent of its last clause that has one. Clauses end at punctuation and at
words like 以后 (policy/data/roles.yml); an actor right after an object marker (把, 跟,
告诉 ...) is acted upon, not acting. Words come from jieba with parts of speech; the
actor and action words are curated lists, not patterns.

A candidate answer (a curated entry or a passage) has its own actors; one about another
actor than the question's is not the answer to it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from policy.index import _jieba
from policy.text import cjk_count, normalize

DATA = Path(__file__).resolve().parent / "data" / "roles.yml"


@lru_cache(maxsize=1)
def _lexicon() -> dict:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8")) or {}

    def index(groups: dict) -> list[tuple[str, str]]:  # longest word first
        pairs = [(normalize(w), name) for name, words in groups.items() for w in words]
        return sorted(pairs, key=lambda p: -len(p[0]))

    jb = _jieba()
    for w, _ in index(data.get("actors", {})) + index(data.get("actions", {})):
        if len(w) >= 2:
            jb.add_word(w)  # one token, so 乡镇政府 is not split in the middle
    return {"actors": index(data.get("actors", {})),
            "actions": index(data.get("actions", {})),
            "markers": set(data.get("object_markers", [])),
            "breaks": set(data.get("clause_breaks", [])),
            "weak": set(data.get("weak_actors", [])),
            "who": [normalize(w) for w in data.get("asks_who", [])]}


def _lookup(token: str, pairs: list[tuple[str, str]]) -> str | None:
    return next((name for w, name in pairs if w in token), None)


@dataclass(frozen=True)
class Roles:
    agent: str | None = None  # the actor the question asks about
    actors: frozenset = field(default_factory=frozenset)  # every actor named as acting
    actions: frozenset = field(default_factory=frozenset)


def _clauses(text: str) -> list[list[tuple[str, str]]]:
    import jieba.posseg as pseg

    lex = _lexicon()
    out: list[list[tuple[str, str]]] = [[]]
    for tok in pseg.cut(normalize(text)):
        w = tok.word.strip()
        if not w:
            continue
        glued = len(w) == 2 and w[0] in lex["breaks"] and not _jieba().dt.FREQ.get(w)
        punct = tok.flag == "x" and not cjk_count(w)  # (our own added words are "x" too)
        if punct or w in lex["breaks"] or glued:  # "前要": a break glued to a verb
            out.append([])
            continue
        out[-1].append((w, tok.flag))
    return [c for c in out if c]


@lru_cache(maxsize=4096)
def roles(text: str) -> Roles:
    """The agent (the institution acting in the last clause that names one), every actor
    named as acting, and the actions."""
    lex = _lexicon()
    agent, actors, actions = None, [], set()
    for clause in _clauses(text):
        clause_agent = None
        for i, (w, _flag) in enumerate(clause):
            action = _lookup(w, lex["actions"])
            if action:
                actions.add(action)
            actor = _lookup(w, lex["actors"])
            if actor is None:
                continue
            j = i - 1
            while j >= 0 and clause[j][1] == "r":  # 把他爹妈: look past the pronoun
                j -= 1
            before, flag = clause[j] if j >= 0 else ("", "")
            if before in _SELF:
                pass  # 我是老师 / 我在卫生院当医生: the asker's own role, acting
            elif before in lex["markers"] or any(before.endswith(m) for m in lex["markers"]) \
                    or flag[:1] in {"v", "p"}:
                continue  # 跟学校说 / 把爹妈 / 去法院 / 换监护人: acted upon, not acting
            actors.append(actor)
            if clause_agent is None and actor not in lex["weak"]:
                clause_agent = actor
        if clause_agent is not None:
            agent = clause_agent
        elif any(w in "".join(t for t, _ in clause) for w in lex["who"]):
            agent = None  # "…，谁来执行": the question asks who acts
    return Roles(agent, frozenset(actors), frozenset(actions))


# "我是老师", "当医生", "作为社工": the asker says who they are; they are the one acting
_SELF = {"是", "当", "作为", "身为"}


def passage_actors(section_title: str) -> frozenset:
    """The actor a duty-list passage is about: its heading ("职责分工 / 州公安局")."""
    last = section_title.split("/")[-1]
    found = _lookup(normalize(last), _lexicon()["actors"])
    return frozenset([found]) if found else frozenset()


def fits(question: Roles, actors: frozenset) -> bool | None:
    """True: the candidate is about the question's agent; False: about someone else;
    None: one side names no actor (no evidence either way)."""
    actors = actors - _lexicon()["weak"]
    if question.agent is None or not actors:
        return None
    return question.agent in actors
