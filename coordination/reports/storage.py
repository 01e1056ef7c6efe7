"""Storing generated reports (the monthly job) and serving them later exactly as stored."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..text import search_key
from . import docx as docx_format
from . import pdf as pdf_format
from . import xlsx as xlsx_format
from .model import ConsolidatedReport, ReportScope, TaskRow
from .models import StoredReport

REPORTS_DIR = "reports"
CONTENT_TYPES = {
    "docx": docx_format.CONTENT_TYPE,
    "xlsx": xlsx_format.CONTENT_TYPE,
    "pdf": pdf_format.CONTENT_TYPE,
}


class StoredReportNotFound(LookupError):
    """No stored report with that id, or none of its files in that format."""


class StoredReportCorrupt(RuntimeError):
    """The file on disk is missing or no longer has the SHA-256 recorded when it was stored."""


@dataclass(frozen=True)
class StoredFile:
    data: bytes
    filename: str
    content_type: str
    sha256: str


def scope_key(scope: ReportScope) -> str:
    """The identity of a scope: its filter fields (the wording may be edited without changing it)."""
    fields = scope.to_json()
    fields.pop("description")
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode("utf-8")).hexdigest()


def _root(settings: dict) -> Path:
    return Path(settings["attachments.dir"]).resolve()


def _write(settings: dict, data: bytes, suffix: str, as_of) -> tuple[str, str, int]:
    """Write ``data`` under reports/<year>/<month>/<sha256><suffix>; return (relative path, sha, size).

    Named by content: writing the same bytes twice is harmless, and a file is never changed once
    written (temporary file, then an atomic rename).
    """
    digest = hashlib.sha256(data).hexdigest()
    relative = Path(REPORTS_DIR, f"{as_of.year:04d}", f"{as_of.month:02d}", digest + suffix)
    target = _root(settings) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    return relative.as_posix(), digest, len(data)


def store_report(dbsession: Session, report: ConsolidatedReport, settings: dict, *, kind: str = "monthly",
                 task_rows: Iterable[TaskRow] = (), with_pdf: bool = False,
                 created_by_id: int | None = None) -> StoredReport:
    """Render ``report`` to DOCX and XLSX (and PDF if ``with_pdf``), write the files under
    ``settings["attachments.dir"]``/reports/ and record them with their SHA-256.

    Idempotent per (kind, scope, cut-off date): if that report is already stored it is returned
    unchanged and nothing is rendered, so a monthly job that runs twice stores one report.
    ``task_rows`` fill the XLSX task sheet (consumed once). With ``with_pdf`` a LibreOffice
    failure raises :class:`pdf.ConversionError` and nothing is recorded.
    """
    key = scope_key(report.scope)
    existing = dbsession.scalar(select(StoredReport).where(
        StoredReport.kind == kind, StoredReport.scope_key == key, StoredReport.as_of == report.as_of))
    if existing is not None:
        return existing
    docx = docx_format.docx_bytes(report)
    pdf = pdf_format.docx_to_pdf(docx, settings=settings) if with_pdf else None
    with tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024) as buffer:
        task_count = xlsx_format.write_xlsx(report, task_rows, buffer)
        buffer.seek(0)
        xlsx = buffer.read()
    stored = StoredReport(kind=kind, title=report.title, scope=report.scope.to_json(), scope_key=key,
                          as_of=report.as_of, created_by_id=created_by_id, task_count=task_count)
    stored.docx_path, stored.docx_sha256, stored.docx_size = _write(settings, docx, ".docx", report.as_of)
    stored.xlsx_path, stored.xlsx_sha256, stored.xlsx_size = _write(settings, xlsx, ".xlsx", report.as_of)
    if pdf is not None:
        stored.pdf_path, stored.pdf_sha256, stored.pdf_size = _write(settings, pdf, ".pdf", report.as_of)
    dbsession.add(stored)
    dbsession.flush()
    return stored


def download_name(stored: StoredReport, fmt: str) -> str:
    """``bao-cao-monthly-2026-11-30.docx``: ASCII, so every browser and mail client keeps it."""
    slug = "-".join(search_key(f"bao cao {stored.kind}").split())
    return f"{slug}-{stored.as_of.isoformat()}.{fmt}"


def open_stored(dbsession: Session, report_id: int, fmt: str, settings: dict) -> StoredFile:
    """The bytes of a stored report's file in ``fmt`` ('docx', 'xlsx', 'pdf'), checked against
    the SHA-256 recorded at storage: callers may rely on serving exactly what was stored.

    Raises :class:`StoredReportNotFound` (no such report or format) or
    :class:`StoredReportCorrupt` (file missing, outside the reports folder, or altered).
    """
    stored = dbsession.get(StoredReport, report_id)
    info = stored.file_info(fmt) if stored is not None else None
    if info is None:
        raise StoredReportNotFound(f"stored report {report_id} has no {fmt} file")
    relative, sha256, _size = info
    root = _root(settings)
    path = (root / relative).resolve()
    if root / REPORTS_DIR not in path.parents:
        raise StoredReportCorrupt(f"stored report {report_id}: path {relative!r} leaves the reports folder")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise StoredReportCorrupt(f"stored report {report_id}: {relative} is missing") from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise StoredReportCorrupt(f"stored report {report_id}: {relative} does not match its SHA-256")
    return StoredFile(data=data, filename=download_name(stored, fmt), content_type=CONTENT_TYPES[fmt],
                      sha256=sha256)
