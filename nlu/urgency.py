"""The `urgency` entity: calls for help and signs of an emergency now, minus the guards."""
from __future__ import annotations

import re

from .guards import (
    CALLING,
    CHILD,
    HEALED,
    HYPOTHETICAL,
    NOT_CHILD,
    NOW,
    PAST,
    REAL_NOW,
    SEVERE_NOW,
    STATUS,
    not_about_a_child,
    sentences,
)
from .hazards import (
    ABDUCT,
    AMPUTATION,
    BEATING_NOW,
    CLIMB_OUT,
    EXPLOIT,
    FAREWELL,
    FIRE,
    HAZARD_PUSH,
    HEIGHT_FALL,
    PLACE_ALONE,
    POISON,
    ROAD_ALONE,
    SCALD_SEVERE,
    SELF_CUT,
    SWALLOW,
    THREAT_KILL,
    TRAFFIC,
    WATER_FALL,
    WATER_SWEPT,
)
from .match import Match

# Calls for help and violence in progress: urgent even inside a question.
STRONG_URGENT = [
    r"救命", r"救救", r"快来", r"快点来", r"赶紧来", r"快救", r"快过来", r"马上(?:来|过来|派|报警|出警|救)",
    r"紧急(?!联系)", r"十万火急", r"快报警", r"赶快", r"快点", r"快帮", r"急死", r"(?:^|\s)急(?:$|\s|啊|呀)",
    r"正在(?:打|被|流血|追|砍|往|带|拖|跳|烧|着火|找|发生)", r"现在(?:还在|正在)", r"还在打", r"打得?(?:半死|晕|不行)",
    r"(?:快|赶紧|赶快|马上|立刻|立即)(?:派|叫|喊|去|救|报警|打120|送)", r"来人(?:啊|呀|哪|阿)?", r"救名",
]
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
    # water, fire, electricity, poison, swallowing, height, traffic, crush
    WATER_FALL, WATER_SWEPT, FIRE, r"触电|电到|电着|被电|漏电|电击|高压线|(?:摸|碰|咬)(?:了|到)?\S{0,2}(?:电线|插座|电门)",
    POISON, SWALLOW, HEIGHT_FALL, TRAFFIC, r"压(?:住|在)|砸(?:中|到)|卡在|夹住|绞(?:了|住|进|到)|埋(?:住|在)|塌",
    # critical states
    r"昏|晕(?:倒|过去|了)|(?:叫|喊|拍)\S{0,2}不(?:醒|应|答应)|不省人事|没(?:了)?(?:呼吸|气|反应|知觉|意识)|不会动|动不了|(?<!床上)起不来(?!床)|不醒",
    r"(?:全|满|一)(?:是|身|脸|头|地)\S{0,1}血|是血|求救|高压电|当\S{0,3}(?:饮料|水|糖)\S{0,2}(?:喝|吃)|没见(?:到|着)?人",
    r"按在地上|(?:扒|脱)\S{0,2}(?:她|他)?的?(?:裤|衣)|(?:绳子|刀|药)\S{0,4}(?:准备|买)好|骗上\S{0,2}车",
    r"抽风|抽抽|口吐白沫|吐血|(?:流|出|冒|淌)(?:了)?\S{0,3}血|血\S{0,3}(?:流|止不住|不停|直冒|一直)|止不住",
    r"喘不|憋(?:紫|青|得)|(?:发|脸|嘴唇?|全身)\S{0,2}(?:紫|青紫)|上不来气|透不过气|呼吸",
    r"(?:高烧|发烧|烧到|烧了|体温)\S{0,4}(?:39|4\d)|烧迷糊|烧糊涂|高烧不退|烧得?滚烫", r"冻(?:僵|死|晕|伤|坏)|冻得\S{0,4}(?:紫|青|僵|不行|晕)|零下",
    r"头破|(?:大|好大|深)\S{0,2}(?:口子|伤口)|骨头露|肿得\S{0,6}(?:睁不开|喘|呼吸)",
    r"肠子\S{0,3}(?:出|露|流)|肚子\S{0,2}(?:破|穿|豁|划开)|开膛|内脏|(?:眼珠|眼球)\S{0,3}(?:出|破|爆|掉)",
    # missing, abducted
    r"(?:昨天晚上|昨晚|一晚上|一夜|整夜|一宿|一天一夜|\d+天|几天|好几天|到现在|到今天|至今|天亮|半夜)\S{0,6}(?:没|不见|未|找不)(?:有)?\S{0,2}(?:回|见|找|消息|音讯|人影|着家|联系|影)",
    r"(?:没|不)(?:回|着家|见人)\S{0,3}(?:一晚|一夜|一宿|\d+天|几天)|(?:\d+|两|几)天没(?:回|见)",
    r"(?:陌生|不认识|人贩子|坏人|男的|女的|外地人|开车的)\S{0,12}(?:带走|抱走|拐|拽|拉走|拖|抢|抱上|开走|领走|骗走|弄走)",
    r"拐(?:了|跑|卖)|人贩子|被(?:人)?(?:领|骗|抢|抱|拽|拖|弄)走",
    # violence, weapons, sexual assault in progress
    r"(?<![现正还又好住坐实])在(?:砸|打|抽|踢|揍|掐|砍|捅|烫|追|拽|拖|摸|脱|勒|闷)(?!工|电话|游戏|牌|针|疫苗|扫|算|听|麻将|球|招呼)",
    NOW + r"\S{0,6}(?:打|抽|踢|揍|掐|砍|捅|烫|追|拽|拖|摸|脱|性侵|强奸|猥亵|喊|哭|叫|锁|关)(?!工|电话|游戏|牌|针|疫苗|扫|算|听|麻将|球|招呼)",
    r"(?:拿|举|提)(?:着)?\S{0,2}(?:刀|斧|棍|剪刀|砖|锄头|镰刀)|掐\S{0,3}脖子|勒\S{0,3}脖子|(?:拖|拽|拉)(?:进|到)\S{0,4}(?:地|林|房|屋|车|树|厕所)",
    r"吊起来|往死里|打得\S{0,4}(?:晕|昏|不动|起不来|流血|出血|半死|不行)",
    # self-harm with a concrete act or plan
    r"割(?:手|脉)|跳(?:河|桥|下去|水库)|(?:桥|楼|栏杆|窗台|天台|房顶|楼顶|悬崖)\S{0,3}(?:外|边|上)\S{0,6}(?:站|坐|不想活|要跳)",
    r"站在\S{0,6}(?:楼|桥|栏杆|窗|天台|崖|边)|(?:药|农药|安眠药)\S{0,6}(?:吃|喝|吞)(?:下去|了)|吃了\S{0,4}(?:药|片)",
    # locked in, starving, cold, danger places
    r"(?:锁|关|困)(?:在)?\S{0,8}(?:\d+天|几天|好几天|一整天|一天一夜)|(?:\d+|几|好几)天没(?:给)?\S{0,2}(?:吃|喝|饭)|没(?:吃的|饭吃|水喝|东西吃)了",
    r"饿(?:了|得)\S{0,3}(?:\d+天|晕|不行|昏)",
    r"(?:一个人|自己|独自|没大人|没人看)\S{0,8}(?:河|塘|水库|井|马路|公路|高速|铁路|房顶|楼顶|工地)",
    r"(?:跑|走|爬)(?:到|上)\S{0,4}(?:高速|铁路|铁轨|马路中间|房顶|楼顶|屋顶)",
    # threats to kill or maim (a past threat is handled by the PAST guard)
    THREAT_KILL,
    # amputations, heavy or dripping blood
    AMPUTATION, r"血\S{0,4}(?:滴|淌|喷|涌|冒|往外|哗哗)|喷血|一滩血|一地血|血糊糊|血淋淋|满地血",
    # self-harm with an instrument, or a first-person wish to die
    SELF_CUT, r"(?:^|[我俺])\S{0,3}(?:不想活|想死|不活了|活不下去|活不成了|去死)",
    # critical states after harm, heat, locked in a car, climbing out, doors being broken
    r"(?:已经|都|现在)不哭了|哭(?:得|到)?没(?:了)?声|没(?:了)?动静|不出声了|没声音了",
    r"中暑|热(?:晕|昏)|(?:关|锁|忘)在车里|(?:在|正在|往)\S{0,4}(?:砸|踹|撬|撞)门",
    CLIMB_OUT, ABDUCT, ROAD_ALONE, HAZARD_PUSH, SCALD_SEVERE, BEATING_NOW, FAREWELL, PLACE_ALONE, EXPLOIT, r"被[^。！？!?]{0,10}(?:领走|抱走|拉走|骗走|拐走)",
    r"血肉模糊|稀烂|窟窿|上吐下泻|眼睛发直|翻白眼|喘得|哮喘\S{0,2}(?:犯|发作)|(?:嘴唇|嘴巴|脸|脸色)\S{0,2}(?:发)?(?:乌|黑|紫|青|白)了",
    r"(?:关|锁|忘|困)在\S{0,4}车里|迷(?:了)?路|开闸|山洪|洪水|涨水|(?:还|都)?没(?:被)?放出来|出不来",
    r"被\S{0,3}(?:丢|扔)在(?!家)\S{0,6}",
    r"倒(?:下了|在地|地不起|地上)|躲(?:在|到|进)\S{0,4}(?:床底|柜子|厕所|门后|外面|山上|邻居)|说胡话|(?:浑身|全身)\S{0,1}抽",
    r"按(?:在|进)\S{0,3}(?:水|缸|盆|桶|河|塘|池)|(?:捂|闷)(?:住|死)|雷(?:劈|击|打)|咬住|咬着不放|咬掉|撕下",
    r"(?:嘴唇|嘴巴|脸|脸色|小脸)\S{0,2}(?:发)?(?:乌|紫|青)",
    r"烧炭|(?:衣服|裤子)\S{0,3}(?:扯|撕|扒|脱)(?:烂|破|掉|开|了)|堵在\S{0,4}(?:地|林|屋|厕所|巷)",
    (r"(?:河|塘|水库|井|水|池|坑|窖|粪坑)(?:边|口|沿|旁)[^。！？!?]{0,12}(?:一个人|没大人|没人|没盖)"
     r"|(?:一个人|没大人|没人看)[^。！？!?]{0,8}(?:河|塘|水库|井|池|坑|窖)(?:边|口|沿|旁)"),
]

_STRONG = [re.compile(p) for p in STRONG_URGENT]
_CONTEXT = [re.compile(p) for p in CONTEXT_URGENT]


def urgency_blocked(text: str, question: bool = False) -> bool:
    """True when only calls for help may make `text` urgent (question, hypothetical, past event)."""
    if HYPOTHETICAL.search(text) and not REAL_NOW.search(text):
        return True
    if (NOT_CHILD.search(text) and not CHILD.search(text)) or not_about_a_child(text):
        return True
    if (STATUS.search(text) or HEALED.search(text)) and not CALLING.search(text):
        return True
    return question or (PAST.search(text) is not None and SEVERE_NOW.search(text) is None)


def urgency(text: str, extra: list[str] | None = None, question: bool = False) -> Match | None:
    """`question`: the message asks about rules or a past case, so only strong signs count.

    Hypotheticals (如果/要是/万一 ...) count as questions unless a now-marker (正在, 刚刚 ...)
    says the danger is real; a past event (上个月, 前天 ...) counts only with a sign of
    danger now.
    """
    text = text.replace("紧急联系人", "     ")
    if HYPOTHETICAL.search(text) and not REAL_NOW.search(text):
        question = True
    if (NOT_CHILD.search(text) and not CHILD.search(text)) or not_about_a_child(text):
        question = True
    if (STATUS.search(text) or HEALED.search(text)) and not CALLING.search(text):
        question = True
    for pat in _STRONG:
        m = pat.search(text)
        if m:
            return Match("urgency", "urgent", m.start(), m.end())
    if question:
        return None
    past = PAST.search(text) is not None and SEVERE_NOW.search(text) is None
    if past:
        return None
    for pat in _CONTEXT:
        m = pat.search(text)
        if m:
            return Match("urgency", "urgent", m.start(), m.end())
    for phrase in extra or ():
        i = text.find(phrase)
        if i >= 0:
            return Match("urgency", "urgent", i, i + len(phrase), "ShouhuSynonym")
    return None


def urgency_any(text: str, extra: list[str] | None = None) -> Match | None:
    """`urgency` on the whole text, else on each sentence alone (a long message that starts
    with a question, "不急" or a past event and ends with a danger now)."""
    found = urgency(text, extra)
    if found is not None:
        return found
    for sentence in sentences(text):
        found = urgency(sentence, extra)
        if found is not None:
            return found
    return None
