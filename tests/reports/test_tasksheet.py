"""The task sheet's one query: the coordinating agencies and the latest progress folded into it give
the rows the per-task lookups (``lookups.coordinating_names``, ``lookups.latest_progress``) give,
on SQLite and PostgreSQL, for today's cut-off (current columns) and past ones (history tables)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event

from coordination.reports import lookups, tasksheet
from coordination.reports.model import SCOPE_AGENCY, SCOPE_DIRECTIVE, ReportScope
from tests.tasks import factories

from . import dataset
from .dataset import AS_OF


@pytest.fixture
def data(dbsession, demo):
    d = dataset.build(dbsession)
    # a coordinating agency's contribution after the lead's latest report: it is not the lead's progress
    dataset.at(29)
    dataset.progress(dbsession, d.tasks["t4"], d.people["canbo.stc"], 90, "Sở Tài chính đã bố trí kinh phí")
    dataset.at(30, hour=18)
    return d


def _scope(data) -> ReportScope:
    return ReportScope(kind=SCOPE_DIRECTIVE, description="văn bản X", directive_ids=(data.directive.id,))


def _looked_up(dbsession, rows, as_of):
    """(task id, coordinating, percent, text) of each row, by the per-task lookups."""
    ids = [r.task_id for r in rows]
    coordinating = lookups.coordinating_names(dbsession, ids)
    progress = lookups.latest_progress(dbsession, ids, as_of)
    out = []
    for r in rows:
        percent, said, _at = progress.get(r.task_id, (None, None, None))
        out.append((r.task_id, coordinating.get(r.task_id, ()), percent, said or None))
    return out


def _folded(rows):
    return [(r.task_id, r.coordinating, r.progress_percent, r.progress_text) for r in rows]


@pytest.mark.parametrize("day", [dt.date(2025, 6, 14), dt.date(2025, 6, 26), AS_OF])
def test_folded_coordinators_and_progress_equal_the_per_task_lookups(dbsession, data, day):
    rows = list(tasksheet.task_rows(dbsession, _scope(data), day))
    assert rows
    assert _folded(rows) == _looked_up(dbsession, rows, day)


def test_they_stay_equal_for_a_past_cutoff_read_from_history(dbsession, data):
    before = list(tasksheet.task_rows(dbsession, _scope(data), AS_OF))
    dataset.change_after_cutoff(dbsession, data)
    again = list(tasksheet.task_rows(dbsession, _scope(data), AS_OF))
    assert again == before
    assert _folded(again) == _looked_up(dbsession, again, AS_OF)
    today = list(tasksheet.task_rows(dbsession, _scope(data), dt.date(2025, 7, 10)))
    assert _folded(today) == _looked_up(dbsession, today, dt.date(2025, 7, 10))


def test_the_dataset_exercises_what_is_folded(dbsession, data):
    rows = {r.task_id: r for r in tasksheet.task_rows(dbsession, _scope(data), AS_OF)}
    t = data.tasks
    # two coordinators, in Vietnamese order; none; the lead's progress, not the later contribution
    assert rows[t["t4"].id].coordinating == ("Sở Kế hoạch và Đầu tư", "Sở Tài chính")
    assert rows[t["t2"].id].coordinating == ()
    assert (rows[t["t4"].id].progress_percent, rows[t["t4"].id].progress_text) == (50, "Đã rà soát 50% hồ sơ")
    assert rows[t["k3"].id].progress_percent is None and rows[t["k3"].id].progress_text is None


def test_an_agency_scope_folds_the_delegated_subtasks_too(dbsession, data):
    scope = ReportScope(kind=SCOPE_AGENCY, description="Sở LĐTBXH", agency_id=factories.agency(dbsession, "SLDTBXH").id)
    rows = list(tasksheet.task_rows(dbsession, scope, AS_OF))
    assert data.tasks["sub"].id in {r.task_id for r in rows}
    assert _folded(rows) == _looked_up(dbsession, rows, AS_OF)


def test_the_sheet_is_read_in_a_fixed_number_of_statements_whatever_the_batch(dbsession, data, monkeypatch):
    """One query for the rows (streamed in batches), one for the agencies' names; not two lookups
    per batch of rows. (On PostgreSQL the units are kept in a temporary table first, by two more
    statements: ``test_units.py``.)"""
    monkeypatch.setattr(tasksheet, "BATCH", 4)
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SET", "SAVEPOINT", "RELEASE", "CREATE TEMPORARY", "ANALYZE")):
            statements.append(statement)

    engine = dbsession.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        rows = list(tasksheet.task_rows(dbsession, _scope(data), AS_OF))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(rows) == 14
    assert sum(len(r.coordinating) for r in rows) >= 4
    assert len(statements) == 2, statements



def test_report_statements_run_without_jit_on_postgresql(dbsession, data, backend):
    """Their misestimated costs made PostgreSQL JIT-compile each statement (≈ 1.5 s apiece)."""
    if backend != "postgresql":
        pytest.skip("JIT is PostgreSQL's")
    from sqlalchemy import text

    list(tasksheet.task_rows(dbsession, _scope(data), AS_OF))
    assert dbsession.execute(text("SHOW jit")).scalar() == "off"
