"""Is a question really a report? "邻居天天打孩子怎么办" describes a child in trouble now.

A harm word alone is not enough ("家暴要报告吗?" asks about a rule); it takes a harm
word and a cue that a real child and a real situation are meant (someone, a time, a
place, "怎么办"), and no sign that the question is only about a rule.
"""
from __future__ import annotations

import re

from policy.text import normalize

HARM = re.compile(
    "打孩子|打骂|虐待|家暴|家庭暴力|被打|挨打|殴打|打得|打伤|打他|打她|性侵|猥亵|强奸|摸.{0,3}(身体|下体)|欺负|霸凌|"
    "饿着|不给.{0,2}饭|关起来|锁在家|遗弃|扔下|丢下|没人管|没人照顾|一个人在家|独自在家|自己在家|"
    "失踪|不见了|走丢|离家出走|找不到|联系不上|自杀|想不开|轻生|割腕|受伤|流血|拐|卖孩子")
CUE = re.compile(
    "邻居|隔壁|我家|家里|村里|我们村|我们班|班上|班里|学生|有个|有一个|这个孩子|那个孩子|那孩子|"
    "我看到|看见|我发现|听说|天天|每天|经常|总是|一直|老是|现在|正在|今天|昨天|刚才|刚刚|晚上|"
    "好几天|好多天|几天了|怎么办|咋办|救救|帮帮")
RULE_ONLY = re.compile(
    "必须报告吗|要不要报告|需不需要报告|要报告吗|报给谁|向谁报告|是否|规定|算不算|什么是|哪些情况|"
    "会受.{0,3}处罚|怎么处罚|追责|法律责任|撤销监护")


def looks_like_report(question: str) -> bool:
    text = normalize(question)
    if not HARM.search(text) or not CUE.search(text):
        return False
    return not (RULE_ONLY.search(text)
                and not re.search("邻居|隔壁|我家|天天|每天|现在|正在|刚才|刚刚|有个", text))
