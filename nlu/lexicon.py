"""Rule-based entity extraction on normalised text: regexes, lookups and synonyms.

Every rule maps a matched span to a canonical value (a category code, `urgent`, a role
code, a normalised relation word ...). Rules run on the output of `normalize`, so they
only need Simplified characters, ASCII digits and lower-case Latin letters.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

HAN = r"[\u4e00-\u9fff]"
KID = r"(?:孩子|娃娃|娃|小孩|伢子|伢|儿子|女儿|孙子|孙女|外孙女|外孙|闺女|学生|他|她|我)"
FAMILY = r"(?:爸爸|爸|爹|老汉|妈妈|妈|娘|父亲|母亲|继父|继母|后妈|后爸|爷爷|奶奶|叔叔|二叔|舅舅|家长|大人|男人|老公)"

CATEGORY_RULES: dict[str, list[str]] = {
    "child_alone": [
        r"一个人(?:住|在家|在屋头?|在屋里|过|生活|待|呆|留在家)", r"独自(?:生活|在家|居住|一人|住|过)",
        r"独居", r"单独(?:居住|生活|在家|住)", r"(?:没|没有|无)人(?:管|照顾|照看|看管|照料|带|看)",
        r"(?:家里|屋里|屋头|身边)?没(?:有)?大人", r"自己一个人(?:住|过|在家)?", r"流浪",
        r"无人监护", r"脱离监护", r"(?:锁|关)在(?:家|屋)", r"没人做饭", r"扔在家",
    ],
    "child_missing": [
        r"失踪", r"不见了", r"找不(?:到|着)(?!家长|工作|地方|路|人管)", r"走丢", r"走失", r"离家出走", r"失联", r"丢了",
        r"(?:一直|还|到现在|至今|一晚上|一夜|整夜|一整夜|一宿|一天一夜|\d+天)(?:都|也|还)?没(?:有)?回(?:来|家)?",
        r"被拐", r"拐卖", r"拐走", r"被人(?:带|抱|拉|骗)走", r"(?:带|抱)走了", r"不知道(?:去|跑)(?:哪|哪里|哪儿)",
        r"没(?:有)?回家", r"跑了没回",
        r"(?:孩子|小孩|娃|人|学生|他|她)\S{0,3}联系不上", r"不知道(?:人)?(?:在|去了?)(?:哪|哪里|哪儿)", r"没到家",
        r"(?:家长|大人|到处|全村)(?:都在)?(?:到处)?找", r"没(?:有)?(?:消息|音讯)",
    ],
    "guardian_unfit": [
        r"不管(?:孩子|娃|他|她|伢子|小孩)", r"(?:根本|也|都|从来)不管", r"瘫痪", r"痴呆", r"糊涂了",
        r"精神(?:病|有问题|不正常|失常)", r"神经病", r"病倒", r"(?:喝醉|酗酒|天天喝酒|喝酒)", r"赌博", r"吸毒",
        r"坐牢", r"服刑", r"被抓", r"照顾不了", r"顾不过来", r"管不了", r"看不住", r"遗弃", r"抛弃",
        r"不给(?:孩子|娃|他|她)?(?:饭|吃)", r"饭都不给", r"(?:扔|丢)(?:下|给)", r"不履行", r"丧失监护",
        r"不要(?:这个)?(?:孩子|娃)", r"自己都(?:顾|管)不", r"卧床", r"重病", r"病得很重",
        r"瘫", r"关进去", r"赌", r"打牌", r"(?:爷爷|奶奶|外公|外婆|姥姥|姥爷|妈|爸|监护人)\S{0,2}住院", r"傻",
        r"营养不良", r"不尽责", r"管不住",
    ],
    "domestic_violence": [
        r"家暴", r"家庭暴力", r"虐待", r"往死里打", r"拳打脚踢",
        FAMILY + r"(?:又|经常|天天|总是|老是|一直|喝了酒就|喝酒就|正在)?(?:打|抽|踢|揍|掐|扇)",
        r"打(?:孩子|娃|小孩|伢子|他|她|我|儿子|女儿|孙子|孙女|老婆)", r"挨打", r"挨揍", r"(?:被|又被)(?:他|她)?" + FAMILY + r"?打",
        r"(?:用|拿)" + HAN + r"{1,4}(?:抽|打|烫)", r"皮带", r"棍子", r"烧火棍", r"扇(?:耳光|巴掌)", r"耳光",
        r"伤痕", r"淤青", r"青一块紫一块", r"血印", r"拿孩子出气", r"出气筒", r"揍", r"打得", r"打骂", r"烟头", r"衣架", r"吊起来打", r"打断",
    ],
    "injury_or_harm": [
        r"被(?:人|陌生人|坏人|男的|别人|村里人|老师|流氓)" + HAN + r"{0,3}(?:打|砍|捅|伤|撞)", r"受伤", r"摔(?:伤|断|破|坏)",
        r"烫伤", r"烧伤", r"砸伤", r"咬(?:了|伤)", r"撞(?:了|伤|倒)", r"车祸", r"溺水", r"猥亵", r"性侵", r"强奸",
        r"骚扰", r"乱摸", r"摸(?:她|他)", r"怀孕", r"童工", r"体罚", r"中毒", r"触电", r"骨折", r"打伤", r"砍伤",
        r"让人打", r"被人打", r"侵害", r"掉(?:进)?(?:水|河|塘|井|坑)", r"落水", r"伤了", r"流血",
        r"吃错", r"误食", r"口吐白沫", r"(?:蛇|狗|马蜂|蜂)\S{0,2}(?:咬|蛰|叮)", r"动手动脚", r"夹伤", r"电到",
    ],
    "dropout": [
        r"辍学", r"失学", r"退学", r"不(?:去)?上学", r"没(?:有)?(?:来|去)上学", r"不读书", r"不读了", r"旷课",
        r"逃学", r"不(?:来|去)学校", r"没(?:来|去)(?:学校|上课)", r"不上课", r"\d+天没(?:来|去)", r"休学",
        r"不念书", r"不念了", r"不(?:肯|愿意?|想)(?:去)?(?:上学|学校|读书|念书)", r"逃课", r"没进教室",
    ],
    "other": [
        r"欺负", r"霸凌", r"欺凌", r"勒索", r"被同学", r"不想活", r"自杀", r"轻生", r"跳楼", r"割腕", r"抑郁",
        r"心理", r"沉迷", r"网(?:络|上|游|友)", r"游戏", r"被骗", r"裸聊", r"发照片", r"吃不上饭", r"穷",
        r"没(?:有)?钱", r"棉衣", r"冻得", r"困难", r"孤僻", r"早恋", r"活着没意思", r"不想上学了活", r"孤立", r"威胁",
    ],
}

STRONG_URGENT = [
    r"救命", r"救救", r"快来", r"快点来", r"赶紧来", r"快救", r"快过来", r"马上(?:来|过来|派|报警|出警|救)",
    r"紧急(?!联系)", r"十万火急", r"快报警", r"赶快", r"快点", r"快帮", r"急死", r"(?:^|\s)急(?:$|\s|啊|呀)",
    r"正在(?:打|被|流血|追|砍|往|带|拖|跳|烧|着火|找|发生)", r"现在(?:还在|正在)", r"还在打", r"打得?(?:半死|晕|不行)",
    r"掉(?:进)?(?:水|河|塘|井|坑|池)", r"落水", r"溺水", r"淹",
    r"(?:一整夜|一夜|整夜|一晚上|一宿|昨晚|昨天晚上|一天一夜|\d+天)(?:都|也|还)?没(?:有)?回",
]
# Signs of an emergency that a question about rules or past cases may also contain.
CONTEXT_URGENT = [
    r"(?:到现在|至今|一直|还|天黑了?)(?:都|也|还)?没(?:有)?(?:回|找到|消息|音讯)",
    r"失踪", r"不见了", r"找不(?:到|着)(?!家长|工作|地方|路|人管)", r"走丢", r"走失", r"失联", r"被拐", r"拐走", r"被人(?:带|抱|拉|骗)走", r"(?:带|抱)走了",
    r"流血", r"血流", r"昏(?:倒|迷|过去)", r"晕(?:倒|过去)", r"叫不醒", r"没(?:了)?呼吸", r"抽搐", r"休克", r"不省人事",
    r"农药", r"吃了(?:很多)?药", r"中毒", r"割腕", r"跳楼", r"楼顶", r"要跳", r"上吊", r"自杀", r"遗书",
    r"着火", r"火灾", r"拿(?:着)?刀", r"持刀", r"砍", r"捅", r"饿了\d+天", r"被困", r"困在", r"关起来", r"锁在",
    r"快不行", r"要死了", r"出人命", r"危险",
    r"正在(?:抽|踢|揍|掐|砍|烧|闹|拿)", r"还在(?:抽|踢|揍|砍)", r"口吐白沫", r"没(?:有)?反应", r"不动了?", r"抽筋",
    r"呼吸困难", r"喘不上气", r"(?:蛇|毒虫)\S{0,2}咬", r"被车撞", r"撞倒", r"车祸", r"触电", r"电到", r"误食", r"吃错",
    r"烧伤", r"大出血", r"天黑", r"到处找", r"离家出走", r"不知道(?:人)?(?:在|去了?)(?:哪|哪里|哪儿)", r"没到家",
    r"(?:孩子|小孩|娃|人)\S{0,3}联系不上", r"(?:河|塘|水库|井|水)边.{0,10}(?:一个人|没大人|没人)", r"水很深",
    r"(?:一夜|一晚上|整晚)没",
]

SELF = r"(?:我是|我们是|本人是|本人|作为|我在|我系|俺是|我就是|我是一[名个位])"
ROLE_RULES: dict[str, list[str]] = {
    "teacher": [SELF + HAN + r"{0,10}?(老师|班主任|校长|教师|园长)", r"(我们(?:学校|班|幼儿园))", r"^(班主任|老师)[,\s]"],
    "medical": [SELF + HAN + r"{0,10}?(医生|护士|村医|大夫|卫生院|医院)", r"(我们(?:医院|卫生院|诊所))"],
    "village_cadre": [SELF + HAN + r"{0,8}?(村干部|村支书|支书|村主任|村长|村委|儿童主任|网格员|妇女主任|村会计|居委会|驻村)",
                      r"(我们村委|我们居委会)"],
    "social_worker": [SELF + HAN + r"{0,8}?(社工|救助站|福利院|救助管理站|志愿者)"],
    "child_self": [r"我是(学生|孩子|小孩|留守儿童)", r"(?:爸|妈|爹|娘|继父|后妈|爷爷|奶奶)\S{0,4}(打我)", r"(我(?:自己)?被)(?:打|欺负|骂|关)",
                   r"(我爸妈)(?:都)?(?:在外|出去|去了|不在)", r"^(我)\d+岁"],
    "parent": [SELF + r"(?:他|她|孩子|娃|伢子)?的?(爸爸|妈妈|父亲|母亲|家长|爸|妈|孩子他爸|孩子他妈)",
               r"^(?:我家|我的)?(儿子|女儿|闺女)", r"(我(?:家)?(?:娃|孩子|儿子|女儿|闺女))"],
    "relative": [SELF + r"(?:他|她|孩子|娃)?的?(爷爷|奶奶|外公|外婆|姥姥|姥爷|姑姑|姑妈|舅舅|姨妈|小姨|叔叔|大伯|伯伯|婶婶|哥哥|姐姐|亲戚|二叔|三叔|大姑|小姑)",
                 r"(我(?:家)?(?:孙子|孙女|外孙女|外孙|侄子|侄女|外甥))", r"(俺(?:家)?(?:孙子|孙女|外孙))"],
    "citizen": [SELF + r"(?:他|她|他们|孩子)?(?:家)?的?(邻居|村民|路人|群众|老乡)", r"(我路过)"],
}

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


@dataclass
class Match:
    entity: str
    value: str
    start: int
    end: int
    extractor: str = "ShouhuRegex"


def _compile(rules: dict[str, list[str]]) -> list[tuple[str, re.Pattern]]:
    return [(value, re.compile(p)) for value, pats in rules.items() for p in pats]


_CAT = _compile(CATEGORY_RULES)
_STRONG = [re.compile(p) for p in STRONG_URGENT]
_CONTEXT = [re.compile(p) for p in CONTEXT_URGENT]
_ROLE = _compile(ROLE_RULES)
_GENDER = [(v, re.compile(p)) for v, p in GENDER_RULES.items()]
_CITY = re.compile("|".join(sorted(CITIES, key=len, reverse=True)))


# When several categories match, the cause wins over its consequence: a child left alone
# because the guardian is ill is guardian_unfit; child_alone yields to any other category.
OVERRIDES = {("guardian_unfit", "child_alone"), ("domestic_violence", "guardian_unfit"),
             ("injury_or_harm", "other"), ("domestic_violence", "child_alone"),
             ("child_missing", "child_alone"), ("injury_or_harm", "child_alone"),
             ("dropout", "child_alone"), ("other", "child_alone")}


def best_category(text: str, extra: dict[str, str] | None = None) -> Match | None:
    """One category per message: the longest match per category, then OVERRIDES, then length."""
    per: dict[str, Match] = {}

    def offer(m: Match) -> None:
        cur = per.get(m.value)
        if cur is None or (m.end - m.start) > (cur.end - cur.start):
            per[m.value] = m

    for phrase, value in (extra or {}).items():
        start = text.find(phrase)
        if start >= 0:
            offer(Match("category", value, start, start + len(phrase), "ShouhuSynonym"))
    for value, pat in _CAT:
        for m in pat.finditer(text):
            offer(Match("category", value, m.start(), m.end()))
    if not per:
        return None
    cands = [m for m in per.values()
             if not any((other, m.value) in OVERRIDES for other in per if other != m.value)]
    cands = cands or list(per.values())
    return max(cands, key=lambda m: (m.end - m.start, -m.start))


def urgency(text: str, extra: list[str] | None = None, question: bool = False) -> Match | None:
    """`question`: the message asks about rules or a past case, so only strong signs count."""
    text = text.replace("紧急联系人", "     ")
    for pat in _STRONG if question else _STRONG + _CONTEXT:
        m = pat.search(text)
        if m:
            return Match("urgency", "urgent", m.start(), m.end())
    if question:
        return None
    for phrase in extra or ():
        i = text.find(phrase)
        if i >= 0:
            return Match("urgency", "urgent", i, i + len(phrase), "ShouhuSynonym")
    return None


def reporter_role(text: str) -> Match | None:
    for value, pat in _ROLE:
        m = pat.search(text)
        if m:
            g = m.lastindex or 0
            return Match("reporter_role", value, m.start(g), m.end(g))
    return None


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
