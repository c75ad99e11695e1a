"""Loaders for DOCX, PDF and HTML: exact grids on small built files, spot values on real reports, bad input."""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import docx
import pypdf
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import SimpleDocTemplate, TableStyle
from reportlab.platypus import Table as RLTable

from extractor.document import Document, Table
from extractor.errors import ExtractError
from extractor.loaders.docx import load_docx
from extractor.loaders.grid import FlowCell, clean_cell_text, flow_to_spans, normalize_paragraph_text, render_grid
from extractor.loaders.html import load_html
from extractor.loaders.pdf import load_pdf
from extractor.settings import Limits

SHARED = Path(__file__).resolve().parents[2] / "shared"
REALDOCS = SHARED / "realdocs"
KIRO = REALDOCS / "zxj6827111-blip__KIROGOVCOMPARE"
GOVNIANBAO = REALDOCS / "zxj6827111-blip__govnianbao"

LIMITS = Limits()
FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def real_file(path: Path) -> bytes:
    if not path.is_file():
        pytest.skip(f"shared real document not available: {path}")
    return path.read_bytes()


def texts(doc: Document) -> list[str]:
    return [b.text for b in doc.paragraphs]


def row_with(table: Table, label: str, col: int | None = None) -> tuple[str, ...]:
    """The first row having a cell equal to ``label`` (in column ``col`` if given)."""
    for row in table.rows:
        if (col is None and label in row) or (col is not None and row[col] == label):
            return row
    raise AssertionError(f"no row labelled {label!r} in {table.rows!r}")


def assert_rectangular(doc: Document) -> None:
    for table in doc.tables:
        assert table.aligned
        assert len({len(r) for r in table.rows}) == 1, table.rows


def expect_error(code: str, load: Callable[[bytes, Limits], Document], data: bytes, limits: Limits = LIMITS) -> None:
    start = time.monotonic()
    with pytest.raises(ExtractError) as info:
        load(data, limits)
    assert info.value.code == code, info.value
    assert time.monotonic() - start < 5


# --- grid helpers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("本年新\n制作数量", "本年新制作数量"),
        ("结\n果\n维\n持", "结果维持"),
        ("\u3000 总 计\xa0", "总计"),
        ("5 000", "5 000"),
        ("Word\ncount", "Word count"),
        ("2023 年", "2023年"),
        ("—", "—"),
    ],
)
def test_clean_cell_text(raw: str, clean: str) -> None:
    assert clean_cell_text(raw) == clean


def test_normalize_paragraph_text_drops_line_breaks_inside_chinese_only() -> None:
    assert normalize_paragraph_text("  全年收到\n申请 21 件。 ") == "全年收到申请 21 件。"
    assert normalize_paragraph_text("see\nabove") == "see above"


def test_flow_to_spans_skips_columns_covered_from_above() -> None:
    rows = [
        [FlowCell("A", rowspan=2), FlowCell("B", colspan=2)],
        [FlowCell("C"), FlowCell("D")],
        [FlowCell("E"), FlowCell("F", rowspan=0), FlowCell("G")],
    ]
    assert render_grid(flow_to_spans(rows)) == (("A", "B", "B"), ("A", "C", "D"), ("E", "F", "G"))


# --- DOCX ----------------------------------------------------------------------------


def docx_bytes(build: Callable[[docx.document.Document], None]) -> bytes:
    document = docx.Document()
    build(document)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def build_report_docx(document: docx.document.Document) -> None:
    document.add_paragraph("一、总体情况")
    document.add_paragraph("\u3000\u3000本年度共收到申请 21 件。")
    table = document.add_table(rows=4, cols=4)
    table.cell(0, 0).merge(table.cell(1, 1))  # 2x2 header block
    table.cell(0, 0).text = "（本列数据的勾稽关系）"
    table.cell(0, 2).merge(table.cell(0, 3)).text = "申请人情况"
    table.cell(1, 2).text = "自然人"
    table.cell(1, 3).text = "总\n计"
    table.cell(2, 0).merge(table.cell(3, 0)).text = "三、本年度办理结果"
    table.cell(2, 1).text = "（一）予以公开"
    table.cell(3, 1).text = "（二）部分公开"
    for r, values in ((2, ("1", "1")), (3, ("2", "2"))):
        table.cell(r, 2).text, table.cell(r, 3).text = values
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    outer = document.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "外层"
    inner = outer.cell(0, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "内层甲"
    inner.cell(0, 1).text = "内层乙"
    document.add_paragraph("五、存在的主要问题及改进情况")


def test_docx_blocks_in_order_with_merged_cells_expanded() -> None:
    doc = load_docx(docx_bytes(build_report_docx), LIMITS)
    assert doc.kind == "docx"
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Paragraph", "Paragraph", "Table", "Paragraph", "Table", "Paragraph"]
    assert texts(doc) == [
        "一、总体情况",
        "本年度共收到申请 21 件。",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
    ]
    assert doc.tables[0].rows == (
        ("（本列数据的勾稽关系）", "（本列数据的勾稽关系）", "申请人情况", "申请人情况"),
        ("（本列数据的勾稽关系）", "（本列数据的勾稽关系）", "自然人", "总计"),
        ("三、本年度办理结果", "（一）予以公开", "1", "1"),
        ("三、本年度办理结果", "（二）部分公开", "2", "2"),
    )
    assert doc.tables[1].rows == (("外层", "内层甲内层乙"),)


def test_docx_cell_text_never_duplicated_into_paragraphs() -> None:
    doc = load_docx(docx_bytes(build_report_docx), LIMITS)
    assert not any("自然人" in p or "内层" in p for p in texts(doc))


def test_docx_official_template_grids() -> None:
    doc = load_docx(real_file(GOVNIANBAO / "政务公开年报模版.docx"), LIMITS)
    assert_rectangular(doc)
    assert [t.width for t in doc.tables] == [4, 10, 15]
    two, three, four = doc.tables
    assert row_with(two, "行政许可") == ("行政许可", "", "", "")
    assert three.rows[2][3:] == ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
    assert three.rows[1][3:] == ("自然人", *["法人或其他组织"] * 5, "总计")
    assert row_with(three, "3.其他")[:3] == ("三、本年度办理结果", "（六）其他处理", "3.其他")
    assert row_with(three, "四、结转下年度继续办理", col=0)[:3] == ("四、结转下年度继续办理",) * 3
    assert four.rows[0] == ("行政复议",) * 5 + ("行政诉讼",) * 10
    assert four.rows[1][5:] == ("未经复议直接起诉",) * 5 + ("复议后起诉",) * 5
    assert four.rows[2] == ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计") * 3
    assert "三、收到和处理政府信息公开申请情况" in texts(doc)


def test_docx_truncated_is_e010() -> None:
    data = docx_bytes(build_report_docx)
    expect_error("E010", load_docx, data[: len(data) // 2])


def test_docx_zip_without_document_xml_is_e010() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "not a word document")
    expect_error("E010", load_docx, buf.getvalue())


def test_docx_bad_xml_is_e010() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document><w:body><w:p>")
    expect_error("E010", load_docx, buf.getvalue())


def test_docx_not_a_zip_is_e010() -> None:
    expect_error("E010", load_docx, b"PK\x03\x04 but nothing else of a zip")


def test_docx_zip_bomb_is_e011(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", "<w:document/>")
        with zf.open("word/media/zeros.bin", "w", force_zip64=True) as member:
            chunk = bytes(1 << 20)
            for _ in range(200):  # 200 MB of zeros, streamed
                member.write(chunk)
    assert path.stat().st_size < 2_000_000
    expect_error("E011", load_docx, path.read_bytes())


def test_docx_compression_ratio_and_member_limits_are_e011() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", "<w:document/>")
        zf.writestr("word/media/zeros.bin", bytes(4 << 20))  # 4 MB, ratio ~1000:1
    expect_error("E011", load_docx, buf.getvalue())
    small = docx_bytes(build_report_docx)
    expect_error("E011", load_docx, small, Limits(max_docx_members=3))


# --- PDF ------------------------------------------------------------------------------


CN = ParagraphStyle("cn", fontName=FONT, fontSize=11, leading=16, wordWrap="CJK")


def platypus_pdf(path: Path, flowables: list, pagesize: tuple[float, float] = A4) -> bytes:
    def footer(canvas: pdfcanvas.Canvas, doc: SimpleDocTemplate) -> None:
        canvas.setFont(FONT, 9)
        canvas.drawCentredString(pagesize[0] / 2, 20, f"- {doc.page} -")

    SimpleDocTemplate(str(path), pagesize=pagesize, topMargin=40, bottomMargin=40).build(
        flowables, onFirstPage=footer, onLaterPages=footer
    )
    return path.read_bytes()


def test_pdf_ruled_table_with_merged_cells_split_across_pages(tmp_path: Path) -> None:
    rows = [
        ["申请人情况", "", "总计"],
        ["类别", "名称", ""],
        ["一、本年新收", "自然人", "21"],
        ["", "法人", "3"],
        *[[f"第{i}项", f"名称{i}", str(i)] for i in range(1, 13)],
    ]
    table = RLTable(rows, colWidths=[90, 90, 60], rowHeights=22, repeatRows=2)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 10),
                ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                ("SPAN", (0, 0), (1, 0)),  # horizontal merge
                ("SPAN", (2, 0), (2, 1)),  # vertical merge in the header
                ("SPAN", (0, 2), (0, 3)),  # vertical merge in the body
            ]
        )
    )
    flowables = [
        RLParagraph("一、总体情况", CN),
        RLParagraph("本年度共收到申请二十一件，" * 4 + "均已办结。", CN),
        table,
        RLParagraph("二、其他需要报告的事项", CN),
    ]
    doc = load_pdf(platypus_pdf(tmp_path / "split.pdf", flowables, pagesize=(320, 360)), LIMITS)
    assert doc.kind == "pdf"
    assert doc.pages == 2
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Paragraph", "Table", "Paragraph"]
    assert texts(doc) == [
        "一、总体情况",
        "本年度共收到申请二十一件，" * 4 + "均已办结。",
        "二、其他需要报告的事项",
    ]
    assert doc.tables[0].rows == (
        ("申请人情况", "申请人情况", "总计"),
        ("类别", "名称", "总计"),
        ("一、本年新收", "自然人", "21"),
        ("一、本年新收", "法人", "3"),
        *((f"第{i}项", f"名称{i}", str(i)) for i in range(1, 13)),
    )


def draw_cells(c: pdfcanvas.Canvas, height: float, cells: Sequence[tuple], closed: str = "tblr") -> None:
    """Draw cells (x0, top, x1, bottom, text, sides) in top-down coordinates; sides says which borders to draw."""
    c.setFont(FONT, 10)
    for x0, top, x1, bottom, text, sides in cells:
        if "t" in sides:
            c.line(x0, height - top, x1, height - top)
        if "b" in sides:
            c.line(x0, height - bottom, x1, height - bottom)
        if "l" in sides:
            c.line(x0, height - top, x0, height - bottom)
        if "r" in sides:
            c.line(x1, height - top, x1, height - bottom)
        if text:
            c.drawString(x0 + 3, height - (top + bottom) / 2 - 4, text)


def test_pdf_open_page_break_mends_cells_cut_by_the_break(tmp_path: Path) -> None:
    """WPS style: no ruling at the break; a merged label continues, another is split mid-text."""
    width, height = 400, 300
    path = tmp_path / "seam.pdf"
    c = pdfcanvas.Canvas(str(path), pagesize=(width, height))
    c.setFont(FONT, 11)
    c.drawString(50, height - 40, "三、收到和处理政府信息公开申请情况")
    draw_cells(
        c,
        height,
        [
            (50, 60, 150, 80, "类别", "tblr"),
            (150, 60, 300, 80, "项目", "tblr"),
            (300, 60, 350, 80, "数量", "tblr"),
            (50, 80, 150, 140, "一、甲类", "tlr"),  # continues onto page 2: no bottom ruling
            (150, 80, 300, 100, "1.子项", "tblr"),
            (300, 80, 350, 100, "5", "tblr"),
            (150, 100, 300, 120, "2.子项", "tblr"),
            (300, 100, 350, 120, "6", "tblr"),
            (150, 120, 300, 140, "3.跨页", "tlr"),  # split: the rest is on page 2
            (300, 120, 350, 140, "7", "tlr"),
        ],
    )
    c.drawCentredString(width / 2, 15, "- 1 -")
    c.showPage()
    draw_cells(
        c,
        height,
        [
            (50, 40, 150, 100, "", "blr"),  # open top: continuation of 一、甲类
            (150, 40, 300, 80, "子项", "blr"),  # open top: the rest of "3.跨页"
            (300, 40, 350, 60, "8", "tblr"),
            (300, 60, 350, 80, "9", "tblr"),
            (150, 80, 300, 100, "4.子项", "tblr"),
            (300, 80, 350, 100, "10", "tblr"),
            (50, 100, 150, 120, "二、乙类", "tblr"),
            (150, 100, 300, 120, "1.其他", "tblr"),
            (300, 100, 350, 120, "11", "tblr"),
        ],
    )
    c.setFont(FONT, 11)
    c.drawString(50, height - 150, "四、政府信息公开行政复议、行政诉讼情况")
    c.drawCentredString(width / 2, 15, "- 2 -")
    c.save()
    doc = load_pdf(path.read_bytes(), LIMITS)
    assert texts(doc) == ["三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"]
    assert len(doc.tables) == 1
    assert doc.tables[0].rows == (
        ("类别", "项目", "数量"),
        ("一、甲类", "1.子项", "5"),
        ("一、甲类", "2.子项", "6"),
        ("一、甲类", "3.跨页子项", "7"),
        ("一、甲类", "3.跨页子项", "8"),
        ("一、甲类", "3.跨页子项", "9"),
        ("一、甲类", "4.子项", "10"),
        ("二、乙类", "1.其他", "11"),
    )


def test_pdf_row_split_by_the_page_break_is_one_row(tmp_path: Path) -> None:
    width, height = 300, 200
    path = tmp_path / "rowsplit.pdf"
    c = pdfcanvas.Canvas(str(path), pagesize=(width, height))
    draw_cells(
        c,
        height,
        [
            (40, 40, 200, 60, "类别", "tblr"),
            (200, 40, 260, 60, "数量", "tblr"),
            (40, 60, 200, 80, "1.甲", "tblr"),
            (200, 60, 260, 80, "3", "tblr"),
            (40, 80, 200, 100, "2.要求行政机关确认或重", "tlr"),
            (200, 80, 260, 100, "4", "tlr"),
        ],
    )
    c.showPage()
    draw_cells(
        c,
        height,
        [
            (40, 40, 200, 60, "新出具已获取信息", "blr"),
            (200, 40, 260, 60, "", "blr"),
            (40, 60, 200, 80, "3.丙", "tblr"),
            (200, 60, 260, 80, "5", "tblr"),
        ],
    )
    c.setFont(FONT, 10)
    c.drawString(40, height - 110, "表格之后的说明文字，共计十六个汉字。")
    c.save()
    doc = load_pdf(path.read_bytes(), LIMITS)
    assert doc.tables[0].rows == (
        ("类别", "数量"),
        ("1.甲", "3"),
        ("2.要求行政机关确认或重新出具已获取信息", "4"),
        ("3.丙", "5"),
    )


def simple_pdf(path: Path) -> bytes:
    return platypus_pdf(path, [RLParagraph("政府信息公开工作年度报告。" * 3, CN)])


def test_pdf_truncated_is_e020(tmp_path: Path) -> None:
    data = simple_pdf(tmp_path / "ok.pdf")
    expect_error("E020", load_pdf, data[: len(data) // 2])


def test_pdf_not_a_pdf_is_e020() -> None:
    expect_error("E020", load_pdf, b"%PDF-1.7\nthis is not really a PDF\n%%EOF\n")
    expect_error("E020", load_pdf, b"<html>not a pdf</html>")


def test_pdf_encrypted_is_e021(tmp_path: Path) -> None:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(simple_pdf(tmp_path / "plain.pdf")))
    writer.encrypt("secret")
    buf = io.BytesIO()
    writer.write(buf)
    expect_error("E021", load_pdf, buf.getvalue())


def test_pdf_image_only_is_e022(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    c = pdfcanvas.Canvas(str(path), pagesize=A4)
    c.rect(100, 100, 300, 400, fill=1)
    c.showPage()
    c.save()
    expect_error("E022", load_pdf, path.read_bytes())
    numbered = tmp_path / "scan-with-page-numbers.pdf"
    c = pdfcanvas.Canvas(str(numbered), pagesize=A4)
    for page in range(1, 9):  # page numbers are the only text: still no text layer
        c.rect(100, 100, 300, 400, fill=1)
        c.setFont(FONT, 10)
        c.drawCentredString(A4[0] / 2, 30, f"- {page} -")
        c.showPage()
    c.save()
    expect_error("E022", load_pdf, numbered.read_bytes())


def test_pdf_too_many_pages_is_e023(tmp_path: Path) -> None:
    path = tmp_path / "long.pdf"
    c = pdfcanvas.Canvas(str(path), pagesize=A4)
    for i in range(3):
        c.setFont(FONT, 12)
        c.drawString(100, 700, f"第{i + 1}页的正文内容，足够多的文字。")
        c.showPage()
    c.save()
    expect_error("E023", load_pdf, path.read_bytes(), Limits(max_pdf_pages=2))


HZQ2023 = KIRO / "sample_pdfs_v1" / "hzq2023_working.pdf"
HZQ2024 = KIRO / "sample_pdfs_v1" / "hzq2024_working.pdf"
SZFGS2024 = GOVNIANBAO / "szfgs2024.pdf"


def three_tables(path: Path) -> tuple[Document, Table, Table, Table]:
    doc = load_pdf(real_file(path), LIMITS)
    assert_rectangular(doc)
    assert len(doc.tables) == 3, [t.rows[0] for t in doc.tables]
    two, three, four = doc.tables
    assert (two.width, three.width, four.width) == (4, 10, 15)
    return doc, two, three, four


def test_pdf_real_hzq2023() -> None:
    doc, two, three, four = three_tables(HZQ2023)
    assert doc.pages == 5
    assert len(two.rows) == 14  # crosses pages 2-3
    assert row_with(two, "行政处罚") == ("行政处罚", "4119", "4119", "4119")
    assert row_with(two, "行政事业性收费")[1] == "7730.28"
    new = row_with(three, "一、本年新收政府信息公开申请数量", col=0)
    assert (new[3], new[-1]) == ("21", "21")
    # table 三 crosses pages 3-4 with no ruling at the break: the merged labels continue
    assert row_with(three, "3.补正后申请内容仍不明确")[:2] == ("三、本年度办理结果", "（四）无法提供")
    assert row_with(three, "（七）总计", col=1)[-1] == "21"
    assert four.rows[2][:5] == ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    assert four.rows[3] == ("10", "1", "0", "0", "0", "0", "0", "0", "0", "0", "5", "0", "0", "0", "0")
    paragraphs = texts(doc)
    assert "一、总体情况" in paragraphs and "六、其他需要报告的事项" in paragraphs
    assert not any("- 2 -" in p or "自然人" in p for p in paragraphs)
    # the paragraph cut by the page 1/2 break is one paragraph
    assert any("严格执行“分级审核、先审后发”程序" in p for p in paragraphs)


def test_pdf_real_hzq2024() -> None:
    _doc, two, three, four = three_tables(HZQ2024)
    assert row_with(two, "行政许可")[1] == "9487"
    new = row_with(three, "一、本年新收政府信息公开申请数量", col=0)
    assert (new[3], new[-1]) == ("95", "95")
    assert row_with(three, "2.没有现成信息需要另行制作")[:2] == ("三、本年度办理结果", "（四）无法提供")
    assert row_with(three, "（七）总计", col=1)[-1] == "95"
    assert four.rows[3] == ("1", "1", "0", "0", "2", "1", "0", "0", "0", "1", "2", "0", "1", "0", "3")


def test_pdf_real_szfgs2024_big_numbers_and_vertical_labels() -> None:
    _doc, two, three, four = three_tables(SZFGS2024)
    assert row_with(two, "行政处罚")[1] == "3985758"
    assert row_with(two, "行政事业性收费")[1] == "96171.6"
    new = row_with(three, "一、本年新收政府信息公开申请数量", col=0)
    assert new[3:] == ("3001", "53", "0", "0", "61", "4", "3119")
    assert row_with(three, "（一）予以公开", col=1)[0] == "三、本年度办理结果"  # written one character per line
    # "（四）无" / "法提供": the label is split by the page break
    assert row_with(three, "3.补正后申请内容仍不明确")[:2] == ("三、本年度办理结果", "（四）无法提供")
    assert row_with(three, "（七）总计", col=1)[-1] == "3050"
    assert row_with(three, "四、结转下年度继续办理", col=0)[-1] == "103"
    assert four.rows[3] == ("72", "64", "178", "37", "351", "13", "4", "8", "1", "26", "12", "1", "1", "6", "20")


# --- HTML -------------------------------------------------------------------------------


def test_html_tables_paragraphs_and_layout_tables() -> None:
    html = """<html><head><title>测试市年度报告</title>
    <style>p{color:red}</style><script>var x = "不要";</script></head>
    <body><h1>政府信息公开工作年度报告</h1>
    <p>一、总体情况</p><div>第一行<br>第二行</div>
    <table class="layout"><tr><td><p>表格前说明</p>
      <table><tr><td rowspan="2">三、本年度<br>办理结果</td><td colspan="2">（一）予以公开</td></tr>
             <tr><td>本年新<br/>制作数量</td><td> 12 </td></tr></table>
    </td></tr></table>
    <ul><li>甲项</li><li>乙项</li></ul><p style="display:none">隐藏</p><p>\u3000\u3000结束。</p></body></html>"""
    doc = load_html(html.encode("utf-8"), LIMITS)
    assert doc.kind == "html"
    assert doc.encoding == "utf-8"
    assert texts(doc) == [
        "测试市年度报告",  # <title> first: the body does not open with it
        "政府信息公开工作年度报告",
        "一、总体情况",
        "第一行",
        "第二行",
        "表格前说明",
        "甲项",
        "乙项",
        "结束。",
    ]
    assert len(doc.tables) == 1
    assert doc.tables[0].rows == (
        ("三、本年度办理结果", "（一）予以公开", "（一）予以公开"),
        ("三、本年度办理结果", "本年新制作数量", "12"),
    )
    positions = [type(b).__name__ for b in doc.blocks]
    assert positions.index("Table") == texts(doc).index("表格前说明") + 1


def test_html_gb18030_by_meta_and_by_fallback() -> None:
    body = "<html><head><meta charset='gb2312'></head><body><p>政府信息公开</p></body></html>"
    doc = load_html(body.encode("gb18030"), LIMITS)
    assert texts(doc) == ["政府信息公开"]
    titled = load_html("<title>年度报告</title><h1>某市年度报告</h1><p>正文。</p>".encode(), LIMITS)
    assert texts(titled) == ["某市年度报告", "正文。"]  # the title is not repeated
    assert doc.encoding == "gb18030"
    misdeclared = load_html("<meta charset='iso-8859-1'><p>依申请公开</p>".encode("gb18030"), LIMITS)
    assert (texts(misdeclared), misdeclared.encoding) == (["依申请公开"], "gb18030")
    undeclared = load_html("<p>依申请公开</p>".encode("gb18030"), LIMITS)
    assert texts(undeclared) == ["依申请公开"]
    assert undeclared.encoding == "gb18030"


def test_html_broken_but_recoverable() -> None:
    doc = load_html(b"<p>unclosed <b>bold<td>cell<p>next</div></span>", LIMITS)
    assert "next" in texts(doc)


def test_html_without_any_text_is_e030() -> None:
    expect_error("E030", load_html, b"<html><body><table><tr><td> </td></tr><script>x=1</script>")
    expect_error("E030", load_html, b"")


def test_html_fixture_values() -> None:
    doc = load_html(real_file(KIRO / "extracted-from-tests" / "FilingHtmlImportService.test__SAMPLE_HTML.html"), LIMITS)
    expected = json.loads(real_file(KIRO / "extracted-from-tests" / "expected_values_from_tests.json"))
    values = next(d for d in expected["documents"] if d["source_text_fixture"].endswith(".html"))
    assert_rectangular(doc)
    two, three, four = doc.tables
    assert row_with(two, "行政许可")[1] == str(values["activeDisclosureData"]["licensing"]["processed"])
    assert row_with(two, "行政事业性收费")[1] == str(values["activeDisclosureData"]["fees"]["amount"])
    new = row_with(three, "一、本年新收政府信息公开申请数量", col=0)
    assert (new[3], new[-1]) == ("13612", "14069")
    assert row_with(three, "1.属于国家秘密")[:2] == ("三、本年度办理结果", "（三）不予公开")
    assert row_with(three, "（七）总计", col=1)[-1] == "13810"
    assert four.rows[-1][:5] == ("376", "97", "196", "121", "790")
    assert len(four.rows[-1]) == 15
