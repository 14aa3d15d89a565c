"""Does a first message say what happened, or only who writes and that they want to report?

"我要报告", "我是医生，要做强制报告" say nothing of what happened: the report flow asks for it
before anything else instead of filing a case without a description. The test is on words
(jieba), not on length: strip the reporter's role (the NLU's `reporter_role` span), names of
places and organisations, pronouns and the words of asking to report; what remains must say
something. Traditional characters are read as Simplified.
"""
from __future__ import annotations

import logging
import re

from nlu.normalize import normalize_text

# Words of the act of reporting itself (and of greeting): no fact about a child.
REPORT_WORDS = frozenset(
    ["我", "我们", "俺", "是", "要", "想", "需要", "得", "来", "做", "进行", "提交", "一下", "一个", "个", "强制", "报告", "举报", "反映", "报案", "上报", "报警", "情况", "事情", "事", "问题", "案件", "这里", "这边", "你好", "您好", "喂", "请问", "的", "了", "啊", "呀", "呢", "吧", "吗", "一", "件", "有", "怎么", "如何", "找", "帮忙", "帮", "线索", "依法", "按规定", "规定", "作为", "本人", "身份", "履行", "责任", "义务", "强制性", "紧急", "这个", "那个", "还是", "想要", "打算", "准备", "现在", "想问", "下", "老师", "班主任", "校长", "教师", "园长", "医生", "护士", "村医", "大夫", "卫生院", "医院", "诊所", "学校", "小学", "中学", "幼儿园", "村委", "村委会", "村干部", "支书", "村支书", "村主任", "村长", "儿童主任", "网格员", "妇女主任", "社工", "志愿者", "救助站", "福利院", "邻居", "村民", "工作人员", "单位", "镇", "乡", "村", "县", "市", "区", "有个", "有件",
     # not what happened: "我想说一件事 可以吗"
     "说", "说说", "讲", "想说", "说个事", "有件事", "有个事", "一件事", "件事", "一件", "一名", "一位", "可以", "事想", "转介", "了解", "登记",
     # kinds of families, not what happened to them: "想转介一个困境留守家庭"
     "困境", "留守", "家庭", "困境家庭", "留守家庭", "社工站",
     # seeing something and hesitating is not yet what was seen: "我在店门口看到个事，不晓得该不该说"
     "在", "看到", "看见", "碰到", "遇到", "遇见", "不", "晓得", "知道", "该不该", "要不要", "不要", "应不应该",
     "路上", "门口", "店门口", "街上", "外面"])
# Names of places, people and organisations (jieba POS ns, nr, nt …) say who or where, not what.
NAME_FLAGS = ("ns", "nr", "nt", "nz", "nrt", "nrfg", "j")
# Pronouns (我们, 这个, 有个 …) say nothing of what happened either.
EMPTY_FLAGS = NAME_FLAGS + ("r",)
MIN_CONTENT_CHARS = 3
# School years and the bare word for the child ("三年级的班主任，想报告一个学生的情况") say who,
# not what happened.
GRADE = re.compile(r"[一二三四五六七八九1-9]年级|[初高][一二三123]|[一二三四五六七八九十\d]+班")
CHILD_WORDS = frozenset(["学生", "孩子", "小孩", "娃", "娃儿", "女生", "男生", "小朋友", "名", "一名", "位", "一位", "家长", "病人", "患儿",
                         "病例", "同学", "娃娃", "男孩", "女孩", "儿童", "留守儿童", "困境儿童"])
# A compound role word ("儿科医生", "宿管老师") is a role too.
ROLE_ENDINGS = ("老师", "医生", "护士", "大夫", "班主任", "校长", "主任", "社工", "干部", "网格员")
_tokenizer = None


def _cut(text: str) -> list[tuple[str, str]]:
    """(word, POS flag) pairs."""
    global _tokenizer
    if _tokenizer is None:
        import jieba
        from jieba import posseg

        jieba.setLogLevel(logging.WARNING)
        base = jieba.Tokenizer()
        for w in ("强制报告", "儿童主任", "村干部", "网格员", "留守儿童", "困境儿童", "村医", "社工站", "转介"):
            base.add_word(w, freq=20000)
        _tokenizer = posseg.POSTokenizer(base)
    return [(p.word, p.flag) for p in _tokenizer.cut(text, HMM=True)]


def says_what_happened(text: str, role_span: tuple[int, int] | None = None) -> bool:
    """True when `text` says something beyond "I am X and I want to report"."""
    if not text or text.startswith("/"):
        return False
    if role_span is not None:
        start, end = role_span
        text = text[:start] + " " + text[end:]
    text = GRADE.sub(" ", normalize_text(text))  # Traditional and full-width read like Simplified
    words = [(w, f) for w, f in _cut(text) if w.strip() and any("\u4e00" <= ch <= "\u9fff" or ch.isalnum() for ch in w)]
    content = [(w, f) for w, f in words if w not in REPORT_WORDS and f not in EMPTY_FLAGS
               and not w.startswith(("强制报告", "报告")) and not w.endswith(ROLE_ENDINGS)
               and not w.endswith("年级") and not w.isdigit()]
    # the child alone ("一个学生的情况") is no fact, nor a stray character of a place name
    # jieba split ("青|山镇"); with a fact ("孩子被打了") the child counts
    facts = [w for w, f in content if w not in CHILD_WORDS and (len(w) > 1 or f[:1] in "vad")]
    return bool(facts) and sum(len(w) for w, _ in content) >= MIN_CONTENT_CHARS


# "上报一例…", "报告一名学生…", "转介一个个案": a report being made, not a question about reporting.
_FILING = re.compile(r"(?:上报|报告|报|转介|反映)(?:一例|一名|一个|一起|个案)")
_ASKING = re.compile(r"[？?]|吗|呢$|怎么|如何|是否|要不要|需不需要|需要不需要|能不能|该不该|应不应该|可不可以|可以不|什么|谁")


def states_a_report(text: str) -> bool:
    """The message files a report ("县医院骨科，按强制报告要求上报一例儿童意外伤害"), though its
    words about the reporting duty make it look like a policy question."""
    t = normalize_text(text)
    return bool(_FILING.search(t)) and not _ASKING.search(t)


# "我儿子在学校老被同学欺负…不知道怎么办": a parent asking for help with their own child is
# reporting, though the words ask a question; "孩子被欺负了怎么办" in general is a question.
_HELP = re.compile(r"怎么办|咋办|咋整|找谁|怎么处理|该怎么做|能不能帮")
_MINE = re.compile(r"我(?:家|们家)?(?:的)?(?:儿子|女儿|闺女|孩子|娃|孙子|孙女|外孙|外甥|侄子|侄女|学生)"
                   r"|我(?:们)?班(?:上|里)?(?:的|有)?")
_RULES = re.compile(r"政策|规定|补助|补贴|法律|条例|办法|手续|材料|条件|流程|申请"
                    r"|(?:要|快要|准备|打算)[^，,。怎咋]{1,8}(?:怎么办|咋办)")  # "我孙子要上学了怎么办": a plan


def seeks_help(text: str) -> bool:
    """Someone tells what happened to their own child and asks what to do: a report."""
    t = normalize_text(text)
    return bool(_HELP.search(t)) and bool(_MINE.search(t)) and not _RULES.search(t) and says_what_happened(t)


# "我要出去打工了，孩子要报备吗？", "我在外地…需要在这里登记吗", "这样也要登记吧": a parent going
# away asks whether to register. The answer is yes, and the registration itself answers it.
REGISTER_WORDS = frozenset(["登记", "报备", "备案", "登个记", "报个备"])
ASKING_WORDS = frozenset(["吗", "吧", "嘛", "么", "要不要", "需不需要", "用不用", "是不是", "怎么", "咋", "如何",
                          "在哪", "哪里", "在哪里"])
AWAY_WORDS = frozenset(["打工", "上班", "干活", "务工", "做工", "外地", "外出", "出去", "出门", "返工", "在外"])
SPEAKER = frozenset(["我", "俺", "我们", "俺们", "咱", "咱们"])


def asks_to_register(text: str, city: str | None = None) -> bool:
    """A parent working away asks whether (or how) to register who looks after the child.
    Not "之前登记过" (an update), not a teacher asking in general (nobody goes away).
    `city`: the NLU's city entity ("我去合肥了": going to a city is going away)."""
    words = _cut(normalize_text(text))
    tokens = [w for w, _ in words]
    registers = any(w in REGISTER_WORDS and tokens[i + 1:i + 2] != ["过"] for i, w in enumerate(tokens))
    away = bool(city) or any(w in AWAY_WORDS for w in tokens) or any(
        w in ("去", "到") and words[i + 1][1] == "ns" for i, (w, _) in enumerate(words[:-1]))
    return registers and away and _asks(tokens) and any(w in SPEAKER for w in tokens)


def _asks(tokens: list[str]) -> bool:
    """A question word, a yes-no "X不X" (中不中, 行不行), or a closing 不 (登记上行不)."""
    said = [w for w in tokens if w.strip() and w not in "，。,.!！~～"]
    return (any(w in ASKING_WORDS for w in said) or said[-1:] == ["不"]
            or any(a == c and b == "不" for a, b, c in zip(said, said[1:], said[2:])))
