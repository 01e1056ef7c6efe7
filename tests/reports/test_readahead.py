"""``readahead.read_ahead``: the task sheet read on a second connection in the caller's snapshot
while the caller builds the report, and the cases where it reads in the caller's session instead."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from coordination import clock
from coordination.db import get_engine
from coordination.migrate import upgrade
from coordination.reports import readahead, tasksheet
from coordination.reports.model import SCOPE_DIRECTIVE, ReportScope
from coordination.reports.readahead import read_ahead
from coordination.reports.sample import sample_report
from coordination.reports.service import workbook_parts

from . import dataset
from .dataset import AS_OF


def _numbers(session: Session):
    for (n,) in session.execute(text("SELECT n FROM numbers ORDER BY n")):
        yield n


@pytest.fixture
def numbers_engine(fresh_db_url, backend):
    """A database of its own holding 2,500 committed numbers (another connection sees only what
    is committed)."""
    if backend != "postgresql":
        pytest.skip("a second connection in a shared snapshot is PostgreSQL's")
    engine = get_engine({"sqlalchemy.url": fresh_db_url})
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE numbers (n integer)"))
        conn.execute(text("INSERT INTO numbers SELECT generate_series(1, 2500)"))
    yield engine
    engine.dispose()


def test_after_a_write_in_the_transaction_it_reads_in_the_callers_session(dbsession, demo):
    """The test's transaction has written the demo province: another connection could not see it,
    so the rows come from the caller's own session (and on SQLite always)."""
    data = dataset.build(dbsession)
    scope = ReportScope(kind=SCOPE_DIRECTIVE, description="X", directive_ids=(data.directive.id,))
    rows = read_ahead(dbsession, lambda session: tasksheet.task_rows(session, scope, AS_OF))
    assert not isinstance(rows, readahead._Reader)
    assert list(rows) == list(tasksheet.task_rows(dbsession, scope, AS_OF))
    assert len(list(tasksheet.task_rows(dbsession, scope, AS_OF))) == 14


def test_a_reader_thread_reads_in_the_snapshot_of_the_call(numbers_engine):
    deleted = threading.Event()

    def after_the_delete(session):
        deleted.wait(10)  # the reader's query runs after the other transaction has committed
        yield from _numbers(session)

    with Session(numbers_engine) as caller:
        caller.execute(text("SELECT 1"))
        rows = read_ahead(caller, after_the_delete)
        assert isinstance(rows, readahead._Reader) and rows.thread.name == "report-read-ahead"
        # committed by someone else after the call: not in the rows (the snapshot of the call)
        with numbers_engine.begin() as other:
            other.execute(text("DELETE FROM numbers WHERE n > 100"))
        deleted.set()
        assert list(rows) == list(range(1, 2501))
        assert not rows.thread.is_alive()
    assert numbers_engine.pool.checkedout() == 0


def test_an_error_in_the_reader_is_raised_where_the_rows_are_consumed(numbers_engine):
    def failing(session):
        for n in _numbers(session):
            if n == 1700:
                raise RuntimeError("the reader broke")
            yield n

    with Session(numbers_engine) as caller:
        rows = read_ahead(caller, failing)
        got = []
        with pytest.raises(RuntimeError, match="the reader broke"):
            for n in rows:
                got.append(n)
        assert got == list(range(1, 1001))  # the whole batches handed over before the error
    assert numbers_engine.pool.checkedout() == 0


def test_closing_early_stops_the_reader_and_releases_its_connection(numbers_engine, monkeypatch):
    monkeypatch.setattr(readahead, "BATCH", 10)
    monkeypatch.setattr(readahead, "AHEAD", 2)  # the reader blocks, its queue full
    with Session(numbers_engine) as caller:
        rows = read_ahead(caller, _numbers)
        assert next(rows) == 1
        assert rows.thread.is_alive()
        rows.close()
        assert not rows.thread.is_alive()
    assert numbers_engine.pool.checkedout() == 0
    assert not any(t.name == "report-read-ahead" for t in threading.enumerate())


def test_the_workbook_rows_read_ahead_are_the_rows_read_in_the_session(fresh_db_url, backend):
    """The export's path on committed data: the same rows as the session's own reading, and the
    same figures."""
    from coordination.demo import load_demo

    if backend != "postgresql":
        pytest.skip("the read-ahead is PostgreSQL's")
    upgrade(fresh_db_url)
    engine = get_engine({"sqlalchemy.url": fresh_db_url})
    try:
        with Session(engine) as s:
            load_demo(s)
            data = dataset.build(s)
            scope = ReportScope(kind=SCOPE_DIRECTIVE, description="X", directive_ids=(data.directive.id,))
            s.commit()
        letterhead = sample_report(scope=scope, as_of=AS_OF).letterhead
        with Session(engine) as s:
            expected = list(tasksheet.task_rows(s, scope, AS_OF))
        with Session(engine) as s, workbook_parts(s, scope, AS_OF, letterhead) as (report, rows):
            assert isinstance(rows, readahead._Reader)
            assert list(rows) == expected and len(expected) == 14
            assert {(a.agency_code, a.overdue) for a in report.agencies} == {
                (code, figures[3]) for code, figures in dataset.EXPECTED.items()}
    finally:
        clock.set_now(None)
        engine.dispose()
