"""Cleaning and structure on small noisy documents we wrote ourselves (fictional)."""
from __future__ import annotations

import io
import zipfile

from policy import open_kb
from policy.clean import clean_lines, strip_pinyin
from policy.ingest import build_passages

# A fictional county notice with the kinds of noise real scrapes have.
NOISY = """免费在线观看最新网址-精品日韩一区二区
網(wǎng)站首頁 > 政務(wù)公開 > 文件
發(fā)布機構(gòu): 示例縣民政局 組配分類: 部門文件
成文日期: 2030-05-06 發(fā)布日期: 2030-05-07
示例县民政局文件
示例民发〔2030〕9号
示例县民政局关于印发《示例县留守儿童看护办法》的通知
根据《某某意见》（某发〔2029〕3号）精神，结合本县实际，制定本办法。
一、看護(hù)要求
（一）家庭責(zé)任。
父母外出前應(yīng)當(dāng)把孩子託付給有看护能力的
成年人，不得讓未滿十四周歲的孩子獨自生活。
（二）村里的责任。
1.登记。村委会每半年登记一次看护情况。
2.走访。看护人每月至少接受一次电话回访，发现问题及时报告镇政府。
二、附则
本办法自印发之日起施行。……(某某文库https://example.invalid省略300字,会员可阅读)……
网友评论
扫描二维码 关注我们
东城县| 西城区| 南山镇| 北湖乡| 中原市| 上游县|
"""


def _minimal_pdf(text: str) -> bytes:
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
             b"/Resources << /Font << /F1 5 0 R >> >> >>"),
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def test_pdf_text_is_read(tmp_path):
    from policy.readers import read_document

    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(_minimal_pdf("Child protection notice, section one."))
    assert "Child protection notice" in read_document(pdf)


def test_strip_pinyin_keeps_real_parentheses():
    assert strip_pinyin("網(wǎng)站") == "網站"
    assert strip_pinyin("關(guān)於") == "關於"
    assert strip_pinyin("村（居）民委员会") == "村（居）民委员会"
    assert strip_pinyin("（国发〔2016〕13号）") == "（国发〔2016〕13号）"


def test_noise_is_removed_and_reported():
    cleaned = clean_lines(NOISY)
    text = "\n".join(line.simple for line in cleaned.lines)
    for junk in ("观看", "网站首页", "发布机构", "网友评论", "二维码", "东城县", "example.invalid",
                 "(wǎng)", "民政局文件"):
        assert junk not in text
    assert cleaned.dropped["spam"] >= 1 and cleaned.dropped["place_list"] == 1
    assert cleaned.meta["document"] == "示例民发〔2030〕9号"  # not the cited 某发〔2029〕3号
    assert cleaned.meta["issuer"] == "示例县民政局"
    assert cleaned.meta["date"] == "2030-05-06"


def test_structure_metadata_and_original_script(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text(NOISY, encoding="utf-8")
    doc, passages, _ = build_passages(path)
    assert doc["document"] == "示例民发〔2030〕9号"
    assert doc["title"] == "示例县留守儿童看护办法"
    sections = {p["section"]: p for p in passages}
    assert set(sections) >= {"前言", "一、（一）", "一、（二）1.", "一、（二）2.", "二、"}
    family = sections["一、（一）"]
    # the broken line wrap is repaired, Simplified for search, Traditional kept for display
    assert "有看护能力的成年人，不得让未满十四周岁的孩子独自生活" in family["text"]
    assert "託付給有看护能力的成年人" in family["original"]
    assert family["section_title"].endswith("家庭责任")
    assert "每半年登记一次" in sections["一、（二）1."]["text"]
    assert sections["二、"]["text"].endswith("……")  # the paywall note leaves an honest ellipsis


def test_html_and_docx_are_read(tmp_path):
    html = tmp_path / "page.html"
    html.write_text("<html><head><title>x</title><script>var a=1;</script></head><body>"
                    "<nav>首页 &gt; 政策 &gt; 文件</nav><h1>示例乡关于儿童看护的通知</h1>"
                    "<p>一、看护</p><p>孩子不得单独在家过夜，村委会要每月走访。</p></body></html>",
                    encoding="utf-8")
    _, passages, _ = build_passages(html)
    assert [p["section"] for p in passages] == ["一、"]
    assert "每月走访" in passages[0]["text"] and "var a" not in passages[0]["text"]

    docx = tmp_path / "doc.docx"
    body = "".join(f"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>" for t in
                   ["一、总则", "孩子由有能力的成年人照看，照看人要记录每周情况。"])
    xml = ('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           f"<w:body>{body}</w:body></w:document>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", xml)
    docx.write_bytes(buf.getvalue())
    _, passages, _ = build_passages(docx)
    assert passages[0]["section"] == "一、" and "每周情况" in passages[0]["text"]


def test_ingest_twice_changes_nothing_and_bad_files_are_reported(tmp_path):
    src = tmp_path / "notice.txt"
    src.write_text(NOISY, encoding="utf-8")
    copy = tmp_path / "copy.txt"
    copy.write_text(NOISY, encoding="utf-8")
    kb_dir = tmp_path / "kb"
    kb = open_kb(kb_dir)
    assert [r.status for r in kb.ingest([src])] == ["added"]
    before = {p.name: p.read_bytes() for p in kb_dir.iterdir()}
    assert [r.status for r in kb.ingest([src, copy])] == ["unchanged", "unchanged"]
    assert {p.name: p.read_bytes() for p in kb_dir.iterdir()} == before
    assert len(open_kb(kb_dir).passages) == len(kb.passages)

    bad = tmp_path / "x.xls"
    bad.write_bytes(b"\x00\x01")
    empty = tmp_path / "empty.txt"
    empty.write_text("网友评论\n", encoding="utf-8")
    statuses = [r.status for r in kb.ingest([bad, empty])]
    assert statuses == ["error", "error"]
