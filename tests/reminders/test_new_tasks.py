"""New tasks are announced once per directive, role and person, listing the tasks, not once per task."""

import datetime as dt

from sqlalchemy import select

from coordination.clock import frozen
from coordination.reminders.digest import compile_daily_digests
from coordination.reminders.dispatch import _RenderContext
from coordination.reminders.models import CANCELLED, DIGESTED, HELD, OutboxMessage
from coordination.reminders.newtasks import LIST_LIMIT
from coordination.reminders.notifications import queue_new_task_notices
from coordination.reminders.sources import load_sources, obsolete_messages
from coordination.tasks.models import CANCELLED as TASK_CANCELLED
from coordination.tasks.models import COMPLETED

from .factories import at, directive, task, user

D = dt.date
SETTINGS = {"app.base_url": "https://nhiemvu.hungyen.gov.vn", "issuer.name": "Ủy ban nhân dân tỉnh Hưng Yên"}


def rows(dbsession, **where):
    query = select(OutboxMessage).order_by(OutboxMessage.kind, OutboxMessage.to_address)
    for key, value in where.items():
        query = query.where(getattr(OutboxMessage, key) == value)
    return dbsession.scalars(query).all()


def issued(dbsession, count: int, *, lead="SLDTBXH", coordinating=("STC",), of=None):
    of = of or directive(dbsession, number=1324)
    return of, [task(dbsession, deadline=D(2027, 3, 1) + dt.timedelta(days=i), lead=lead, coordinating=coordinating,
                     of=of, paragraph=f"{i + 1}.", content=f"Nhiệm vụ số {i + 1} về hỗ trợ người lao động")
                for i in range(count)]


def rendered(dbsession, row):
    with frozen(at("2027-01-04T08:00")):
        return _RenderContext(dbsession, [row], SETTINGS).render(row)


def test_one_mail_per_person_and_role_for_a_directive_of_many_tasks(dbsession, demo):
    of, tasks = issued(dbsession, 20)
    written = queue_new_task_notices(dbsession, [t.id for t in tasks])
    summary = [(r.kind, r.to_address, r.task_id, r.task_count) for r in rows(dbsession)]
    assert summary == [
        ("new_coordination", "canbo.stc@hungyen.gov.vn", tasks[0].id, 20),
        ("new_task", "canbo.sldtbxh@hungyen.gov.vn", tasks[0].id, 20),
        ("new_task", "giamdoc.sldtbxh@hungyen.gov.vn", tasks[0].id, 20),
    ]
    assert written == 3  # per task and person it was 60
    officer = user(dbsession, "canbo.sldtbxh")
    assert rows(dbsession, recipient_user_id=officer.id)[0].dedup_key == f"directive:{of.id}:new_task:{tasks[0].id}:u{officer.id}"
    # issuing again (a retried transaction, a second subscriber) queues nothing more
    assert queue_new_task_notices(dbsession, [t.id for t in tasks]) == 0


def test_the_mail_lists_the_tasks_with_their_deadlines_and_links(dbsession, demo):
    of, tasks = issued(dbsession, 3)
    queue_new_task_notices(dbsession, [t.id for t in tasks])
    [lead_row] = rows(dbsession, kind="new_task", to_address="canbo.sldtbxh@hungyen.gov.vn")
    subject, text, html = rendered(dbsession, lead_row)
    assert subject.startswith("[Nhiệm vụ mới] Văn bản 1324/UBND-KGVX: Sở Lao động - Thương binh và Xã hội chủ trì 3 nhiệm vụ")
    for number, item in enumerate(tasks, start=1):
        assert f"Nhiệm vụ số {number} về hỗ trợ người lao động" in text
        assert f"https://nhiemvu.hungyen.gov.vn/tasks/{item.id}" in text and f"/tasks/{item.id}" in html
    assert "01/03/2027" in text and "03/03/2027" in text
    assert f"https://nhiemvu.hungyen.gov.vn/inbox?directive={of.id}&role=lead" in text
    [coordination_row] = rows(dbsession, kind="new_coordination")
    subject, text, _html = rendered(dbsession, coordination_row)
    assert "Sở Tài chính phối hợp 3 nhiệm vụ" in subject and f"inbox?directive={of.id}&role=coordinating" in text


def test_a_long_list_is_cut_and_the_rest_linked(dbsession, demo):
    of, tasks = issued(dbsession, LIST_LIMIT + 5, coordinating=())
    queue_new_task_notices(dbsession, [t.id for t in tasks])
    row = rows(dbsession, kind="new_task", to_address="canbo.sldtbxh@hungyen.gov.vn")[0]
    _subject, text, _html = rendered(dbsession, row)
    assert f"Nhiệm vụ số {LIST_LIMIT} về" in text and f"Nhiệm vụ số {LIST_LIMIT + 1} về" not in text
    assert f"… và 5 nhiệm vụ khác: xem đầy đủ tại https://nhiemvu.hungyen.gov.vn/inbox?directive={of.id}&role=lead" in text


def test_tasks_added_later_to_the_same_directive_are_a_mail_of_their_own(dbsession, demo):
    of, first = issued(dbsession, 4, coordinating=())
    queue_new_task_notices(dbsession, [t.id for t in first])
    _of, added = issued(dbsession, 1, coordinating=(), of=of)
    assert queue_new_task_notices(dbsession, [added[0].id]) == 2  # the officer and the head, once
    later = [r for r in rows(dbsession, kind="new_task") if r.task_id == added[0].id]
    assert [(r.task_count, r.due_on) for r in later] == [(1, D(2027, 3, 1))] * 2
    _subject, text, _html = rendered(dbsession, later[0])
    assert text.count("Nhiệm vụ số 1 về") == 1  # the added task only (its content repeats the first's)
    assert "Nhiệm vụ số 2 về" not in text


def test_a_digest_reader_gets_the_directive_as_one_line(dbsession, demo):
    officer = user(dbsession, "canbo.sldtbxh")
    officer.notification_mode = "digest"
    dbsession.flush()
    of, tasks = issued(dbsession, 6, coordinating=())
    queue_new_task_notices(dbsession, [t.id for t in tasks])
    [held] = rows(dbsession, status=HELD)
    assert (held.recipient_user_id, held.task_count) == (officer.id, 6)
    result = compile_daily_digests(dbsession, SETTINGS, at=at("2027-01-05T07:15"))
    assert (result.digests, result.items) == (1, 1)
    [digest] = rows(dbsession, kind="daily_digest")
    assert "1324/UBND-KGVX" in digest.body_text and "6 nhiệm vụ, hạn sớm nhất 01/03/2027" in digest.body_text
    assert f"inbox?directive={of.id}&role=lead" in digest.body_text
    assert rows(dbsession, id=held.id)[0].status == DIGESTED


def test_a_held_batch_is_dropped_only_when_none_of_its_tasks_is_open(dbsession, demo):
    user(dbsession, "canbo.sldtbxh").notification_mode = "digest"
    dbsession.flush()
    _of, tasks = issued(dbsession, 3, coordinating=())
    queue_new_task_notices(dbsession, [t.id for t in tasks])
    [held] = rows(dbsession, status=HELD)
    tasks[0].status, tasks[1].status = COMPLETED, TASK_CANCELLED
    dbsession.flush()
    assert held.id not in obsolete_messages(dbsession, [held], load_sources({}))
    tasks[2].status = COMPLETED
    dbsession.flush()
    assert held.id in obsolete_messages(dbsession, [held], load_sources({}))
    compile_daily_digests(dbsession, SETTINGS, at=at("2027-01-05T07:15"))
    assert rows(dbsession, id=held.id)[0].status == CANCELLED


def test_issuing_loads_only_the_staff_of_the_agencies_it_names(dbsession, demo):
    """The directory behind the new-task mails holds the named agencies' people only (a national
    database has thousands), gives them as the whole directory does, and refuses what needs more."""
    import pytest
    from sqlalchemy import event

    from coordination.organizations.models import Agency
    from coordination.reminders.recipients import Directory

    ids = dict(dbsession.execute(select(Agency.code, Agency.id)).all())
    whole = Directory(dbsession)
    part = Directory(dbsession, agency_ids=[ids["SLDTBXH"], ids["STC"]])
    for code in ("SLDTBXH", "STC"):
        assert part.staff(ids[code]) == whole.staff(ids[code]) and part.staff(ids[code])
        assert part.officers(ids[code]) == whole.officers(ids[code])
        assert part.agency_name(ids[code]) == whole.agency_name(ids[code])
    assert whole.staff(ids["SYT"]) and part.staff(ids["SYT"]) == []
    for refused in (part.leaders, part.fingerprint, lambda: part.within(ids["UBND"]),
                    lambda: part.signer("Nguyễn Duy Hưng", ids["UBND"]), lambda: part.issuing_office(ids["UBND"])):
        with pytest.raises(RuntimeError):
            refused()

    _of, tasks = issued(dbsession, 3)
    user_rows = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith("SELECT") and "FROM users" in statement:
            user_rows.append(statement)

    connection = dbsession.connection()
    event.listen(connection, "before_cursor_execute", count)
    try:
        assert queue_new_task_notices(dbsession, [t.id for t in tasks]) == 3
    finally:
        event.remove(connection, "before_cursor_execute", count)
    assert user_rows and all("users.agency_id IN" in s or "users.agency_id = ANY" in s for s in user_rows), user_rows

