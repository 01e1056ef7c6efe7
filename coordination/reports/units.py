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

from sqlalchemy import select, text, union_all

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


def without_jit(dbsession) -> None:
    """On PostgreSQL, no JIT compilation for the rest of this transaction's statements. The
    planner's row estimates for the units are far off (a join over them is guessed at millions of
    rows), so a report's statements pass ``jit_above_cost`` and each spent ≈ 1.5 s compiling
    itself (inlining, optimisation) on the 2-core machine: longer than the statement then ran."""
    if dbsession.get_bind().dialect.name == "postgresql":
        dbsession.execute(text("SET LOCAL jit = off"))
