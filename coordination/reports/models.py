"""Reports kept as issued: the monthly report's files, downloadable later byte for byte."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import now
from ..db import Base

FORMATS = ("docx", "xlsx", "pdf")


class StoredReport(Base):
    """One generated report and its files under ``attachments.dir``/reports/.

    Files are named by their SHA-256 and never rewritten; the hashes here let a download prove it
    serves the bytes that were stored. One report per kind, scope and cut-off date.
    """

    __tablename__ = "stored_reports"
    __table_args__ = (UniqueConstraint("kind", "scope_key", "as_of", name="one_per_scope_and_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)  # 'monthly', 'adhoc'...
    title: Mapped[str] = mapped_column(String(500))
    scope: Mapped[dict[str, Any]]
    # SHA-256 of the scope's filter fields (not its wording): what "the same scope" means
    scope_key: Mapped[str] = mapped_column(String(64))
    as_of: Mapped[dt.date] = mapped_column(index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    task_count: Mapped[int] = mapped_column(default=0)
    # paths are relative to attachments.dir, in POSIX form
    docx_path: Mapped[str] = mapped_column(String(300))
    docx_sha256: Mapped[str] = mapped_column(String(64))
    docx_size: Mapped[int]
    xlsx_path: Mapped[str] = mapped_column(String(300))
    xlsx_sha256: Mapped[str] = mapped_column(String(64))
    xlsx_size: Mapped[int]
    pdf_path: Mapped[str | None] = mapped_column(String(300))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_size: Mapped[int | None]

    def file_info(self, fmt: str) -> tuple[str, str, int] | None:
        """(relative path, sha256, size) of the file in ``fmt``, or None when not stored."""
        if fmt not in FORMATS:
            return None
        path = getattr(self, f"{fmt}_path")
        if path is None:
            return None
        return path, getattr(self, f"{fmt}_sha256"), getattr(self, f"{fmt}_size")


class FiguresSnapshot(Base):
    """Figures of a scope computed once and kept, so the dashboard answers without recounting.

    ``kind`` 'month_end': the figures as of a closed month's last day, read from the history
    tables, hence never changing (kept for good). ``kind`` 'dashboard': today's figures, reused
    for a short while (``reports.dashboard_cache_seconds``) and replaced afterwards.
    """

    __tablename__ = "report_snapshots"

    scope_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    as_of: Mapped[dt.date] = mapped_column(primary_key=True)
    payload: Mapped[dict[str, Any]]
    computed_at: Mapped[dt.datetime]
