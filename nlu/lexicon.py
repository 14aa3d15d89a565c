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

# --- compositional hazard lexicons (shared by category and urgency rules) -------------------
WATER = r"(?:水|河|塘|井|坑|池|湖|江|沟|渠|冰|粪|海|潭|堰|坝)"
WATER_FALL = r"(?:掉|落|跌|摔|滑|栽|翻|沉|陷|坠|泡|扔|推|丢|甩)(?:了|倒)?(?:进|到|入|下|在)?(?:了)?\S{0,3}" + WATER
WATER_SWEPT = (r"(?:水|河|浪|洪|大水|河水)\S{0,3}(?:冲|卷|淹|吞)|(?:冲|卷|漂)走|沉(?:下去|底|了)|溺|淹"
               r"|(?:游泳|玩水|洗澡)\S{0,8}(?:沉|没上来|不见|冲)")
FIRE = r"着火|起火|失火|火灾|烧起来|火烧|大火|浓烟|被火|烧着了|爆炸|炸了|炸伤|炸到"
ELECTRIC = r"触电|电到|电着|被电|漏电|电线|电击|高压线|电门|插座"
POISON = (r"农药|敌敌畏|百草枯|老鼠药|耗子药|杀虫|除草剂|中毒|误食|误喝|误吃|吃错|喝错|煤气|一氧化碳|炭火"
          r"|(?:吃|喝|吞)(?:了|下|掉)\S{0,8}(?:药|片|消毒|洗洁精|洗衣|汽油|酒精|油漆|胶水|干燥剂)")
SWALLOW = (r"吞(?:了|下|进|掉)|(?:卡|噎)(?:在|住|着|了)?\S{0,4}(?:喉咙|嗓子|气管|食道)|(?:喉咙|嗓子|气管)\S{0,3}(?:卡|堵)"
           r"|噎(?:住|着)|卡了\S{0,3}(?:鱼刺|骨头|糖|果冻|硬币|珠|枣)")
HEIGHT = r"(?:楼|树|房顶|屋顶|房上|阳台|窗|桥|崖|坎|墙|梯|架|高处|山|平台|围栏|栏杆)"
HEIGHT_FALL = (r"(?:从|在)\S{0,8}" + HEIGHT + r"\S{0,4}(?:摔|掉|跌|滚|坠|栽|翻|落|跳)|坠楼|坠落|高空"
               r"|(?:摔|跌|掉|滚|栽)(?:下来|下去)")
TRAFFIC = (r"(?:车|货车|汽车|摩托|电驴|三轮|拖拉机|卡车|公交|面包车)\S{0,2}(?:撞|轧|压|碾|碰|刮|挂)|车祸|被撞|撞(?:倒|飞|伤)"
           r"|(?:叫|让|给)车")
ANIMAL = r"(?:狗|蛇|马蜂|蜂|毒虫|蝎子|狼|牛|猪|野猪|蜈蚣|马|驴|鹅)\S{0,4}(?:咬|蛰|叮|蜇|顶|撞|抓|拱|踩|踢|挠)"
CRUSH = r"压(?:住|在|倒)|砸(?:中|到|伤|了)|(?:卡|夹)(?:住|在)|绞|埋(?:住|在)|困在|塌"
ILLNESS = (r"雷(?:劈|击|打)|高烧|发烧|烧到|烧得|抽搐|抽风|抽抽|抽筋|昏迷|休克|过敏|哮喘|吐血|拉血|便血|呕吐|吐得"
           r"|烧伤|烫伤|骨折|脑震荡")
SEXUAL = (r"性侵|强奸|猥亵|奸|摸(?:我|她|他|下面|胸|屁股)|(?:脱|扒)\S{0,3}(?:衣服|裤子)|(?:拖|拽|拉)(?:进|到)\S{0,4}"
          r"(?:地|林|房|屋|树|厕所)|动手动脚|亲(?:她|我)|进她房间|上床"
          r"|被[^。！？!?]{0,8}摸(?:过|了)|(?:摸|碰)\S{0,2}(?:下面|隐私|私处|胸口?)")
LABOUR = r"童工|(?:砖厂|工地|工厂|厂里|餐馆|饭店|矿|窑)\S{0,6}(?:干活|打工|上班|做工|洗碗)|干活\S{0,8}\d+岁|\d+岁\S{0,8}(?:干活|打工)"
VIOLENT = r"(?:打|抽|踢|揍|掐|扇|烫|砍|捅|砸|勒|捆|绑|吊|推|撞|踹|罚跪|关|锁|饿|拖|扯|摔|扎|咬)"
FAMILY_ANY = (r"(?:爸爸|爸|爹|老汉|妈妈|妈|娘|父亲|母亲|继父|继母|后妈|后爸|爷爷|奶奶|外公|外婆|姥姥|姥爷|叔叔|二叔|"
              r"舅舅|姑姑|姨|家长|大人|男人|老公|孩子他爸|孩子他妈|孩子爹|孩子妈|他爹|他妈|她爸|她妈|后爹|叔|大伯|伯伯|舅|"
              r"哥哥|我哥|他哥|她哥|姐夫|表哥|堂哥|姑父|姨父|婆婆)")
# family members only (not 大人/男人/家长, who may be strangers)
FAMILY_STRICT = (r"(?:爸|爹|老汉|妈|娘|父亲|母亲|继父|继母|后爹|爷爷|奶奶|外公|外婆|姥姥|姥爷|叔|伯|舅|姑|姨|"
                 r"哥|姐夫|婆婆|公公|老子)")
BULLY = (r"(?:同学|同班|高年级|高年纪|大孩子|小混混|社会青年|几个男生|几个女生|混混)\S{0,8}"
         r"(?:打|欺负|堵|围|勒索|要钱|抢|踢|骂|孤立)|霸凌|欺凌|欺负")
SELF_HARM = (r"想死|不想活|活着没意思|活着没劲|自杀|轻生|遗书|割腕|割(?:手|脉)|跳楼|寻死|上吊|结束生命|不活了"
             r"|伤害自己|划自己|划手"
             r"|划痕|刀疤|刀痕|割痕|(?:割|划)的(?:疤|印|口子)")

THREAT_KILL = (r"(?:要|说要|扬言|威胁|非|想|今晚|今天|等会)\S{0,4}(?:打死|弄死|杀(?:了|死)|砍死|掐死|捅死|淹死|烧死|饿死|整死|宰了)"
               r"|(?:打|弄|砍|掐|捅|杀|整)死(?:你|我|他|她|这|那|娃|孩子|小孩|伢)")
AMPUTATION = (r"(?:切|砍|剁|夹|轧|压|铡|锯|绞|炸)(?:断|掉|下来|没)(?:了)?\S{0,4}(?:手指|指头|手|脚|胳膊|腿|脚趾|耳朵)"
              r"|(?:手指|指头|手|脚趾|胳膊|腿)\S{0,3}(?:被)?\S{0,3}(?:切|砍|剁|夹|轧|铡|锯|绞)(?:断|掉|下来|没)")
SELF_CUT = (r"(?:刀片|刀子|小刀|剪刀|碎玻璃|玻璃|圆规|铅笔刀|美工刀|水果刀|菜刀|针|钉子)\S{0,6}(?:划|割|扎|戳|刺|捅)"
            r"\S{0,3}(?:自己|手|胳膊|手臂|手腕|腕|大腿|腿|脖子|肚子)"
            r"|(?:划|割|扎)(?:得|了)?\S{0,3}(?:很深|好深|见骨|好多道|好几道|几道|一道道)")
CLIMB_OUT = (r"(?:往|从|朝)\S{0,4}(?:窗|阳台|楼顶|房顶|屋顶|栏杆|护栏)\S{0,3}(?:外|上)?\S{0,1}(?:爬|翻|探|钻)"
             r"|(?:爬|翻)(?:上|到|出|过)(?:了)?\S{0,4}(?:窗|阳台|栏杆|护栏|房顶|屋顶|楼顶|电线杆|电塔|铁塔|高压|墙头|井沿|井口)"
             r"|(?:挂|吊|悬)在\S{0,4}(?:窗|阳台|栏杆|树上|墙|崖)")
ABDUCT = (r"(?:不是\S{0,6}(?:家里?人|亲戚|家长)|不认识的?|陌生的?|生人)\S{0,14}"
          r"(?:接走|带走|抱走|领走|拉走|拽走|塞进|拉上|抱上|拖上|弄上|骗上)")
# a child pushed, thrown or kicked into water, fire, a pit or off a height by someone
HAZARD = (r"(?:水|河|塘|井|坑|池|湖|江|沟|渠|粪|潭|堰|缸|桶|窖|火|灶|锅|炉|楼下|崖|坎下|马路|公路|车底|铁轨|猪圈|悬崖)")
PUSH = r"(?:推|扔|丢|甩|踢|踹|摔|按|摁|塞|抛|掀|搡)"
HAZARD_PUSH = (r"(?:(?:把|将)\S{0,4}(?:娃|孩|伢|崽|囡|他|她|我|儿|女儿|孙|闺女|妹|弟|学生|宝|小的|丫头)|被|给|让)[^。！？!?]{0,8}(?:往\S{0,4}" + HAZARD + r"\S{0,3}" + PUSH
               + r"|" + PUSH + r"(?:了|倒)?(?:进|到|入|下|在)(?:了)?\S{0,3}" + HAZARD
               + r"|" + PUSH + r"(?:了)?(?:下来|下去|下楼|出窗|出阳台)"
               + r"|从\S{0,6}(?:楼|窗|阳台|桥|车|崖|房顶|屋顶)\S{0,3}" + PUSH + r")")
# scalds and burns by hot liquids, steam or oil
SCALD_SRC = r"(?:滚烫的?\S{0,3}|烧开的?\S{0,2}|米汤|面汤|热茶|开水|热水|沸水|滚水|烫水|热油|滚油|油锅|热汤|滚汤|热粥|稀饭|猪食|蒸汽|热气|火锅|汤锅|铁水|沥青|辣椒油)"
SCALD = (SCALD_SRC + r"\S{0,6}(?:泼|浇|烫|溅|淋|洒|倒|喷|浸|扣|扑|烧)"
         r"|(?:泼|浇|淋|洒|溅|倒|扣)\S{0,4}" + SCALD_SRC + r"|(?:掉|摔|栽|跌|坐)(?:进|到|在)\S{0,6}(?:锅|油锅|开水|热水|沸水|猪食)")
# a scald is an emergency on the face, eyes or a large area, or when the skin comes off
SCALD_SEVERE = (r"(?:" + SCALD + r")[^。！？!?]{0,12}(?:脸|眼|一身|全身|满身|浑身|身上|半边|半个身|背|胸|肚|头(?:上|部|皮|脸)|一大片|"
                r"皮\S{0,3}(?:掉|脱|烂|翻|起来|没了)|脱皮|烂了|(?:好多|全是|满是|一片|大)\S{0,1}泡|睁不开)"
                r"|(?:掉|摔|栽|跌|坐)(?:进|到)(?:了)?\S{0,6}(?:锅|开水|热水|沸水|猪食|油锅|热汤)"
                r"|(?:脸|眼睛|一身|全身|满身|半边身子|头上|背上)\S{0,4}(?:被|让|叫|给)?\S{0,3}(?:" + SCALD + r")")

ROAD_ALONE = (r"(?:马路|公路|大路|路中间|路上|铁路|铁轨)\S{0,6}(?:乱跑|跑|玩|爬|走)[^。！？!?]{0,10}(?:没(?:有)?(?:大人|人管|人看)|一个人)"
              r"|(?:没(?:有)?大人|一个人)[^。！？!?]{0,10}(?:马路|公路|大路|路中间|铁路|铁轨)")

# a family member attacking the child (pushing, throwing, scalding, beating): domestic violence
VIOLENT_ACT = (VIOLENT[:-1] + r"|扔|丢|甩|泼|浇|淋|按|摁|闷|捂|逼|倒(?=\S{0,2}(?:开水|热水|油|汤|$|\s)))"
               r"(?!工|电话|游戏|牌|针|疫苗|扫|算|听|麻将|球|招呼|饭|水|心|注|系|不|眼|开|架|猎|车|的|酒)")
FAMILY_ACT = (FAMILY_STRICT + r"(?:又|经常|一生气|生气|喝醉了?|喝多了?|发疯|犯病)?[^被让叫\s。！？!?,，]{0,6}"
              r"(?:把[^被让叫\s。！？!?,，]{0,5})?(?:往[^被让叫\s。！？!?,，]{0,5})?" + VIOLENT_ACT)

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

# Calls for help and violence in progress: urgent even inside a question.
STRONG_URGENT = [
    r"救命", r"救救", r"快来", r"快点来", r"赶紧来", r"快救", r"快过来", r"马上(?:来|过来|派|报警|出警|救)",
    r"紧急(?!联系)", r"十万火急", r"快报警", r"赶快", r"快点", r"快帮", r"急死", r"(?:^|\s)急(?:$|\s|啊|呀)",
    r"正在(?:打|被|流血|追|砍|往|带|拖|跳|烧|着火|找|发生)", r"现在(?:还在|正在)", r"还在打", r"打得?(?:半死|晕|不行)",
    r"(?:快|赶紧|赶快|马上|立刻|立即)(?:派|叫|喊|去|救|报警|打120|送)", r"来人(?:啊|呀|哪|阿)?", r"救名",
]
# Signs of an emergency now; not counted in questions about rules or past cases, nor in
# hypotheticals (如果/要是/万一 ...).
NOW = r"(?:正在|现在|刚刚|刚才|刚|马上|还在|此刻|这会儿?|眼下|就在)"
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
    CLIMB_OUT, ABDUCT, ROAD_ALONE, HAZARD_PUSH, SCALD_SEVERE, r"被[^。！？!?]{0,10}(?:领走|抱走|拉走|骗走|拐走)",
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
# Hypotheticals and questions about rules: hazard words alone do not make them urgent.
HYPOTHETICAL = re.compile(r"如果|要是|万一|假如|假设|的话|犯法|判刑|法律|规定|政策|报销|医保|保险|责任|保护令|"
                          r"怎么预防|如何预防|怎么教|注意什么|新闻|听说|电视上|去年|以前|之前|上次|上回|后来|"
                          r"有没有人管|管不管|举报的|多不多|有没有(?:什么)?(?:宣传|材料|资料|办法)|先做什么|第一步|"
                          r"算不算|算\S{0,4}吗|会不会被(?:判|抓|处理|罚)|会被(?:判|抓|拘|罚|处理|关)|拘留|处罚|罚款|"
                          r"防(?:溺水|拐|火|电|性侵|骗)|防止|预防|想问问|想了解|问一下|咨询|安全教育|安全课|宣传|哪种好|哪个好|用什么药好")
# A message about adults or animals only (隔壁大爷被蛇咬了, 我家鸭子被水冲走了) is not about a child.
NOT_CHILD = re.compile(r"大爷|大娘|老头|老太|大叔|大妈|老汉|老人家|鸭|鸡|鹅|猪|牛|羊|猫|兔|鱼|庄稼|玉米|稻子|房子|车")
CHILD = re.compile(r"孩|娃|伢|崽|孙|儿|女|宝宝|学生|闺女|弟|妹|哥|姐|我(?!家|们家)|俺(?!家)|小朋友|婴|幼|丫头|姑娘|男生|小子|他|她|人")
# Stricter: harm to adults, animals or property, or a story (game, TV, film), with no child in it
# ("我老婆喝农药了", "我家的牛掉沟里了", "游戏里我被人砍死了"): not a child-protection report.
ADULT = re.compile(r"老头|老太|大爷|大娘|大叔|大妈|老汉(?!家)|老人家|老伴|老公|老婆|丈夫|媳妇|(?:我|俺)(?:爸|妈|爹|娘|哥|姐|嫂)"
                   r"|公公|丈母娘|岳父|岳母|工友|婶|光棍|大哥|大姐|老板|同事|病人")
ANIMAL_OR_THING = re.compile(r"狗|猫|猪|牛(?!奶)|羊|鸡(?!蛋)|鸭|鹅|驴|兔|鱼塘|蜂箱|庄稼|玉米|稻|菜地|大棚|仓库|柴房|山林|后山|山火")
CHILD_STRICT = re.compile(r"孩|娃|伢|崽|囡|孙|宝宝|宝贝|学生|小朋友|婴|幼|丫头|闺女|女儿|儿子|小孩|弟|妹|男生|女生|小子|姑娘|同学|他|她"
                          r"|(?<![老])我(?![爸妈爹娘哥姐家们老公婆男媳丈姑舅叔姨外爷奶大])|俺(?![爸妈爹娘哥姐家们老公婆男])|\d+岁")
FICTION = re.compile(r"(?:游戏|手游|电视剧|剧|电影|小说|动画片|视频|新闻|电视)(?:里|上)|看了个?\S{0,2}(?:视频|电影|新闻)")
_REAL = re.compile(r"救命|快来|我家|俺家|我们(?:村|班|学校)|隔壁|邻居|充|钱|沉迷|天天|每天|整夜|不睡|上瘾|骗|网友")


# A question that describes the harm first ("娃要是被开水烫了…", "孩子喝了农药医保报不报"): asks
# about rules or what to do, it is not a report. Read only when the model says report_case.
ASKING = re.compile(r"^\S{0,8}(?:如果|要是|万一|假如|假设|假使)|报销|医保|报不报|能不能报|能报|犯法|判几年|判刑|法律|政策|规定"
                    r"|补助|补贴|宣传|多不多|怎么预防|如何预防|谁来管\S{0,2}$|谁出|谁负责|该怎么办|应该怎么")


def asks_not_reports(text: str) -> bool:
    return bool(ASKING.search(text)) and not _REAL_NOW.search(text) and not _CALL.search(text)


def not_about_a_child(text: str) -> bool:
    """Harm to adults, animals or property only, or a story: no child-protection emergency."""
    if FICTION.search(text) and not _REAL.search(text):
        return True
    return bool((ADULT.search(text) or ANIMAL_OR_THING.search(text)) and not CHILD_STRICT.search(text)
                and not _CALL.search(text))


# Questions about a case already reported ("我前天报的那个…怎么样了") are not new emergencies.
STATUS = re.compile(r"(?:报的|报过的?|报了的|举报的|举报过|反映的|反映过|上报的|报案的)[^。！？!?]{0,16}"
                    r"(?:补充|更正|改一下|怎么样|咋样|如何|进展|结果|找着|找到|处理|有人去|后来|回音|消息)")
# A harm that is over: healed, out of hospital, found, fine now.
HEALED = re.compile(r"(?:现在|已经|早就?|都|后来)\S{0,3}(?:好了|好好的|没事|痊愈|出院|康复|不疼|结痂|消肿|找回来|回来了|找到了)"
                    r"|伤口\S{0,3}好了|(?:找|救|捞|送)(?:回来|上来)了?\S{0,4}(?:没事|没啥事|好了)"
                    r"|(?:现在|目前|已经)[^。！？!?]{0,6}(?:安全|没危险|脱离危险)")
# Past events with no sign of danger now ("上个月被狗咬了", "前天被车刮了一下") are not urgent.
PAST = re.compile(r"上个?月|上个?(?:周|星期|礼拜)|去年|前几天|前些天|以前|之前|前天|小时候|早就|(?:摔|掉|咬|烫|烧|电|撞|打|拐|淹|割|划|砸|扎|夹)(?:下来|下去|伤|到|着)?过(?![来去])")
_REAL_NOW = re.compile(NOW + "|救命|快来|快点来|赶紧来")
_CALL = re.compile(r"救命|救救|快来|快点来|赶紧来|来人|快救|正在|还在(?:打|流|抽|砍|追)")
SEVERE_NOW = re.compile(r"正在|现在(?:还|又|正)|刚刚|刚才|还在|此刻|这会|救命|快来|不醒|昏|没(?:了)?(?:呼吸|气)|流血|血|抽|中毒|农药|不见|没回|拐|紫|喘|化脓")

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


def urgency_blocked(text: str, question: bool = False) -> bool:
    """True when only calls for help may make `text` urgent (question, hypothetical, past event)."""
    if HYPOTHETICAL.search(text) and not _REAL_NOW.search(text):
        return True
    if (NOT_CHILD.search(text) and not CHILD.search(text)) or not_about_a_child(text):
        return True
    if (STATUS.search(text) or HEALED.search(text)) and not _CALL.search(text):
        return True
    return question or (PAST.search(text) is not None and SEVERE_NOW.search(text) is None)


def urgency(text: str, extra: list[str] | None = None, question: bool = False) -> Match | None:
    """`question`: the message asks about rules or a past case, so only strong signs count.

    Hypotheticals (如果/要是/万一 ...) count as questions unless a now-marker (正在, 刚刚 ...)
    says the danger is real; a past event (上个月, 前天 ...) counts only with a sign of
    danger now.
    """
    text = text.replace("紧急联系人", "     ")
    if HYPOTHETICAL.search(text) and not _REAL_NOW.search(text):
        question = True
    if (NOT_CHILD.search(text) and not CHILD.search(text)) or not_about_a_child(text):
        question = True
    if (STATUS.search(text) or HEALED.search(text)) and not _CALL.search(text):
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
