"""The one call each report view makes: a report request in, the report (or its file) out.

The web page and the JSON API call the same functions and differ only in parsing and rendering.
Every export of a scope is built here with the viewer's letterhead; PDF conversion runs in the
request (LibreOffice takes one to a few seconds; the form tells the user to wait, see
``static/js/reports.js``) and a failure raises :class:`pdf.ConversionError` for the view to map.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator

from pyramid.response import Response
from sqlalchemy.orm import Session

from . import responses
from .letterhead import letterhead_for
from .model import ConsolidatedReport, Letterhead, ReportScope, TaskRow
from .params import ReportRequest
from .queries import build_report
from .readahead import read_ahead
from .scope import Viewer
from .tasksheet import task_rows
from .serialize import report_json

FILE_FORMATS = ("csv", "xlsx", "docx", "pdf")


def consolidated(dbsession: Session, settings: dict, viewer: Viewer, request: ReportRequest) -> ConsolidatedReport:
    """The consolidated report the request asks for, from the viewer's letterhead."""
    return build_report(dbsession, request.scope, request.as_of, letterhead_for(settings, viewer), title=request.title)


@contextlib.contextmanager
def workbook_parts(dbsession: Session, scope: ReportScope, as_of: dt.date, letterhead: Letterhead, *,
                   title: str | None = None) -> Iterator[tuple[ConsolidatedReport, Iterator[TaskRow]]]:
    """The report and its task sheet's rows, for a workbook written inside the ``with``: the rows
    are read ahead on a second connection in this transaction's snapshot (``readahead``) while the
    report's figures are built on this one. Leaving the ``with`` releases the reader."""
    rows = read_ahead(dbsession, lambda session: task_rows(session, scope, as_of))
    try:
        yield build_report(dbsession, scope, as_of, letterhead, title=title), rows
    finally:
        rows.close()


def export(dbsession: Session, settings: dict, viewer: Viewer, request: ReportRequest) -> Response:
    """The report in ``request.format`` (json, csv, xlsx, docx, pdf) as a download response. The
    task sheet (CSV, XLSX) streams from the database into a temporary file before returning."""
    fmt = request.format
    if fmt == "csv":
        return responses.csv_file_response(task_rows(dbsession, request.scope, request.as_of), request.as_of)
    if fmt == "xlsx":
        with workbook_parts(dbsession, request.scope, request.as_of, letterhead_for(settings, viewer),
                            title=request.title) as (report, rows):
            return responses.xlsx_response(report, rows)
    report = consolidated(dbsession, settings, viewer, request)
    if fmt == "docx":
        return responses.docx_response(report)
    if fmt == "pdf":
        return responses.pdf_response(report, settings)
    if fmt == "json":
        return Response(body=json.dumps(report_json(report), ensure_ascii=False).encode("utf-8"),
                        content_type="application/json", charset="utf-8")
    raise ValueError(f"not a file format: {fmt}")
