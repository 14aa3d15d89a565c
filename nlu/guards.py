"""What keeps danger words from making an emergency: a question about the rules, a
hypothetical, an earlier report, a harm that is over, adults, animals or a story only.
"""
from __future__ import annotations

import re

# A call for help makes any message an emergency, whatever else it says.
CALL_FOR_HELP = r"救命|救救|快来|快点来|赶紧来|来人|快救|救名"
# Signs of an emergency now; not counted in questions about rules or past cases, nor in
# hypotheticals (如果/要是/万一 ...).
NOW = r"(?:正在|现在|刚刚|刚才|刚|马上|还在|此刻|这会儿?|眼下|就在)"
# Questions about the rules, hypotheticals, prevention, hearsay and the news: danger words
# there ("如果孩子溺水…", "家暴会判刑吗", "怎么预防溺水") are not an emergency.
QUESTION = (r"如果|要是|万一|假如|假设|的话|会不会被|算不算|算\S{0,4}吗|算[^。！？!?]{0,4}吗|犯法|判刑|坐牢|法律|法条|条文|"
            r"规定|政策|流程|报销|医保|保险|保护令|责任|撤销监护|强制报告|必须报告|需要(?:上报|报告)|怎么预防|如何预防|"
            r"怎么教|注意什么|先做什么|第一步|多不多|有没有人管|管不管|有没有(?:什么)?(?:宣传|材料|资料|规定|办法)|新闻|听说|"
            r"电视|游戏里|举报的|会被(?:判|抓|拘|罚|处理|关)|拘留|处罚|罚款|防(?:溺水|拐|火|电|性侵|骗)|防止|预防|想问问|"
            r"想了解|问一下|咨询|安全教育|安全课|宣传|哪种好|哪个好|用什么药好")
# Earlier events: the urgency rules read them like a hypothetical, unless something says now.
EARLIER = r"去年|以前|之前|上次|上回|后来"
# Hypotheticals and questions about rules: hazard words alone do not make them urgent.
HYPOTHETICAL = re.compile(QUESTION + "|" + EARLIER)
# A message about adults or animals only (隔壁大爷被蛇咬了, 我家鸭子被水冲走了) is not about a child.
NOT_CHILD = re.compile(r"大爷|大娘|老头|老太|大叔|大妈|老汉|老人家|鸭|鸡|鹅|猪|牛|羊|猫|兔|鱼|庄稼|玉米|稻子")
CHILD = re.compile(r"孩|娃|伢|崽|孙|儿|女|宝宝|学生|闺女|弟|妹|哥|姐|我(?!家|们家)|俺(?!家)|小朋友|婴|幼|丫头|姑娘|男生|小子|他|她|人")
# Stricter: harm to adults, animals or property, or a story (game, TV, film), with no child in it
# ("我老婆喝农药了", "我家的牛掉沟里了", "游戏里我被人砍死了"): not a child-protection report.
ADULT = re.compile(r"老头|老太|大爷|大娘|大叔|大妈|老汉(?!家)|老人家|老伴|老公|老婆|丈夫|媳妇|(?:我|俺)(?:爸|妈|爹|娘|哥|姐|嫂)"
                   r"|公公|丈母娘|岳父|岳母|工友|婶|光棍|大哥|大姐|老板|同事|病人|大男人|男人|女人|两口子|夫妻")
ANIMAL_OR_THING = re.compile(r"狗|猫|猪|牛(?!奶)|羊|鸡(?!蛋)|鸭|鹅|驴|兔|鱼塘|蜂箱|庄稼|玉米|稻|菜地|大棚|仓库|柴房|山林|后山|山火")
CHILD_STRICT = re.compile(r"孩|娃|伢|崽|囡|孙|宝宝|宝贝|学生|小朋友|婴|幼|丫头|闺女|女儿|儿子|小孩|弟|妹|男生|女生|小子|姑娘|同学|他|她"
                          r"|(?<![老])我(?![爸妈爹娘哥姐家们老公婆男媳丈姑舅叔姨外爷奶大])|俺(?![爸妈爹娘哥姐家们老公婆男])|\d+岁")
FICTION = re.compile(r"(?:游戏|手游|电视剧|剧|电影|小说|动画片|视频|新闻|电视)(?:里|上)|看了个?\S{0,2}(?:视频|电影|新闻)")
_REAL = re.compile(r"救命|快来|我家|俺家|我们(?:村|班|学校)|隔壁|邻居|充|钱|沉迷|天天|每天|整夜|不睡|上瘾|骗|网友")


# A question that describes the harm first ("娃要是被开水烫了…", "孩子喝了农药医保报不报"): asks
# about rules or what to do, it is not a report. Read only when the model says report_case.
ASKING = re.compile(r"^\S{0,8}(?:如果|要是|万一|假如|假设|假使)|报销|医保|报不报|能不能报|能报|犯法|判几年|判刑|法律|政策"
                    r"|(?<![按依据照])规定|补助|补贴|宣传|多不多|怎么预防|如何预防|谁来管\S{0,2}$|谁出|谁负责|该怎么办|应该怎么")


def asks_not_reports(text: str) -> bool:
    return bool(ASKING.search(text)) and not REAL_NOW.search(text) and not CALLING.search(text)


def not_about_a_child(text: str) -> bool:
    """Harm to adults, animals or property only, or a story: no child-protection emergency."""
    if FICTION.search(text) and not _REAL.search(text):
        return True
    return bool((ADULT.search(text) or ANIMAL_OR_THING.search(text)) and not CHILD_STRICT.search(text)
                and not CALLING.search(text))


# Questions about a case already reported ("我前天报的那个…怎么样了") are not new emergencies.
STATUS = re.compile(r"(?:报的|报过的?|报了的|举报的|举报过|反映的|反映过|上报的|报案的)[^。！？!?]{0,16}"
                    r"(?:补充|更正|改一下|怎么样|咋样|如何|进展|结果|找着|找到|处理|有人去|后来|回音|消息)")
# A harm that is over: healed, out of hospital, found, fine now.
HEALED = re.compile(r"(?:现在|已经|早就?|后来)(?:\S{0,3}|[^。！？!?]{0,3})"
                    r"(?:好了|好好的|没事|痊愈|出院|康复|不疼|结痂|消肿|找回来|回来了|找到了|找着了|找回了)"
                    r"|都(?:好了|好好的|没事|痊愈|出院|康复|不疼|结痂|消肿|找回来|回来了|找到了|找着了|找回了)"
                    r"|伤口(?:\S{0,3}|[^。！？!?]{0,3})好了|(?:找|救|捞|送)(?:回来|上来)了?\S{0,4}(?:没事|没啥事|好了)"
                    r"|(?:现在|目前|已经)[^。！？!?]{0,6}(?:安全|没危险|脱离危险)"
                    # a child already found and safe: "晚上在镇上找到了，已经送回家，孩子没事"
                    r"|(?:找到|找着|找回|送回|接回|领回|回到家|自己回来)(?:了|来了|家了)?[^。！？!?]{0,16}"
                    r"(?:没事|没啥事|平安|无恙|好好的|没受伤)|已经(?:被)?(?:送回|接回|领回|找回)")
# The engine's word list is calm about a question, a case already reported, a harm that is over.
CALM = re.compile(QUESTION + "|" + STATUS.pattern + "|" + HEALED.pattern)
# A past harm ("上个月被狗咬了", "去年被狗咬过") is not an emergency unless a sign says it is now.
PAST = re.compile(r"上个?月|前段时间|前阵子|上个?(?:周|星期|礼拜)|去年|前年|前几天|前些天|以前|之前|前天|小时候|上学期|早就"
                  r"|(?:摔|掉|咬|烫|烧|电|撞|打|拐|淹|割|划|砸|扎|夹)(?:下来|下去|伤|到|着)?过(?![来去])")
SEVERE_NOW = re.compile(r"正在|现在(?:还|又|正)|刚刚|刚才|还在|又在|此刻|这会|救命|快来|不醒|昏|没(?:了)?(?:呼吸|气)|流血|血|抽|中毒"
                        r"|农药|不见|没回|拐|紫|喘|化脓")
REAL_NOW = re.compile(NOW + "|" + CALL_FOR_HELP)
# A call for help or violence going on: the guards above do not hold.
CALLING = re.compile(CALL_FOR_HELP + r"|正在|还在(?:打|流|抽|砍|追)")


# Sentences of a long message: a question, a past event or "不急" early on must not hide a
# danger told at the end. A sentence that ends in a question mark stays a question.
_SENTENCE = re.compile(r"[^。！？!?;；\n]+[。！？!?;；\n]*")
MAX_SENTENCES = 60


def sentences(text: str) -> list[str]:
    """The sentences of `text` that do not end in a question mark (at most MAX_SENTENCES),
    or [] for a message of one sentence (the whole text is read anyway)."""
    parts = [m.group().strip() for m in _SENTENCE.finditer(text)]
    parts = [p for p in parts if p]
    if len(parts) < 2:
        return []
    return [p for p in parts[:MAX_SENTENCES] if not p.endswith(("？", "?"))]
