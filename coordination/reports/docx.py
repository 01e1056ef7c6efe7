"""The report as an official document (báo cáo) in the form of Decree 30/2020/NĐ-CP, Annex I.

A4 portrait, margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman (all script slots)
14 pt for text, 13 pt in tables, 11–12 pt for the recipients block; page numbers centred in the top
margin from page 2. Layout, top to bottom: the header table (issuing body and number on the left,
national title, motto and place-date on the right), the document type and summary line, the
body (I. overall results with the totals in figures and words, II. per agency, III. overdue tasks,
IV. targets, V. ranking, VI. assessment and proposals when given), then "Nơi nhận" on the left
and the signer on the right.
"""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Mm, Pt

from ..dates import format_date, long_date
from . import docxkit as k
from .model import ConsolidatedReport, TargetStatus
from .words import decimal, percent, with_words

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGINS_MM["left"] - MARGINS_MM["right"]  # 165
HEADER_COLUMNS_MM = (62, 103)

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DOCUMENT_TYPE = "BÁO CÁO"
INDENT = Mm(10)
GREY = "E7E6E6"


def build_document(report: ConsolidatedReport):
    """The python-docx Document of ``report`` (callers save it; :func:`docx_bytes` does)."""
    document = Document()
    k.setup_styles(document)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = Mm(10)
    k.page_number_header(section)
    document.core_properties.title = f"Báo cáo {report.title}"
    document.core_properties.author = report.letterhead.issuer_line
    document.core_properties.language = "vi-VN"

    _header(document, report)
    _title(document, report)
    # sections without content are left out, so the numerals are given as the sections come
    heading = _Headings(document)
    _overall(document, report, heading)
    _per_agency(document, report, heading)
    _overdue(document, report, heading)
    _targets(document, report, heading)
    _ranking(document, report, heading)
    _assessment(document, report, heading)
    _closing(document, report)
    _recipients_and_signer(document, report)
    # python-docx starts documents with an empty paragraph; a header table must come first
    first = document.element.body[0]
    if first.tag.endswith("}p") and not first.xpath("string(.)"):
        document.element.body.remove(first)
    return document


def docx_bytes(report: ConsolidatedReport) -> bytes:
    buffer = io.BytesIO()
    build_document(report).save(buffer)
    return buffer.getvalue()


# -- the parts -----------------------------------------------------------------------------------


def _header(document, report: ConsolidatedReport) -> None:
    head = report.letterhead
    table = document.add_table(rows=2, cols=2)
    k.no_borders(table)
    k.cell_margins(table, 0.5, 0.5)
    k.column_widths(table, HEADER_COLUMNS_MM)
    left, right = table.cell(0, 0), table.cell(0, 1)
    left_width, right_width = Mm(HEADER_COLUMNS_MM[0] - 1), Mm(HEADER_COLUMNS_MM[1] - 1)

    p = left.paragraphs[0]
    p.alignment = k.CENTER
    if head.issuer_parent:
        k.lines(p, head.issuer_parent.upper().split("\n"), size=13)
        p.runs[-1].add_break()
    k.lines(p, head.issuer_name.upper().split("\n"), size=13, bold=True)
    k.short_rule(left, Mm(22), left_width)

    p = right.paragraphs[0]
    p.alignment = k.CENTER
    k.run(p, NATIONAL_TITLE, size=12, bold=True)
    p = k.paragraph(right, MOTTO, align=k.CENTER, size=13, bold=True)
    k.short_rule(right, Mm(58), right_width)

    number = k.cell_text(table.cell(1, 0), f"Số: {head.number_symbol}", size=13)
    number.paragraph_format.space_before = Pt(6)
    date = k.cell_text(table.cell(1, 1), long_date(head.place, report.dated), size=14, italic=True)
    date.paragraph_format.space_before = Pt(6)


def _title(document, report: ConsolidatedReport) -> None:
    k.paragraph(document, DOCUMENT_TYPE, align=k.CENTER, size=14, bold=True, before=18, keep_next=True)
    k.paragraph(document, report.title, align=k.CENTER, size=14, bold=True, keep_next=True)
    k.short_rule(document, Mm(40), Mm(TEXT_WIDTH_MM), line=Pt(6), after=12)


ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


class _Headings:
    """Section headings "I. ...", "II. ..." numbered in the order they are written."""

    def __init__(self, document):
        self.document = document
        self.count = 0

    def __call__(self, text: str) -> None:
        numeral = ROMAN[self.count]
        self.count += 1
        k.paragraph(self.document, f"{numeral}. {text}", align=k.JUSTIFY, size=14, bold=True,
                    first_line=INDENT, before=6, after=6, keep_next=True)


def _text(document, text: str, *, italic: bool = False):
    return k.paragraph(document, text, align=k.JUSTIFY, size=14, first_line=INDENT, italic=italic,
                       after=6, line_spacing=1.15)


def _overall(document, report: ConsolidatedReport, heading) -> None:
    total = report.total
    agencies = len(report.agencies)
    heading("KẾT QUẢ THỰC HIỆN NHIỆM VỤ")
    _text(document, f"Tính đến ngày {format_date(report.as_of)} (ngày chốt số liệu), trong phạm vi "
                    f"{report.scope.description}, có {with_words(total.assigned)} nhiệm vụ được giao "
                    f"cho {agencies} cơ quan, đơn vị chủ trì thực hiện. Trong đó:")

    def share(n: int) -> str:
        return percent(n / total.assigned) if total.assigned else "—"

    for label, value in (
        ("Hoàn thành đúng hạn", total.on_time),
        ("Hoàn thành quá hạn", total.late),
        ("Đang thực hiện, trong hạn", total.within),
        ("Quá hạn, chưa hoàn thành", total.overdue),
    ):
        _text(document, f"- {label}: {with_words(value)} nhiệm vụ, chiếm {share(value)};")
    rate = total.on_time_ratio
    sentence = (f"Tỷ lệ hoàn thành đúng hạn (số nhiệm vụ hoàn thành đúng hạn trên tổng số nhiệm vụ "
                f"đã đến hạn) đạt {percent(rate)}.")
    if rate is None:
        sentence = "Chưa có nhiệm vụ nào đến hạn để tính tỷ lệ hoàn thành đúng hạn."
    if total.overdue:
        sentence += (f" Số ngày quá hạn bình quân của các nhiệm vụ quá hạn là "
                     f"{decimal(total.average_days_overdue)} ngày.")
    sentence += (f" Đã gia hạn {total.extensions_granted} lượt; còn {total.escalations_open} kiến nghị, "
                 f"vướng mắc chưa được xử lý.")
    _text(document, sentence)


def _table(document, headers, widths_mm, header_rows: int = 1):
    table = document.add_table(rows=header_rows, cols=len(widths_mm))
    table.style = document.styles["Table Grid"]
    table.alignment = 1  # centred between the margins
    k.cell_margins(table, 1.0, 1.0)
    for index, text in enumerate(headers):
        if text is not None:
            cell = table.cell(0, index)
            k.cell_text(cell, text, bold=True)
            k.shade(cell, GREY)
    for row in table.rows:
        k.repeat_header(row)
    return table


def _add_row(table, values, aligns, *, bold: bool = False):
    row = table.add_row()
    k.cant_split(row)
    for cell, value, align in zip(row.cells, values, aligns):
        k.cell_text(cell, value, align=align, bold=bold)
    return row


def _num(n: int | None) -> str:
    return "" if n is None else decimal(n, 0)


AGENCY_COLUMNS_MM = (11, 34, 13, 13, 13, 15, 13, 15, 13, 12, 13)


def _per_agency(document, report: ConsolidatedReport, heading) -> None:
    heading("TÌNH HÌNH THỰC HIỆN THEO CƠ QUAN, ĐƠN VỊ CHỦ TRÌ")
    _text(document, "Chi tiết theo từng cơ quan, đơn vị chủ trì như sau (tỷ lệ đúng hạn tính trên "
                    "số nhiệm vụ đã đến hạn):").paragraph_format.keep_with_next = True
    table = _table(document, [None] * len(AGENCY_COLUMNS_MM), AGENCY_COLUMNS_MM, header_rows=2)
    # two header rows: "Hoàn thành" and "Đang thực hiện" each span their two columns
    top, sub = table.rows[0].cells, table.rows[1].cells
    spans = [
        (0, "STT"), (1, "Cơ quan, đơn vị"), (2, "Tổng số"), (7, "Tỷ lệ đúng hạn"),
        (8, "Số ngày quá hạn BQ"), (9, "Số lượt gia hạn"), (10, "Kiến nghị chưa xử lý"),
    ]
    for index, text in spans:
        merged = top[index].merge(sub[index])
        k.cell_text(merged, text, bold=True)
    for start, text, subs in ((3, "Đã hoàn thành", ("Đúng hạn", "Quá hạn")),
                              (5, "Đang thực hiện", ("Trong hạn", "Quá hạn"))):
        merged = top[start].merge(top[start + 1])
        k.cell_text(merged, text, bold=True)
        for offset, label in enumerate(subs):
            k.cell_text(table.cell(1, start + offset), label, bold=True)
    for row in table.rows:
        for cell in row.cells:
            k.shade(cell, GREY)
    aligns = [k.CENTER, k.LEFT] + [k.CENTER] * 9

    def values(number, f):
        average = f.average_days_overdue
        return [str(number), f.agency_name, _num(f.assigned), _num(f.on_time), _num(f.late),
                _num(f.within), _num(f.overdue), percent(f.on_time_ratio),
                "" if average is None else decimal(average), _num(f.extensions_granted),
                _num(f.escalations_open)]

    for number, figures in enumerate(report.agencies, start=1):
        _add_row(table, values(number, figures), aligns)
    total = values("", report.total)
    total[1] = "Tổng cộng"
    _add_row(table, total, aligns, bold=True)
    k.column_widths(table, AGENCY_COLUMNS_MM)
    k.paragraph(document, after=6)


OVERDUE_COLUMNS_MM = (11, 28, 52, 35, 23, 16)


def _overdue(document, report: ConsolidatedReport, heading) -> None:
    heading("CÁC NHIỆM VỤ QUÁ HẠN, CHƯA HOÀN THÀNH")
    if not report.overdue_tasks:
        _text(document, "Không có nhiệm vụ quá hạn tính đến ngày chốt số liệu.")
        return
    _text(document, f"Có {with_words(len(report.overdue_tasks))} nhiệm vụ quá hạn chưa hoàn thành, "
                    f"cụ thể như sau:").paragraph_format.keep_with_next = True
    table = _table(document, ["STT", "Văn bản, mục", "Nội dung nhiệm vụ và tiến độ gần nhất",
                              "Cơ quan chủ trì, phối hợp", "Hạn xử lý", "Số ngày quá hạn"],
                   OVERDUE_COLUMNS_MM)
    for number, task in enumerate(report.overdue_tasks, start=1):
        row = table.add_row()
        cells = row.cells
        k.cell_text(cells[0], str(number))
        document_ref = task.directive_number
        if task.directive_date:
            document_ref += f" ngày {format_date(task.directive_date)}"
        if task.paragraph:
            document_ref += f", mục {task.paragraph}"
        k.cell_text(cells[1], document_ref)
        k.cell_text(cells[2], task.content, align=k.LEFT)
        progress = cells[2].add_paragraph()
        progress.alignment = k.LEFT
        if task.latest_progress:
            done = f" ({task.latest_percent}%)" if task.latest_percent is not None else ""
            k.run(progress, f"Tiến độ{done}: ", size=k.TABLE_PT, italic=True, bold=True)
            k.run(progress, task.latest_progress, size=k.TABLE_PT, italic=True)
        else:
            k.run(progress, "Chưa báo cáo tiến độ.", size=k.TABLE_PT, italic=True)
        k.cell_text(cells[3], task.lead, align=k.LEFT, bold=True)
        if task.coordinating:
            p = cells[3].add_paragraph()
            k.run(p, "Phối hợp: " + ", ".join(task.coordinating), size=k.TABLE_PT)
        k.cell_text(cells[4], format_date(task.deadline_in_force))
        k.cell_text(cells[5], str(task.days_overdue))
    k.column_widths(table, OVERDUE_COLUMNS_MM)
    k.paragraph(document, after=6)


TARGET_COLUMNS_MM = (11, 60, 32, 34, 28)


def target_value(value: float, unit: str) -> str:
    places = 0 if float(value).is_integer() else 2
    number = decimal(value, places)
    return f"{number}%" if unit == "%" else f"{number} {unit}"


def assessment_text(target: TargetStatus) -> str:
    return {True: "Đạt", False: "Chưa đạt", None: "Chưa có số liệu"}[target.reached]


def _targets(document, report: ConsolidatedReport, heading) -> None:
    if not report.targets:
        return
    heading("KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU")
    table = _table(document, ["STT", "Chỉ tiêu", "Mục tiêu", "Kết quả báo cáo gần nhất", "Đánh giá"],
                   TARGET_COLUMNS_MM)
    for number, target in enumerate(report.targets, start=1):
        goal = target_value(target.target, target.unit)
        if target.target_date:
            goal += f" (đến {format_date(target.target_date)})"
        if target.latest_value is None:
            latest = "Chưa báo cáo"
        else:
            latest = target_value(target.latest_value, target.unit)
            if target.reported_on:
                latest += f" (ngày {format_date(target.reported_on)})"
        indicator = target.indicator + (f" ({target.lead} chủ trì)" if target.lead else "")
        _add_row(table, [str(number), indicator, goal, latest, assessment_text(target)],
                 [k.CENTER, k.LEFT, k.CENTER, k.CENTER, k.CENTER])
    k.column_widths(table, TARGET_COLUMNS_MM)
    k.paragraph(document, after=6)


RANKING_COLUMNS_MM = (20, 85, 30, 30)


def _ranking(document, report: ConsolidatedReport, heading) -> None:
    if len(report.agencies) < 2:
        return  # a report on one agency ranks nothing
    heading("XẾP HẠNG CÁC CƠ QUAN, ĐƠN VỊ")
    _text(document, "Xếp theo tỷ lệ hoàn thành đúng hạn (cao trước); cùng tỷ lệ thì cơ quan có ít "
                    "nhiệm vụ quá hạn hơn xếp trước; cơ quan chưa có nhiệm vụ đến hạn xếp cuối."
          ).paragraph_format.keep_with_next = True
    table = _table(document, ["Xếp hạng", "Cơ quan, đơn vị", "Tỷ lệ đúng hạn", "Số nhiệm vụ quá hạn"],
                   RANKING_COLUMNS_MM)
    for entry in report.ranking:
        f = entry.figures
        _add_row(table, [str(entry.rank), f.agency_name, percent(f.on_time_ratio), _num(f.overdue)],
                 [k.CENTER, k.LEFT, k.CENTER, k.CENTER])
    k.column_widths(table, RANKING_COLUMNS_MM)
    k.paragraph(document, after=6)


def _assessment(document, report: ConsolidatedReport, heading) -> None:
    if not (report.assessment or report.proposals):
        return
    heading("ĐÁNH GIÁ, KIẾN NGHỊ")
    for text in report.assessment:
        _text(document, text)
    for text in report.proposals:
        _text(document, text)


def _closing(document, report: ConsolidatedReport) -> None:
    _text(document, f"Trên đây là báo cáo {report.title[:1].lower()}{report.title[1:]}, số liệu tính "
                    f"đến ngày {format_date(report.as_of)}./.").paragraph_format.keep_with_next = True


SIGNATURE_COLUMNS_MM = (80, 85)


def _recipients_and_signer(document, report: ConsolidatedReport) -> None:
    head = report.letterhead
    table = document.add_table(rows=1, cols=2)
    k.no_borders(table)
    k.cell_margins(table, 0.5, 0.5)
    k.column_widths(table, SIGNATURE_COLUMNS_MM)
    row = table.rows[0]
    k.cant_split(row)
    left, right = row.cells
    p = left.paragraphs[0]
    p.paragraph_format.space_before = Pt(6)
    k.run(p, "Nơi nhận:", size=12, bold=True, italic=True)
    for recipient in head.recipients:
        line = left.add_paragraph()
        k.run(line, f"- {recipient}", size=11)

    p = right.paragraphs[0]
    p.alignment = k.CENTER
    p.paragraph_format.space_before = Pt(6)
    k.lines(p, [line.upper() for line in head.signer_capacity], size=14, bold=True)
    # room for the signature and the seal
    for _ in range(4):
        k.paragraph(right, "", size=14)
    k.paragraph(right, head.signer_name, align=k.CENTER, size=14, bold=True)
