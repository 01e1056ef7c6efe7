"""The one call each report view makes: a report request in, the report (or its file) out.

The web page and the JSON API call the same functions and differ only in parsing and rendering.
Every export of a scope is built here with the viewer's letterhead; PDF conversion runs in the
request (LibreOffice takes one to a few seconds; the form tells the user to wait, see
``static/js/reports.js``) and a failure raises :class:`pdf.ConversionError` for the view to map.
"""

from __future__ import annotations

import json

from pyramid.response import Response
from sqlalchemy.orm import Session

from . import responses
from .letterhead import letterhead_for
from .model import ConsolidatedReport
from .params import ReportRequest
from .queries import build_report
from .tasksheet import task_rows
from .scope import Viewer
from .serialize import report_json

FILE_FORMATS = ("csv", "xlsx", "docx", "pdf")


def consolidated(dbsession: Session, settings: dict, viewer: Viewer, request: ReportRequest) -> ConsolidatedReport:
    """The consolidated report the request asks for, from the viewer's letterhead."""
    return build_report(dbsession, request.scope, request.as_of, letterhead_for(settings, viewer), title=request.title)


def export(dbsession: Session, settings: dict, viewer: Viewer, request: ReportRequest) -> Response:
    """The report in ``request.format`` (json, csv, xlsx, docx, pdf) as a download response. The
    task sheet (CSV, XLSX) streams from the database into a temporary file before returning."""
    fmt = request.format
    if fmt == "csv":
        return responses.csv_file_response(task_rows(dbsession, request.scope, request.as_of), request.as_of)
    report = consolidated(dbsession, settings, viewer, request)
    if fmt == "xlsx":
        return responses.xlsx_response(report, task_rows(dbsession, request.scope, request.as_of))
    if fmt == "docx":
        return responses.docx_response(report)
    if fmt == "pdf":
        return responses.pdf_response(report, settings)
    if fmt == "json":
        return Response(body=json.dumps(report_json(report), ensure_ascii=False).encode("utf-8"),
                        content_type="application/json", charset="utf-8")
    raise ValueError(f"not a file format: {fmt}")
