"""Pyramid responses for the exports, so a report view is: parse → query → one of these.

Large exports never sit in memory: the XLSX is written to a temporary file served with
``FileIter`` (the file disappears when the response is closed), the CSV streams from its rows.

Rows read from the database must be consumed while the request's transaction is open: pyramid_tm
commits when the view returns, before the server iterates the body, and a server-side cursor does
not survive the commit. Views therefore use :func:`csv_file_response`, which writes the CSV to a
temporary file first (same streaming, same memory), and never :func:`csv_response` with a cursor.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from urllib.parse import quote

from pyramid.response import FileIter, Response

from . import csv as csv_format
from . import docx as docx_format
from . import pdf as pdf_format
from . import xlsx as xlsx_format
from .model import ConsolidatedReport, TaskRow


def filename(as_of: dt.date, ext: str, stem: str = "bao-cao") -> str:
    """``bao-cao-2026-11-30.xlsx``: ASCII, dated by the cut-off date."""
    return f"{stem}-{as_of.isoformat()}.{ext}"


def attachment(response: Response, name: str, display_name: str | None = None) -> Response:
    """Mark ``response`` as a download named ``name`` (ASCII); ``display_name`` may be Vietnamese."""
    value = f'attachment; filename="{name}"'
    if display_name:
        value += f"; filename*=UTF-8''{quote(display_name)}"
    response.content_disposition = value
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control = "private, no-store"
    return response


def xlsx_response(report: ConsolidatedReport, task_rows: Iterable[TaskRow]) -> Response:
    """The workbook, written to a temporary file while ``task_rows`` are pulled, then streamed."""
    handle = tempfile.TemporaryFile()
    try:
        xlsx_format.write_xlsx(report, task_rows, handle)
        length = handle.tell()
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    response = Response(app_iter=FileIter(handle), content_type=xlsx_format.CONTENT_TYPE)
    response.content_length = length
    return attachment(response, filename(report.as_of, "xlsx"), f"Báo cáo {report.as_of:%d-%m-%Y}.xlsx")


def csv_response(task_rows: Iterable[TaskRow], as_of: dt.date) -> Response:
    """The task sheet as CSV, streamed chunk by chunk as the client reads."""
    response = Response(app_iter=csv_format.iter_csv(task_rows), content_type="text/csv", charset="utf-8")
    return attachment(response, filename(as_of, "csv", "danh-sach-nhiem-vu"))


def csv_file_response(task_rows: Iterable[TaskRow], as_of: dt.date) -> Response:
    """The task sheet as CSV, written to a temporary file while ``task_rows`` are pulled (inside the
    caller's transaction), then streamed from the file."""
    handle = tempfile.TemporaryFile()
    try:
        for chunk in csv_format.iter_csv(task_rows):
            handle.write(chunk)
        length = handle.tell()
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    response = Response(app_iter=FileIter(handle), content_type="text/csv", charset="utf-8")
    response.content_length = length
    return attachment(response, filename(as_of, "csv", "danh-sach-nhiem-vu"))


def docx_response(report: ConsolidatedReport) -> Response:
    response = Response(body=docx_format.docx_bytes(report), content_type=docx_format.CONTENT_TYPE)
    return attachment(response, filename(report.as_of, "docx"), f"Báo cáo {report.as_of:%d-%m-%Y}.docx")


def pdf_response(report: ConsolidatedReport, settings: dict | None = None) -> Response:
    """The PDF by LibreOffice; raises :class:`pdf.ConversionError` (map it to a 503 page)."""
    response = Response(body=pdf_format.pdf_bytes(report, settings=settings), content_type=pdf_format.CONTENT_TYPE)
    return attachment(response, filename(report.as_of, "pdf"), f"Báo cáo {report.as_of:%d-%m-%Y}.pdf")
