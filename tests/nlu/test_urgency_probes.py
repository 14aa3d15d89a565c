"""Engine-level urgency on probe sentences written while developing the rules (development
data, not a blind set): the engine gives the 110 guidance when the word list fires OR the
NLU says report_case with urgency. These were the misses and false alarms of two rounds of
probes; they guard against regressions, they do not measure generalisation."""
from __future__ import annotations

import pytest

from nlu import danger
from nlu.normalize import normalize_text

URGENT = [
    "娃让砍柴刀劈到了膝盖 骨头都看得见",
    "小孩被压在倒下的墙底下",
    "俺孙被电动门卡住脖子了",
    "伢被锅里的滚油溅了一身 痛得打滚",
    "学生被校外的人用砖头拍了脑袋 倒下了",
    "我后妈拿针扎我 我现在躲在床底下",
    "俺闺女被她爹按在水缸里",
    "有个老头在河边拉着小女孩的手往桥洞里走 小女孩在挣",
    "我表哥用手机拍我洗澡 还说不听话就打死我",
    "那孩子把自己反锁在厕所里 说要喝洗厕精",
    "娃吃了一把樟脑丸 现在迷迷糊糊的",
    "孩子误喝了烧碱水 嘴里都烂了",
    "三个月的婴儿一个人在床上 大人赶集去了 孩子哭得喘不过来",
    "两岁的娃在鱼塘边爬 家里一个大人都没有",
    "娃掉到地窖里了 喊也没反应",
    "小孩被困在着火的车里",
    "娃上山放牛被雷劈了",
    "孩子被猪圈里的母猪咬住了腿",
    "学生在游泳池底下半天没上来",
    "冬天娃穿着单衣被赶出门 在外面站了一晚上 冻得说不出话",
    "娃饿得在垃圾桶里找吃的 已经三天没吃饭了",
    "宝宝被被子捂住了 脸发青",
    "孩子发烧烧得说胡话 浑身抽",
    "孩子突然晕倒在教室 叫了没反应",
    "娃把手伸进了绞肉机",
    "有人开车把放学的小孩拖上车了",
    "我儿子被同学约出去 到现在联系不上 已经半夜了",
    "娃在工地上玩 被钢筋扎穿了脚",
    "学生吞了好多片退烧药 说不想活了",
    "孩子在楼顶边上走来走去 说他要飞",
    "娃被蛇咬了 现在舌头发麻",
    "我家娃喝了一瓶白酒 叫不醒",
    "邻居男人把孩子吊在树上打 现在还吊着",
    "伢被撂在高速路边上 大人开车走了",
    "娃被野狗咬了脸 血糊了一脸",
    "我弟弟把头卡在栏杆缝里了 拔不出来 在哭",
    "娃被碎玻璃划开了大腿 裤子都湿透了",
    "俺家小子偷喝了爷爷的药酒 现在倒在床上吐",
    "学生在操场被篮球架砸了 压住了腿",
    "娃被马踢了肚子 疼得直冒冷汗 脸白得吓人",
    "孩子在冰面上玩 冰裂了 人掉下去了",
    "我妈男朋友喝醉了 拿皮带勒我脖子",
    "有个女的在小学门口给娃糖吃 拉着娃上了三轮车",
    "三年级的孩子说晚上要在家里烧炭",
    "俺孙女被人堵在玉米地里 衣服被扯烂了",
    "小娃在猪圈里 母猪要压到他了",
    "我家伢 蹲在变压器底下玩 电线都掉下来了",
    "那娃被他爸扔进了河里",
    "娃让毒蜂蛰了 浑身起疙瘩 说喘不动",
    "俺外孙被卡车轮子碾了脚",
    "孩子早上出门到现在没回来 天都快黑了 山里有狼",
    "小孩子趴在井口往下看 井没盖子 附近没人",
    "學生被高年級的拿刀頂着肚子要錢",
    "婴儿被奶呛到了 没气了",
    "我在网吧被几个人关在包间里打 手机快没电了",
    "娃在鞭炮厂干活 厂子炸了",
    "他继母把烧红的火钳往娃手上按",
    "我不想活了 药我都买好了",
    "俺娃高烧四十度 人已经抽过去了 家里就我一个老婆子",
    "有个流浪汉在追我 我在小卖部里躲着",
    "孩子吸了好多打火机的气 晕过去了",
    "他爸把娃关在狗笼子里 三天了",
    "妹妹从拖拉机上摔下去 头着地 不说话了",
    "邻居在用斧头砸我家门 说要砍死我爸 我和弟弟在屋里",
]
CALM = [
    "孩子前年被开水烫过 现在好了",
    "如果娃被蛇咬了 要先绑住伤口吗",
    "我报的那个娃被墙砸的事 现在怎么样了",
    "我被狗追了 吓一跳",
    "家暴的人会被拘留吗",
    "娃以前被他爸打过 现在他爸去外地了",
    "孩子不爱吃饭 瘦得很",
    "学生两个礼拜没来上课了",
    "他家娃穿得破破烂烂的 挺可怜",
    "娃在学校被人起外号 回来哭",
    "新闻说有个孩子从楼上摔下来了",
    "教孩子防溺水 有没有好的视频",
    "孩子上个月走丢过一次 当天就找回来了",
    "我家鸭子被水冲走了好几只",
    "给娃买了个电动车 安全不",
    "我小时候掉进过河里",
    "孩子说他不想上学了 成天打游戏",
    "学生手上有几道旧疤 问了说是猫抓的",
    "娃他妈跑了好几年了 爹在外打工 奶奶带着",
    "奶奶问烫伤膏哪种好",
    "我想了解一下怎么防止孩子被拐",
    "孩子以前被电过一次 现在都不敢碰开关",
    "我报过一个孩子溺水的事 想补充点情况",
    "学生家长打电话骂我 我能报警吗",
    "娃小时候从床上摔下来过 现在好好的",
    "村里要修河堤 能不能顺便装护栏",
    "娃老是说肚子疼 明天想带他去县医院看看",
    "孩子偷了家里的钱去上网",
    "我们学校想搞一个防性侵讲座 找谁",
    "孩子他爸坐牢了 娃归谁管",
    "有个娃上个月被车撞过 后来出院了 家里没钱复查",
    "我家狗被毒死了 谁干的",
    "隔壁大爷被蛇咬了 送县医院了",
    "邻居家娃成天不上学在河边钓鱼",
    "班里有孩子说被继父骂 没有打过",
    "我们村去年淹死过一个娃 今年想做点宣传",
    "孩子爸妈离婚了 娃跟奶奶过 奶奶身体还行",
    "孩子作业写不完 老师罚站了一节课",
    "娃被蚊子咬了好多包",
    "想问问冬天烤火怎么防止煤气中毒",
]


def _verdict(parser, text: str) -> str:
    """The engine's decision (nlu.danger.assess): yes, unsure (the bot asks) or no."""
    return danger.assess(normalize_text(text), parser.parse(text)).verdict


@pytest.mark.parametrize("text", URGENT)
def test_emergencies_get_the_110_guidance(parser, text):
    """At once, or after one tap on 是 / 不确定: never silently missed."""
    assert _verdict(parser, text) != danger.NO, text


@pytest.mark.parametrize("text", CALM)
def test_questions_past_harms_and_adults_do_not(parser, text):
    """Never answered as an emergency without being asked."""
    assert _verdict(parser, text) != danger.YES, text


CATEGORIES = [
    ("child_alone", "那个小姑娘爸妈都去新疆摘棉花了 她一个人守着老屋"),
    ("child_alone", "俩娃的爷爷走了以后 屋头就剩他们两个 最大的才九岁"),
    ("child_alone", "有个五岁的娃天天被锁在屋里 大人上工去了"),
    ("child_missing", "我家丫头星期五放学就没回来 问了同学都说没见着"),
    pytest.param("child_missing", "娃跟一个网友跑了 手机关机", marks=pytest.mark.xfail(
        reason="issue 13 stack reads the 网友 words as online harm (other); left for the lead", strict=False)),
    pytest.param("child_missing", "有个男娃被一个外地口音的女人领走了", marks=pytest.mark.xfail(
        reason="revision 9 data: read as injury_or_harm (p 0.65), still urgent; left for the lead", strict=False)),
    ("guardian_unfit", "娃的奶奶得了老年痴呆 经常把娃忘在集上"),
    ("guardian_unfit", "他爹是个酒鬼 天天醉倒在路边 娃没人做饭"),
    ("guardian_unfit", "孩子的妈生了重病躺在床上 爸又不在"),
    ("domestic_violence", "他后爸用衣架把娃抽得满背都是印子"),
    ("domestic_violence", "那家的奶奶老拿针扎孙女的手"),
    ("domestic_violence", "我爸一喝酒就拿我撒气 踢我肚子"),
    ("injury_or_harm", "娃在河沟里扎了个猛子 头撞到石头上了"),
    ("injury_or_harm", "孩子被邻居家的大狼狗扑倒咬了"),
    ("injury_or_harm", "学生被校外的混混抢了钱还捅了一刀"),
    ("injury_or_harm", "伢在工地玩被掉下来的砖头砸了"),
    ("injury_or_harm", "有个男的老是在学校门口给女学生看不好的视频还摸她们"),
    ("dropout", "那个娃上了一个月学就不去了 说要去广东打工"),
    ("dropout", "学生开学两个礼拜了还没来报到"),
    ("dropout", "孩子天天装病不上学 家长也不管"),
    ("other", "孩子被同学拍了丑照发到群里 天天哭"),
    ("other", "娃在网上认识个人 让她每天发照片"),
    ("other", "学生最近一直失眠 说活着好累"),
    ("other", "他家穷得孩子连本子都买不起"),
]


@pytest.mark.parametrize("category,text", CATEGORIES)
def test_category_probes(parser, category, text):
    got = next((e["value"] for e in parser.parse(text)["entities"] if e["entity"] == "category"), None)
    assert got == category, text


@pytest.mark.parametrize("text", [
    ("hello, I am a nurse at the Qingshan clinic. a boy of six was brought in by a neighbour, "
     "his step father is outside shouting and wants to take him home now"),
    "qing bang bang wo, wo mei mei 3 sui, yi ge ren zai jia, huo zai shao, wo zai xue xiao",
])
def test_a_message_in_english_or_pinyin_is_asked_not_dismissed(parser, text):
    """The model learnt Chinese: for a long message in Latin letters its "no" is not
    confident, so the bot asks 孩子现在有危险吗？ (one question) rather than route it."""
    assert _verdict(parser, text) != danger.NO, text


@pytest.mark.parametrize("text", ["hi", "thank you so much", "ok got it, bye"])
def test_short_english_small_talk_is_not_asked_about_danger(parser, text):
    assert _verdict(parser, text) == danger.NO, text
