"""The five real scraped documents: clean passages, right sections, right metadata."""
from __future__ import annotations

import re

from policy import open_kb

WH, NM, DL, FY = "乌海政办发〔2016〕71号", "内政发〔2016〕75号", "大政办发〔2016〕72号", "阜民儿童函〔2024〕1号"
JUNK = ["av电影", "在线观看", "700字范文", "好帮手", "网友评论", "本网观点", "扫描二维码", "关注我们",
        "相关推荐", "新文秘网", "正式会员", "全文共", "网站首页", "门户网站", "浏览次数", "政策咨询电话",
        "时间:2019", "抄送", "目录/提纲"]
PLACES = ["犍为县", "堆龙德庆县", "克什克腾旗", "五家渠市", "宜兰县"]
PINYIN = re.compile(r"[（(][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]{1,7}[）)]")


def test_no_noise_in_any_passage(real_kb):
    assert len(real_kb.documents) == 5
    for p in real_kb.passages:
        for field in ("text", "original"):
            body = p[field]
            for junk in JUNK + PLACES:
                assert junk not in body, (p["id"], junk)
            assert not PINYIN.search(body), (p["id"], PINYIN.search(body).group(0))
            assert " > " not in body and "|" not in body


def _section_of(kb, document, phrase):
    hits = [p["section"] for p in kb.passages if p["document"] == document and phrase in p["text"]]
    assert hits, (document, phrase)
    return hits[0]


def test_section_paths_for_sample_clauses(real_kb):
    assert _section_of(real_kb, WH, "不得让不满十六周岁的儿童脱离监护单独居住生活") == "二、（一）"
    assert _section_of(real_kb, WH, "务工地点、联系方式和委托监护") == "二、（一）"
    assert _section_of(real_kb, WH, "应当在第一时间向公安机关报告") == "三、（一）"
    assert _section_of(real_kb, WH, "拒不履行监护职责六个月以上") == "三、（四）"
    assert _section_of(real_kb, NM, "应当在第一时间向公安机关报告") == "四、（一）"
    assert _section_of(real_kb, NM, "孵化期内可减免租金") == "五、（二）"
    assert _section_of(real_kb, DL, "原则上每年召开1次全体会议") == "三、"
    assert _section_of(real_kb, DL, "第一时间出警调查") == "四、州公安局"
    assert _section_of(real_kb, FY, "儿童主任至少每个月联系一次") == "二、（三）9."
    assert _section_of(real_kb, FY, "极寒、极热、暴雨、暴雪") == "二、（二）6."
    assert _section_of(real_kb, FY, "连续3个月以上") == "一、（二）"
    assert _section_of(real_kb, "区联席会议动员讲话", "网格化管理") == "二、"


def test_metadata(real_kb):
    docs = {d["document"]: d for d in real_kb.documents.values()}
    assert docs[WH]["issuer"] == "乌海市人民政府办公厅" and docs[WH]["date"] == "2016-11-23"
    assert docs[FY]["issuer"] == "阜阳市民政局" and docs[FY]["date"] == "2024-03-14"
    assert docs[NM]["title"].startswith("内蒙古自治区人民政府关于加强农村牧区留守儿童")
    assert docs[DL]["title"] == "大理州农村留守儿童关爱保护工作联席会议制度"
    for p in real_kb.passages:
        assert p["document"] and p["title"] and p["section"]


def test_traditional_original_kept_and_wraps_repaired(real_kb):
    fy = next(p for p in real_kb.passages if p["document"] == FY and "每个月联系一次" in p["text"])
    assert "兒童主任至少每個月" in fy["original"] and "儿童主任" not in fy["original"]
    wh = next(p for p in real_kb.passages if p["document"] == WH and p["section"] == "一、")
    assert "“家庭、社会、政府”三位一体" in wh["text"]  # a page break had cut 家/庭


def test_ingest_twice_changes_nothing(real_kb, docs_dir):
    files = {p.name: p.read_bytes() for p in real_kb.dir.iterdir()}
    results = real_kb.ingest(sorted(docs_dir.glob("*.txt")))
    assert {r.status for r in results} == {"unchanged"}
    assert {p.name: p.read_bytes() for p in real_kb.dir.iterdir()} == files
    assert len(open_kb(real_kb.dir).passages) == len(real_kb.passages)
