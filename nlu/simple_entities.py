"""Phone, age, date, city, relation, gender and person name from normalised text."""
from __future__ import annotations

import re

from .hazards import HAN
from .match import Match

RELATIONS = {
    "爷爷": "爷爷", "阿公": "爷爷", "爷": None, "奶奶": "奶奶", "阿婆": "奶奶", "阿嬷": "奶奶", "婆婆": "奶奶",
    "外公": "外公", "姥爷": "外公", "嘎公": "外公", "家公": "外公", "外婆": "外婆", "姥姥": "外婆", "嘎婆": "外婆",
    "家婆": "外婆", "叔叔": "叔叔", "二叔": "二叔", "三叔": "三叔", "小叔": "小叔", "幺叔": "幺叔", "大伯": "大伯",
    "伯伯": "伯伯", "二伯": "二伯", "姑姑": "姑姑", "姑妈": "姑姑", "大姑": "大姑", "小姑": "小姑", "二姑": "二姑",
    "舅舅": "舅舅", "舅": "舅舅", "大舅": "大舅", "小舅": "小舅", "二舅": "二舅", "姨妈": "姨妈", "姨": "姨妈",
    "小姨": "小姨", "大姨": "大姨", "婶婶": "婶婶", "婶子": "婶婶", "二婶": "二婶", "哥哥": "哥哥", "姐姐": "姐姐",
    "嫂子": "嫂子", "爸爸": "爸爸", "爸": "爸爸", "老汉": "爸爸", "爹": "爸爸", "父亲": "爸爸", "妈妈": "妈妈", "妈": "妈妈",
    "娘": "妈妈", "母亲": "妈妈", "继父": "继父", "后爸": "继父", "继母": "继母", "后妈": "继母", "邻居": "邻居",
    "干妈": "干妈", "干爹": "干爹", "姨父": "姨父", "姑父": "姑父", "舅妈": "舅妈",
}
_REL_WORDS = sorted((w for w, v in RELATIONS.items() if v), key=len, reverse=True)
RELATION_RE = re.compile(r"(?<![爸妈阿姑新爹])(" + "|".join(_REL_WORDS) + r")(?![妈们娘子家])")

GENDER_RULES = {
    "female": r"女孩|女娃|女生|女学生|女同学|闺女|姑娘|丫头|女儿|孙女|外孙女|小女孩|女伢|妹子|妹妹|女童",
    "male": r"男孩|男娃|男生|男学生|男同学|小子|儿子|孙子|外孙(?!女)|小伙|男伢|弟弟|男童|伢子",
}

CITIES = ["深圳", "东莞", "广州", "上海", "北京", "杭州", "苏州", "宁波", "温州", "佛山", "厦门", "福州", "泉州", "晋江", "成都", "重庆", "武汉", "长沙", "南京", "天津", "郑州", "西安", "昆明", "中山", "惠州", "珠海", "江门", "义乌", "无锡", "常州", "昆山", "青岛", "济南", "合肥", "南昌", "贵阳", "南宁", "乌鲁木齐", "呼和浩特", "包头", "鄂尔多斯", "太原", "石家庄", "沈阳", "大连", "哈尔滨", "长春", "海口", "三亚", "兰州", "银川", "西宁", "拉萨", "新疆", "广东", "浙江", "江苏", "福建", "外省", "澳门", "香港"]

DATE_RE = re.compile(
    r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}[日号]?|\d{1,2}月\d{1,2}[日号]|\d{1,2}月(?:份|底|初|中)?|"
    r"(?<!\d)\d{1,2}[号日](?!子)|大前天|前天|昨天(?:晚上|早上|下午)?|昨晚|今天(?:早上|晚上|下午)?|今早|今晚|明天|后天|"
    r"刚才|上(?:个)?(?:周|星期|礼拜)[1-7一二三四五六日天]?|下(?:个)?(?:周|星期|礼拜)[1-7一二三四五六日天]?|"
    r"上个月|下个月|这个月|月底|年后|春节后|过完年|过年后|年底|(?:星期|礼拜|周)[1-7一二三四五六日天]")
AGE_RE = re.compile(r"(?<![\d.])(\d{1,2})(?:周岁|岁)")
PHONE_RE = re.compile(r"(?<![\d])(1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}|0\d{2,3}[\s-]?\d{7,8})(?![\d])")
NAME_STOP = set("不什啥人我你他她谁这那哪个一几啊呀吧的是了在有没很")
NAME_END = r"(?=$|[^\u4e00-\u9fff]|今年|的|是|住|在|家|才|今|岁|\d|又|被|已经|好|不|从|还|上|找|现在|一直|他|她)"
NAME_RES = [
    re.compile(r"(?:叫做|名叫|名字叫|名字是|姓名是?|叫|被委托人是?|委托人是|照护人是|新的照护人)[:\s]?(" + HAN + "{2,3}?)" + NAME_END),
    re.compile(r"(?:学生|孩子|孙子|孙女|小孩|娃|隔壁|儿子|女儿|外孙女|外孙|同学|男孩|女孩)(小" + HAN + r"|阿" + HAN + r")" + NAME_END),
]
NAME_BAD = {"小学", "小孩", "小子", "小姨", "小伙", "小时", "小卖", "小姑", "小叔", "小舅", "小朋", "小区",
            "阿姨", "阿婆", "阿公", "阿嬷", "小女", "小男", "小的", "小娃", "小心"}
_GENDER = [(v, re.compile(p)) for v, p in GENDER_RULES.items()]
_CITY = re.compile("|".join(sorted(CITIES, key=len, reverse=True)))


def simple_entities(text: str) -> list[Match]:
    out: list[Match] = []
    for m in PHONE_RE.finditer(text):
        out.append(Match("phone", re.sub(r"\D", "", m.group()), m.start(), m.end()))
    for m in AGE_RE.finditer(text):
        out.append(Match("age", str(int(m.group(1))), m.start(), m.end()))
    for m in DATE_RE.finditer(text):
        if any(e.start <= m.start() < e.end for e in out if e.entity in ("phone", "age")):
            continue
        out.append(Match("date", m.group(), m.start(), m.end()))
    for m in _CITY.finditer(text):
        out.append(Match("city", m.group(), m.start(), m.end(), "ShouhuLookup"))
    for m in RELATION_RE.finditer(text):
        if text.startswith("爸妈", m.start()) or text.startswith("姑娘", m.start()):
            continue
        out.append(Match("relation", RELATIONS[m.group(1)], m.start(1), m.end(1), "ShouhuSynonym"))
    genders = []
    for value, pat in _GENDER:
        genders += [Match("gender", value, m.start(), m.end(), "ShouhuSynonym") for m in pat.finditer(text)]
    if genders:
        out.append(min(genders, key=lambda g: g.start))
    seen: set[str] = set()
    for rx in NAME_RES:
        for m in rx.finditer(text):
            name = m.group(1)
            if name[0] in NAME_STOP or name[:2] in NAME_BAD or name in seen:
                continue
            seen.add(name)
            out.append(Match("person_name", name, m.start(1), m.end(1)))
    return out
