"""Read an entrustment's facts out of what a parent says (pure functions, no database).

A message is split into clauses; each clause is about someone (the parent, a child, the
guardian, the other parent), decided by its words, and what it holds (a name, a phone,
an age, a place) belongs to that person. Places come from jieba's part-of-speech tags
(`ns`) checked against lists of provinces and countries, so "浙江宁波" is the city 宁波 in
浙江 and "日本大阪" is 大阪 in 日本. A relation word before a name ("姑姑 赵红梅") makes it
the guardian, never a city.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache

from handlers import validators as v

HAN = r"[\u4e00-\u9fa5]"
RELATIONS = {
    "爷爷": "爷爷", "奶奶": "奶奶", "外公": "外公", "姥爷": "外公", "外婆": "外婆", "姥姥": "外婆",
    "叔叔": "叔叔", "婶婶": "婶婶", "伯伯": "伯伯", "大伯": "伯伯", "伯母": "伯母", "姑姑": "姑姑",
    "姑妈": "姑姑", "姑父": "姑父", "舅舅": "舅舅", "舅妈": "舅妈", "姨妈": "姨妈", "小姨": "姨妈",
    "阿姨": "阿姨", "哥哥": "哥哥", "姐姐": "姐姐", "邻居": "邻居", "老师": "老师", "亲戚": "亲戚",
}
_REL = "|".join(sorted(RELATIONS, key=len, reverse=True))
PROVINCES = ("河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东",
             "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
             "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆")
MUNICIPALITIES = ("北京", "上海", "天津", "重庆", "香港", "澳门")
COUNTRIES = ("日本", "韩国", "新加坡", "马来西亚", "泰国", "越南", "俄罗斯", "美国", "加拿大", "澳大利亚",
             "新西兰", "英国", "法国", "德国", "意大利", "西班牙", "阿联酋", "沙特", "迪拜", "非洲",
             "安哥拉", "尼日利亚", "印度尼西亚", "柬埔寨", "老挝", "缅甸", "以色列")
WORK = re.compile(r"打工|上班|干活|工作|务工|做工|工地|厂里|进厂|做事|挣钱|跑车|开车|换到|调到|去了|在外")
NAME_END = r"(?=$|[^\u4e00-\u9fa5]|今年|的|是|住|在|家|岁|在|读|上|照顾|带|身体|电话|手机|和|跟|也|已经|现在)"
CHILD_WORD = r"孩子|小孩|儿子|女儿|闺女|老大|老二|老三|老幺|大的|小的|大儿子|小儿子|大女儿|小女儿|娃"
_CHILD_NAME = re.compile(r"(?:" + CHILD_WORD + r")(?:叫|是|名叫|名字叫)?[:：\s]*(" + HAN + r"{2,3}?)" + NAME_END)
_GUARDIAN_NAME = re.compile(r"(" + _REL + r")[:：\s]*(?:叫|是)?[:：\s]*(" + HAN + r"{2,3}?)" + NAME_END)
_SELF_NAME = re.compile(r"我(?:叫|名叫|姓名是?)[:：\s]*(" + HAN + r"{2,3}?)" + NAME_END)
_PARENT_OF = re.compile(r"我是(" + HAN + r"{2,3}?)(?:的|他|她)?(爸爸|父亲|爸|妈妈|母亲|妈)")
_BARE_NAME = re.compile(r"^(" + HAN + r"{2,3}?)" + NAME_END)
SCHOOL = re.compile(r"(" + HAN + r"{0,10}?(?:小学|中学|初中|高中|学校|幼儿园))")
CLASS = re.compile(r"([一二三四五六七八九1-9]年级(?:[一二三四五六七八九十\d]{1,2}班)?|[初高][一二三]"
                   r"(?:[一二三四五六七八九十\d]{1,2}班)?|[一二三四五六七八九十\d]{1,2}班|大班|中班|小班)")
NOT_NAMES = {"孩子", "我们", "他们", "现在", "之前", "以前", "照顾", "在家", "老家", "学校", "身体", "电话",
             "一个", "两个", "三个", "今年", "打工", "上学", "读书", "小学", "中学", "村里", "镇上"}
ILL = re.compile(r"生病|有病|病了|住院|瘫|卧床|残疾|腿脚不好|行动不便|身体不好|身体差|照顾不了|管不了|痴呆|糊涂|中风")
WELL = re.compile(r"身体好|身体还行|身体还好|身体可以|身体硬朗|健康|没病|挺好|还好|还行|硬朗|能照顾")
APART = re.compile(r"不住一起|不在一起住|没住一起|不和孩子住|不跟孩子住|分开住|住镇上|住在镇上|住隔壁|白天过来|每天过来")
TOGETHER = re.compile(r"住一起|住在一起|一起住|跟孩子住|和孩子住|同住|住我家|在家带|带着孩子住")
OTHER_AWAY = re.compile(r"(?:孩子|他|她)?(?:妈妈?|爸爸?|母亲|父亲|老婆|老公|媳妇|爱人)(?:也|都)(?:在|去)?.{0,8}(?:打工|上班|干活|工作|外地|外面)"
                        r"|(?:我们|夫妻|两口子)(?:俩|两个)?都在外|(?:爸妈|父母)都(?:在外|出去)")
OTHER_UNABLE = re.compile(r"(?:妈妈?|爸爸?|母亲|父亲|老婆|老公|媳妇|爱人).{0,6}(?:生病|有病|残疾|瘫|住院|照顾不了|精神)")
OTHER_NONE = re.compile(r"单亲|离婚|离了|去世|过世|走了|不在了|跑了|改嫁|联系不上")
OTHER_HOME = re.compile(r"(?:妈妈?|爸爸?|母亲|父亲|老婆|老公|媳妇|爱人)(?:在家|在老家)(?!.{0,4}(?:病|照顾不了))")
GENDER = {"male": re.compile(r"儿子|男孩|男娃|男生|男"), "female": re.compile(r"女儿|闺女|女孩|女娃|女生|女")}
SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
               "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃"
               "武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符"
               "舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农"
               "司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商"
               "刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")
BIRTH = re.compile(r"((?:19|20)\d\d)\s*[年./-]\s*(\d{1,2})\s*(?:月)?(?:\s*[./-]?\s*(\d{1,2})\s*[日号]?)?\s*(?:出生|生的|生)")
EMPLOYER = re.compile(r"(?:单位(?:是|叫|名称是?)?[:：\s]*|在)([\u4e00-\u9fa5A-Za-z0-9（）()]{2,24}?"
                      r"(?:公司|集团|工厂|厂|酒店|宾馆|饭店|餐厅|餐馆|超市|商场|医院|项目部|物流园|车队))")
ADDRESS = re.compile(r"(?:工作地址|单位地址|地址)(?:是|在)?[:：\s]*([^，,。；;\n]{4,40})")
log = logging.getLogger(__name__)


def birth_date(text: str) -> str | None:
    """"2015年3月生" / "2015年3月12日出生" / "2015.3.12生" -> ISO date (the 1st when no day)."""
    m = BIRTH.search(text or "")
    if not m:
        return None
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)
    try:
        from datetime import date
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def employer(text: str) -> dict:
    """{"employer": ...} or {"work_address": ...} when the parent names where they work."""
    m = ADDRESS.search(text or "")
    if m:
        return {"work_address": m.group(1).strip()}
    m = EMPLOYER.search(text or "")
    if not m:
        return {}
    name = re.sub(r"^.*的", "", m.group(1))
    return {"employer": name} if len(name) >= 3 else {}


@lru_cache(maxsize=1)
def _posseg():
    import jieba
    import jieba.posseg as pseg
    jieba.setLogLevel(logging.WARNING)
    return pseg


def clauses(text: str) -> list[str]:
    return [c.strip() for c in re.split(r"[，,。；;！!？?\n、]+", text or "") if c.strip()]


def _clean_place(word: str) -> str:
    return re.sub(r"(?:市|省|地区|自治州|特别行政区)$", "", word)


def place_words(text: str) -> list[str]:
    """Place names (jieba `ns`), in order."""
    words = []
    for w in _posseg().cut(text):
        if w.flag.startswith("ns") and len(w.word) >= 2:
            words.append(_clean_place(w.word))
    return words


def work_place(text: str, local: set[str], hint: str | None = None) -> dict:
    """{"city", "province", "country"} from a sentence about work; the LAST city said wins
    ("从北京换到天津" -> 天津). `local` holds the jurisdiction's own place names."""
    body = re.sub(r"(?:" + _REL + r")[:：\s]*" + HAN + r"{2,3}", " ", text)  # "姑姑 赵红梅" is a person
    words = [w for w in place_words(body) if w not in local and not re.search(r"[村镇乡]$", w)]
    for extra in (hint,):
        if extra and extra not in words and extra in body:
            words.append(extra)
    found: dict = {}
    for w in words:
        if w in COUNTRIES:
            found["country"] = w
        elif w in PROVINCES:
            found["province"] = w
        else:
            found["city"] = w
    return found


def is_work_clause(clause: str) -> bool:
    return bool(WORK.search(clause)) and not re.search(r"^(?:" + _REL + ")", clause)


def _name_ok(name: str | None) -> bool:
    return bool(name) and name[0] in SURNAMES and name not in NOT_NAMES \
        and not re.search(r"[村镇乡岁学校家里的了]$", name) and not re.search(_REL, name)


def child_entries(text: str) -> list[dict]:
    """Each child named in the text, with age, gender, school and class when said beside it."""
    found: list[dict] = []
    for clause in clauses(text):
        names = [m for m in _CHILD_NAME.finditer(clause) if _name_ok(m.group(1))]
        bare = _BARE_NAME.match(clause)
        if not names and bare and _name_ok(bare.group(1)) and (v.age_mentioned(clause) or SCHOOL.search(clause)):
            names = [bare]
        if not names and bare and _name_ok(bare.group(1)) and bare.group(1) == clause and not found_pending(found):
            found.append({"name": bare.group(1), "bare": True})  # "李小花，女，10岁": details follow
            continue
        if not names and found and (SCHOOL.search(clause) or CLASS.search(clause) or BIRTH.search(clause)
                                    or _about_last_child(clause)):
            keys = ("school", "school_class", "birth") if not _about_last_child(clause) else tuple(child_details(clause))
            found[-1].update({k: val for k, val in child_details(clause).items()
                              if k in keys and k not in found[-1]})
        for i, m in enumerate(names):
            tail = clause[m.start(1):names[i + 1].start() if i + 1 < len(names) else len(clause)]
            entry = {"name": m.group(1)}
            entry.update(child_details(clause[:m.start()] + tail))
            found.append(entry)
    # A name said alone counts only when details about that child followed it.
    found = [e for e in found if not (e.get("bare") and len(e) == 2)]
    for entry in found:
        entry.pop("bare", None)
    return found


def _about_last_child(clause: str) -> bool:
    """"女", "10岁", "上四年级": a short clause right after a child's name, about that child."""
    details = child_details(clause)
    return bool(details) and len(clause) <= 12 and not re.search(_REL + "|我|他爸|她爸|妈", clause) \
        and (details.get("age") is None or details["age"] <= 18)


def found_pending(found: list[dict]) -> bool:
    """The last name was said alone and nothing about that child has followed yet."""
    return bool(found) and found[-1].get("bare") is True and len(found[-1]) == 2


def child_details(text: str) -> dict:
    out: dict = {}
    born = birth_date(text)
    if born:
        out["birth"] = born
    age = v.parse_age(BIRTH.sub(" ", text))
    if age is not None and 0 <= age < 19:
        out["age"] = age
    gender = next((g for g, rx in GENDER.items() if rx.search(text)), None)
    if gender:
        out["gender"] = gender
    school = SCHOOL.search(text)
    if school:
        out["school"] = re.sub(r"^.*(?:在|读|去|到|岁)", "", school.group(1))
    klass = CLASS.search(text)
    if klass:
        out["school_class"] = klass.group(1)
    if re.search(r"没上学|还没上学|不上学|没读书|在家带", text):
        out["school"] = "未上学"
    return out


def guardian_entry(text: str) -> dict:
    """The guardian: a relation word and a name, and their phone, age, health, living."""
    out: dict = {}
    m = _GUARDIAN_NAME.search(text)
    if m and _name_ok(m.group(2)):
        out["relation"], out["name"] = RELATIONS[m.group(1)], m.group(2)
    else:
        rel = re.search(_REL, text)
        if rel:
            out["relation"] = RELATIONS[rel.group()]
    out.update(guardian_details(text))
    return out


def guardian_details(text: str) -> dict:
    out: dict = {}
    phone = v.parse_phone(text)
    if phone:
        out["phone"] = phone
    age = re.search(r"(\d{2}|[一二三四五六七八九]十[一二三四五六七八九]?)(?:多)?岁", text)
    if age:
        years = v.cn_number(age.group(1))
        if years and 10 <= years <= 110:
            out["age"] = years
    if ILL.search(text):
        out["health"] = "disabled" if re.search(r"残疾|瘫|行动不便|腿脚", text) else "ill"
    elif WELL.search(text):
        out["health"] = "good"
    if APART.search(text):
        out["lives_with"] = False
    elif TOGETHER.search(text):
        out["lives_with"] = True
    return out


def other_parent(text: str) -> str | None:
    for code, rx in (("none", OTHER_NONE), ("unable", OTHER_UNABLE), ("away", OTHER_AWAY), ("home", OTHER_HOME)):
        if rx.search(text):
            return code
    return None


def parent_role(text: str) -> str | None:
    if re.search(r"我是" + HAN + r"{0,5}?(?:爸爸|父亲|爸)|孩子他爸|当爹|我老婆|我媳妇", text):
        return "father"
    if re.search(r"我是" + HAN + r"{0,5}?(?:妈妈|母亲|妈)|孩子他妈|当妈|我老公|我丈夫", text):
        return "mother"
    return None


def guardian_subject(clause: str) -> bool:
    return bool(re.search(_REL, clause)) or bool(re.search(r"照顾|在带|带孩子|监护", clause))


def extract(text: str, local: set[str], city_hint: str | None = None) -> dict:
    """Everything one message says: {"parent": {...}, "children": [...], "guardian": {...},
    "other_parent": code}. Keys appear only when said."""
    parent: dict = {}
    guardian: dict = {}
    facts: dict = {"parent": parent, "guardian": guardian, "children": child_entries(text)}
    of = _PARENT_OF.search(text)
    if of and _name_ok(of.group(1)) and not facts["children"]:  # "我是王小雨的爸爸，孩子转学到…"
        facts["children"] = [{"name": of.group(1), **child_details(text.replace(of.group(0), " "))}]
    role = parent_role(text)
    if role:
        parent["role"] = role
    me = _SELF_NAME.search(text)
    if me and _name_ok(me.group(1)):
        parent["name"] = me.group(1)
    subject = "parent"
    for clause in clauses(text):
        if guardian_subject(clause) and not re.match(r"^我", clause):
            subject = "guardian"
            guardian.update({k: val for k, val in guardian_entry(clause).items() if k not in guardian})
        elif re.search(r"^(?:我|电话|手机|联系)", clause) or is_work_clause(clause):
            subject = "parent"
        elif re.search(CHILD_WORD, clause):
            subject = "child"
        elif subject == "guardian":
            guardian.update({k: val for k, val in guardian_details(clause).items() if k not in guardian})
            continue
        if subject == "parent":
            phone = v.parse_phone(clause)
            if phone and "phone" not in parent:
                parent["phone"] = phone
            where = employer(clause) if is_work_clause(clause) or re.search(r"单位|地址", clause) else {}
            if (is_work_clause(clause) or re.search(r"在|到|去|从", clause)) and "work_address" not in where:
                body = clause.replace(parent.get("name") or "\0", " ")
                parent.update(work_place(body, local, city_hint))
            parent.update(where)
    for key, rx, value in (("lives_with", APART, False), ("lives_with", TOGETHER, True)):
        if key not in guardian and rx.search(text):
            guardian[key] = value
    other = other_parent(text)
    if other:
        facts["other_parent"] = other
    return facts
