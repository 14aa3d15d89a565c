"""The report category of a message: keyword rules per category, then which category wins."""
from __future__ import annotations

import re

from .hazards import (
    ABDUCT,
    ANIMAL,
    BULLY,
    CRUSH,
    ELECTRIC,
    FAMILY,
    FAMILY_ACT,
    FAMILY_ANY,
    FAMILY_STRICT,
    FIRE,
    HAN,
    HAZARD_PUSH,
    HEIGHT_FALL,
    ILLNESS,
    LABOUR,
    POISON,
    SCALD,
    SELF_CUT,
    SELF_HARM,
    SEXUAL,
    SWALLOW,
    TRAFFIC,
    VIOLENT,
    WATER_FALL,
    WATER_SWEPT,
)
from .match import Match, compile_rules

CATEGORY_RULES: dict[str, list[str]] = {
    "child_alone": [
        r"(?:家里|屋里|屋头|家中)\S{0,2}没(?:有)?(?:人|大人)(?!管|照顾|照看|要|送)",
        r"(?:家里|屋里|屋头|家中)(?:就|只有|只剩)(?:他|她|娃|孩子|我|俩|两个|三个)",
        r"(?:只|就)(?:剩|有)(?:下)?\S{0,2}(?:他|她|娃|孩子|小孩|我)(?:们|俩)?(?:两个|三个|俩|几个)?(?![\u4e00-\u9fff]{0,2}(?:大人|爷|奶|妈|爸))", r"大人\S{0,4}(?:都)?不在(?:家|屋)",
        r"一个人(?:住|在家|在屋头?|在屋里|过|生活|待|呆|留在家)", r"独自(?:生活|在家|居住|一人|住|过)",
        r"独居", r"单独(?:居住|生活|在家|住)", r"(?:没|没有|无)人(?:管|照顾|照看|看管|照料|带|看)",
        r"(?:家里|屋里|屋头|身边)?没(?:有)?大人", r"自己一个人(?:住|过|在家)?", r"流浪",
        r"无人监护", r"脱离监护", r"(?:锁|关)在(?:家|屋)", r"没人做饭", r"扔在家",
        r"(?:一个人|自个儿?|自己|独个|单个)\S{0,2}(?:住|在家|在屋|过|待|呆|生活|睡|看家)", r"没(?:得|有)?大人",
        r"(?:没|没有|无)人(?:照看|看着|看护|陪)", r"反锁", r"留在家里?没人", r"(?:爷爷|奶奶|外公|外婆|爸妈|父母|爹妈|家里人|爷奶)\S{0,3}(?:都)?不在(?:家|屋|身边)", r"(?:只|就)(?:剩|有)\S{0,4}(?:娃|孩子|小孩)",
    ],
    "child_missing": [
        r"失踪", r"不见了", r"找不(?:到|着)(?!家长|工作|地方|路|人管)", r"走丢", r"走失", r"离家出走", r"失联", r"丢了",
        r"(?<!大人)(?<!家长)(?<!爸妈)(?<!父母)(?:一直|还|到现在|至今|一晚上|一夜|整夜|一整夜|一宿|一天一夜|\d+天)(?:都|也|还)?没(?:有)?回(?:来|家)?",
        ABDUCT, r"被[^。！？!?]{0,10}(?:领走|带走|抱走|拉走|骗走|拐走|接走)",
        r"(?:娃|孩子|女儿|儿子|丫头|闺女|学生|女娃|男娃|小孩)(?:又|偷偷)?跟[^。！？!?]{0,6}(?:跑了|走了|私奔)", r"手机\S{0,2}关机|关机了", r"往\S{0,2}车(?:里|上)\S{0,2}(?:拽|拖|拉|塞|抱|推)|(?:拽|拖|拉|塞|抱|推)(?:上|进)\S{0,3}车", r"迷(?:了)?路",
        r"被拐", r"拐卖", r"拐走", r"被人(?:带|抱|拉|骗)走", r"(?:带|抱)走了", r"不知道(?:去|跑)(?:哪|哪里|哪儿)",
        r"没(?:有)?回家", r"跑了没回",
        r"(?:孩子|小孩|娃|人|学生|他|她)\S{0,3}联系不上", r"不知道(?:人)?(?:在|去了?)(?:哪|哪里|哪儿)", r"没到家",
        r"(?:家长|大人|到处|全村)(?:都在)?(?:到处)?找", r"没(?:有)?(?:消息|音讯)",
        r"(?:陌生|不认识|人贩子|坏人|外地人|开车的)\S{0,12}(?:带走|抱走|拐|拽|拉走|抢|抱上|开走|领走|骗走|弄走)",
        r"拐(?:了|跑|卖)|人贩子|被(?:人)?(?:领|骗|抢|抱|拽|弄)走", r"骗(?:去|到|走)(?:了)?\S{0,4}(?:外地|外省|城里|别的地方|广东|县城)", r"(?:\d+|两|几|好几)天没(?:回|见|着家)|没(?:见|着)(?:人|家)",
    ],
    "guardian_unfit": [
        r"戒毒所|看守所|拘留|监狱|进去了", r"被\S{0,3}(?:丢|扔|遗弃)在(?!家)", r"(?:[789]\d)岁的?\S{0,2}(?:太爷|太奶|老人|爷爷|奶奶|外公|外婆)|太爷|太奶",
        r"不管(?:孩子|娃|他|她|伢子|小孩)", r"(?:根本|也|都|从来)不管", r"瘫痪", r"痴呆", r"糊涂了",
        r"精神(?:病|有问题|不正常|失常)", r"神经病", r"病倒", r"(?:喝醉|酗酒|天天喝酒|喝酒)", r"赌博", r"吸毒",
        r"坐牢", r"服刑", r"被抓", r"照顾不了", r"顾不过来", r"管不了", r"看不住", r"遗弃", r"抛弃",
        r"不给(?:孩子|娃|他|她)?(?:饭|吃)", r"饭都不给", r"(?:扔|丢)(?:下|给)", r"不履行", r"丧失监护",
        r"不要(?:这个)?(?:孩子|娃)", r"自己都(?:顾|管)不", r"卧床", r"重病", r"病得很重",
        r"瘫", r"关进去", r"赌", r"打牌", r"(?:爷爷|奶奶|外公|外婆|姥姥|姥爷|妈|爸|监护人)\S{0,2}住院", r"傻",
        r"营养不良", r"不尽责", r"管不住",
        r"中风|偏瘫|残疾|瞎|看不见|聋|耳朵背|癌|病重|生病|住院|卧病|起不来床|下不了床",
        r"(?:喝|醉)\S{0,3}(?:烂醉|醉醺醺|醉)|醉醺醺|烂醉|醉了|喝醉|酒鬼|麻将|牌桌|网吧里不回", r"嫌\S{0,4}(?:累赘|麻烦|拖油瓶)",
        r"不让\S{0,2}进门|赶出|撵出",
        r"(?<![和跟同])(?:爷爷|奶奶|外公|外婆|姥姥|姥爷|爸|妈|监护人|老人|婆婆)\S{0,3}(?:倒在|倒着|晕倒|昏倒|摔倒在|不动了|昏过去)", r"跟人跑了|改嫁|不回来了|不要\S{0,3}了", r"坐牢|劳改|判刑|被抓",
    ],
    "domestic_violence": [
        r"家暴", r"家庭暴力", r"虐待", r"往死里打", r"拳打脚踢",
        FAMILY + r"(?:又|经常|天天|总是|老是|一直|喝了酒就|喝酒就|正在)?(?:打|抽|踢|揍|掐|扇)",
        r"打(?:孩子|娃|小孩|伢子|他|她|我|儿子|女儿|孙子|孙女|老婆)", r"挨打", r"挨揍", r"(?:被|又被)(?:他|她)?" + FAMILY + r"?打",
        r"(?:用|拿)" + HAN + r"{1,4}(?:抽|打|烫)", r"皮带", r"棍子", r"烧火棍", r"扇(?:耳光|巴掌)", r"耳光",
        r"伤痕", r"淤青", r"青一块紫一块", r"血印", r"拿孩子出气", r"出气筒", r"揍", r"打得", r"打骂", r"烟头", r"衣架", r"吊起来打", r"打断",
        FAMILY_ANY + r"[^被让\s]{0,6}" + VIOLENT + r"(?!工|电话|游戏|牌|针|疫苗|扫|算|听|麻将|球|招呼|饭|水|心|注|系|不)",
        r"(?:被|让|叫)" + FAMILY_ANY + r"\S{0,4}" + VIOLENT, r"拿\S{0,3}(?:出气|撒气)|撒气", r"(?:印子|疤|伤)\S{0,8}(?:打|抽|烫)",
        r"竹条|竹片|藤条|鞭子|不给\S{0,3}饭吃",
        FAMILY_ANY + r"\S{0,6}把(?:娃|孩子|他|她|小孩|我|伢|孙子|孙女|儿子|女儿)\S{0,6}" + VIOLENT,
        FAMILY_STRICT + r"\S{0,6}(?:拿|举|提|操|抄)(?:着|起)?\S{0,2}(?:刀|斧|棍|剪刀|锄头|镰刀|绳|砖)|刀架在",
        FAMILY_ACT,
    ],
    "injury_or_harm": [
        r"被(?:人|陌生人|坏人|男的|别人|村里人|老师|流氓)" + HAN + r"{0,3}(?:打|砍|捅|伤|撞)", r"受伤", r"摔(?:伤|断|破|坏)",
        r"烫伤", r"烧伤", r"砸伤", r"打破|头破|打(?:得)?\S{0,2}(?:流血|出血|骨折)", r"咬(?:了|伤)", r"撞(?:了|伤|倒)", r"车祸", r"溺水", r"猥亵", r"性侵", r"强奸",
        r"骚扰", r"乱摸", r"摸(?:她|他)", r"怀孕", r"童工", r"体罚", r"中毒", r"触电", r"骨折", r"打伤", r"砍伤",
        r"让人打", r"被人打", r"侵害", r"掉(?:进)?(?:水|河|塘|井|坑)", r"落水", r"伤了", r"流血",
        r"吃错", r"误食", r"口吐白沫", r"捅了\S{0,2}刀|(?:捅|砍)(?:了|伤|中)|被[^。！？!?]{0,8}(?:捅|砍)",
        r"(?:被|让|叫)\S{0,2}(?:开水|热水|热汤|热油|火|鞭炮|炮仗|刀|镰刀|玻璃|钉子|铁丝|机器)\S{0,2}(?:烫|烧|炸|砸|割|划|扎|伤|戳|绞|切)", r"(?:蛇|狗|马蜂|蜂)\S{0,2}(?:咬|蛰|叮)", r"动手动脚", r"夹伤", r"电到",
    ] + [
        # compositional hazards: water, fire, electricity, poison, swallowing, height, traffic,
        # animals, machines, illness, sexual abuse, child labour
        WATER_FALL, WATER_SWEPT, FIRE, ELECTRIC, POISON, SWALLOW, HEIGHT_FALL, TRAFFIC, ANIMAL, CRUSH,
        ILLNESS, SEXUAL, LABOUR, HAZARD_PUSH, SCALD,
    ],
    "dropout": [
        r"只(?:来|上)了\S{0,3}(?:\d+|两|几|一|三)(?:天|节|回)",
        r"辍学", r"失学", r"退学", r"不(?:去)?上学", r"没(?:有)?(?:来|去)上学", r"不读书", r"不读了", r"旷课",
        r"逃学", r"不(?:来|去)学校", r"没(?:来|去)(?:学校|上课)", r"不上课", r"\d+天没(?:来|去)", r"休学",
        r"不念书", r"不念了", r"不(?:肯|愿意?|想)(?:去)?(?:上学|学校|读书|念书)", r"逃课", r"没进教室",
        r"(?:不|没)(?:肯|愿|想|再|去)?\S{0,2}(?:读|念|上)(?:书|学)", r"读书没用", r"(?:学期|礼拜|星期|周|月)\S{0,6}没(?:来|去)",
        r"没来(?:过|报到|上课)", r"不肯去学校", r"(?:读|念)\S{0,3}不(?:读|念)了", r"(?:初|高)[一二三]\S{0,2}就不",
    ],
    "other": [
        SELF_CUT, r"(?:要|想|去)跳(?:河|江|水库|井|崖|桥|塘|楼)",
        r"欺负", r"霸凌", r"欺凌", r"勒索", r"被同学", r"不想活", r"自杀", r"轻生", r"跳楼", r"割腕", r"抑郁",
        r"心理", r"沉迷", r"网(?:络|上|游|友)", r"游戏", r"被骗", r"裸聊", r"发照片", r"吃不上饭", r"穷",
        r"没(?:有)?钱", r"棉衣", r"冻得", r"困难", r"孤僻", r"早恋", r"活着没意思", r"不想上学了活", r"孤立", r"威胁",
        BULLY, SELF_HARM, r"充(?:了|值)|打游戏|手机", r"发呆|不说话|不吭声|闷闷不乐|老哭|情绪", r"单衣|穿不暖|太穷",
        r"网上\S{0,6}(?:骗|认识|约)|网友|裸照",
    ],
}

_CAT = compile_rules(CATEGORY_RULES)

# When several categories match, the cause wins over its consequence: a child left alone
# because the guardian is ill is guardian_unfit; child_alone yields to any other category.
# self-harm and bullying by other children are `other` even when someone is hurt
STRONG_OTHER = re.compile(SELF_HARM + "|" + BULLY + "|" + SELF_CUT + r"|(?:要|想|去)跳(?:河|江|水库|井|崖|桥|塘|楼)")
_ILLNESS_ONLY = re.compile(ILLNESS)
_INJURY_RULES = [re.compile(p) for p in CATEGORY_RULES["injury_or_harm"] if p != ILLNESS]
_SWEPT = re.compile(WATER_FALL + "|" + WATER_SWEPT)
_BY_FAMILY = re.compile(r"(?:被|让|叫)" + FAMILY_ANY)
_SEXUAL = re.compile(SEXUAL)
_BULLY = re.compile(BULLY)
_SELF = re.compile(SELF_HARM + "|" + SELF_CUT)
# a stabbing or beating with a weapon by other youths is harm (injury_or_harm), not only bullying
_WEAPON = re.compile(r"捅|砍|刀(?!片)|棍|砖头|铁棍|钢管|打断|骨折|住院|缝了|打破|头破|打伤|弹弓|流血|血")
# a family member attacking the child: domestic violence, not only "an injury"
_FAMILY_ACT = re.compile(FAMILY_ACT)

ABDUCT_RE = re.compile(ABDUCT + r"|人贩子|拐")
OVERRIDES = {("guardian_unfit", "child_alone"), ("domestic_violence", "guardian_unfit"),
             ("injury_or_harm", "other"), ("domestic_violence", "child_alone"),
             ("child_missing", "child_alone"), ("injury_or_harm", "child_alone"),
             ("dropout", "child_alone"), ("other", "child_alone"), ("child_missing", "other")}


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
    weapon_by_others = _BULLY.search(text) and not _SELF.search(text) and _WEAPON.search(text)
    if ("other" in per and STRONG_OTHER.search(text) and not _BY_FAMILY.search(text) and not _SEXUAL.search(text)
            and not weapon_by_others):
        per = {k: v for k, v in per.items() if k not in ("injury_or_harm", "child_alone")}
    # sexual abuse is 不法侵害 (injury_or_harm) whoever commits it
    if "injury_or_harm" in per and "domestic_violence" in per and _SEXUAL.search(text):
        per.pop("domestic_violence")
    # serious harm by other youths (weapons, wounds) is harm, not a family matter nor only bullying
    if weapon_by_others and not _FAMILY_ACT.search(text):
        per.pop("domestic_violence", None)
    # a family member pushing, scalding or beating the child is domestic violence
    if ("injury_or_harm" in per and "domestic_violence" in per and not _SEXUAL.search(text)
            and _FAMILY_ACT.search(text)):
        per.pop("injury_or_harm")
    # a child swept away by water is harmed, not missing
    if "injury_or_harm" in per and "child_missing" in per and _SWEPT.search(text) and not ABDUCT_RE.search(text):
        per.pop("child_missing")
    # an illness (fever, fits) is not an injury: a sick child alone is child_alone
    if ("injury_or_harm" in per and ({"child_alone", "guardian_unfit"} & set(per))
            and _ILLNESS_ONLY.search(text) and not any(p.search(text) for p in _INJURY_RULES)):
        per.pop("injury_or_harm")
    cands = [m for m in per.values()
             if not any((other, m.value) in OVERRIDES for other in per if other != m.value)]
    cands = cands or list(per.values())
    return max(cands, key=lambda m: (m.end - m.start, -m.start))
