"""The monthly report to the leadership: a plain summary until the reports domain provides one."""

import datetime as dt
import logging

from sqlalchemy import select

from coordination import clock
from coordination.reminders.dispatch import dispatch
from coordination.reminders.models import OutboxAttachment, OutboxMessage
from coordination.reminders.monthly import previous_month, queue_monthly_report
from coordination.tasks.models import CANCELLED, COMPLETED, COMPLETION_REPORTED, IN_PROGRESS

from .factories import at, task

D = dt.date
FIRST_OF_JANUARY = at("2027-01-01T07:00")


def test_previous_month():
    assert previous_month(D(2027, 1, 1)) == D(2026, 12, 1)
    assert previous_month(D(2026, 3, 31)) == D(2026, 2, 1)


def test_without_the_reports_domain_the_leaders_get_a_summary_from_the_tasks(dbsession, demo, caplog):
    task(dbsession, deadline=D(2026, 12, 20), lead="STC")                        # open, overdue
    task(dbsession, deadline=D(2026, 12, 28), lead="STC", status=IN_PROGRESS)    # open, overdue
    task(dbsession, deadline=D(2027, 1, 20))                                    # open
    task(dbsession, deadline=D(2026, 12, 5), status=COMPLETION_REPORTED)         # open, awaiting acceptance
    done = task(dbsession, deadline=D(2026, 12, 10), status=COMPLETED)
    done.completed_on = D(2026, 12, 9)
    earlier = task(dbsession, deadline=D(2026, 11, 10), status=COMPLETED)
    earlier.completed_on = D(2026, 11, 9)
    task(dbsession, deadline=D(2026, 12, 1), status=CANCELLED)
    dbsession.flush()
    settings = {"reminders.monthly_report": "coordination.reports.nowhere:build_monthly_report"}
    with caplog.at_level(logging.WARNING, logger="coordination.reminders.hooks"):
        assert queue_monthly_report(dbsession, settings, at=FIRST_OF_JANUARY) == 1
    assert "coordination.reports.nowhere:build_monthly_report is not available" in caplog.text
    [mail] = dbsession.scalars(select(OutboxMessage)).all()
    assert (mail.kind, mail.to_address) == ("monthly_report", "lanhdao@hungyen.gov.vn")
    assert mail.subject == "[Báo cáo tháng 12/2026] Tình hình thực hiện nhiệm vụ"
    assert "- Nhiệm vụ đang thực hiện: 4" in mail.body_text
    assert "- Quá hạn (đến ngày 01/01/2027): 2" in mail.body_text
    assert "- Hoàn thành trong tháng 12/2026: 1" in mail.body_text
    assert "1. Sở Tài chính\n   2 nhiệm vụ quá hạn" in mail.body_text
    assert "http://localhost:6543/reports" in mail.body_text and "/reports" in mail.body_html
    # once per month and leader
    assert queue_monthly_report(dbsession, settings, at=FIRST_OF_JANUARY) == 0


def build_with_attachment(dbsession, settings, month_end):
    """A builder answering with the dict form (the reports domain answers with a tuple)."""
    return {
        "paragraphs": [f"Báo cáo chi tiết tháng {month_end:%m/%Y} đính kèm."],
        "facts": [("Tỷ lệ hoàn thành đúng hạn", "87%")],
        "attachments": [("bao-cao-thang-12-2026.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         b"PK\x03\x04 not really a spreadsheet")],
    }


def test_the_reports_domain_fills_the_mail_and_its_attachment_is_sent(live, smtp):
    settings = {**live.settings, "reminders.monthly_report": "tests.reminders.test_monthly:build_with_attachment"}
    with live.session() as session:
        assert queue_monthly_report(session, settings, at=FIRST_OF_JANUARY) == 1
    clock.set_now(FIRST_OF_JANUARY)
    assert dispatch(live.engine, settings).sent == 1
    [mail] = smtp.mailbox.messages
    assert "Tỷ lệ hoàn thành đúng hạn: 87%" in mail.get_body(("plain",)).get_content()
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "bao-cao-thang-12-2026.xlsx"
    assert attachment.get_content() == b"PK\x03\x04 not really a spreadsheet"


def test_the_real_monthly_report_is_attached_as_docx_and_xlsx(dbsession, demo, tmp_path):
    import docx
    import io

    task(dbsession, deadline=D(2026, 12, 10))
    settings = {"reminders.monthly_report": "coordination.reports.monthly:build_monthly_report",
                "attachments.dir": str(tmp_path), "app.base_url": "https://nhiemvu.hungyen.gov.vn",
                "issuer.name": "Ủy ban nhân dân tỉnh Hưng Yên"}
    assert queue_monthly_report(dbsession, settings, at=FIRST_OF_JANUARY) == 1
    [mail] = dbsession.scalars(select(OutboxMessage)).all()
    files = {a.filename: a for a in dbsession.scalars(select(OutboxAttachment).where(OutboxAttachment.message_id == mail.id))}
    assert any(name.endswith(".docx") for name in files) and any(name.endswith(".xlsx") for name in files)
    document = docx.Document(io.BytesIO(next(a for n, a in files.items() if n.endswith(".docx")).data))
    assert "BÁO CÁO" in "\n".join(p.text for p in document.paragraphs)
