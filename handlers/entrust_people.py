"""Who a parent's words are about: the guardian (a kin word and a name, "姑姑 赵红梅"), the
other parent, and the parent themself (pure functions, no database).

Kin words are a closed list; a name is two or three characters starting with a surname.
A guardian who has died or left ("奶奶过世了") is the old one, never the new guardian nor the
other parent; "改由外婆照顾" names the new one.
"""
from __future__ import annotations

import re

from handlers import validators as v

HAN = r"[\u4e00-\u9fa5]"
RELATIONS = {
    "爷爷": "爷爷", "奶奶": "奶奶", "外公": "外公", "姥爷": "外公", "外婆": "外婆", "姥姥": "外婆",
    "叔叔": "叔叔", "小叔": "叔叔", "婶婶": "婶婶", "婶子": "婶婶", "伯伯": "伯伯", "大伯": "伯伯",
    "伯母": "伯母", "姑姑": "姑姑", "大姑": "姑姑", "小姑": "姑姑", "姑妈": "姑姑", "姑父": "姑父",
    "舅舅": "舅舅", "舅妈": "舅妈", "姨妈": "姨妈", "小姨": "姨妈", "大姨": "姨妈", "姨父": "姨父",
    "阿姨": "阿姨", "哥哥": "哥哥", "姐姐": "姐姐", "表哥": "表哥", "表姐": "表姐", "表弟": "表弟",
    "表妹": "表妹", "堂哥": "堂哥", "堂姐": "堂姐", "堂弟": "堂弟", "堂妹": "堂妹", "嫂子": "嫂子",
    "邻居": "邻居", "老师": "老师", "亲戚": "亲戚",
    # as parents say it: "他爷" is the child's grandfather, "公公/婆婆" (a mother's in-laws) too
    "他爷": "爷爷", "她爷": "爷爷", "他奶": "奶奶", "她奶": "奶奶", "公公": "爷爷", "婆婆": "奶奶",
    "兄姐": "兄姐",
}
_REL = "|".join(sorted(RELATIONS, key=len, reverse=True))
NAME_END = r"(?=$|[^\u4e00-\u9fa5]|今年|的|是|住|在|家|岁|在|读|上|照顾|带|身体|电话|手机|和|跟|也|已经|现在)"
_GUARDIAN_NAME = re.compile(r"(" + _REL + r")[:：\s]*(?:叫|是)?[:：\s]*(" + HAN + r"{2,3}?)" + NAME_END)
NOT_NAMES = {"孩子", "我们", "他们", "现在", "之前", "以前", "照顾", "在家", "老家", "学校", "身体", "电话",
             "一个", "两个", "三个", "今年", "打工", "上学", "读书", "小学", "中学", "村里", "镇上"}
SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
               "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃"
               "武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符"
               "舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农"
               "司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商"
               "刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝贝洪阎赖燕郁冀蔺鞠慕邰屠茹钮闻储凤濮")
ILL = re.compile(r"生病|有病|病了|住院|瘫|卧床|残疾|腿脚不好|行动不便|身体不好|身体差|照顾不了|管不了|痴呆|糊涂|中风")
WELL = re.compile(r"身体好|身体还行|身体还好|身体(?:还)?可以|身体不错|身体硬朗|健康|没病|挺好|还好|还行|还可以|硬朗|能照顾")
APART = re.compile(r"不住一起|不在一起住|没住一起|不和孩子住|不跟孩子住|分开住|住镇上|住在镇上|住隔壁|白天过来|每天过来")
# The child living at the guardian's ("孩子吃住都在她家") outweighs where the guardian's own house is.
TOGETHER = re.compile(r"住一起|住在一起|一起住|住一块|一块儿?住|(?:跟|和)(?:孩子|娃)们?(?:一起)?住|孩子(?:也)?(?:跟|和)(?:她|他)(?:一起)?住|同住|住我家"
                      r"|在家带|带着孩子住|跟着.{0,3}(?:过|住|生活)|孩子.{0,4}(?:住|吃住)(?:都)?在(?:她|他)家|住(?:到|在)?(?:她|他)家")
SPOUSE = r"(?:孩子他|孩子她|娃儿?他|娃儿?她|孩子|娃儿?|他|她|佢)?(?:的|阿)?(?:妈妈?|爸爸?|母亲|父亲|爹|(?<![姑新大老])娘)|老婆|老公|媳妇|爱人|丈夫"
OTHER_AWAY = re.compile(r"(?:" + SPOUSE + r")(?:也|都)(?:在|去)?.{0,8}(?:打工|上班|干活|干|工作|外地|外面)"
                        r"|(?:我们|我哋|夫妻|两口子|两公婆)(?:俩|两个)?(?:都|要)?(?:在外|出去|去)|(?:爸妈|父母)都(?:在外|出去)"
                        r"|我(?:和|跟)(?:" + SPOUSE + r").{0,8}(?:都|一起)?(?:要)?(?:去|出去|在外)"
                        r"|(?:和|跟)我?(?:" + SPOUSE + r")(?:一起|一块儿?|一道)(?:去|出去|走|出门)"
                        r"|(?:" + SPOUSE + r")(?:跟|和)(?:我|俺)们?(?:一起|一块儿?|一道)?(?:去|出去|走|在|出来)?"
                        r"|(?:" + SPOUSE + r").{0,6}也在|(?:" + SPOUSE + r")(?:也|都)?在外(?:面|地|头|边)"
                        r"|(?:" + SPOUSE + r")(?:在|去)(?!家|老家).{0,10}(?:打工|上班|干活|工作|跑|开车|工地|厂)")
OTHER_UNABLE = re.compile(r"(?:妈妈?|爸爸?|母亲|父亲|老婆|老公|媳妇|爱人).{0,10}(?:生病|有病|残疾|瘫|住院|照顾不了|精神"
                          r"|身体不好|身体差|管不了)")
OTHER_NONE = re.compile(r"单亲|离婚|离了|去世|过世|走了|不在了|跑了|改嫁|联系不上|(?:我们|俩|两个)(?:早就?|已经)?分开了|分手了")
OTHER_HOME = re.compile(r"(?:妈妈?|爸爸?|母亲|父亲|老婆|老公|媳妇|爱人)(?:在家|在老家)(?!.{0,4}(?:病|照顾不了))")
GONE = re.compile(r"过世|去世|走了|不在了|没了|住院了|管不了了|照顾不了了")
NEW_GUARDIAN = re.compile(r"(?:改由|改成|换成|改让|换到|现在由|现在是|以后由)(?:孩子|他|她|娃)?(?:的)?(" + _REL + r")")


# An elder child who minds the younger, said as the answer to "who looks after the child":
# "老大 冯小玲 16岁" / "大女儿 薛小芳 17岁" is the guardian, a brother or sister, not
# another child to register.
ELDER_CHILD = {"老大": "兄姐", "大女儿": "姐姐", "二女儿": "姐姐", "女儿": "姐姐", "大闺女": "姐姐", "闺女": "姐姐",
               "大儿子": "哥哥", "二儿子": "哥哥", "儿子": "哥哥"}
_ELDER = re.compile(r"^\s*(?:是|由|让|就是)?(?:我家|我们家|家里)?(" + "|".join(sorted(ELDER_CHILD, key=len, reverse=True)) + r")")


def as_guardian_answer(text: str) -> str:
    """The answer to "who looks after the child", its elder-child word made a kin word."""
    m = _ELDER.match(text or "")
    return text[:m.start(1)] + ELDER_CHILD[m.group(1)] + text[m.end(1):] if m else text


def name_ok(name: str | None) -> bool:
    return bool(name) and name[0] in SURNAMES and name not in NOT_NAMES \
        and not re.search(r"[村镇乡岁学校家里的了]$", name) and not re.search(_REL, name)


def loose_name_ok(name: str | None) -> bool:
    """A listed surname, or a name jieba reads as one (rare surnames: "郜雨桐", "郗桂英")."""
    from handlers.entrust_workplace import person_name  # entrust_workplace imports this module
    return name_ok(name) or (bool(name) and name not in NOT_NAMES and not re.search(_REL + r"|[村镇乡岁学校家里的了]", name)
                             and person_name(name))


# "孩子跟外婆住": the child lives with the guardian named by their relation.
WITH_KIN = re.compile(r"(?:孩子|娃)们?(?:也)?(?:跟|和)着?(?:" + _REL + r")(?:一起|一块儿?)?(?:住|过|生活)")


def relation_in(text: str) -> str | None:
    """The kin word said, canonical ("姥姥" -> 外婆); the new one when a change is said."""
    new = NEW_GUARDIAN.search(text)
    rel = new.group(1) if new else (re.search(_REL, text).group() if re.search(_REL, text) else None)
    return RELATIONS[rel] if rel else None


def guardian_entry(text: str) -> dict:
    """The guardian: a relation word and a name, and their phone, age, health, living."""
    out: dict = {}
    m = next((m for m in _GUARDIAN_NAME.finditer(text) if loose_name_ok(m.group(2))), None)
    if m:
        out["relation"], out["name"] = RELATIONS[m.group(1)], m.group(2)
    elif relation_in(text):
        out["relation"] = relation_in(text)
        name = standalone_name(text[re.search(_REL, text).end():])  # "舅舅，就是我弟弟 邹德才 58岁"
        if name:
            out["name"] = name
    out.update(guardian_details(text))
    return out


def standalone_name(text: str) -> str | None:
    """A name said on its own between spaces or commas, as in "就是我弟弟 邹德才 58岁 …"."""
    for token in re.split(r"[\s，,。；;：:、]+", text or ""):
        token = re.sub(r"\d.*$", "", token)  # "邹德才13500001234"
        if re.fullmatch(HAN + r"{2,3}", token) and loose_name_ok(token):
            return token
    return None


def guardian_details(text: str) -> dict:
    out: dict = {}
    phone = v.parse_phone(text)
    if phone:
        out["phone"] = phone
    age = re.search(r"(\d{2}|[一二三四五六七八九]?十[一二三四五六七八九]?)(?:多)?岁", text)  # "十七岁" too
    if age:
        years = v.cn_number(age.group(1))
        if years and 10 <= years <= 110:
            out["age"] = years
    if ILL.search(text):
        out["health"] = "disabled" if re.search(r"残疾|瘫|行动不便|腿脚", text) else "ill"
    elif WELL.search(text):
        out["health"] = "good"
    if TOGETHER.search(text) and re.search(r"孩子.{0,4}(?:住|吃住)(?:都)?在(?:她|他)家|(?:跟|和)(?:她|他)(?:一起)?住", text):
        out["lives_with"] = True
    elif APART.search(text):
        out["lives_with"] = False
    elif TOGETHER.search(text) or WITH_KIN.search(text):
        out["lives_with"] = True
    return out


def gone(clause: str) -> bool:
    """"奶奶过世了": about a guardian who no longer is one."""
    return bool(GONE.search(clause)) and bool(re.search(_REL, clause)) and not NEW_GUARDIAN.search(clause)


def other_parent(text: str) -> str | None:
    for code, rx in (("none", OTHER_NONE), ("unable", OTHER_UNABLE), ("away", OTHER_AWAY), ("home", OTHER_HOME)):
        if rx.search(text):
            return code
    return None


def parent_role(text: str) -> str | None:
    """"我是孩子爸爸" / "我和孩子妈都去" / "我老婆…": who is speaking."""
    if re.search(r"我是" + HAN + r"{0,5}?(?:爸爸|父亲|爸)|当爹", text):
        return "father"
    if re.search(r"我是" + HAN + r"{0,5}?(?:妈妈|母亲|妈)|当妈", text):
        return "mother"
    return spoken_of(text, mine=True)


def spoken_of(text: str, mine: bool = False) -> str | None:
    """The speaker's role from how they name the other parent: "孩子妈/我老婆" -> father."""
    wife = r"我(?:和|跟)?(?:老婆|媳妇|爱人)|(?:我和|我跟)(?:孩子|娃)(?:他|她)?(?:妈妈?|母亲)|孩子[他她]妈|娃[他她]妈|老婆|媳妇"
    husband = r"我(?:和|跟)?(?:老公|丈夫)|(?:我和|我跟)(?:孩子|娃)(?:他|她)?(?:爸爸?|父亲)|孩子[他她]爸|娃[他她]爸|老公|丈夫"
    if not mine:
        wife += r"|^(?:孩子|娃|他|她)?(?:的)?(?:妈妈?|母亲)(?!妈)"
        husband += r"|^(?:孩子|娃|他|她)?(?:的)?(?:爸爸?|父亲)"
    if re.search(wife, text):
        return "father"
    if re.search(husband, text):
        return "mother"
    return None


def guardian_subject(clause: str) -> bool:
    # "搬到他姥姥家旁边了": a landmark, not who looks after the child
    clause = re.sub(r"(?:" + _REL + r")家(?:旁边|附近|对面|隔壁|边上|前面|后面|前头|后头|那边)", " ", clause)
    return bool(re.search(_REL, clause)) or bool(re.search(r"照顾|照看|在带|带孩子|监护", clause))
