"""Small pure functions that read one slot out of a free answer.

Each returns the clean value, or None when the text does not hold a valid one. They work
without the NLU, so the report flow copes with any parser (or none).
"""
from __future__ import annotations

import re

from nlu.normalize import to_simplified

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_FULLWIDTH = str.maketrans("０１２３４５６７８９－＋　", "0123456789-+ ")
MAX_AGE = 18


def _norm(text: str) -> str:
    return (text or "").translate(_FULLWIDTH).strip()


def cn_number(word: str) -> int | None:
    """'八' -> 8, '十二' -> 12, '二十' -> 20; digits pass through."""
    word = word.strip()
    if word.isdigit():
        return int(word)
    if not word or any(ch not in _CN_DIGITS and ch not in "十百" for ch in word):
        return None
    if "百" in word:
        return None  # a hundred-something is never a child's age
    if "十" in word:
        tens, _, ones = word.partition("十")
        t = _CN_DIGITS.get(tens, None) if tens else 1
        if len(ones) == 2 and all(ch in _CN_DIGITS for ch in ones):
            ones = ones[0]  # "十二三岁": twelve or thirteen, about twelve
        o = _CN_DIGITS.get(ones, None) if ones else 0
        return None if t is None or o is None else t * 10 + o
    if len(word) == 2 and word[0] in _CN_DIGITS and word[1] in _CN_DIGITS:
        return _CN_DIGITS[word[0]]  # "七八岁": about seven
    return _CN_DIGITS.get(word) if len(word) == 1 else None


_AGE = re.compile(r"(-?\d{1,3}|[零〇一二两三四五六七八九十百]{1,4})(?:来|几|多)?\s*(?:周岁|岁半?|歲)")
_AGE_BARE = re.compile(r"^\s*(-?\d{1,3})\s*$")


def age_mentioned(text: str) -> bool:
    """True when the text talks about an age at all (valid or not)."""
    return bool(_AGE.search(_norm(text)) or _AGE_BARE.match(_norm(text)))


def parse_age(text: str) -> int | None:
    """'8岁', '八岁', '大概十二岁', or a bare '8' -> int in 0..18; '150岁', '-3' -> None."""
    text = _norm(text)
    m = _AGE.search(text) or _AGE_BARE.match(text)
    if not m:
        return None
    value = cn_number(m.group(1)) if not m.group(1).lstrip("-").isdigit() else int(m.group(1))
    if value is None or not 0 <= value <= MAX_AGE:
        return None
    return value


_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d[- ]?\d{4}[- ]?\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[- ]?(\d{7,8})(?!\d)")
_DIGITS_RUN = re.compile(r"\+?\d[\d\- ]{5,}\d")


def parse_phone(text: str) -> str | None:
    """An 11-digit mobile (13800001234) or a landline with area code (0371-12345678)."""
    text = _norm(text)
    m = _MOBILE.search(text)
    if m:
        return re.sub(r"\D", "", m.group(1))
    m = _LANDLINE.search(text)
    if m:
        return f"{m.group(1)}-{m.group(2)}"
    return None


def phone_mentioned(text: str) -> bool:
    """A run of digits that looks like an attempt at a phone number."""
    return bool(_DIGITS_RUN.search(_norm(text)))


def parse_gender(text: str) -> str | None:
    text = _norm(text)
    if re.search(r"男孩|男生|男娃|儿子|小男|孙子|外孙(?!女)|弟弟|哥哥|\b男\b|^男$", text):
        return "male"
    if re.search(r"女孩|女生|女娃|女儿|小女|孙女|妹妹|姐姐|^女$", text):
        return "female"
    return None


def valid_description(text: str) -> str | None:
    text = (text or "").strip()
    return text if len(re.sub(r"[\s\W_]", "", text)) >= 2 else None


_NAME_INTRO = re.compile(r"(?:(?:孩子|小孩|他|她|学生|娃)|(?<![^，,。.、\s\d岁]))(?:叫|名叫|名字叫|名字是|姓名是?)[:：]?\s*"
                         r"([\u4e00-\u9fa5]{2,4}?)(?=[，,。.、\s]|今年|\d|[一二三四五六七八九十]+岁|$)")


def parse_child_name(text: str) -> str | None:
    """'孩子叫王小明' -> '王小明'; the reporter's own name ('我叫张红梅') is never the child's."""
    t = _norm(text)
    for m in _NAME_INTRO.finditer(t):
        if not m.group(0).startswith(("孩子", "小孩", "他", "她", "学生", "娃")) and _about_oneself(t, m.start()):
            continue
        name = m.group(1)
        return None if name in {"不知道", "不清楚", "什么"} else name
    return None


_CHILD_WORDS = ("孩子", "小孩", "娃", "他", "她", "学生", "孙", "儿子", "女儿", "闺女", "外甥", "侄")


def names_oneself(text: str, start: int) -> bool:
    """The name at `start` is the reporter's own: '我叫…', '我的名字是…', '本人姓名…', but
    not '我家孩子叫…' (a child word comes after the 我)."""
    before = text[max(0, start - 8):start]
    last_self = max(before.rfind(w) for w in ("我", "俺", "本人"))
    last_child = max(before.rfind(w) for w in _CHILD_WORDS)
    return last_self >= 0 and last_self > last_child


def _about_oneself(text: str, start: int) -> bool:
    return names_oneself(text, start + 1) or any(w in text[max(0, start - 4):start] for w in ("我", "俺", "本人"))


_REPORTER_NAME = re.compile(r"(?:我是|我叫|我姓|本人)(?:[\u4e00-\u9fa5]{0,15}的)?"
                            r"([\u4e00-\u9fa5]{1,3}?(?:老师|医生|护士|书记|主任|社工|村长))"
                            r"|(?:我叫|姓名[:：]?)([\u4e00-\u9fa5]{2,4})(?=[，,。.、\s]|\d|$)"
                            r"|(?:^|[，,\s])([\u4e00-\u9fa5]{1,2}(?:老师|医生|护士|书记|主任|社工))")
_UNIT = re.compile(r"([\u4e00-\u9fa5]{2,20}?(?:小学|中学|学校|幼儿园|医院|卫生院|卫生室|诊所|村委会|居委会|"
                   r"社工站|社工服务中心|救助站|救助管理站|福利院|派出所|服务中心|服务站|保健院|卫生所|工作站))")


_TITLE_THEN_NAME = re.compile(r"(?:我是|本人)[^，,。！!？?]{0,16}?(?:老师|班主任|医生|护士|村医|书记|主任|社工)"
                              r"([\u4e00-\u9fa5]{2,3})(?=[，,。.、\s]|\d|$)")


_UNIT_TYPES = set(_UNIT.pattern.split("(?:")[1].split(")")[0].split("|"))


def parse_reporter_name(text: str) -> str | None:
    """'我是李老师' -> '李老师'; '我是卫生院医生李建华' -> '李建华'; '我是学校老师', '我是班主任老师'
    are roles, not names."""
    for m in _REPORTER_NAME.finditer(_norm(text)):
        name = next(g for g in m.groups() if g)
        if _names_a_person(name):
            return name
    m = _TITLE_THEN_NAME.search(_norm(text))
    if m and _is_person_name(m.group(1)):
        return m.group(1)
    return None


def _is_person_name(word: str) -> bool:
    from jieba import posseg

    return all(p.flag.startswith("nr") for p in posseg.cut(word))


_TITLES = ("老师", "医生", "护士", "书记", "主任", "社工", "村长")


def _names_a_person(name: str) -> bool:
    """A surname before the title (李老师), not a common noun, place or pronoun (jieba POS)."""
    prefix = next((name[:-len(t)] for t in _TITLES if name.endswith(t)), name)
    if not prefix:
        return False
    if len(prefix) == 1:
        return prefix not in "是个位名大小老我你他她们的班副村校院科组女男新"
    from jieba import posseg

    return all(p.flag.startswith("nr") for p in posseg.cut(prefix))


def parse_unit(text: str) -> str | None:
    """The reporter's school, clinic or village committee, as written (Traditional read too)."""
    written = _norm(text)
    # "已送县医院", "转到县医院": where the child was taken, not where the reporter works
    m = next((m for m in _UNIT.finditer(to_simplified(written)) if not re.search(r"送|转到|转去|住进|住院", m.group(1))),
             None)
    if not m:
        return None
    lead = re.match(r".*(?:我是|我在|我们|咱们|在|是)", m.group(1))  # "现在在我们卫生院" is no name
    unit = written[m.start(1) + (lead.end() if lead else 0):m.end(1)]
    return unit if unit not in _UNIT_TYPES else None  # "卫生院" alone names none


def _could_be_a_name(word: str) -> bool:
    """'刘芳', '钱师傅' may be a name; '老师', '村医' (a role) is not."""
    from handlers.reporter_role import guess_role  # reporter_role reads text with _norm from here

    return guess_role(word, loose=True) is None


def split_contact(text: str) -> dict:
    """'李老师，红星镇中心小学，13800001234' -> name, unit, phone (whatever is there)."""
    out: dict = {}
    phone = parse_phone(text)
    if phone:
        out["reporter_phone"] = phone
    unit = parse_unit(text)
    if unit:
        out["reporter_unit"] = unit
    name = parse_reporter_name(text)
    if not name:
        # A short bare part that is neither the phone nor the unit is the name.
        for part in re.split(r"[，,、;；\s/]+", _norm(text)):
            part = re.sub(r"^(?:我是|我叫|姓名[:：]?)", "", part)
            if (part and not re.search(r"\d", part) and (not unit or part not in unit) and _could_be_a_name(part)
                    and re.fullmatch(r"[\u4e00-\u9fa5]{2,5}", part) and not _UNIT.search(to_simplified(part))
                    and not is_unknown(part) and not declines(part)):
                name = part
                break
    if name:
        out["reporter_name"] = name
    return out


# Which slot a plain-words correction talks about, e.g. "年龄说错了，是8岁", "地点改成向阳村".
_CORRECTION_FIELDS = (
    ("child_age", r"年龄|岁数|几岁|\d+\s*岁|[一二两三四五六七八九十]+岁"),
    ("reporter_phone", r"电话|手机|号码|联系方式"),
    ("reporter_unit", r"单位|学校|医院|卫生院"),
    ("reporter_role", r"身份|我是(?:他|她|孩子的)?(?:老师|医生|护士|村干部|书记|社工|邻居|村民|亲戚|奶奶|爷爷|家长|爸爸|妈妈)"),
    ("reporter_name", r"我叫|我的名字|我姓|我的姓名"),
    ("child_name", r"名字|姓名|叫"),
    ("child_gender", r"性别|男孩|女孩"),
    ("place", r"地点|地址|位置|地方|村|镇|乡"),
    ("category", r"类别|情况|类型|不是.*是"),
)


def correction_field(text: str) -> str | None:
    """The slot a correction names, or None when the text does not read as a correction."""
    text = _norm(text)
    for field, pattern in _CORRECTION_FIELDS:
        if re.search(pattern, text):
            return field
    return None


def correction_value(text: str) -> str:
    """The part after the correction verb: '地点改成向阳村' -> '向阳村'."""
    text = re.sub(r"[，,\s]*(?:而)?不是[^，,。]*[。.]?$", "", _norm(text))  # "是王庄村，不是李家村"
    m = re.search(r"^.*(?:改成|改为|应该是|其实是|而是|是|为)[:：]?\s*(.+)$", text)
    return (m.group(1) if m else text).strip(" ，,。.")


_CATEGORY_WORDS = (
    ("child_missing", r"失踪|走丢|找不到|不见了|没回家|离家出走|失联"),
    ("domestic_violence", (r"家暴|家庭暴力|(?:爸|妈|父|母|爷|奶|家长|监护人)[^，,。；]{0,4}"
                           r"(?:打(?!工|电话|游戏|扫|算|针|架|零工)|揍|虐待|体罚)|打得|被打|挨打|虐待|遍体鳞伤")),
    ("injury_or_harm", r"受伤|伤痕|淤青|骨折|烫伤|性侵|猥亵|欺负|伤害|侵害|溺水|摔伤|流血"),
    ("dropout", r"辍学|(?:没|不)(?:来|去)?上(?:学|课)|旷课|逃学|退学|(?:没|不)去学校"),
    ("child_alone", r"一个人住|独自居住|单独居住|自己住|独自在家|一个人在家|没人照顾|无人照顾|没大人|独居"),
    ("guardian_unfit", r"喝醉|酗酒|瘫痪|重病|坐牢|服刑|吸毒|不管孩子|不管不问|监护人.{0,4}(?:不管|无力)|精神病"),
)
_URGENT_WORDS = re.compile(r"紧急|很急|马上|现在就|正在|快来|救命|危险|流血|昏迷|哭喊|尖叫|出事了")


def guess_category(text: str) -> str | None:
    text = _norm(text)
    for code, pattern in _CATEGORY_WORDS:
        if re.search(pattern, text):
            return code
    return None


def sounds_urgent(text: str) -> bool:
    return bool(_URGENT_WORDS.search(_norm(text)))


# Declining to say (不方便留电话, 不留了, 匿名吧), not "不用匿名".
_DECLINE = re.compile(r"不方便|不留|不想留|不愿意?留|不想说|不愿意?说|不说了|不告诉|不给|(?<![不用要必])匿名|保密|不想透露")


def declines(text: str) -> bool:
    """The reporter would rather not give this (their phone, name ...)."""
    return bool(_DECLINE.search(to_simplified(_norm(text))))


_UNKNOWN = {"不知道", "不清楚", "不晓得", "不确定", "不认识", "没有", "无", "不知"}


def is_unknown(text: str) -> bool:
    """"不知道", "不清楚" …: the user does not know the answer (never a name or a value)."""
    t = text.strip(" 。.，,！!")
    return t in _UNKNOWN or t.startswith(("不知道", "不清楚"))
