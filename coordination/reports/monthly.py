"""The monthly consolidated report: built as of the last day of a month, stored, and mailed.

The reminders' monthly job calls, by dotted name ``coordination.reports.monthly:build_monthly_report``::

    build_monthly_report(dbsession, settings, month_end: date)
        -> (subject: str, text: str, html: str, attachments: list[tuple[filename, bytes, mimetype]])

and mails the result to the leadership (who receives it is the job's business). What it may rely on:

- ``month_end`` must be the last day of a month (ValueError otherwise). The report covers every
  directive the system follows, as of the end of that day, read from the history tables: run on
  the 1st or a week later, the figures are the same.
- The DOCX and XLSX are stored (``StoredReport``, kind ``monthly``) before anything is returned; the
  attachments are the stored bytes, read back and checked against their SHA-256, and the message
  links to the stored downloads (``app.base_url``/reports/stored/<id>/docx|xlsx).
- Idempotent: calling it again for the same month stores nothing new and returns the same files
  (a job that runs twice mails the same report, never a second version).
- It writes in the caller's transaction (the stored row, the dashboard's month-end figures); the
  files are written at once, named by their content, so an aborted transaction leaves at worst an
  unreferenced file.
"""

from __future__ import annotations

import datetime as dt
import html

from sqlalchemy.orm import Session

from ..clock import today as clock_today
from ..dates import format_date
from . import dashboard
from .letterhead import office_letterhead
from .model import SCOPE_ALL, ConsolidatedReport, ReportScope
from .queries import build_report
from .queries import month_end as last_day_of
from .ranking import vietnamese_key
from .storage import open_stored, store_report
from .tasksheet import task_rows
from .words import decimal, percent

KIND = "monthly"
SCOPE = ReportScope(kind=SCOPE_ALL, description="toàn bộ các văn bản chỉ đạo được theo dõi trên hệ thống")


def _summary_lines(report: ConsolidatedReport) -> list[str]:
    t = report.total
    lines = [
        f"Tổng số nhiệm vụ được giao: {t.assigned}",
        f"- Hoàn thành đúng hạn: {t.on_time}",
        f"- Hoàn thành quá hạn: {t.late}",
        f"- Đang thực hiện, trong hạn: {t.within}",
        f"- Quá hạn, chưa hoàn thành: {t.overdue}"
        + (f" (bình quân quá hạn {decimal(t.average_days_overdue)} ngày)" if t.overdue else ""),
        f"Tỷ lệ hoàn thành đúng hạn: {percent(t.on_time_ratio)}",
        f"Gia hạn đã chấp thuận: {t.extensions_granted}; kiến nghị chưa xử lý: {t.escalations_open}",
    ]
    worst = sorted((f for f in report.agencies if f.overdue),
                   key=lambda f: (-f.overdue, vietnamese_key(f.agency_name)))[:3]
    if worst:
        lines.append("Cơ quan có nhiều nhiệm vụ quá hạn nhất: " + "; ".join(
            f"{f.agency_name} ({f.overdue} nhiệm vụ)" for f in worst))
    return lines


def build_monthly_report(dbsession: Session, settings: dict, month_end: dt.date):
    """The month's report as of ``month_end``: (subject, text, html, attachments). See the module
    docstring for what callers may rely on."""
    if last_day_of(month_end.replace(day=1)) != month_end:
        raise ValueError(f"{month_end.isoformat()} is not the last day of a month")
    month = f"{month_end.month:02d}/{month_end.year}"
    today = clock_today()
    report = build_report(dbsession, SCOPE, month_end, office_letterhead(settings),
                          dated=max(today, month_end), title=f"Tình hình thực hiện nhiệm vụ được giao tháng {month}")
    stored = store_report(dbsession, report, settings, kind=KIND, task_rows=task_rows(dbsession, SCOPE, month_end))
    dashboard.warm(dbsession, SCOPE)

    files = [open_stored(dbsession, stored.id, fmt, settings) for fmt in ("docx", "xlsx")]
    base = (settings.get("app.base_url") or "").rstrip("/")
    links = {fmt: f"{base}/reports/stored/{stored.id}/{fmt}" for fmt in ("docx", "xlsx")}
    subject = f"Báo cáo tình hình thực hiện nhiệm vụ tháng {month} (số liệu đến ngày {format_date(month_end)})"
    summary = _summary_lines(report)
    text = "\n".join([
        "Kính gửi lãnh đạo,",
        "",
        f"Hệ thống gửi báo cáo tổng hợp tình hình thực hiện nhiệm vụ tháng {month}, số liệu tính đến hết "
        f"ngày {format_date(month_end)}.",
        "",
        *summary,
        "",
        "Báo cáo đầy đủ (văn bản Word và bảng tính kèm danh sách nhiệm vụ) được đính kèm và lưu trên hệ thống:",
        f"- Văn bản (DOCX): {links['docx']}",
        f"- Bảng tính (XLSX): {links['xlsx']}",
    ]) + "\n"
    items = "".join(f"<li>{html.escape(line.lstrip('- '))}</li>" for line in summary)
    body = (
        "<p>Kính gửi lãnh đạo,</p>"
        f"<p>Hệ thống gửi báo cáo tổng hợp tình hình thực hiện nhiệm vụ tháng {month}, số liệu tính đến hết "
        f"ngày {format_date(month_end)}.</p>"
        f"<ul>{items}</ul>"
        "<p>Báo cáo đầy đủ được đính kèm và lưu trên hệ thống: "
        f"<a href=\"{html.escape(links['docx'])}\">văn bản (DOCX)</a>, "
        f"<a href=\"{html.escape(links['xlsx'])}\">bảng tính (XLSX)</a>.</p>"
    )
    attachments = [(f.filename, f.data, f.content_type) for f in files]
    return subject, text, body, attachments
