"""Download responses: right type and name, the XLSX from a temporary file, the CSV streamed."""

import io

import openpyxl
import pytest

from coordination.reports import responses
from coordination.reports.sample import synthetic_task_rows


def test_xlsx_response_serves_the_workbook_from_a_temporary_file(report):
    response = responses.xlsx_response(report, synthetic_task_rows(10))
    assert response.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    handle = response.app_iter.file
    body = b"".join(response.app_iter)
    response.app_iter.close()
    assert handle.closed  # the temporary file goes away with the response
    assert len(body) == response.content_length
    assert openpyxl.load_workbook(io.BytesIO(body))["Danh sách nhiệm vụ"].max_row == 11
    assert response.content_disposition == (
        "attachment; filename=\"bao-cao-2026-11-30.xlsx\"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o%2030-11-2026.xlsx"
    )
    assert response.cache_control.no_store


def test_csv_response_streams(report):
    response = responses.csv_response(synthetic_task_rows(100_000), report.as_of)
    first = next(iter(response.app_iter))
    assert first.startswith(b"\xef\xbb\xbf") and len(first) < 200_000
    assert response.content_type == "text/csv" and response.charset == "utf-8"
    assert response.content_disposition == 'attachment; filename="danh-sach-nhiem-vu-2026-11-30.csv"'


def test_docx_response(report):
    response = responses.docx_response(report)
    assert response.body[:2] == b"PK" and response.content_disposition.startswith('attachment; filename="bao-cao-2026-11-30.docx"')


def test_a_failed_xlsx_export_closes_its_temporary_file(report, monkeypatch):
    import tempfile

    opened = []
    original = tempfile.TemporaryFile

    def temporary_file():
        handle = original()
        opened.append(handle)
        return handle

    monkeypatch.setattr(responses.tempfile, "TemporaryFile", temporary_file)

    def broken_rows():
        yield from synthetic_task_rows(3)
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="database went away"):
        responses.xlsx_response(report, broken_rows())
    assert len(opened) == 1 and opened[0].closed


@pytest.mark.libreoffice
def test_pdf_response(report, soffice):
    response = responses.pdf_response(report)
    assert response.body.startswith(b"%PDF") and response.content_type == "application/pdf"
