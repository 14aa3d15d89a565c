"""Resolve what a user calls a place against the jurisdiction (names and aliases).

`resolve_text` answers one of: a township and village (ok), a township whose village is
still needed, several places to choose from (ambiguous), or nothing (unknown, with the
closest names as suggestions). The flow turns the options into buttons.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Township, Village
from nlu.normalize import to_simplified

# Words that look like place names but are not ("我们村", "农村").
_NOT_PLACES = {"农村", "本村", "我们村", "这个村", "同村", "村里", "乡镇", "乡下", "城乡", "隔壁村",
               "我村", "该村", "他们村", "我们镇", "镇上", "乡里", "老乡"}
_PLACE_WORD = re.compile(r"([\u4e00-\u9fa5]{1,4}?(?:村|镇|乡))")
PLACE_PREFIX = "place:"


@dataclass
class Option:
    title: str
    payload: str  # "place:红星镇/向阳村" or "place:红星镇/"


@dataclass
class PlaceMatch:
    status: str  # ok, need_village, ambiguous, unknown
    township: str | None = None
    village: str | None = None
    options: list[Option] = field(default_factory=list)
    said: str = ""  # the user's word for the place, for the reply


@dataclass
class Gazetteer:
    townships: dict[str, list[str]]  # canonical -> aliases
    villages: list[tuple[str, str, list[str]]]  # (village, township, aliases)

    def village_names(self, township: str) -> list[str]:
        return [v for v, t, _ in self.villages if t == township]

    def all_names(self) -> list[str]:
        return list(self.townships) + sorted({v for v, _, _ in self.villages})


def spellings(gaz: Gazetteer) -> set[str]:
    """Every way the county's places are written: names, aliases, townships without 镇/乡."""
    names = set(gaz.all_names())
    for t, aliases in gaz.townships.items():
        names.update(aliases)
        names.add(re.sub(r"[镇乡]$", "", t))
    for _, _, aliases in gaz.villages:
        names.update(aliases)
    return names


def load_gazetteer(session: Session) -> Gazetteer:
    towns = {t.name: list(t.aliases or []) for t in session.scalars(select(Township).order_by(Township.id))}
    rows = session.execute(select(Village.name, Township.name, Village.aliases)
                           .join(Township, Village.township_id == Township.id).order_by(Village.id))
    return Gazetteer(towns, [(v, t, list(a or [])) for v, t, a in rows])


def _option(township: str, village: str | None) -> Option:
    title = f"{village}（{township}）" if village else township
    return Option(title, f"{PLACE_PREFIX}{township}/{village or ''}")


def from_payload(payload: str) -> tuple[str, str | None] | None:
    if not payload.startswith(PLACE_PREFIX):
        return None
    township, _, village = payload[len(PLACE_PREFIX):].partition("/")
    return township, (village or None)


def _found(gaz: Gazetteer, text: str) -> tuple[set[str], list[tuple[str, str]]]:
    towns = {t for t, aliases in gaz.townships.items() if any(n in text for n in [t, *aliases])}
    villages = [(v, t) for v, t, aliases in gaz.villages if any(n in text for n in [v, *aliases])]
    return towns, villages


def resolve_names(gaz: Gazetteer, township: str | None, village: str | None) -> PlaceMatch:
    """Canonical names (e.g. from NLU entities) -> a match; checks they belong together."""
    text = " ".join(x for x in (township, village) if x)
    return resolve_text(gaz, text, strict=True) if text else PlaceMatch("unknown")


def resolve_text(gaz: Gazetteer, text: str, strict: bool = False) -> PlaceMatch:
    """Find the place in free text. strict: only exact names, no guessing at unknown words.
    Traditional characters (紅星鎮東風村) read as Simplified."""
    text = to_simplified((text or "").strip())
    payload = from_payload(text)
    if payload:
        township, village = payload
        if township in gaz.townships and (village is None or village in gaz.village_names(township)):
            return PlaceMatch("ok" if village else "need_village", township, village)
    towns, villages = _found(gaz, text)
    if villages:
        if towns:
            inside = [(v, t) for v, t in villages if t in towns]
            villages = inside or villages
        if len(villages) == 1:
            v, t = villages[0]
            return PlaceMatch("ok", t, v)
        return PlaceMatch("ambiguous", options=[_option(t, v) for v, t in villages],
                          said=villages[0][0])
    if len(towns) == 1:
        t = towns.pop()
        # "青山镇白沙": a village of that township named without 村.
        rest = text
        for n in [t, *gaz.townships[t]]:
            rest = rest.replace(n, " ")
        stems = [v for v in gaz.village_names(t) if len(v.rstrip("村")) >= 2 and v.rstrip("村") in rest]
        if len(stems) == 1:
            return PlaceMatch("ok", t, stems[0])
        return PlaceMatch("need_village", t, options=[_option(t, v) for v in gaz.village_names(t)])
    if len(towns) > 1:
        return PlaceMatch("ambiguous", options=[_option(t, None) for t in sorted(towns)])
    if strict:
        return PlaceMatch("unknown")
    return _suggest(gaz, text)


def _looks_like_name(text: str) -> bool:
    """A bare word that could be a place name: Chinese characters, no age or number."""
    return bool(re.fullmatch(r"[\u4e00-\u9fa5]{2,8}", text)) and not re.search(r"岁|确认|报告|取消|不知道", text)


def _suggest(gaz: Gazetteer, text: str) -> PlaceMatch:
    words = [re.sub(r"^(?:住在|来自|在|住|到|是|去)", "", w) for w in _PLACE_WORD.findall(text)]
    words = [w for w in words if len(w) >= 2 and w not in _NOT_PLACES]
    said = words[0] if words else (text if len(text) <= 8 and _looks_like_name(text) else "")
    if not said:
        return PlaceMatch("unknown", options=[_option(t, None) for t in gaz.townships])
    stem = re.sub(r"(村|镇|乡)$", "", said)
    # A unique prefix ("向阳" for 向阳村) is taken as the place itself.
    prefixed = [(v, t) for v, t, _ in gaz.villages if stem and v.startswith(stem)]
    if len(prefixed) == 1 and len(stem) >= 2:
        v, t = prefixed[0]
        return PlaceMatch("ok", t, v, said=said)
    close = difflib.get_close_matches(said, gaz.all_names(), n=4, cutoff=0.3)
    if stem:
        close += [n for n in gaz.all_names() if n not in close and any(ch in n for ch in stem)][:4]
    options = []
    for name in close[:4]:
        if name in gaz.townships:
            options.append(_option(name, None))
        else:
            options.extend(_option(t, v) for v, t, _ in gaz.villages if v == name)
    if not options:
        options = [_option(t, None) for t in gaz.townships]
    return PlaceMatch("unknown", options=options[:5], said=said)


def resolve_location(gaz: Gazetteer, label: str) -> PlaceMatch:
    """A shared location: match its label (an address) against the names."""
    return resolve_text(gaz, label or "", strict=True)
