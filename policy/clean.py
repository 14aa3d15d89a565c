"""Cleaning scraped policy documents: drop what is not the document, keep what is.

Every line travels as a pair (original, simplified): decisions are taken on the
Simplified form, the original script is kept for display. Cleaning removes site
navigation, spam and footer lines, web-page metadata (after reading it), tables of
contents, lists of unrelated place names and pinyin annotations such as 網(wǎng)站, and
repairs line wraps that broke a sentence in two.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from policy.text import CJK, to_simplified

# A CJK character followed by its pinyin in parentheses: 網(wǎng) -> 網
_PINYIN = re.compile(
    f"(?<=[{CJK}])[（(][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ]{{1,7}}[）)]")
_TONED_GROUP = re.compile(
    "[（(][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ]{0,6}[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ]"
    "[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ]{0,6}[）)]")
_TONE = re.compile("[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ]")

# Inline scraping residue such as "……(新文秘网https://... 省略806字,正式会员可完整阅读)……"
_INLINE_JUNK = re.compile(
    r"\s*…*\s*[（(][^（()）]*?(?:https?://|www\.|未完|全文共|正式会员|省略\d+字)[^（()）]*?(?:[）)]…*|$)")

SPAM_WORDS = (
    "av电影", "在线观看", "免费在线", "最新网址", "人妻", "日韩", "一区二区", "不卡", "字范文",
    "生活中的好帮手", "网友评论", "不代表本网观点", "扫描二维码", "关注我们", "相关推荐",
    "正式会员", "全文共", "收藏《", "浏览次数", "打印本页", "关闭窗口", "上一篇", "下一篇",
    "版权所有", "copyright", "icp备", "彩票", "博彩", "娱乐城", "点击进入", "加微信",
)
NAV_WORDS = ("网站首页", "当前位置", "门户网站", "首页 >", "首页>", "返回顶部", "网站地图")
META_KEYS = ("发布机构", "组配分类", "政策咨询机关", "政策咨询电话", "标题", "文号", "信息来源",
             "有效性", "成文日期", "发布日期", "发布时间", "时间", "来源", "索引号", "主题分类",
             "发文机关", "浏览次数", "字体")
_KEYS = "|".join(META_KEYS)
_META_LINE = re.compile(rf"^({_KEYS})\s*[:：]")
_META_PAIR = re.compile(rf"({_KEYS})\s*[:：]\s*(\S+)")
DOC_NUMBER = re.compile(
    f"[{CJK}]{{1,10}}[〔\\[【(（]\\s*\\d{{4}}\\s*[〕\\]】)）]\\s*\\d{{1,4}}\\s*号")
_DATE_CN = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
TITLE_LINE = re.compile(
    r"(关于|制度|方案|意见|细则|办法|规定|通知|讲话)$|^关于.{4,}(的)?(通知|意见|方案|细则|办法)")
_SIGNATURE = re.compile(f"^[{CJK}]{{2,20}}(人民政府|办公厅|办公室|民政局|委员会|政府)$")
TERMINAL = tuple("。！？；：:;!?…")
_MID_SENTENCE = tuple("的和与及、，,或在对把被为向将")  # a line ending so cannot end a paragraph
HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(]\s*[一二三四五六七八九十]{1,3}\s*[）)]"
    r"|\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[）)])")


@dataclass
class Line:
    original: str
    simple: str


@dataclass
class Cleaned:
    lines: list[Line]
    meta: dict = field(default_factory=dict)  # title, document, issuer, date (as found)
    dropped: dict = field(default_factory=dict)  # reason -> count, for reports and tests


def strip_pinyin(text: str) -> str:
    """Remove pinyin annotations; a bare latin group counts only if a tone mark is near."""
    def repl(m: re.Match) -> str:
        inner = m.group(0)[1:-1]
        return "" if _TONE.search(inner) or inner.islower() else m.group(0)
    text = _PINYIN.sub(repl, text)
    # a toned syllable is pinyin wherever it stands (after mojibake too: "?,F(xiàn)")
    return _TONED_GROUP.sub("", text)


def is_place_list(simple: str) -> bool:
    parts = [p.strip() for p in re.split(r"[|｜]", simple) if p.strip()]
    if len(parts) < 5:
        parts = simple.split()
        if len(parts) < 8:
            return False
    return all(len(p) <= 8 and not re.search(r"[，。；,.;:：]", p) for p in parts)


def is_spam(simple: str) -> bool:
    low = simple.lower()
    return any(w in low for w in SPAM_WORDS)


def is_nav(simple: str) -> bool:
    if any(w in simple for w in NAV_WORDS):
        return True
    return simple.count(">") + simple.count("＞") + simple.count("›") >= 2


def _unbalanced(text: str) -> bool:
    return text.count("《") > text.count("》") or text.count("“") > text.count("”") \
        or text.count("（") + text.count("(") > text.count("）") + text.count(")")


def _read_meta(simple: str, meta: dict) -> None:
    for key, value in _META_PAIR.findall(simple):
        if key in ("发布机构", "发文机关", "信息来源", "来源") and "issuer" not in meta:
            meta["issuer"] = value
        elif key == "标题" and "title" not in meta:
            meta["title"] = re.split(r"\s+文号", simple.split(":", 1)[-1].split("：", 1)[-1])[0]
        elif key in ("成文日期", "发布日期") and "date" not in meta:
            m = _DATE_ISO.search(value)
            if m:
                meta["date"] = _iso(m)


def _iso(m: re.Match) -> str:
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


def own_number(simple_lines: list[str]) -> str | None:
    """The document's own number: the first one near the top that is not a citation."""
    for text in simple_lines[:40]:
        for m in DOC_NUMBER.finditer(text):
            before = text[max(0, m.start() - 2):m.start()]
            if before.endswith(("》（", "》(")) or before.endswith("（") and "》" in before:
                continue
            return re.sub(r"\s+", "", m.group(0))
    return None


def clean_lines(raw: str) -> Cleaned:
    c = _Cleaner()
    for raw_line in raw.splitlines():
        if not c.feed(raw_line):
            break
    number = own_number(c.all_simple)
    if number:
        c.meta["document"] = number
    return Cleaned(join_wraps(c.kept), c.meta, c.dropped)


class _Cleaner:
    """Reads a document line by line: what it keeps, what it drops and why, its metadata."""

    def __init__(self) -> None:
        self.meta: dict = {}
        self.dropped: dict[str, int] = {}
        self.kept: list[Line] = []
        self.in_toc = False
        self.all_simple: list[str] = []

    def drop(self, reason: str) -> None:
        self.dropped[reason] = self.dropped.get(reason, 0) + 1

    def feed(self, raw_line: str) -> bool:
        """Take one line; False once the document is over (its distribution list)."""
        original = strip_pinyin(raw_line.replace("\u3000", " ").replace("\xa0", " ")).strip()
        if not original:
            return True
        simple = to_simplified(original)
        self.all_simple.append(simple)
        if self._toc(simple):
            return True
        if re.match(r"^(抄送|抄报)[:：]", simple):
            self.drop("footer")
            return False
        if _INLINE_JUNK.search(original):
            # a paywall or "page truncated" note: keep an honest ellipsis in its place
            original = _INLINE_JUNK.sub("……", original).strip()
            simple = to_simplified(original)
            self.drop("inline_junk")
        reason = self._not_the_document(simple)
        if reason is None and re.fullmatch(r"[…\.\s]+", simple):
            if self.kept and not self.kept[-1].simple.endswith(TERMINAL):
                last = self.kept[-1]
                self.kept[-1] = Line(last.original + "……", last.simple + "……")
            return True
        reason = reason or self._letterhead(simple)
        if reason:
            self.drop(reason)
        else:
            self.kept.append(Line(original, simple))
        return True

    def _toc(self, simple: str) -> bool:
        """A table of contents and its entries."""
        if self.in_toc:
            if re.fullmatch(r"[…\.。]+", simple) or len(simple) <= 40 and "。" not in simple:
                self.drop("toc")
                return True
            self.in_toc = False
        if re.match(r"^(目录|提纲|目录/提纲)", simple):
            self.in_toc = True
            self.drop("toc")
            return True
        return False

    def _not_the_document(self, simple: str) -> str | None:
        """Spam, site navigation, place lists, web-page metadata (read first), page residue."""
        if is_spam(simple):
            return "spam"
        if is_nav(simple):
            return "navigation"
        if is_place_list(simple):
            return "place_list"
        if _META_LINE.match(simple):
            _read_meta(simple, self.meta)
            return "metadata"
        if not re.search(f"[{CJK}]", simple) and len(simple) < 20:
            return "page_residue"  # page numbers like "- 3 -", stray markup text
        return None

    def _letterhead(self, simple: str) -> str | None:
        """The masthead, date, signature, number and title lines around the text."""
        if re.fullmatch(f"[{CJK}]{{2,30}}文件", simple):
            return "masthead"
        m = _DATE_CN.fullmatch(simple.replace("印发", "").replace("发布", "").strip())
        if m:
            self.meta.setdefault("date", _iso(m))
            return "signature"
        if _SIGNATURE.match(simple) and self.kept:
            self.meta.setdefault("signature", simple)
            return "signature"
        if DOC_NUMBER.fullmatch(simple):
            return "number_line"
        if not HEADING.match(simple) and len(simple) <= 90 and not simple.endswith(TERMINAL[:3]) \
                and TITLE_LINE.search(simple.rstrip("》")):
            self.meta.setdefault("titles", []).append(simple)
            return "title"
        return None


def join_wraps(lines: list[Line]) -> list[Line]:
    """Re-join a sentence the scrape broke across lines (page width or page breaks)."""
    out: list[Line] = []
    for line in lines:
        if out:
            prev = out[-1]
            if (not prev.simple.endswith(TERMINAL) and not HEADING.match(prev.simple)
                    and not HEADING.match(line.simple)
                    and (len(prev.simple) >= 30 or _unbalanced(prev.simple)
                         or prev.simple.endswith(_MID_SENTENCE))):
                out[-1] = Line(prev.original + line.original, prev.simple + line.simple)
                continue
        out.append(line)
    return out
