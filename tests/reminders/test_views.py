"""Admin pages (holidays, outbox) and the notification preference page."""

import datetime as dt

from sqlalchemy import select

from coordination.reminders.models import FAILED, PENDING, Holiday, OutboxAttempt, OutboxMessage
from coordination.reminders.outbox import enqueue, message_row
from coordination.reminders.recipients import Recipient
from tests.conftest import login

from .factories import holiday, user


def form_posting_to(page, suffix: str):
    [form] = {id(f): f for f in page.forms.values() if f.action.endswith(suffix)}.values()
    return form


def nav_links(page) -> set[str]:
    return {a["href"] for a in page.html.select("nav.main-nav a")}


def test_only_administrators_reach_the_admin_pages(testapp, demo):
    login(testapp, "canbo.sldtbxh")
    for url in ("/admin/holidays", "/admin/outbox"):
        assert testapp.get(url, status=403).status_int == 403
    assert testapp.post("/admin/holidays/1/delete", {"csrf_token": "x"}, status=403).status_int == 403


def test_an_administrator_adds_a_holiday_typed_dd_mm_yyyy(testapp, demo, dbsession):
    assert {"http://example.com/admin/holidays", "http://example.com/admin/outbox"} <= nav_links(login(testapp, "admin"))
    page = testapp.get("/admin/holidays")
    form = page.forms["deform"]
    form["day"] = "16/02/2027"
    form["name"] = "Tết Nguyên đán Đinh Mùi"
    response = form.submit("save").follow()
    assert "16/02/2027" in response.text and "Tết Nguyên đán Đinh Mùi" in response.text
    assert "Thứ Ba" in response.text
    saved = dbsession.scalar(select(Holiday))
    assert (saved.day, saved.name, saved.working) == (dt.date(2027, 2, 16), "Tết Nguyên đán Đinh Mùi", False)


def test_bad_holiday_input_is_explained_in_the_form_and_nothing_is_stored(testapp, demo, dbsession):
    holiday(dbsession, dt.date(2027, 2, 16), "Tết")
    login(testapp, "admin")
    for day, message in (("31/02/2027", "Ngày không hợp lệ"), ("ngày mai", "Ngày không hợp lệ"),
                         ("16/02/2027", "Ngày này đã có trong danh sách.")):
        form = testapp.get("/admin/holidays").forms["deform"]
        form["day"] = day
        form["name"] = "Thử"
        response = form.submit("save")
        assert response.status_int == 200 and message in response.text
    assert dbsession.scalars(select(Holiday.name)).all() == ["Tết"]


def test_an_administrator_edits_and_deletes_a_holiday(testapp, demo, dbsession):
    saved = holiday(dbsession, dt.date(2027, 2, 20), "Làm bù")
    login(testapp, "admin")
    form = testapp.get(f"/admin/holidays/{saved.id}").forms["deform"]
    assert form["day"].value == "20/02/2027"
    form["working"] = True
    form.submit("save").follow()
    assert saved.working is True
    page = testapp.get("/admin/holidays", params={"year": 2027})
    assert "Làm bù" in page.text
    form_posting_to(page, f"/admin/holidays/{saved.id}/delete").submit().follow()
    assert dbsession.scalar(select(Holiday)) is None


def test_the_outbox_page_shows_failed_mails_and_an_administrator_sends_one_again(testapp, demo, dbsession):
    person = Recipient("a1", "so@example.gov.vn", "Sở thử", None)
    [written] = enqueue(dbsession, [message_row(dedup_key="test:1", kind="daily_digest", to=person,
                                                subject="Thư thử không gửi được", body_text="x")])
    message = dbsession.get(OutboxMessage, written.id)
    message.status, message.attempts, message.last_error = FAILED, 8, "ConnectionRefusedError: [Errno 111]"
    dbsession.add(OutboxAttempt(message_id=message.id, worker="vm:1", ok=False, error="ConnectionRefusedError: [Errno 111]"))
    dbsession.flush()
    login(testapp, "admin")
    page = testapp.get("/admin/outbox")
    assert "Thư thử không gửi được" in page.text and "ConnectionRefusedError" in page.text
    assert "Gửi lỗi: 1" in page.text
    detail = testapp.get(f"/admin/outbox/{message.id}")
    assert "vm:1" in detail.text
    form_posting_to(detail, f"/admin/outbox/{message.id}/requeue").submit().follow()
    assert (message.status, message.attempts) == (PENDING, 0)


def test_a_user_chooses_a_daily_digest(testapp, demo, dbsession):
    assert "http://example.com/account/notifications" in nav_links(login(testapp, "canbo.sldtbxh"))
    page = testapp.get("/account/notifications")
    form = page.forms["deform"]
    radio = page.html.select_one("input[type=radio]")["name"]  # deform renames radio groups
    assert form[radio].value == "immediate"
    form[radio] = "digest"
    response = form.submit("save").follow()
    assert "Đã lưu cách nhận thông báo." in response.text
    assert user(dbsession, "canbo.sldtbxh").notification_mode == "digest"
