"""The DOCX report in the Decree 30/2020/NĐ-CP form, read back with python-docx."""

import dataclasses
import io
import re

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm

from coordination.reports.docx import docx_bytes
from coordination.reports.pdf import docx_to_pdf

from .helpers import pdf_text


@pytest.fixture
def document(report):
    return Document(io.BytesIO(docx_bytes(report)))


def all_paragraphs(document):
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def text_of(document) -> str:
    return "\n".join(p.text for p in all_paragraphs(document))


def test_a4_with_the_decree_margins(document):
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 20 <= round(section.top_margin.mm) <= 25
    assert 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35
    assert 15 <= round(section.right_margin.mm) <= 20


def test_times_new_roman_in_every_script_slot_of_every_run(document):
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "Times New Roman"
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
    assert fonts.get(qn("w:asciiTheme")) is None  # a theme font would override the named one
    runs = [run for p in all_paragraphs(document) for run in p.runs if run.text.strip()]
    assert len(runs) > 100
    for run in runs:
        assert run.font.name == "Times New Roman", run.text
        assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "Times New Roman", run.text


def test_sizes_are_13_to_14_pt_except_the_recipients_block(document, report):
    recipients = {f"- {r}" for r in report.letterhead.recipients} | {"Nơi nhận:"}
    national_title = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"  # 12–13 pt by the decree
    for p in all_paragraphs(document):
        for run in p.runs:
            if not run.text.strip():
                continue
            size = run.font.size.pt
            if run.text in recipients:
                assert size == (12 if run.text == "Nơi nhận:" else 11), run.text
            elif run.text == national_title:
                assert size in (12, 13)
            else:
                assert 13 <= size <= 14, (run.text, size)


def test_the_header_table_is_borderless_with_issuer_number_title_motto_and_date(document):
    header = document.tables[0]
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert all(edge.get(qn("w:val")) == "nil" for edge in borders)
    issuer, national = header.cell(0, 0), header.cell(0, 1)
    assert issuer.paragraphs[0].text == "ỦY BAN NHÂN DÂN\nTỈNH HƯNG YÊN"
    assert all(run.bold for run in issuer.paragraphs[0].runs)
    title, motto = national.paragraphs[0], national.paragraphs[1]
    assert title.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and title.runs[0].bold
    assert motto.text == "Độc lập - Tự do - Hạnh phúc" and motto.runs[0].bold
    # the short rules under the issuer and the motto: bottom borders of empty paragraphs
    for cell in (issuer, national):
        assert cell.paragraphs[-1]._p.pPr.find(qn("w:pBdr")) is not None
    number = header.cell(1, 0).paragraphs[0]
    assert number.text.startswith("Số:") and number.text.endswith("/BC-UBND")
    date = header.cell(1, 1).paragraphs[0]
    assert date.text == "Hưng Yên, ngày 30 tháng 11 năm 2026"
    assert date.runs[0].italic


def test_a_numbered_report_of_an_office_under_its_committee(report):
    head = dataclasses.replace(report.letterhead, issuer_parent="UBND TỈNH HƯNG YÊN", issuer_name="Văn phòng",
                               number=125, symbol="BC-VP")
    document = Document(io.BytesIO(docx_bytes(dataclasses.replace(report, letterhead=head))))
    issuer = document.tables[0].cell(0, 0).paragraphs[0]
    assert issuer.text == "UBND TỈNH HƯNG YÊN\nVĂN PHÒNG"
    parent, name = issuer.runs[0], issuer.runs[-1]
    assert not parent.bold and name.bold and name.text == "VĂN PHÒNG"
    assert document.tables[0].cell(1, 0).paragraphs[0].text == "Số: 125/BC-VP"


def test_title_then_summary_with_totals_in_figures_and_words(document, report):
    body = [p for p in document.paragraphs if p.text.strip()]
    assert body[0].text == "BÁO CÁO" and body[0].runs[0].bold and body[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert body[1].text == report.title and body[1].runs[0].bold
    text = text_of(document)
    total = report.total
    assert f"có {total.assigned} (chín mươi bảy) nhiệm vụ được giao" in text
    assert f"Hoàn thành đúng hạn: {total.on_time} (năm mươi sáu) nhiệm vụ" in text
    assert f"Quá hạn, chưa hoàn thành: {total.overdue} (bảy) nhiệm vụ" in text
    assert "đạt 75,7%" in text
    assert "Tính đến ngày 30/11/2026" in text


def test_the_agency_table_has_a_row_per_agency_and_the_total(document, report):
    table = document.tables[1]
    header = [c.text for c in table.rows[0].cells]
    assert "Đã hoàn thành" in header and "Đang thực hiện" in header
    assert [c.text for c in table.rows[1].cells][3:7] == ["Đúng hạn", "Quá hạn", "Trong hạn", "Quá hạn"]
    body = table.rows[2:]
    assert [row.cells[1].text for row in body] == [f.agency_name for f in report.agencies] + ["Tổng cộng"]
    first = report.agencies[0]
    assert [c.text for c in body[0].cells][2:8] == [str(first.assigned), str(first.on_time), str(first.late),
                                                   str(first.within), str(first.overdue), "73,7%"]
    assert body[-1].cells[2].text == str(report.total.assigned) and body[-1].cells[2].paragraphs[0].runs[0].bold
    # the header rows repeat on every page the table runs onto
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_overdue_targets_and_ranking_tables(document, report):
    overdue, targets, ranking = document.tables[2], document.tables[3], document.tables[4]
    assert len(overdue.rows) == 1 + len(report.overdue_tasks)
    first = overdue.rows[1].cells
    assert first[1].text.startswith("1324/UBND-KGVX ngày 25/05/2022")
    assert "Tiến độ (80%): Đã chi trả hỗ trợ cho 12.450 lao động" in first[2].text
    assert first[3].text.startswith("Sở Lao động - Thương binh và Xã hội\nPhối hợp: Sở Tài chính")
    assert first[4].text == "16/11/2026" and first[5].text == "14"
    assert "Chưa báo cáo tiến độ." in overdue.rows[3].cells[2].text
    assert [row.cells[4].text for row in targets.rows[1:]] == ["Đạt", "Chưa đạt", "Chưa có số liệu"]
    assert targets.rows[2].cells[2].text == "24.000 người (đến 31/12/2026)"
    assert [row.cells[1].text for row in ranking.rows[1:]] == [e.figures.agency_name for e in report.ranking]
    assert ranking.rows[1].cells[0].text == "1" and ranking.rows[1].cells[1].text == "Sở Tài chính"


def test_no_overdue_task_is_said_in_words(report):
    document = Document(io.BytesIO(docx_bytes(dataclasses.replace(report, overdue_tasks=()))))
    assert "Không có nhiệm vụ quá hạn tính đến ngày chốt số liệu." in text_of(document)


def test_recipients_bottom_left_and_signer_bottom_right(document, report):
    last = document.tables[-1]
    assert last._tbl.tblPr.find(qn("w:tblBorders"))[0].get(qn("w:val")) == "nil"
    left, right = last.rows[0].cells
    label = left.paragraphs[0].runs[0]
    assert label.text == "Nơi nhận:" and label.bold and label.italic
    assert [p.text for p in left.paragraphs[1:]] == [f"- {r}" for r in report.letterhead.recipients]
    capacity = right.paragraphs[0]
    assert capacity.text == "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH" and all(r.bold for r in capacity.runs)
    assert capacity.alignment == WD_ALIGN_PARAGRAPH.CENTER
    name = right.paragraphs[-1]
    assert name.text == "Nguyễn Duy Hưng" and name.runs[0].bold
    assert len(right.paragraphs) >= 5  # room for the signature and seal between capacity and name
    # nothing but the signature table follows the closing line
    assert document.element.body[-2] is last._tbl
    assert document.paragraphs[-1].text.endswith("./.")


def test_page_numbers_in_the_top_margin_from_page_two(document):
    section = document.sections[0]
    assert section.different_first_page_header_footer
    instr = section.header._element.xpath(".//w:instrText")
    assert [el.text.strip() for el in instr] == ["PAGE"]
    assert section.first_page_header._element.xpath(".//w:instrText") == []


def test_the_header_table_fits_the_text_width(document):
    header = document.tables[0]
    width = sum(col.width for col in header.columns)
    section = document.sections[0]
    assert width <= section.page_width - section.left_margin - section.right_margin + Mm(0.5)


@pytest.mark.libreoffice
def test_libreoffice_opens_the_document_and_prints_the_vietnamese_text(report, soffice):
    from pypdf import PdfReader

    data = docx_to_pdf(docx_bytes(report))
    text = pdf_text(data)
    for expected in ("BÁO CÁO", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "Hưng Yên, ngày 30 tháng 11 năm 2026", "Sở Lao động - Thương binh và Xã hội",
                     "Ủy ban nhân dân huyện Văn Lâm", "Nguyễn Duy Hưng"):
        assert expected in text, expected
    reader = PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
    # page numbers: none on the first page, "2" atop the second
    assert reader.pages[1].extract_text().lstrip().startswith("2")
    fonts = {str(font["/BaseFont"]) for page in reader.pages
             for font in page["/Resources"]["/Font"].values() if "/BaseFont" in font.get_object()}
    # Times New Roman, or its metric twin Liberation Serif where Microsoft's fonts are not installed
    assert any("Times" in f or "LiberationSerif" in f for f in fonts), fonts


def headings(document):
    return [p.text for p in document.paragraphs if re.match(r"[IVX]+\. ", p.text) and p.text == p.text.upper()]


def test_sections_are_numbered_in_order(document):
    assert headings(document) == [
        "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ", "II. TÌNH HÌNH THỰC HIỆN THEO CƠ QUAN, ĐƠN VỊ CHỦ TRÌ",
        "III. CÁC NHIỆM VỤ QUÁ HẠN, CHƯA HOÀN THÀNH", "IV. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
        "V. XẾP HẠNG CÁC CƠ QUAN, ĐƠN VỊ", "VI. ĐÁNH GIÁ, KIẾN NGHỊ",
    ]


def test_a_report_on_one_agency_without_targets_ranks_nothing_and_renumbers(report):
    one = dataclasses.replace(report, agencies=report.agencies[:1], targets=(), assessment=(), proposals=())
    document = Document(io.BytesIO(docx_bytes(one)))
    assert headings(document) == [
        "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ", "II. TÌNH HÌNH THỰC HIỆN THEO CƠ QUAN, ĐƠN VỊ CHỦ TRÌ",
        "III. CÁC NHIỆM VỤ QUÁ HẠN, CHƯA HOÀN THÀNH",
    ]
    assert "XẾP HẠNG" not in text_of(document)
