"""The monthly report the reminders' job mails: built as of the month's last day, stored, linked."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import docx
import openpyxl
import pytest
from sqlalchemy import func, select

from coordination import clock
from coordination.reports.models import FiguresSnapshot, StoredReport
from coordination.reports.monthly import build_monthly_report

from . import dataset


@pytest.fixture
def data(dbsession, demo):
    built = dataset.build(dbsession)
    dataset.change_after_cutoff(dbsession, built)  # the job runs in July, after a week of changes
    return built


def test_the_june_report_as_of_30_june_is_stored_and_attached(dbsession, data, app_settings):
    subject, text, body, attachments = build_monthly_report(dbsession, app_settings, dt.date(2025, 6, 30))
    assert subject == "Báo cáo tình hình thực hiện nhiệm vụ tháng 06/2025 (số liệu đến ngày 30/06/2025)"
    stored = dbsession.scalar(select(StoredReport).where(StoredReport.kind == "monthly"))
    assert (stored.as_of, stored.task_count) == (dt.date(2025, 6, 30), 14)
    names = [(name, mime) for name, _data, mime in attachments]
    assert names == [("bao-cao-monthly-2025-06-30.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                     ("bao-cao-monthly-2025-06-30.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    assert hashlib.sha256(attachments[0][1]).hexdigest() == stored.docx_sha256
    assert hashlib.sha256(attachments[1][1]).hexdigest() == stored.xlsx_sha256
    document = docx.Document(io.BytesIO(attachments[0][1]))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert "tháng 06/2025" in paragraphs and "14 (mười bốn) nhiệm vụ" in paragraphs
    book = openpyxl.load_workbook(io.BytesIO(attachments[1][1]))
    assert book["Danh sách nhiệm vụ"].max_row == 15
    # the figures are June's, although July changed them (t4 completed, v1 cancelled...)
    assert "Quá hạn, chưa hoàn thành: 5" in text and "Tổng số nhiệm vụ được giao: 14" in text
    link = f"http://example.com/reports/stored/{stored.id}/docx"
    assert link in text and f'href="{link}"' in body
    assert ("Cơ quan có nhiều nhiệm vụ quá hạn nhất: Sở Kế hoạch và Đầu tư (2 nhiệm vụ); "
            "Sở Lao động - Thương binh và Xã hội (1 nhiệm vụ); Sở Tài chính (1 nhiệm vụ)") in text


def test_running_the_job_twice_stores_one_report_and_mails_the_same_files(dbsession, data, app_settings):
    first = build_monthly_report(dbsession, app_settings, dt.date(2025, 6, 30))
    clock.set_now(dt.datetime(2025, 7, 20, 9))
    again = build_monthly_report(dbsession, app_settings, dt.date(2025, 6, 30))
    assert again[3] == first[3]
    assert dbsession.scalar(select(func.count()).select_from(StoredReport)) == 1


def test_the_job_leaves_the_closed_months_ready_for_the_dashboard(dbsession, data, app_settings):
    build_monthly_report(dbsession, app_settings, dt.date(2025, 6, 30))
    kept = dict(dbsession.execute(select(FiguresSnapshot.as_of, FiguresSnapshot.payload)
                                  .where(FiguresSnapshot.kind == "month_end")).all())
    assert kept[dt.date(2025, 6, 30)] == {"overdue": 5}
    assert len(kept) == 11  # the eleven closed months of the dashboard's twelve


def test_html_escapes_what_agencies_named(dbsession, data, app_settings):
    from tests.tasks import factories

    factories.agency(dbsession, "STC").name = "Sở <b>Tài chính</b>"
    dbsession.flush()
    _subject, _text, body, _files = build_monthly_report(dbsession, app_settings, dt.date(2025, 6, 30))
    assert "<b>" not in body and "Sở &lt;b&gt;Tài chính&lt;/b&gt; (1 nhiệm vụ)" in body


@pytest.mark.parametrize("day", [dt.date(2025, 6, 29), dt.date(2025, 2, 27)])
def test_a_day_that_ends_no_month_is_refused(dbsession, demo, app_settings, day):
    with pytest.raises(ValueError):
        build_monthly_report(dbsession, app_settings, day)
