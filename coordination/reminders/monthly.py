"""The monthly consolidated report mailed to the leadership.

The reports domain fills it in: ``reminders.monthly_report`` names a function
``build_monthly_report(dbsession, settings, month_end)`` returning the reports domain's
``(subject, text, html, attachments)`` (see coordination/reports/monthly.py) or a dict with any of
``paragraphs`` (list of str), ``facts`` (list of (label, value)) and ``attachments`` (list of
(filename, content type, bytes)). Until it exists the mail carries a summary computed here from
the tasks (open, overdue, completed in the month, the agencies with most overdue tasks).
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..clock import LOCAL_TZ, now
from ..organizations.models import Agency
from ..tasks.models import COMPLETED, COMPLETION_REPORTED, Task
from .content import MailContext
from .hooks import MONTHLY_REPORT as DEFAULT_BUILDER
from .hooks import optional_hook
from .mailbody import Fact, Item, MailContent, Section, render
from .outbox import enqueue_one, message_row
from .policy import MONTHLY_REPORT, OPEN_STATUSES
from .recipients import Directory

log = logging.getLogger(__name__)


def previous_month(today: dt.date) -> dt.date:
    """The first day of the month before ``today``'s."""
    first = today.replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def task_summary(dbsession: Session, month: dt.date, today: dt.date) -> dict:
    """Counts for the plain summary: open (incl. awaiting acceptance), overdue now, completed in ``month``."""
    open_states = (*OPEN_STATUSES, COMPLETION_REPORTED)
    open_count = dbsession.scalar(select(func.count()).select_from(Task).where(Task.status.in_(open_states)))
    overdue_filter = (Task.status.in_(OPEN_STATUSES), Task.deadline_in_force < today)
    overdue = dbsession.scalar(select(func.count()).select_from(Task).where(*overdue_filter))
    completed = dbsession.scalar(
        select(func.count()).select_from(Task).where(
            Task.status == COMPLETED, Task.completed_on >= month, Task.completed_on < next_month(month)
        )
    )
    worst = dbsession.execute(
        select(Agency.name, func.count(Task.id).label("n"))
        .join(Agency, Agency.id == Task.lead_agency_id)
        .where(*overdue_filter)
        .group_by(Agency.name)
        .order_by(func.count(Task.id).desc(), Agency.name)
        .limit(10)
    ).all()
    return {"open": open_count, "overdue": overdue, "completed": completed, "worst": [(n, c) for n, c in worst]}


def _as_dict(result) -> dict:
    """Accept the reports domain's ``(subject, text, html, [(filename, bytes, mimetype)])`` or a
    dict of ``paragraphs``, ``facts`` and ``attachments`` as ``(filename, content type, bytes)``."""
    if isinstance(result, tuple):
        _subject, text, _html, files = result
        return {
            "paragraphs": [part.strip() for part in text.split("\n\n") if part.strip()],
            "attachments": [(name, mimetype, data) for name, data, mimetype in files],
        }
    return result or {}


def monthly_content(dbsession: Session, settings, month: dt.date, today: dt.date, ctx: MailContext) -> tuple[MailContent, list]:
    label = f"{month.month:02d}/{month.year}"
    content = MailContent(
        subject=f"[Báo cáo tháng {label}] Tình hình thực hiện nhiệm vụ",
        issuer=ctx.issuer,
        paragraphs=[f"Báo cáo tổng hợp tình hình thực hiện các nhiệm vụ được giao, tháng {label}."],
        action=("Xem báo cáo chi tiết trên Hệ thống", ctx.url(ctx.reports_path)),
        footer=ctx.footer,
    )
    builder = optional_hook(settings, "reminders.monthly_report", DEFAULT_BUILDER)
    attachments: list = []
    if builder is not None:
        month_end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        report = _as_dict(builder(dbsession, settings, month_end))
        content.paragraphs += list(report.get("paragraphs", []))
        content.facts = [Fact(label, str(value)) for label, value in report.get("facts", [])]
        attachments = list(report.get("attachments", []))
        return content, attachments
    summary = task_summary(dbsession, month, today)
    content.facts = [
        Fact("Nhiệm vụ đang thực hiện", str(summary["open"])),
        Fact(f"Quá hạn (đến ngày {today.strftime('%d/%m/%Y')})", str(summary["overdue"]), strong=bool(summary["overdue"])),
        Fact(f"Hoàn thành trong tháng {label}", str(summary["completed"])),
    ]
    if summary["worst"]:
        content.sections = [Section(
            "Cơ quan có nhiều nhiệm vụ quá hạn nhất",
            [Item(name, f"{count} nhiệm vụ quá hạn", urgent=True) for name, count in summary["worst"]],
        )]
    return content, attachments


def queue_monthly_report(dbsession: Session, settings, *, at: dt.datetime | None = None,
                         month: dt.date | None = None) -> int:
    """Queue the report of ``month`` (default: last month) to every leader. Idempotent per month
    and leader. Returns the number of mails queued."""
    today = (at or now()).astimezone(LOCAL_TZ).date()
    month = (month or previous_month(today)).replace(day=1)
    ctx = MailContext.from_settings(settings)
    content, attachments = monthly_content(dbsession, settings, month, today, ctx)
    queued = 0
    for person in Directory(dbsession).leaders():
        content.greeting = f"Kính gửi: {person.name},"
        subject, text, html = render(content)
        row = message_row(
            dedup_key=f"{MONTHLY_REPORT}:{month:%Y-%m}:{person.key}", kind=MONTHLY_REPORT, to=person,
            subject=subject, body_text=text, body_html=html, at=at,
        )
        if enqueue_one(dbsession, row, attachments) is not None:
            queued += 1
    log.info("monthly report %s: %s mails queued", f"{month:%Y-%m}", queued)
    return queued
