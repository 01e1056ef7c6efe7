"""Daily digests of users who chose them; weekly digests of agencies."""

import datetime as dt

from sqlalchemy import select

from coordination.reminders.digest import (
    COORDINATING_GROUP, LATER_GROUP, NO_DEADLINE_GROUP, OVERDUE_GROUP, SOON_GROUP, compile_daily_digests,
    group_agency_tasks, queue_agency_digests,
)
from coordination.reminders.models import CANCELLED, DIGESTED, HELD, PENDING, OutboxMessage
from coordination.reminders.notifications import queue_new_task_notices
from coordination.reminders.sweep import run_sweep
from coordination.tasks.models import COMPLETED, ONGOING

from .factories import at, task, user

D = dt.date
MONDAY = at("2026-12-14T08:00")
SETTINGS = {"app.base_url": "https://nhiemvu.hungyen.gov.vn", "issuer.name": "Ủy ban nhân dân tỉnh Hưng Yên"}


def messages(dbsession, **where):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    for key, value in where.items():
        query = query.where(getattr(OutboxMessage, key) == value)
    return dbsession.scalars(query).all()


def test_a_users_held_notices_become_one_daily_digest_grouped_by_kind(dbsession, demo):
    officer = user(dbsession, "canbo.sldtbxh")
    officer.notification_mode = "digest"
    soon = task(dbsession, deadline=D(2026, 12, 17), content="Tổng hợp số liệu lao động")
    done_later = task(dbsession, deadline=D(2026, 12, 15), content="Nhiệm vụ sẽ hoàn thành trước giờ tổng hợp")
    new = task(dbsession, deadline=D(2027, 2, 26), content="Nhiệm vụ mới giao", created_at=MONDAY)
    run_sweep(dbsession, SETTINGS, at=MONDAY)
    queue_new_task_notices(dbsession, [new.id])
    held = messages(dbsession, status=HELD)
    assert {(m.kind, m.task_id) for m in held} == {("before", soon.id), ("before", done_later.id), ("new_task", new.id)}
    assert messages(dbsession, status=PENDING, kind="new_task")  # the head wants mails at once
    done_later.status = COMPLETED
    dbsession.flush()

    result = compile_daily_digests(dbsession, SETTINGS, at=at("2026-12-15T07:15"))
    assert (result.digests, result.items, result.cancelled) == (1, 2, 1)
    [digest] = messages(dbsession, kind="daily_digest")
    assert (digest.status, digest.to_address, digest.recipient_user_id) == (PENDING, officer.email, officer.id)
    assert digest.subject == "[Tổng hợp ngày 15/12/2026] 2 thông báo về nhiệm vụ"
    text = digest.body_text
    assert text.index("SẮP ĐẾN HẠN (1)") < text.index("NHIỆM VỤ MỚI ĐƯỢC GIAO CHỦ TRÌ (1)")
    assert "Tổng hợp số liệu lao động" in text and "Nhiệm vụ mới giao" in text
    assert "còn 2 ngày" in text and f"https://nhiemvu.hungyen.gov.vn/tasks/{soon.id}" in text
    assert "Nhiệm vụ sẽ hoàn thành" not in text
    assert {(m.task_id, m.status, m.digest_id) for m in messages(dbsession, recipient_user_id=officer.id)
            if m.kind != "daily_digest"} == {
        (soon.id, DIGESTED, digest.id), (new.id, DIGESTED, digest.id), (done_later.id, CANCELLED, None),
    }
    # a second run finds nothing held
    assert compile_daily_digests(dbsession, SETTINGS, at=at("2026-12-15T07:20")).digests == 0


def test_agency_tasks_are_grouped_for_the_weekly_digest():
    today = D(2026, 12, 14)
    led = [(1, D(2026, 12, 1)), (2, today), (3, D(2026, 12, 21)), (4, D(2026, 12, 22)), (5, None)]
    groups = group_agency_tasks(led, [(9, D(2026, 12, 30))], today)
    assert groups == {
        OVERDUE_GROUP: [(1, D(2026, 12, 1))],
        SOON_GROUP: [(2, today), (3, D(2026, 12, 21))],
        LATER_GROUP: [(4, D(2026, 12, 22))],
        NO_DEADLINE_GROUP: [(5, None)],
        COORDINATING_GROUP: [(9, D(2026, 12, 30))],
    }


def test_each_agency_gets_its_weekly_digest_once_per_week(dbsession, demo):
    task(dbsession, deadline=D(2026, 12, 1), content="Nhiệm vụ quá hạn của Sở")
    task(dbsession, deadline=D(2026, 12, 18), content="Nhiệm vụ sắp đến hạn của Sở")
    task(dbsession, deadline=None, kind=ONGOING, content="Nhiệm vụ thường xuyên của Sở")
    task(dbsession, deadline=D(2027, 3, 1), lead="STC", coordinating=("SLDTBXH",), content="Nhiệm vụ Sở phối hợp")
    task(dbsession, deadline=D(2026, 12, 1), status=COMPLETED, content="Đã xong, không nêu")

    result = queue_agency_digests(dbsession, SETTINGS, at=at("2026-12-14T07:30"))
    digests = messages(dbsession, kind="agency_digest")
    # Sở LĐTBXH: officer and head; Sở Tài chính: its officer
    assert sorted(m.to_address for m in digests) == [
        "canbo.sldtbxh@hungyen.gov.vn", "canbo.stc@hungyen.gov.vn", "giamdoc.sldtbxh@hungyen.gov.vn",
    ]
    assert result.digests == 3
    mine = next(m for m in digests if m.to_address == "canbo.sldtbxh@hungyen.gov.vn")
    assert mine.subject == (
        "[Tổng hợp tuần 51/2026] Sở Lao động - Thương binh và Xã hội: 1 nhiệm vụ quá hạn, 1 đến hạn trong 7 ngày"
    )
    text = mine.body_text
    order = ["NHIỆM VỤ CHỦ TRÌ ĐÃ QUÁ HẠN (1)", "Nhiệm vụ quá hạn của Sở",
             "NHIỆM VỤ CHỦ TRÌ ĐẾN HẠN TRONG 7 NGÀY TỚI (1)", "Nhiệm vụ sắp đến hạn của Sở",
             "NHIỆM VỤ CHỦ TRÌ KHÔNG CÓ HẠN CỤ THỂ (THƯỜNG XUYÊN, ĐỊNH KỲ) (1)", "Nhiệm vụ thường xuyên của Sở",
             "NHIỆM VỤ PHỐI HỢP VỚI CƠ QUAN KHÁC (1)", "Nhiệm vụ Sở phối hợp"]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    assert "quá hạn 13 ngày" in text and "Chủ trì: Sở Tài chính" in text
    assert "Đã xong" not in text and "NHIỆM VỤ CHỦ TRÌ CÒN HẠN" not in text
    # the same week again: nothing new; the next week: new digests
    assert queue_agency_digests(dbsession, SETTINGS, at=at("2026-12-16T07:30")).digests == 0
    assert queue_agency_digests(dbsession, SETTINGS, at=at("2026-12-21T07:30")).digests == 3
