"""The countable units of a scope as of a cut-off date, each with its timeliness class, in SQL.

A unit is a task, or one occurrence of a recurring task (see ``coordination.tasks.queries``). The
states as of a past date come from the history tables and the class from the very SQL rule
``tasks.queries.timeliness_counts`` uses (its unit selects and class expression are reused here, not
rewritten), so a report and the task pages can never disagree on what "overdue on 30/6" means.
What this module adds is the report's scope (``scope.task_conditions``) and the unit rows
themselves, which the report needs beyond the counts: the overdue list, days overdue, task sheet.
"""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import Column, MetaData, Table, event, select, text, union_all
from sqlalchemy.orm import Session

from ..clock import today as clock_today
from ..tasks.models import CANCELLED, OCC_OPEN, OPEN_STATUSES
# the unit selects and the class rule of the task lifecycle, shared on purpose (see the docstring)
from ..tasks.queries import _current_units, _history_units, _sql_class
from .model import ReportScope
from .scope import task_conditions, task_ids

# statuses in which the agency still has work to do (an awaiting-review task is not "due")
PENDING_STATUSES = OPEN_STATUSES + (OCC_OPEN,)


def uses_history(as_of: dt.date, today: dt.date | None = None) -> bool:
    """Past cut-offs are read from the history tables; today (or later) from the current columns."""
    return as_of < (today or clock_today())


def units(scope: ReportScope, as_of: dt.date, *, today: dt.date | None = None):
    """A subquery with one row per unit of ``scope`` that existed and was not cancelled at the end
    of ``as_of``: ``task_id, agency_id (the lead), directive_id, status, completed_on, deadline,
    klass`` (one of the four timeliness classes).

    ``(deadline, task_id)`` identifies a unit: occurrences of one task have distinct due dates.
    """
    conditions = task_conditions(scope)
    if uses_history(as_of, today):
        tasks, occurrences = _history_units(as_of, task_ids(scope))
    else:
        tasks, occurrences = _current_units(as_of)
    raw = union_all(tasks.where(*conditions), occurrences.where(*conditions)).subquery("raw_units")
    klass = _sql_class(raw.c.status, raw.c.completed_on, raw.c.deadline, as_of).label("klass")
    return select(raw, klass).where(raw.c.status != CANCELLED).subquery("units")


_KEPT = "coordination.reports.kept_units"
_names = itertools.count(1)


def kept_units(dbsession: Session, scope: ReportScope, as_of: dt.date, *, today: dt.date | None = None):
    """The units of :func:`units`, for a report that reads them in several statements of one
    transaction (the figures, the overdue list, the extensions and escalations, the targets, the
    task sheet).

    On PostgreSQL they are computed **once** per transaction into a temporary table (``ON COMMIT
    DROP``) and analysed, and every later call for the same scope and cut-off in that transaction
    gets the same table: evaluating the history of the scope's tasks once instead of six times,
    and giving the planner the units' true size (its estimate for the subquery is off by 30×).
    Anything the session writes (a flush) forgets the kept tables, so a call after a change in the
    same transaction computes the units afresh. Elsewhere (SQLite: one file read in-process, no
    ``ON COMMIT DROP``) it is the subquery itself. Either way the columns are those of
    :func:`units`, read as ``.c.task_id`` and so on.
    """
    u = units(scope, as_of, today=today)
    dbsession.flush()  # pending changes first: they forget the kept tables (below)
    connection = dbsession.connection()
    if connection.dialect.name != "postgresql":
        return u
    root = dbsession.get_transaction()
    kept = dbsession.info.get(_KEPT)
    if kept is None or kept[0] is not root:  # a new transaction: the tables of the last one are gone
        kept = dbsession.info[_KEPT] = (root, {})
    key = (scope, as_of, today or clock_today())
    table = kept[1].get(key)
    if table is None:
        name = f"report_units_{next(_names)}"  # unique in the process, so never one still alive
        query = select(u)
        compiled = query.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
        connection.exec_driver_sql(f"CREATE TEMPORARY TABLE {name} ON COMMIT DROP AS {compiled}", compiled.params)
        connection.exec_driver_sql(f"ANALYZE {name}")
        table = kept[1][key] = Table(name, MetaData(), *(Column(c.name, c.type) for c in query.selected_columns))
    return table


@event.listens_for(Session, "after_flush")
def _forget_kept_units(session, flush_context) -> None:
    session.info.pop(_KEPT, None)


def without_jit(dbsession) -> None:
    """On PostgreSQL, no JIT compilation for the rest of this transaction's statements. The
    planner's row estimates for the units are far off (a join over them is guessed at millions of
    rows), so a report's statements pass ``jit_above_cost`` and each spent ≈ 1.5 s compiling
    itself (inlining, optimisation) on the 2-core machine: longer than the statement then ran."""
    if dbsession.get_bind().dialect.name == "postgresql":
        dbsession.execute(text("SET LOCAL jit = off"))
