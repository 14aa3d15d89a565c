"""Text normalisation for Chinese user messages, keeping a map back to the original.

Order: drop control characters and emoji, full-width -> half-width, collapse whitespace,
Traditional -> Simplified (OpenCC, character by character so offsets survive), Chinese
dialect words -> Mandarin (nlu/dialect.py, nlu/data/dialect.yml: 唔见咗 -> 不见了, 俺 -> 我),
Chinese numerals -> digits where they are clearly numbers (十二岁, 一三八..., 两个月); a
message typed in toneless pinyin is read back into characters (nlu/pinyin.py). The original
text is kept (`Normalized.original`): normalisation serves understanding, not the record.

`normalize(text)` returns a `Normalized` with `text` and `offsets`: `offsets[i]` is the
index in the original string of normalised character i, plus one sentinel at the end, so a
normalised span [s, e) maps back to [offsets[s], offsets[e - 1] + 1).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from . import dialect, pinyin

MAX_CHARS = 2000  # longer messages are cut: nobody types a report this long, and it bounds cost

_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "幺": 1, "壹": 1, "二": 2, "两": 2, "贰": 2,
           "三": 3, "叁": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6,
           "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_NUM_CHARS = "".join(_DIGITS) + "".join(_UNITS) + "万"
_NUM_RUN = re.compile(f"[{_NUM_CHARS}]+")
# A single numeral is converted only before these counters (两岁, 三天, 一个月 ...).
_COUNTER_AFTER = re.compile(r"(岁|周岁|个月|个星期|个礼拜|星期|天|年级|号|月|日|年|小时|次|公里)")
_MIXED_PHONE = re.compile(r"[0-9一二三四五六七八九零〇幺]{7,}")


@dataclass(frozen=True)
class Normalized:
    original: str
    text: str
    offsets: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text back to the original text."""
        if not self.text or end <= start:
            return 0, 0
        start = max(0, min(start, len(self.text) - 1))
        end = max(start + 1, min(end, len(self.text)))
        return self.offsets[start], self.offsets[end - 1] + 1


@lru_cache(maxsize=1)
def _converter():
    try:
        import opencc

        return opencc.OpenCC("t2s")
    except Exception:  # noqa: BLE001 - a missing OpenCC config must not take the bot down
        return None


def to_simplified(text: str) -> str:
    """Traditional -> Simplified (OpenCC), always the same length, so a span found in the
    result is the same span of `text` (紅星鎮東風村 -> 红星镇东风村)."""
    conv = _converter()
    if conv is None or not text:
        return text or ""
    t = conv.convert(text)
    if len(t) != len(text):
        t = "".join(c2 if len(c2 := conv.convert(c)) == 1 else c for c in text)
    return t


def _is_noise(ch: str) -> bool:
    cat = unicodedata.category(ch)
    if cat in ("Cc", "Cf", "Cs", "Co", "Cn"):
        return ch not in "\n\t"
    if cat == "So" or cat == "Sk":  # emoji, dingbats, modifiers
        return True
    return 0x1F000 <= ord(ch) <= 0x1FAFF or 0xFE00 <= ord(ch) <= 0xFE0F


def _half_width(ch: str) -> str:
    code = ord(ch)
    if code == 0x3000:
        return " "
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    return ch


def cn_to_int(s: str) -> int | None:
    """'十二' -> 12, '二十一' -> 21, '一百零五' -> 105, '三千' -> 3000; None if not a number."""
    if not s:
        return None
    if all(c in _DIGITS for c in s):
        return int("".join(str(_DIGITS[c]) for c in s)) if len(s) == 1 else None
    total, section, current, last_unit = 0, 0, None, 10**9
    for c in s:
        if c in "零〇○" and section:
            current = None  # 一百零五: the zero only marks a gap
            continue
        if c in _DIGITS:
            if current is not None:
                return None  # two digits in a row inside a unit number: not a number
            current = _DIGITS[c]
        elif c in _UNITS:
            unit = _UNITS[c]
            if unit >= last_unit and section:
                return None
            section += (1 if current is None else current) * unit
            current, last_unit = None, unit
        elif c == "万":
            if current is None and section == 0:
                return None
            total += (section + (current or 0)) * 10000
            section, current, last_unit = 0, None, 10**9
        else:
            return None
    return total + section + (current or 0)


def _numeral_replacements(text: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    taken = [False] * len(text)
    # Phone-like runs, possibly mixing digits and numerals: digit by digit.
    for m in _MIXED_PHONE.finditer(text):
        if any(c in _DIGITS for c in m.group()):
            out.append((m.start(), m.end(), "".join(
                c if c.isdigit() else str(_DIGITS[c]) for c in m.group())))
            for i in range(m.start(), m.end()):
                taken[i] = True
    for m in _NUM_RUN.finditer(text):
        s, e = m.start(), m.end()
        if any(taken[s:e]):
            continue
        run = m.group()
        if len(run) >= 3 and all(c in _DIGITS for c in run):
            out.append((s, e, "".join(str(_DIGITS[c]) for c in run)))
            continue
        if len(run) == 1 and (not _COUNTER_AFTER.match(text, e) or (s > 0 and text[s - 1] in "第星礼周初")):
            continue
        value = cn_to_int(run)
        if value is None or (len(run) == 2 and all(c in _DIGITS for c in run)):
            continue  # 七八 (about seven or eight), 万一 (in case): leave as words
        out.append((s, e, str(value)))
    out.sort()
    return out


def _apply(s: str, offs: list[int], reps: list[tuple[int, int, str]]) -> tuple[str, list[int]]:
    """Replace sorted, non-overlapping spans; every character of a replacement points into
    the original span, so spans found later still map back to the message."""
    if not reps:
        return s, offs
    new_chars: list[str] = []
    new_offs: list[int] = []
    pos = 0
    for start, end, value in reps:
        new_chars.append(s[pos:start])
        new_offs.extend(offs[pos:start])
        new_chars.append(value)
        span, n = offs[start:end], len(value)
        # first to first and last to last, so a span ending in a replacement covers all of it
        new_offs.extend(span[0] if n == 1 else span[round(k * (len(span) - 1) / (n - 1))] for k in range(n))
        pos = end
    new_chars.append(s[pos:])
    new_offs.extend(offs[pos:])
    return "".join(new_chars), new_offs


def normalize(text) -> Normalized:
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = text[: MAX_CHARS * 2]
    chars: list[str] = []
    offs: list[int] = []
    prev_space = True
    for i, ch in enumerate(text):
        if _is_noise(ch):
            continue
        ch = unicodedata.normalize("NFKC", _half_width(ch)) if ord(ch) >= 0x2000 else ch
        for c in ch:
            if c.isspace():
                if prev_space:
                    continue
                c, prev_space = " ", True
            else:
                prev_space = False
            chars.append(c)
            offs.append(i)
        if len(chars) >= MAX_CHARS:
            break
    while chars and chars[-1] == " ":
        chars.pop()
        offs.pop()
    s = "".join(chars).lower()
    s = to_simplified(s)  # phrase-level where the length holds, else character by character
    if len(s) != len(offs):  # lower() of an exotic character changed the length
        s = "".join(chars)
    hanzi = pinyin.to_hanzi(s) if s.isascii() else None
    if hanzi:  # a pinyin-only message, read back into characters: spans cover the whole of it
        offs = [offs[min(len(offs) - 1, k * len(offs) // len(hanzi))] for k in range(len(hanzi))]
        s = hanzi
    if not hanzi:  # dialect words read as Mandarin (nlu/data/dialect.yml)
        s, offs = _apply(s, offs, dialect.replacements(s))
    s, offs = _apply(s, offs, _numeral_replacements(s))
    return Normalized(original=text, text=s, offsets=tuple(offs) + (len(text),))


def normalize_text(text: str) -> str:
    return normalize(text).text
