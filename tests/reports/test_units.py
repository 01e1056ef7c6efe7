"""``units.kept_units``: a report's several statements read the scope's units computed once per
transaction (a temporary table on PostgreSQL), which are the units themselves and follow the
session's writes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from coordination import clock
from coordination.reports import tasksheet
from coordination.reports.model import SCOPE_DIRECTIVE, ReportScope
from coordination.reports.queries import build_report
from coordination.reports.sample import sample_report
from coordination.reports.units import kept_units, units
from coordination.tasks import lifecycle
from coordination.tasks.models import ON_TIME, OVERDUE

from . import dataset
from .dataset import AS_OF


@pytest.fixture
def data(dbsession, demo):
    return dataset.build(dbsession)


def _scope(data) -> ReportScope:
    return ReportScope(kind=SCOPE_DIRECTIVE, description="văn bản X", directive_ids=(data.directive.id,))


def _rows(dbsession, u):
    return sorted(dbsession.execute(select(u)).all(), key=lambda r: (r.task_id, r.deadline is None, r.deadline))


@pytest.mark.parametrize("cutoff", ["past", "today"])
def test_kept_units_are_the_units(dbsession, data, cutoff):
    """The same rows, columns and classes, for a past cut-off (history) and today's (current columns)."""
    assert clock.today() == AS_OF
    as_of = dt.date(2025, 6, 26) if cutoff == "past" else AS_OF
    plain = _rows(dbsession, units(_scope(data), as_of))
    kept = _rows(dbsession, kept_units(dbsession, _scope(data), as_of))
    assert plain and kept == plain
    assert {r.klass for r in kept} >= {OVERDUE, ON_TIME}


def test_a_report_and_its_sheet_compute_the_units_once(dbsession, data, backend):
    """build_report (five reads of the units) and the task sheet in one transaction: on PostgreSQL
    one CREATE TEMPORARY TABLE for all of them; on SQLite none (the subquery is read in place)."""
    created = []

    def watch(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("CREATE TEMPORARY TABLE"):
            created.append(statement)

    scope = _scope(data)
    engine = dbsession.get_bind()
    event.listen(engine, "before_cursor_execute", watch)
    try:
        report = build_report(dbsession, scope, AS_OF, sample_report(scope=scope, as_of=AS_OF).letterhead)
        rows = list(tasksheet.task_rows(dbsession, scope, AS_OF))
    finally:
        event.remove(engine, "before_cursor_execute", watch)
    assert len(created) == (1 if backend == "postgresql" else 0)
    assert {(a.agency_code, a.on_time, a.late, a.within, a.overdue) for a in report.agencies} == {
        (code, *figures[:4]) for code, figures in dataset.EXPECTED.items()}
    assert len(rows) == sum(a.on_time + a.late + a.within + a.overdue for a in report.agencies)


def test_a_write_in_the_transaction_makes_the_next_call_compute_them_afresh(dbsession, data, backend):
    """Kept units of today's cut-off (current columns) would go stale if a task changed after them."""
    scope, today = _scope(data), clock.today()
    first = kept_units(dbsession, scope, today)
    if backend == "postgresql":
        assert kept_units(dbsession, scope, today) is first  # nothing written: the same table
    v1 = data.tasks["v1"]
    assert v1.id in {r.task_id for r in dbsession.execute(select(first.c.task_id))}
    lifecycle.cancel(dbsession, v1, data.people["chuyenvien"], expected_version=v1.version, reason="Không còn phù hợp")
    again = kept_units(dbsession, scope, today)
    assert v1.id not in {r.task_id for r in dbsession.execute(select(again.c.task_id))}


def test_commit_drops_the_table_and_the_next_transaction_makes_its_own(engine, backend):
    if backend != "postgresql":
        pytest.skip("temporary tables are kept on PostgreSQL only")
    empty = ReportScope(kind=SCOPE_DIRECTIVE, description="không có", directive_ids=(-1,))
    with Session(engine) as own:  # a session of its own: the test's one never really commits
        first = kept_units(own, empty, AS_OF).name
        assert own.scalar(text("SELECT to_regclass(:name)"), {"name": first}) is not None
        own.commit()
        assert own.scalar(text("SELECT to_regclass(:name)"), {"name": first}) is None  # ON COMMIT DROP
        second = kept_units(own, empty, AS_OF)
        assert second.name != first
        assert own.execute(select(second)).all() == []
