"""The XLSX export, read back with openpyxl (and opened by LibreOffice as proof it is sound)."""

import dataclasses
import datetime as dt
import io
import time

import openpyxl
import pytest

from coordination.reports.columns import TASK_COLUMNS
from coordination.reports.model import OVERDUE, OverdueTask, TaskRow
from coordination.reports.pdf import convert
from coordination.reports.sample import synthetic_task_rows
from coordination.reports.xlsx import (
    OVERDUE_SHEET,
    SUMMARY_SHEET,
    TARGETS_SHEET,
    TASKS_SHEET,
    write_xlsx,
    xlsx_bytes,
)

from .helpers import FORMULA_PAYLOADS, pdf_text


def load(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def task(**overrides) -> TaskRow:
    fields = dict(
        task_id=7, directive_number="1324/UBND-KGVX", directive_date=dt.date(2022, 5, 25), paragraph="2",
        content="Tổ chức thực hiện hiệu quả chính sách hỗ trợ tiền thuê nhà cho người lao động",
        lead="Sở Lao động - Thương binh và Xã hội", coordinating=("Sở Tài chính", "Sở Kế hoạch và Đầu tư"),
        status="in_progress", timeliness=OVERDUE, original_deadline=dt.date(2022, 8, 31),
        deadline_in_force=dt.date(2026, 11, 16), completed_on=None, days_overdue=14, progress_percent=80,
        progress_text="Đã chi trả hỗ trợ cho 12.450 lao động",
    )
    fields.update(overrides)
    return TaskRow(**fields)


def test_the_workbook_has_its_four_sheets_with_frozen_headers_and_filters(report):
    wb = load(xlsx_bytes(report, iter([task()])))
    assert wb.sheetnames == [SUMMARY_SHEET, OVERDUE_SHEET, TARGETS_SHEET, TASKS_SHEET]
    summary, overdue, targets, tasks = (wb[name] for name in wb.sheetnames)
    # the summary's header is row 6, under the title lines; number and name columns stay in view
    assert summary.freeze_panes == "C7"
    assert summary.auto_filter.ref == f"A6:L{6 + len(report.agencies)}"
    assert overdue.freeze_panes == "A2" and overdue.auto_filter.ref == f"A1:K{1 + len(report.overdue_tasks)}"
    assert targets.freeze_panes == "A2" and targets.auto_filter.ref == f"A1:J{1 + len(report.targets)}"
    assert tasks.freeze_panes == "C2" and tasks.auto_filter.ref == "A1:P2"
    assert [c.value for c in tasks[1]] == [c.header for c in TASK_COLUMNS]
    assert tasks.column_dimensions["F"].width == 70
    assert tasks["A1"].font.b and tasks.print_title_rows == "$1:$1"
    assert tasks.page_setup.orientation == "landscape"


def test_summary_rows_carry_the_figures_rate_and_rank_and_the_total_stays_outside_the_filter(report):
    summary = load(xlsx_bytes(report, iter(()))) [SUMMARY_SHEET]
    rows = list(summary.iter_rows(min_row=7, values_only=True))
    ranks = {entry.figures.agency_name: entry.rank for entry in report.ranking}
    for number, (figures, row) in enumerate(zip(report.agencies, rows), start=1):
        assert row[:7] == (number, figures.agency_name, figures.assigned, figures.on_time, figures.late,
                           figures.within, figures.overdue)
        assert row[7] == (pytest.approx(figures.on_time_ratio) if figures.on_time_ratio is not None else None)
        assert row[11] == ranks[figures.agency_name]
    total_row = rows[len(report.agencies)]
    assert total_row[1] == "Tổng cộng" and total_row[2] == report.total.assigned
    assert summary.cell(7 + len(report.agencies), 2).font.b
    assert summary.cell(7, 8).number_format == "0.0%"
    assert "30/11/2026" in summary["B3"].value


def test_dates_are_dates_shown_day_month_year_and_progress_is_a_percentage(report):
    tasks = load(xlsx_bytes(report, iter([task()])))[TASKS_SHEET]
    row = {c.header: cell for c, cell in zip(TASK_COLUMNS, tasks[2])}
    for header, expected in (("Ngày văn bản", dt.date(2022, 5, 25)), ("Hạn ban đầu", dt.date(2022, 8, 31)),
                             ("Hạn hiện hành", dt.date(2026, 11, 16))):
        assert row[header].is_date and row[header].value.date() == expected
        assert row[header].number_format == "dd/mm/yyyy"
    assert row["Ngày hoàn thành"].value is None
    assert row["Tiến độ (%)"].value == pytest.approx(0.8) and row["Tiến độ (%)"].number_format == "0%"
    assert row["Số ngày quá hạn"].value == 14 and row["Mã nhiệm vụ"].value == 7


def test_vietnamese_text_comes_back_intact(report):
    tasks = load(xlsx_bytes(report, iter([task()])))[TASKS_SHEET]
    row = {c.header: cell.value for c, cell in zip(TASK_COLUMNS, tasks[2])}
    assert row["Cơ quan chủ trì"] == "Sở Lao động - Thương binh và Xã hội"
    assert row["Cơ quan phối hợp"] == "Sở Tài chính; Sở Kế hoạch và Đầu tư"
    assert row["Trạng thái"] == "Đang thực hiện"
    assert row["Tình hình thời hạn"] == "Quá hạn, chưa hoàn thành"
    assert row["Nội dung nhiệm vụ"].startswith("Tổ chức thực hiện hiệu quả chính sách hỗ trợ")


@pytest.mark.parametrize("payload", FORMULA_PAYLOADS)
def test_formula_payloads_are_text_in_the_task_sheet_and_the_openpyxl_sheets(report, payload):
    overdue = dataclasses.replace(report.overdue_tasks[0], content=payload, latest_progress=payload)
    report = dataclasses.replace(report, overdue_tasks=(overdue,))
    wb = load(xlsx_bytes(report, iter([task(content=payload, progress_text=payload, lead=payload)])))
    tasks, overdue_sheet = wb[TASKS_SHEET], wb[OVERDUE_SHEET]
    for cell in (tasks["F2"], tasks["G2"], tasks["P2"], overdue_sheet["E2"], overdue_sheet["K2"]):
        assert cell.data_type == "s", cell.coordinate
        assert cell.value == "'" + payload


def test_numbers_and_dates_are_not_escaped_even_when_negative(report):
    tasks = load(xlsx_bytes(report, iter([task(days_overdue=-3)])))[TASKS_SHEET]
    assert tasks["N2"].value == -3 and tasks["N2"].data_type == "n"


def test_markup_and_control_characters_in_text_do_not_break_the_file(report):
    text = "a < b & c > d\vvertical tab from Word\x00 and  trailing space "
    tasks = load(xlsx_bytes(report, iter([task(content=text)])))[TASKS_SHEET]
    assert tasks["F2"].value == "a < b & c > dvertical tab from Word and  trailing space "


def test_no_tasks_gives_a_header_only_sheet(report):
    tasks = load(xlsx_bytes(report, iter(())))[TASKS_SHEET]
    assert tasks.max_row == 1 and tasks.auto_filter.ref == "A1:P1"


def test_the_filter_covers_exactly_the_task_rows(report):
    data = xlsx_bytes(report, synthetic_task_rows(250))
    wb = load(data)
    assert wb[TASKS_SHEET].auto_filter.ref == "A1:P251"
    assert wb[TASKS_SHEET].max_row == 251
    assert wb[TASKS_SHEET]["A251"].value == 250


class Spy:
    """An output file that records how much was written, and an iterator-only row source."""

    def __init__(self, delay=0.0):
        self.buffer = io.BytesIO()
        self.delay = delay
        self.written_when_pulled: list[int] = []

    def write(self, data):
        time.sleep(self.delay)  # a slow disk: the writing thread falls behind as far as it may
        return self.buffer.write(data)

    def __getattr__(self, name):
        return getattr(self.buffer, name)

    def rows(self, count):
        for n, row in enumerate(synthetic_task_rows(count)):
            if n % 5000 == 0:
                self.written_when_pulled.append(self.buffer.tell())
            yield row


@pytest.mark.parametrize("delay", [0.0, 0.05])
def test_task_rows_are_streamed_to_the_output_while_they_are_pulled(report, delay):
    spy = Spy(delay)
    count = write_xlsx(report, spy.rows(30000), spy)
    assert count == 30000
    # the file grows while rows are still being pulled: nothing gathers all rows before writing.
    # The zip stream is written by a thread at most two 2,000-row chunks behind, so whether the
    # file has grown by the 5,000th row depends on timing; by the 15,000th at least 10,000 rows
    # have gone through the compressor, and the last rows are still to come when it is sampled.
    grown = spy.written_when_pulled
    assert grown == sorted(grown) and grown[0] > 0
    assert grown[3] > grown[0]
    assert spy.buffer.tell() > grown[-1] > grown[3]


@pytest.mark.libreoffice
def test_libreoffice_opens_the_workbook(report, soffice):
    data = xlsx_bytes(report, synthetic_task_rows(40))
    text = pdf_text(convert(data, ".xlsx", "pdf"))
    assert "Sở Lao động - Thương binh và Xã hội" in text
    assert "Danh sách nhiệm vụ" in text or "Nội dung nhiệm vụ" in text
    assert "16/11/2026" in text  # a deadline, printed with the dd/mm/yyyy format


def test_write_to_a_path(report, tmp_path):
    path = tmp_path / "bao-cao.xlsx"
    assert write_xlsx(report, synthetic_task_rows(3), path) == 3
    assert load(path.read_bytes())[TASKS_SHEET].max_row == 4


def test_the_overdue_and_targets_sheets_list_the_report(report):
    wb = load(xlsx_bytes(report, iter(())))
    overdue = list(wb[OVERDUE_SHEET].iter_rows(min_row=2, values_only=True))
    first: OverdueTask = report.overdue_tasks[0]
    assert overdue[0][1] == first.directive_number and overdue[0][8] == first.days_overdue
    assert overdue[0][7].date() == first.deadline_in_force
    targets = list(wb[TARGETS_SHEET].iter_rows(min_row=2, values_only=True))
    assert [row[7] for row in targets] == ["Đạt", "Chưa đạt", "Chưa có số liệu"]


def test_a_datetime_in_a_date_column_is_its_vietnam_date(report):
    late = dt.datetime(2026, 11, 30, 18, 0, tzinfo=dt.timezone.utc)  # 01:00 on 1/12 in Hà Nội
    tasks = load(xlsx_bytes(report, iter([task(completed_on=late)])))[TASKS_SHEET]
    assert tasks["M2"].value.date() == dt.date(2026, 12, 1)


def test_repeated_cells_come_out_right_when_the_memo_of_cells_is_emptied(report, monkeypatch):
    """The streamed rows keep each column's recent cells; values repeat, need escaping or not, and
    the memo is emptied when full (here every three values) without changing a cell."""
    from coordination.reports import xlsx_stream

    monkeypatch.setattr(xlsx_stream, "_MEMO_SIZE", 3)
    leads = ["Sở A", "=1+1", "Sở A", "a & b <c>", "Sở B", " Sở C ", "Sở A", "a & b <c>", "=1+1", "Sở B"]
    days = [dt.date(2026, 11, d) for d in (1, 2, 1, 3, 4, 1, 2, 5, 1, 2)]
    rows = [task(task_id=n, lead=lead, deadline_in_force=day, progress_percent=(n % 4) * 10, days_overdue=n % 3)
            for n, (lead, day) in enumerate(zip(leads, days))]
    sheet = load(xlsx_bytes(report, iter(rows)))[TASKS_SHEET]
    got = [(r[1], r[6], r[11].date(), r[13], r[14]) for r in sheet.iter_rows(min_row=2, values_only=True)]
    expected = [(n, "'=1+1" if lead == "=1+1" else lead, day, n % 3, pytest.approx((n % 4) / 10) if n % 4 else 0)
                for n, (lead, day) in enumerate(zip(leads, days))]
    assert got == expected


class Failing(io.RawIOBase):
    """An output that takes ``limit`` bytes, then fails like a full disk."""

    def __init__(self, limit):
        self.limit, self.written = limit, 0

    def writable(self):
        return True

    def write(self, data):
        if self.written + len(data) > self.limit:
            raise OSError(28, "No space left on device")
        self.written += len(data)
        return len(data)


def test_the_task_sheet_is_deflated_in_a_thread_of_its_own_behind_the_rows(report):
    """CRC and deflate of the long sheet run beside the serialisation (they release the GIL)."""
    import threading

    threads = set()

    class Watch(Spy):
        def write(self, data):
            threads.add(threading.current_thread().name)
            return super().write(data)

    spy = Watch()
    assert write_xlsx(report, spy.rows(20000), spy) == 20000
    assert any(name.startswith("xlsx-deflate") for name in threads)
    assert load(spy.buffer.getvalue())[TASKS_SHEET].max_row == 20001  # and nothing out of order or lost


def test_an_output_that_fails_while_the_sheet_is_deflated_fails_the_export(report):
    with pytest.raises(OSError, match="No space left"):
        write_xlsx(report, synthetic_task_rows(20000), Failing(limit=300_000))
