"""Answers: curated plain-language answers first, then passages from the documents.

Order of decisions in `Answerer.ask`:
1. unusable input (empty, too long, no Chinese, nonsense) → a polite, useful reply;
2. a follow-up ("那如果孩子15岁呢?") is read together with the previous question;
3. our curated answers (policy/data/curated.yml, each with its citation) when one
   matches well enough (policy/curated.py) — these work without any ingested document;
4. otherwise the best ingested passage, quoted (policy/passages.py: extractive, we never
   compose a rule);
5. otherwise found=False and the people to ask (civil affairs, 12345, 12355, 110).
A question that describes a real situation ("邻居天天打孩子") sets looks_like_report.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from policy import calibrate, vectors
from policy.asks import asked_kinds, missing, other_place
from policy.curated import CuratedAnswers, load_curated
from policy.index import synonyms
from policy.ingest import catalogue
from policy.kb import KnowledgeBase
from policy.match import unknown_topics
from policy.passages import best_passage, extract
from policy.reports import looks_like_report
from policy.roles import fits, roles
from policy.text import cjk_count, is_traditional, normalize, to_traditional

MAX_CHARS = 300
_FOLLOW = re.compile(r"^(那|那么|那如果|如果|要是|假如|还有|另外|换成|那要是|那万一)|呢[?？]?$")
_AGE = re.compile(r"(\d{1,2}|[一二三四五六七八九十]{1,3})\s*(周岁|岁)")
MONEY = re.compile(r"多少钱|几块钱|多少元|多少块|费用是多少|收费|学费|工资|薪水|价格|补贴多少|补助多少|"
                   r"多少补贴|多少补助|发多少|领多少|标准是多少|每月多少|每个月多少|"
                   r"多少[\u4e00-\u9fff]{0,2}费|费用?要?[交给花]?多少|多少亿|几个?亿|多少万元")
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
        self.curated = CuratedAnswers(load_curated())
        to_traditional("儿")  # load OpenCC's dictionaries now, not during the first question
        # the sentence encoder ranks with BM25 when it is installed; without it, BM25 alone
        self.semantic = vectors.available()
        # the calibrated answer-or-refuse model (policy/calibrate.py), with the encoder only
        self.model = calibrate.load_model() if self.semantic else None
        if self.semantic:
            store = kb.store if kb is not None else vectors.VectorStore(None)
            self.curated.attach_vectors(store)  # embedded now, never at question time
            if kb is not None:
                kb.passage_vectors()
                store.save()
        unknown_topics("儿童", "儿童")  # and jieba's part-of-speech table

    def _known(self) -> str:
        """Everything we have words for: curated entries, synonyms and the passages."""
        n = len(self.kb.passages) if self.kb is not None else 0
        if getattr(self, "_known_n", None) != n:
            mapping = synonyms().get("map", {})
            parts = list(self.curated.texts) + [normalize(f"{k} {v}") for k, v in mapping.items()]
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
        if report and self._about_asked_actor(focus, result):
            # "老师发现学生被打却没报告，会怎样": about the teacher's duty, answered as such,
            # with the emergency number first
            result.answer = f"如果孩子现在就有危险，请马上拨打{self._hotlines()['police']}。\n" + result.answer
        elif report and (result is None or not result.context.get("report")):
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

    def _about_asked_actor(self, question: str, result: Answer | None) -> bool:
        """The answer is about the institution the question asks about (its agent)."""
        if result is None or not result.found or result.context.get("report"):
            return False
        entry = result.context.get("curated")
        i = next((n for n, e in enumerate(self.curated.entries) if e["id"] == entry), None)
        return i is not None and fits(roles(question), self.curated.actors[i]) is True

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
        qvec = vectors.question_vector(query) if self.semantic else None
        if qvec is not None and self.model is not None:
            return self._calibrated(query, qvec, focus, age)
        unknown = unknown_topics(focus, self._known())
        if unknown:
            # a noun the documents never mention: the question is about something else,
            # however well its other words match (never answer a near-miss) — unless
            # BM25 and the encoder both put the same curated answer first, closely
            # (the "noun" is then jieba's misreading: 起码, 天生, 寒极 for 极寒)
            sure = self.curated.match(query, qvec, sure=True) if qvec is not None else None
            if sure is not None:
                return self._from_curated(self.curated.entries[sure], age, query)
            names = "、".join(f"“{w}”" for w in unknown[:3])
            return Answer(f"抱歉，我手头的政策文件里没有讲到{names}方面的规定，不能随便回答您。\n"
                          + self.referral(), False, kind="refused")
        hit = self.curated.match(query, qvec)
        if hit is not None:
            return self._from_curated(self.curated.entries[hit], age, query)
        return self._from_passages(query, qvec)

    def _calibrated(self, query: str, qvec, focus: str, age: int | None) -> Answer | None:
        """A rule's curated entry, else the candidate the model finds most probably right,
        when it is probable enough; else an honest refusal."""
        ruled = self.curated.rule_match(query)
        if ruled is not None:
            if missing(asked_kinds(focus), self.curated.entries[ruled]["answer"]):
                return None  # "…没报告，会被判几年": the entry has no term to give
            return self._from_curated(self.curated.entries[ruled], age, query)
        unknown = unknown_topics(focus, self._known())
        place = other_place(focus, self._known())
        cands = calibrate.candidates(query, qvec, self.curated, self.kb, len(unknown),
                                     place is not None)
        best, _prob = calibrate.decide(cands, self.model)
        if best is None:
            if unknown:
                names = "、".join(f"“{w}”" for w in unknown[:3])
                return Answer(f"抱歉，我手头的政策文件里没有讲到{names}方面的规定，不能随便回答您。\n"
                              + self.referral(), False, kind="refused")
            return None
        if best.kind == "curated":
            return self._from_curated(self.curated.entries[best.index], age, query)
        return self._quote(self.kb.passages[best.index], query, qvec)

    def _curated_by_id(self, entry_id: str, age: int | None) -> Answer | None:
        e = self.curated.by_id(entry_id)
        return self._from_curated(e, age, e["questions"][0]) if e is not None else None

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

    def _from_passages(self, query: str, qvec=None) -> Answer | None:
        best = best_passage(self.kb, query, qvec)
        return None if best is None else self._quote(best, query, qvec)

    def _quote(self, best: dict, query: str, qvec=None) -> Answer:
        sims = None
        if qvec is not None:
            sims = self.kb.window_similarities(self.kb.passages.index(best), qvec)
        quote = extract(best["text"], query, window_sims=sims)
        name = (_titles().get(best["document"]) or {}).get("short") or best["title"]
        where = f"《{name}》" + ("" if best["document"] == name else f"（{best['document']}）")
        text = f"{where}{best['section']}中写道：“{quote}”\n具体怎么办理，建议再问问当地民政部门（{self._hotlines()['civil']}）。"
        src = {"document": best["document"], "title": best["title"], "section": best["section"]}
        return Answer(text, True, [src], best["original"], {}, kind="passage")

