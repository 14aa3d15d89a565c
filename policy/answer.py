"""Answers: curated plain-language answers first, then passages from the documents.

Order of decisions in `Answerer.ask`:
1. unusable input (empty, too long, no Chinese, nonsense) → a polite, useful reply;
2. a follow-up ("那如果孩子15岁呢?") is read together with the previous question;
3. our curated answers (policy/data/curated.yml, each with its citation) when one
   matches well enough — these work without any ingested document;
4. otherwise the best ingested passage, quoted (extractive: we never compose a rule);
5. otherwise found=False and the people to ask (civil affairs, 12345, 12355, 110).
A question that describes a real situation ("邻居天天打孩子") sets looks_like_report.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from policy.index import BM25, expand, synonyms, tokenize
from policy.ingest import catalogue
from policy.kb import KnowledgeBase
from policy.match import concepts, coverage, formalize, unknown_topics
from policy.reports import looks_like_report
from policy.text import cjk_count, is_traditional, normalize, to_traditional

DATA_DIR = Path(__file__).resolve().parent / "data"
MAX_CHARS = 300
# Thresholds, set on the evaluation set (see docs/policy.md for the figures).
CURATED_MIN = 0.55  # share of the question's weighted words an entry must cover
CURATED_SCORE_MIN = 10.0  # BM25 score of the best curated candidate
CURATED_AGREE = 0.35  # the chosen entry's BM25 score must be this share of the best one
PASSAGE_MIN = 0.85  # a passage must cover nearly all of the question
PASSAGE_SCORE_MIN = 15.0
NEAR_PHRASING = 0.6  # bigram Jaccard with one of an entry's own phrasings
ANSWER_IN_TARGET = True  # the entry's answer text counts towards coverage (+1.2 % key fact)
_FOLLOW = re.compile(r"^(那|那么|那如果|如果|要是|假如|还有|另外|换成|那要是|那万一)|呢[?？]?$")
_AGE = re.compile(r"(\d{1,2}|[一二三四五六七八九十]{1,3})\s*(周岁|岁)")
MONEY = re.compile(r"多少钱|几块钱|多少元|多少块|费用是多少|收费|学费|工资|薪水|价格|补贴多少|补助多少|"
                   r"多少补贴|多少补助|发多少|领多少|标准是多少|每月多少|每个月多少")
# a telephone number is asked for: the documents list none, the referral gives ours
PHONE = re.compile(r"(电话|号码|热线)(号码)?(是)?多少|(电话|号码)是啥|打哪个电话|电话号")
_CN = {c: i for i, c in enumerate("零一二三四五六七八九", 0)}


@dataclass
class Answer:
    answer: str
    found: bool
    sources: list[dict] = field(default_factory=list)
    passage: str | None = None
    context: dict = field(default_factory=dict)
    looks_like_report: bool = False
    kind: str = "none"  # curated, passage, refused, invalid — for evaluation and logs

    def to_dict(self) -> dict:
        return asdict(self)


def parse_age(text: str) -> int | None:
    m = _AGE.search(normalize(text))
    if not m:
        return None
    raw = m.group(1)
    if raw.isdigit():
        return int(raw)
    if raw == "十":
        return 10
    if raw.startswith("十"):
        return 10 + _CN.get(raw[1], 0)
    if "十" in raw:
        tens, _, ones = raw.partition("十")
        return _CN.get(tens, 0) * 10 + (_CN.get(ones, 0) if ones else 0)
    return _CN.get(raw)


@lru_cache(maxsize=1)
def load_curated() -> list[dict]:
    data = yaml.safe_load((DATA_DIR / "curated.yml").read_text(encoding="utf-8")) or {}
    return list(data.get("answers") or [])


@lru_cache(maxsize=1)
def _titles() -> dict[str, dict]:
    out = {}
    for e in catalogue():
        out[e.get("number") or e.get("name")] = e
    return out


def source_dict(document: str, section: str) -> dict:
    entry = _titles().get(document, {})
    return {"document": document, "title": entry.get("title", ""), "section": section}


class Answerer:
    def __init__(self, kb: KnowledgeBase | None, region: dict | None = None) -> None:
        self.kb = kb
        self.region = region or {}
        self.curated = load_curated()
        texts = [" ".join(str(x) for x in e.get("questions", []) + e.get("keywords", []))
                 for e in self.curated]
        self._cur_tokens = [tokenize(expand(t)) for t in texts]
        # both the words people use and the documents' terms count as covered
        self._cur_text = [normalize(t) + " " + formalize(t) + (
            " " + normalize(e["answer"]) if ANSWER_IN_TARGET else "")
            for t, e in zip(texts, self.curated)]
        self.cur_bm25 = BM25(self._cur_tokens)
        self._defines = {normalize(t): i for i, e in enumerate(self.curated)
                         for t in e.get("defines", [])}
        self._phrasing_grams = [[_bigrams(q) for q in e.get("questions", [])] for e in self.curated]
        to_traditional("儿")  # load OpenCC's dictionaries now, not during the first question
        unknown_topics("儿童", "儿童")  # and jieba's part-of-speech table

    def _known(self) -> str:
        """Everything we have words for: curated entries, synonyms and the passages."""
        n = len(self.kb.passages) if self.kb is not None else 0
        if getattr(self, "_known_n", None) != n:
            mapping = synonyms().get("map", {})
            parts = list(self._cur_text) + [normalize(f"{k} {v}") for k, v in mapping.items()]
            if self.kb is not None:
                parts += [normalize(p["section_title"] + " " + p["text"]) for p in self.kb.passages]
            self._known_text, self._known_n = "\n".join(parts), n
        return self._known_text

    # -- the people to ask -------------------------------------------------------------
    def _hotlines(self) -> dict:
        h = dict(self.region.get("hotlines") or {})
        return {"civil": str(self.region.get("civil_affairs_phone") or "当地民政部门"),
                "police": str(h.get("police") or "110"),
                "citizen": str(h.get("citizen_service") or "12345"),
                "youth": str(h.get("youth") or "12355")}

    def referral(self) -> str:
        h = self._hotlines()
        return (f"您可以：\n· 打电话问当地民政部门：{h['civil']}\n"
                f"· 拨打 {h['citizen']} 政务服务便民热线\n"
                f"· 孩子或家长想找人聊聊，可拨打 {h['youth']} 青少年服务热线\n"
                f"如果孩子正面临危险，请马上拨打 {h['police']}。")

    # -- the main entry ----------------------------------------------------------------
    def ask(self, question: str, context: dict | None = None) -> Answer:
        try:
            return self._ask(question if isinstance(question, str) else "", dict(context or {}))
        except Exception:  # noqa: BLE001 - never let a question become an error page
            return Answer("抱歉，我这边出了点问题，没能回答。\n" + self.referral(), False,
                          kind="invalid")

    def _ask(self, question: str, context: dict) -> Answer:
        q = question.strip()
        invalid = self._invalid(q)
        if invalid:
            return invalid
        traditional = is_traditional(q)
        report = looks_like_report(q)
        focus = q[:MAX_CHARS]
        query = focus
        age = parse_age(focus)
        if context.get("question") and self._is_follow_up(focus, age):
            query = context["question"] + " " + focus
            if age is None:
                age = context.get("age")
        result = self._answer(query, age, context, focus)
        if report and (result is None or not result.context.get("report")):
            # a child in trouble now: what to do comes before what the rules are
            result = self._curated_by_id("report_what_to_do", age)
        if result is None:
            result = Answer("抱歉，我手头的政策文件里没有找到这个问题的明确规定，不能随便回答您。\n"
                            + self.referral(), False, kind="refused")
        if len(q) > MAX_CHARS:
            result.answer = "（您的问题比较长，我先按开头的部分回答。）\n" + result.answer
        result.looks_like_report = report
        result.context = {"question": query[-200:], "age": age,
                          "curated": result.context.get("curated"),
                          "sources": result.sources[:1]}
        if traditional:
            result.answer = to_traditional(result.answer)
        return result

    def _invalid(self, q: str) -> Answer | None:
        examples = "例如：“孩子14岁，我们出去打工能让他一个人在家吗？”“老师发现孩子被打必须报告吗？”"
        if not q:
            return Answer("请告诉我您想了解的问题，" + examples, False, kind="invalid")
        if cjk_count(q) == 0:
            if re.search(r"[A-Za-z]{2,}", q):
                return Answer("您好！我目前只能用中文回答留守儿童关爱保护方面的政策问题，请用中文提问。"
                              "（Sorry, I can only answer in Chinese. In an emergency call "
                              f"{self._hotlines()['police']}.）\n" + self.referral(), False,
                              kind="invalid")
            return Answer("没太看懂您的意思。请用一句话说说您想了解什么，" + examples, False,
                          kind="invalid")
        return None

    @staticmethod
    def _is_follow_up(q: str, age: int | None) -> bool:
        if _FOLLOW.search(q):
            return True
        return age is not None and len(q) <= 10

    def _answer(self, query: str, age: int | None, context: dict, focus: str) -> Answer | None:
        if MONEY.search(normalize(focus)):
            # the documents set no amounts of money: never let a passage stand in for one
            return self._curated_by_id("subsidy_amount", age)
        if PHONE.search(normalize(focus)):
            return None  # the refusal lists the civil-affairs number and the hotlines
        unknown = unknown_topics(focus, self._known())
        if unknown:
            # a noun the documents never mention: the question is about something else,
            # however well its other words match (never answer a near-miss)
            names = "、".join(f"“{w}”" for w in unknown[:3])
            return Answer(f"抱歉，我手头的政策文件里没有讲到{names}方面的规定，不能随便回答您。\n"
                          + self.referral(), False, kind="refused")
        hit = self.match_curated(query)
        if hit is not None:
            return self._from_curated(self.curated[hit], age, query)
        return self._from_passages(query)

    def match_curated(self, query: str) -> int | None:
        """The curated entry that answers `query`, or None.

        BM25 proposes candidates; coverage (how much of the question the entry's own
        phrasings and keywords account for) picks among them and decides.
        """
        term = _defined_term(query)
        if term and term in self._defines:
            return self._defines[term]
        counts = _COUNTS_AS.search(normalize(query))  # "娃算不算留守儿童": a definition
        if counts and counts.group(1) in self._defines and not _DURATION.search(query):
            return self._defines[counts.group(1)]
        near = self._near_phrasing(query)
        if near is not None:
            return near
        top = self.cur_bm25.top(tokenize(expand(query)), 5)
        if not top or top[0][1] < CURATED_SCORE_MIN:
            return None
        words = concepts(query)
        idf = self.cur_bm25.idf  # (the documents' idf instead measured worse: 89.4 vs 94.1 %)
        best, best_val, best_cov, best_score = None, -1.0, 0.0, 0.0
        for i, score in top:
            cov = coverage(words, self._cur_text[i], idf)
            value = cov + 0.3 * score / top[0][1]
            if value > best_val:
                best, best_val, best_cov, best_score = i, value, cov, score
        if best_score < CURATED_AGREE * top[0][1]:
            # coverage and ranking disagree sharply: the entry shares a few words with the
            # question but is not what it is about; an honest refusal beats a near-miss
            return None
        return best if best_cov >= CURATED_MIN else None

    def _near_phrasing(self, query: str) -> int | None:
        """An entry one of whose own phrasings is nearly the question (bigram Jaccard)."""
        grams = _bigrams(query)
        if len(grams) < 3:
            return None
        best, best_sim = None, 0.0
        for i, phrasings in enumerate(self._phrasing_grams):
            for g in phrasings:
                sim = len(grams & g) / len(grams | g)
                if sim > best_sim:
                    best, best_sim = i, sim
        return best if best_sim >= NEAR_PHRASING else None

    def _curated_by_id(self, entry_id: str, age: int | None) -> Answer | None:
        for e in self.curated:
            if e["id"] == entry_id:
                return self._from_curated(e, age, e["questions"][0])
        return None

    def _from_curated(self, e: dict, age: int | None, query: str) -> Answer:
        text = e["answer"].strip()
        limit = e.get("age_limit")
        if limit and age is not None:
            if age < limit and e.get("under"):
                text = e["under"].format(age=age).strip() + text
            elif age >= limit and e.get("over"):
                text = e["over"].format(age=age).strip()
        src = e["source"]
        sources = [source_dict(src["document"], src["section"])]
        sources += [source_dict(s["document"], s["section"]) for s in e.get("also", [])]
        passage = None
        if self.kb is not None:
            p = self.kb.passage_for(src["document"], src["section"], hint=query)
            passage = p["original"] if p else None
        found = e.get("found", True)
        if not found:
            text += "\n" + self.referral()
        return Answer(text, found, sources, passage,
                      {"curated": e["id"], "report": bool(e.get("report"))}, kind="curated")

    def _from_passages(self, query: str) -> Answer | None:
        if self.kb is None or not self.kb.passages:
            return None
        hits = self.kb.search(query, k=3)
        if not hits:
            return None
        words = concepts(query)
        best = None
        for p, score, _ in hits:
            cov = coverage(words, normalize(p["section_title"] + p["text"]), self.kb.bm25.idf)
            if score >= PASSAGE_SCORE_MIN and cov >= PASSAGE_MIN:
                best = p
                break
        if best is None:
            return None
        quote = extract(best["text"], query)
        name = (_titles().get(best["document"]) or {}).get("short") or best["title"]
        where = f"《{name}》" + ("" if best["document"] == name else f"（{best['document']}）")
        text = f"{where}{best['section']}中写道：“{quote}”\n具体怎么办理，建议再问问当地民政部门（{self._hotlines()['civil']}）。"
        src = {"document": best["document"], "title": best["title"], "section": best["section"]}
        return Answer(text, True, [src], best["original"], {}, kind="passage")


_DEFINE = re.compile(r"^(?:请问)?(?:什么是|啥是|何为|什么叫|什么叫做)(.+?)$|^(?:请问)?(.+?)"
                     r"(?:是什么意思|是啥意思|啥意思|是什么|是啥|指的是什么|是指什么|指什么|怎么定义|的定义)$")


_DURATION = re.compile(r"月|多久|多长时间|几天|半年|一年")  # how long away: its own entry
_COUNTS_AS = re.compile(r"算(?:不算|是|作|做)?(留守儿童|农村留守儿童|留守孩子|困境儿童|事实无人抚养儿童)")


def _defined_term(query: str) -> str | None:
    """"什么是X" / "X是什么意思" → X (normalised), for questions asking a definition."""
    m = _DEFINE.match(re.sub(r"[\s?？。!！,，]+$", "", normalize(query)))
    return (m.group(1) or m.group(2)).strip() if m else None


def _bigrams(text: str) -> set[str]:
    t = re.sub(r"[^\u4e00-\u9fff0-9a-z]", "", formalize(text))
    t = re.sub(r"^(请问|我想问|想问一下|问一下)", "", t)
    return {t[i:i + 2] for i in range(len(t) - 1)}


def extract(text: str, query: str, limit: int = 150) -> str:
    """The one or two sentences of a passage that best answer the question, verbatim."""
    sentences = [s for s in re.split(r"(?<=[。；;])", text.replace("\n", "")) if s.strip()]
    if not sentences:
        return text[:limit]
    q = set(tokenize(expand(query)))
    scored = sorted(range(len(sentences)),
                    key=lambda i: -len(q & set(tokenize(sentences[i]))) / (1 + len(sentences[i]) / 200))
    chosen = sorted(scored[:2]) if len(sentences[scored[0]]) < limit * 0.6 else [scored[0]]
    quote = "".join(sentences[i] for i in chosen).strip()
    return quote if len(quote) <= limit * 1.6 else quote[: int(limit * 1.6)] + "……"
