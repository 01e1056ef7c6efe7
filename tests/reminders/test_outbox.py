"""Queueing rows in the outbox: one statement per batch, the unique key deciding what is new."""

import datetime as dt

from sqlalchemy import event, select

from coordination.reminders.models import HELD, PENDING, OutboxMessage
from coordination.reminders.outbox import enqueue, message_row
from coordination.reminders.recipients import Recipient

from .factories import agency, at, task, user

WHEN = at("2026-12-14T08:00")


def person(dbsession, login: str, *, digest: bool = False) -> Recipient:
    found = user(dbsession, login)
    return Recipient(f"u{found.id}", found.email, found.full_name, found.agency_id, found.id, digest)


class Statements:
    """The SQL statements sent while the block runs (not their timing)."""

    def __init__(self, dbsession):
        self.engine = dbsession.get_bind().engine
        self.seen: list[str] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.seen.append(statement.split()[0].upper())

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._record)


def test_rows_are_inserted_by_one_statement_without_reading_the_keys_first(dbsession, demo):
    due = task(dbsession, deadline=dt.date(2026, 12, 17))
    officer = person(dbsession, "canbo.sldtbxh")
    rows = [message_row(dedup_key=f"test:{n}", kind="before", to=officer, task_id=due.id, threshold=3,
                        due_on=dt.date(2026, 12, 17), at=WHEN) for n in range(3)]
    with Statements(dbsession) as statements:
        written = enqueue(dbsession, rows)
    assert len(written) == 3
    # the unique index decides what is new: no SELECT of the queued keys before the INSERT
    assert statements.seen == ["INSERT"]


def test_a_key_queued_before_or_twice_in_one_batch_is_written_once(dbsession, demo):
    officer = person(dbsession, "canbo.sldtbxh")
    row = dict(dedup_key="test:same", kind="daily_digest", to=officer, subject="Thư", at=WHEN)
    assert len(enqueue(dbsession, [message_row(**row)])) == 1
    written = enqueue(dbsession, [message_row(**row), message_row(**{**row, "dedup_key": "test:new"}),
                                  message_row(**{**row, "dedup_key": "test:new"})])
    assert [r.kind for r in written] == ["daily_digest"]
    assert sorted(dbsession.scalars(select(OutboxMessage.dedup_key))) == ["test:new", "test:same"]


def test_on_postgresql_a_key_already_queued_is_skipped_before_the_insert_is_tried(dbsession, demo, backend):
    """Offering again a thousand queued notices (a full sweep after the recipients changed) must
    not insert each row and have it killed by the unique index: PostgreSQL would draw an id from
    the sequence for every such attempt. Rows already queued are left out by an index probe."""
    if backend != "postgresql":
        import pytest

        pytest.skip("the sequence and speculative insertion are PostgreSQL's")
    from sqlalchemy import text

    officer = person(dbsession, "canbo.sldtbxh")
    rows = [message_row(dedup_key=f"test:again:{n}", kind="daily_digest", to=officer, subject="Thư", at=WHEN)
            for n in range(1000)]
    assert len(enqueue(dbsession, rows)) == 1000

    def next_id():
        return dbsession.scalar(text("SELECT nextval(pg_get_serial_sequence('outbox_messages', 'id'))"))

    before = next_id()
    fresh = message_row(dedup_key="test:again:new", kind="daily_digest", to=officer, subject="Thư", at=WHEN)
    written = enqueue(dbsession, [*rows, fresh])
    assert [r.kind for r in written] == ["daily_digest"]
    assert next_id() == before + 2  # one id for the new row, none for the thousand already queued


def test_every_column_survives_the_batch_whether_shared_by_all_rows_or_not(dbsession, demo):
    due = task(dbsession, deadline=dt.date(2026, 12, 17))
    officer = person(dbsession, "canbo.sldtbxh")
    waiting = person(dbsession, "giamdoc.sldtbxh", digest=True)
    later = WHEN + dt.timedelta(hours=1)
    enqueue(dbsession, [
        message_row(dedup_key="test:a", kind="before", to=officer, task_id=due.id, threshold=3,
                    due_on=dt.date(2026, 12, 17), at=WHEN),
        message_row(dedup_key="test:b", kind="before", to=waiting, task_id=due.id, threshold=3,
                    due_on=dt.date(2026, 12, 17), at=WHEN),
        message_row(dedup_key="test:c", kind="overdue", to=waiting, occurrence_id=77, threshold=1,
                    due_on=dt.date(2026, 12, 13), subject="Quá hạn", body_text="Nội dung", at=later),
    ])
    found = {r.dedup_key: r for r in dbsession.scalars(select(OutboxMessage))}
    a, b, c = found["test:a"], found["test:b"], found["test:c"]
    assert (a.kind, a.task_id, a.threshold, a.due_on, a.status, a.subject) == (
        "before", due.id, 3, dt.date(2026, 12, 17), PENDING, None)
    assert (b.status, b.recipient_user_id, b.to_address) == (HELD, waiting.user_id, waiting.email)
    assert (c.kind, c.task_id, c.occurrence_id, c.subject, c.body_text, c.status) == (
        "overdue", None, 77, "Quá hạn", "Nội dung", PENDING)
    assert {r.recipient_agency_id for r in (a, b, c)} == {agency(dbsession, "SLDTBXH").id}
    assert (c.next_attempt_at - a.next_attempt_at) == dt.timedelta(hours=1)
    assert (c.created_at - a.created_at) == dt.timedelta(hours=1)
    assert a.attempts == c.attempts == 0


def test_on_postgresql_queueing_a_mail_checks_no_foreign_key(engine, backend):
    """Migration 0010: a foreign key was a trigger call per queued mail (and a lock on the task)."""
    from sqlalchemy import inspect

    from coordination.migrate import SQLITE_ONLY_FOREIGN_KEYS

    names = {fk["name"] for fk in inspect(engine).get_foreign_keys("outbox_messages")}
    assert names == (set() if backend == "postgresql" else SQLITE_ONLY_FOREIGN_KEYS)


def test_0010_goes_down_and_up_again_with_the_rows_kept(fresh_db_url, backend):
    from alembic import command
    from sqlalchemy import inspect, text

    from coordination.db import get_engine
    from coordination.migrate import alembic_config, upgrade

    upgrade(fresh_db_url)
    engine = get_engine({"sqlalchemy.url": fresh_db_url})
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO outbox_messages (dedup_key, kind, to_address, to_name, status, attempts, next_attempt_at,"
                " created_at) VALUES ('test:kept', 'daily_digest', 'a@example.gov.vn', '', 'pending', 0,"
                " '2026-11-26 00:00:00', '2026-11-26 00:00:00')"))
        command.downgrade(alembic_config(fresh_db_url), "0009")
        assert len(inspect(engine).get_foreign_keys("outbox_messages")) == 4
        upgrade(fresh_db_url)
        expected = 0 if backend == "postgresql" else 4
        assert len(inspect(engine).get_foreign_keys("outbox_messages")) == expected
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM outbox_messages")) == 1
    finally:
        engine.dispose()
