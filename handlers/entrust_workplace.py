"""Where a parent works, from what they say (pure functions, no database).

Places come from jieba's part-of-speech tags (`ns`) checked against lists of provinces
and countries, so "浙江宁波" is the city 宁波 in 浙江 and "日本大阪" is 大阪 in 日本;
"从北京换到天津" is 天津. A relation word before a name ("姑姑 赵红梅") makes it a person,
never a city.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache

from handlers.entrust_people import _REL, HAN

PROVINCES = ("河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东",
             "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
             "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆")
MUNICIPALITIES = ("北京", "上海", "天津", "重庆", "香港", "澳门")
COUNTRIES = ("日本", "韩国", "新加坡", "马来西亚", "泰国", "越南", "俄罗斯", "美国", "加拿大", "澳大利亚",
             "新西兰", "英国", "法国", "德国", "意大利", "西班牙", "阿联酋", "沙特", "迪拜", "非洲",
             "安哥拉", "尼日利亚", "印度尼西亚", "柬埔寨", "老挝", "缅甸", "以色列")


@lru_cache(maxsize=1)
def _posseg():
    import jieba
    import jieba.posseg as pseg
    jieba.setLogLevel(logging.WARNING)
    return pseg


def _clean_place(word: str) -> str:
    return re.sub(r"(?:市|省|地区|自治州|特别行政区)$", "", word)


def place_spans(text: str) -> list[tuple[str, int, int]]:
    """Place names (jieba `ns`) with where they start and end, in order."""
    spans, at = [], 0
    for w in _posseg().cut(text):
        after_province = bool(spans) and spans[-1][2] == at and spans[-1][0] in PROVINCES
        if ((w.flag.startswith("ns") and len(w.word) >= 2) or province_prefix(w.word)  # "福建厦门" is nz
                or (after_province and w.flag == "nz" and 2 <= len(w.word) <= 3)):  # "浙江义乌": 义乌 is nz
            spans.append((_clean_place(w.word), at, at + len(w.word)))
        at += len(w.word)
    return spans


def place_words(text: str) -> list[str]:
    return [w for w, _, _ in place_spans(text)]


def work_place(text: str, local: set[str], hint: str | None = None) -> dict:
    """{"city", "province", "country", "work_address"} from a sentence about work. A place
    right after a province or country is its city ("浙江宁波", "日本大阪"); right after a city,
    or ending in 区/县, it is a district of that city ("天津武清", "上海 浦东", "佛山市顺德区");
    a city said later on its own replaces the earlier one ("从北京换到天津" -> 天津).
    `local` holds the jurisdiction's own place names."""
    body = re.sub(r"(?:" + _REL + r")[:：\s]*" + HAN + r"{2,3}", " ", text)  # "姑姑 赵红梅" is a person
    found: dict = {}
    prev_end, prev_kind = -1, None
    for w, start, end in place_spans(body):
        if w in local or re.search(r"[村镇乡]$", w) or body[end:end + 1] in ("村", "镇", "乡", "屯", "组"):
            continue  # "石桥村" cut as 石桥 + 村 is a home village, never a work city
        adjacent = prev_end >= 0 and not body[prev_end:start].strip()
        town = next((m for m in MUNICIPALITIES if w.startswith(m) and len(w) > len(m)), None)
        if town:  # one jieba word "上海浦东": the city and its district
            found = {"city": town, "work_address": w}
            prev_end, prev_kind = end, "city"
            continue
        prov = province_prefix(w)
        if prov:  # one jieba word "福建厦门": the province and its city
            found = {"province": prov, "city": w[len(prov):]}
            prev_end, prev_kind = end, "city"
            continue
        kind = ("country" if w in COUNTRIES else "province" if w in PROVINCES
                else "district" if re.search(r"[区县]$", w) or (adjacent and prev_kind == "city") else "city")
        if kind == "district" and not found.get("city") and adjacent and prev_kind == "province":
            city = _city_in(w)  # "江苏苏州工业园区": the city the district is named after
            if city:
                found.update(city=city, work_address=city + w[len(city):])
        elif kind == "district":
            if found.get("city"):
                found["work_address"] = found["city"] + w
        else:
            if kind == "city" and found.get("city") and not (adjacent and prev_kind in ("province", "country")):
                found = {}  # another city on its own: another job
            found[kind] = w
        prev_end, prev_kind = end, kind
    if hint and hint in body and not found.get("city") and hint not in local and hint != found.get("province"):
        prov = province_prefix(hint)
        found.update({"province": prov, "city": hint[len(prov):]} if prov else {"city": hint})
    return found


def _city_in(word: str) -> str | None:
    """The place a district's name starts with ("苏州工业园区" -> 苏州), if jieba knows it."""
    import jieba

    for piece in jieba.lcut(word, cut_all=True):
        if 2 <= len(piece) < len(word) and word.startswith(piece) and \
                any(x.flag.startswith("ns") for x in _posseg().cut(piece)):
            return piece
    return None


def province_prefix(word: str) -> str | None:
    """The province a place word starts with, when a city follows it in the same word."""
    prov = next((pv for pv in PROVINCES if word.startswith(pv) and len(word) - len(pv) >= 2), None)
    if prov is None:
        return None
    rest = list(_posseg().cut(_clean_place(word[len(prov):])))
    return prov if len(rest) == 1 and rest[0].flag.startswith("ns") else None  # not "山东大学"


def person_name(word: str) -> bool:
    """jieba reads the word as a person's name (`nr`), for surnames beyond the list."""
    cut = list(_posseg().cut(word))
    return len(cut) == 1 and cut[0].flag == "nr"
