"""The CSV export: UTF-8 with BOM, the task sheet's columns, streamed, formula payloads escaped."""

import csv
import datetime as dt
import io

import pytest
from pyramid.response import Response

from coordination.reports.columns import TASK_COLUMNS
from coordination.reports.csv import csv_bytes, iter_csv
from coordination.reports.sample import synthetic_task_rows

from .helpers import FORMULA_PAYLOADS
from .test_xlsx import task


def read(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_file_starts_with_one_bom_and_has_the_task_sheet_columns():
    data = csv_bytes(synthetic_task_rows(3000))
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    rows = read(data)
    assert rows[0] == [c.header for c in TASK_COLUMNS]
    assert len(rows) == 3001


def test_values_read_back_with_vietnamese_intact_and_iso_dates():
    rows = read(csv_bytes(iter([task()])))
    row = dict(zip(rows[0], rows[1]))
    assert row["Cơ quan chủ trì"] == "Sở Lao động - Thương binh và Xã hội"
    assert row["Cơ quan phối hợp"] == "Sở Tài chính; Sở Kế hoạch và Đầu tư"
    assert row["Hạn hiện hành"] == "2026-11-16" and row["Ngày hoàn thành"] == ""
    assert row["Tiến độ (%)"] == "80" and row["Số ngày quá hạn"] == "14"
    assert row["Tình hình thời hạn"] == "Quá hạn, chưa hoàn thành"


@pytest.mark.parametrize("payload", FORMULA_PAYLOADS)
def test_formula_payloads_are_escaped(payload):
    rows = read(csv_bytes(iter([task(content=payload, progress_text=payload, lead=payload)])))
    row = dict(zip(rows[0], rows[1]))
    for header in ("Nội dung nhiệm vụ", "Cơ quan chủ trì", "Tiến độ gần nhất"):
        assert row[header] == "'" + payload


def test_numbers_stay_numbers_even_when_negative():
    rows = read(csv_bytes(iter([task(days_overdue=-3)])))
    assert dict(zip(rows[0], rows[1]))["Số ngày quá hạn"] == "-3"


def test_commas_quotes_and_line_breaks_survive():
    text = 'Rà soát, "khẩn"\nbáo cáo'
    rows = read(csv_bytes(iter([task(content=text)])))
    assert dict(zip(rows[0], rows[1]))["Nội dung nhiệm vụ"] == text


def test_rows_are_pulled_only_as_chunks_are_asked_for():
    pulled = 0

    def rows():
        nonlocal pulled
        for row in synthetic_task_rows(100_000):
            pulled += 1
            yield row

    chunks = iter_csv(rows(), chunk_size=16 * 1024)
    first = next(chunks)
    assert first.startswith(b"\xef\xbb\xbf") and len(first) >= 16 * 1024
    assert pulled < 200  # a few dozen rows make a chunk; the other 99 800 are not touched yet
    second = next(chunks)
    assert not second.startswith(b"\xef\xbb\xbf")


def test_usable_as_a_pyramid_app_iter():
    response = Response(app_iter=iter_csv(synthetic_task_rows(500)), content_type="text/csv", charset="utf-8")
    rows = read(response.body)
    assert len(rows) == 501 and rows[1][0] == "1"


def test_a_datetime_is_written_as_its_vietnam_date():
    late = dt.datetime(2026, 11, 30, 18, 0, tzinfo=dt.timezone.utc)  # 01:00 on 1/12 in Hà Nội
    rows = read(csv_bytes(iter([task(completed_on=late)])))
    assert dict(zip(rows[0], rows[1]))["Ngày hoàn thành"] == "2026-12-01"
