"""The report as an Excel workbook: summary, overdue tasks, targets and the full task sheet.

Written with openpyxl's write-only mode: rows go to the file as they are appended, so the task
sheet streams from its iterator (100 000 tasks in a few seconds and little memory; see
``bench/bench_export.py``). Dates are real dates shown dd/mm/yyyy, rates and progress are numbers
with a % format, and every text cell passes through :func:`cells.escape_formula`.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from os import PathLike
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..dates import format_date
from . import xlsx_stream
from .cells import EXCEL_MAX_TEXT, escape_formula
from .columns import DATE, INTEGER, PERCENT, TASK_COLUMNS, TEXT, as_date, task_values
from .model import AgencyFigures, ConsolidatedReport, TaskRow

DATE_FORMAT = "dd/mm/yyyy"
RATE_FORMAT = "0.0%"
PROGRESS_FORMAT = "0%"
DAYS_FORMAT = "0.0"

SUMMARY_SHEET = "Tổng hợp"
OVERDUE_SHEET = "Nhiệm vụ quá hạn"
TARGETS_SHEET = "Chỉ tiêu"
TASKS_SHEET = "Danh sách nhiệm vụ"

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_THIN = Side(style="thin", color="999999")
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_WRAP = Alignment(vertical="top", wrap_text=True)


def clean_text(value: Any) -> Any:
    """A text cell's value: formula-escaped, without the control characters XML cannot hold
    (text pasted from Word carries vertical tabs), cut at Excel's 32 767-character limit."""
    value = escape_formula(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if len(value) > EXCEL_MAX_TEXT:
            value = value[: EXCEL_MAX_TEXT - 1] + "…"
    return value


class _Sheet:
    """A write-only sheet with a styled header row, frozen panes and an autofilter over the table."""

    def __init__(self, wb: Workbook, title: str, widths: Sequence[float], freeze: str = "A2"):
        self.ws = wb.create_sheet(title)
        # panes and widths are written at the top of the sheet: they must be set before any row
        self.ws.freeze_panes = freeze
        # officials print these: A4 landscape, as wide as the page, header repeated on every page
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.paperSize = 9  # A4
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        header_row = int("".join(ch for ch in freeze if ch.isdigit())) - 1
        if header_row >= 1:
            self.ws.print_title_rows = f"{header_row}:{header_row}"
        for index, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        self.ncols = len(widths)
        self.row = 0
        self.header_row: int | None = None
        self.last_table_row: int | None = None

    def cell(self, value: Any, *, number_format: str | None = None, font: Font | None = None,
             alignment: Alignment | None = None, border: Border | None = None,
             fill: PatternFill | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value=clean_text(value))
        if number_format:
            cell.number_format = number_format
        if font:
            cell.font = font
        if alignment:
            cell.alignment = alignment
        if border:
            cell.border = border
        if fill:
            cell.fill = fill
        return cell

    def append(self, values: list) -> None:
        self.ws.append(values)
        self.row += 1

    def header(self, headers: Sequence[str]) -> None:
        self.append([self.cell(h, font=_HEADER_FONT, fill=_HEADER_FILL, alignment=_HEADER_ALIGN,
                               border=_HEADER_BORDER) for h in headers])
        self.header_row = self.row

    def finish_table(self) -> None:
        """Filter over the header and the rows so far (rows appended later, e.g. totals, stay out)."""
        last = max(self.row, self.header_row)
        self.ws.auto_filter.ref = f"A{self.header_row}:{get_column_letter(self.ncols)}{last}"
        self.last_table_row = last


# -- the sheets --------------------------------------------------------------------------------

SUMMARY_HEADERS = (
    "STT", "Cơ quan chủ trì", "Số nhiệm vụ được giao", "Hoàn thành đúng hạn", "Hoàn thành quá hạn",
    "Đang thực hiện trong hạn", "Quá hạn chưa hoàn thành", "Tỷ lệ hoàn thành đúng hạn",
    "Số ngày quá hạn bình quân", "Số lần gia hạn", "Kiến nghị chưa xử lý", "Xếp hạng",
)
SUMMARY_WIDTHS = (6, 44, 12, 12, 12, 13, 13, 13, 13, 10, 11, 9)


def _figures_cells(sheet: _Sheet, number: int | str, row: AgencyFigures, rank: int | None,
                   font: Font | None = None) -> list:
    return [
        sheet.cell(number, font=font),
        sheet.cell(row.agency_name, font=font),
        sheet.cell(row.assigned, font=font),
        sheet.cell(row.on_time, font=font),
        sheet.cell(row.late, font=font),
        sheet.cell(row.within, font=font),
        sheet.cell(row.overdue, font=font),
        sheet.cell(row.on_time_ratio, number_format=RATE_FORMAT, font=font),
        sheet.cell(row.average_days_overdue, number_format=DAYS_FORMAT, font=font),
        sheet.cell(row.extensions_granted, font=font),
        sheet.cell(row.escalations_open, font=font),
        sheet.cell(rank, font=font),
    ]


def _write_summary(wb: Workbook, report: ConsolidatedReport) -> None:
    # four title lines and a blank line above the header (row 6); the panes keep them in view
    # together with the number and name columns
    sheet = _Sheet(wb, SUMMARY_SHEET, SUMMARY_WIDTHS, freeze="C7")
    sheet.append([None, sheet.cell("BÁO CÁO TỔNG HỢP " + report.title.upper(), font=_TITLE)])
    sheet.append([None, sheet.cell(f"Phạm vi: {report.scope.description}")])
    sheet.append([None, sheet.cell(f"Số liệu tính đến ngày {format_date(report.as_of)}")])
    sheet.append([None, sheet.cell(f"{report.letterhead.issuer_line} — {report.letterhead.place}, "
                                   f"{format_date(report.dated)}")])
    sheet.append([])
    sheet.header(SUMMARY_HEADERS)
    ranks = {id(entry.figures): entry.rank for entry in report.ranking}
    for number, row in enumerate(report.agencies, start=1):
        sheet.append(_figures_cells(sheet, number, row, ranks.get(id(row))))
    sheet.finish_table()
    sheet.append(_figures_cells(sheet, "", report.total, None, font=_BOLD))


OVERDUE_HEADERS = (
    "STT", "Số, ký hiệu văn bản", "Ngày văn bản", "Mục", "Nội dung nhiệm vụ", "Cơ quan chủ trì",
    "Cơ quan phối hợp", "Hạn hiện hành", "Số ngày quá hạn", "Tiến độ (%)", "Tiến độ gần nhất",
)
OVERDUE_WIDTHS = (6, 20, 12, 7, 60, 30, 36, 12, 10, 10, 60)


OVERDUE_KINDS = (INTEGER, TEXT, DATE, TEXT, TEXT, TEXT, TEXT, DATE, INTEGER, PERCENT, TEXT)
_OVERDUE_WRAPPED = (4, 6, 10)  # content, coordinating agencies, latest progress


def _overdue_skeleton(wb: Workbook, report: ConsolidatedReport) -> tuple[_Sheet, dict[int, int]]:
    """The overdue sheet as openpyxl writes it (header, widths, panes, filter over every row);
    its rows are spliced in (``_overdue_rows_xml``), as the task sheet's are."""
    sheet = _Sheet(wb, OVERDUE_SHEET, OVERDUE_WIDTHS)
    sheet.header(OVERDUE_HEADERS)
    sheet.ws.auto_filter.ref = f"A1:{get_column_letter(len(OVERDUE_HEADERS))}{1 + len(report.overdue_tasks)}"
    sheet.last_table_row = 1 + len(report.overdue_tasks)
    styles = {}
    for index, kind in enumerate(OVERDUE_KINDS):
        if kind == DATE:
            styles[index] = sheet.cell(None, number_format=DATE_FORMAT).style_id
        elif kind == PERCENT:
            styles[index] = sheet.cell(None, number_format=PROGRESS_FORMAT).style_id
        elif index in _OVERDUE_WRAPPED:
            styles[index] = sheet.cell(None, alignment=_WRAP).style_id
    return sheet, styles


def _overdue_rows_xml(report: ConsolidatedReport, styles: dict[int, int]) -> Iterator[str]:
    serialise = xlsx_stream.row_serialiser(OVERDUE_KINDS, styles, clean_text)
    for number, task in enumerate(report.overdue_tasks, start=1):
        yield serialise(number + 1, [
            number, task.directive_number, task.directive_date, task.paragraph, task.content, task.lead,
            "; ".join(task.coordinating), task.deadline_in_force, task.days_overdue, task.latest_percent,
            task.latest_progress,
        ])


TARGET_HEADERS = (
    "STT", "Chỉ tiêu", "Đơn vị tính", "Mục tiêu", "Thời hạn đạt", "Giá trị báo cáo gần nhất",
    "Ngày báo cáo", "Đạt", "Cơ quan chủ trì", "Văn bản",
)
TARGET_WIDTHS = (6, 60, 10, 10, 12, 14, 12, 10, 30, 20)


def reached_label(reached: bool | None) -> str:
    return {True: "Đạt", False: "Chưa đạt", None: "Chưa có số liệu"}[reached]


def _write_targets(wb: Workbook, report: ConsolidatedReport) -> None:
    sheet = _Sheet(wb, TARGETS_SHEET, TARGET_WIDTHS)
    sheet.header(TARGET_HEADERS)
    for number, target in enumerate(report.targets, start=1):
        sheet.append([
            sheet.cell(number),
            sheet.cell(target.indicator, alignment=_WRAP),
            sheet.cell(target.unit),
            sheet.cell(target.target),
            sheet.cell(as_date(target.target_date), number_format=DATE_FORMAT),
            sheet.cell(target.latest_value),
            sheet.cell(as_date(target.reported_on), number_format=DATE_FORMAT),
            sheet.cell(reached_label(target.reached)),
            sheet.cell(target.lead),
            sheet.cell(target.directive_number),
        ])
    sheet.finish_table()


def _task_sheet_skeleton(wb: Workbook) -> tuple[_Sheet, dict[int, int]]:
    """The task sheet as openpyxl writes it: widths, panes, header and a placeholder filter.

    Returns the sheet and the style ids of its date and percent columns for the row splicer.
    """
    sheet = _Sheet(wb, TASKS_SHEET, [c.width for c in TASK_COLUMNS], freeze="C2")
    sheet.header([c.header for c in TASK_COLUMNS])
    last = get_column_letter(len(TASK_COLUMNS))
    sheet.ws.auto_filter.ref = f"A1:{last}{xlsx_stream.PLACEHOLDER_ROW}"
    styles = {}
    for index, column in enumerate(TASK_COLUMNS):
        if column.kind in (DATE, PERCENT):
            template = sheet.cell(None, number_format=DATE_FORMAT if column.kind == DATE else PROGRESS_FORMAT)
            styles[index] = template.style_id  # registers the style with the workbook
    return sheet, styles


def _task_rows_xml(task_rows: Iterable[TaskRow], styles: dict[int, int]) -> Iterator[str]:
    serialise = xlsx_stream.row_serialiser([c.kind for c in TASK_COLUMNS], styles, clean_text)
    for number, task in enumerate(task_rows, start=1):
        yield serialise(number + 1, task_values(number, task))


def write_xlsx(report: ConsolidatedReport, task_rows: Iterable[TaskRow], out: str | PathLike | IO[bytes]) -> int:
    """Write the workbook to ``out`` (a path or a binary file); return the number of task rows.

    ``task_rows`` is consumed once, as an iterator, in order; pass a generator over a
    server-side cursor for large scopes. Sheets: Tổng hợp (per agency, total, rank),
    Nhiệm vụ quá hạn, Chỉ tiêu, Danh sách nhiệm vụ.
    """
    wb = Workbook(write_only=True)
    wb.properties.title = f"Báo cáo {report.title}"
    wb.properties.creator = report.letterhead.issuer_line
    _write_summary(wb, report)
    overdue, overdue_styles = _overdue_skeleton(wb, report)
    _write_targets(wb, report)
    tasks, styles = _task_sheet_skeleton(wb)
    # openpyxl writes everything but the long lists' rows (a small workbook); those are spliced in
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as skeleton:
        wb.save(skeleton)
        skeleton.seek(0)
        _overdue_count, count = xlsx_stream.splice(skeleton, out, [
            xlsx_stream.SheetRows(overdue.ws.path.lstrip("/"), len(OVERDUE_HEADERS),
                                  _overdue_rows_xml(report, overdue_styles), first_row=2),
            xlsx_stream.SheetRows(tasks.ws.path.lstrip("/"), len(TASK_COLUMNS),
                                  _task_rows_xml(task_rows, styles), first_row=2),
        ])
        return count


def xlsx_bytes(report: ConsolidatedReport, task_rows: Iterable[TaskRow]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(report, task_rows, buffer)
    return buffer.getvalue()
