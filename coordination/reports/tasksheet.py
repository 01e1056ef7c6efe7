"""The task sheet of the consolidated report: every unit of a scope as of a cut-off, one row each.

Callers may rely on what ``queries.py`` promises for the report (reproducible for a past cut-off,
the same units and classes) and on:

- **One query, streamed.** The rows come from one statement read through a server-side cursor
  (``yield_per``) and are never held together. Each unit's coordinating agencies and the lead's
  latest progress by the cut-off are folded into that statement, as two grouped subqueries over
  the scope's tasks joined by task id: set-based, where looking them up per batch of rows cost two
  more queries per thousand rows and as much Python again to put them together.
- **Order.** By directive (issue date, id), task, then due date (the occurrences of a recurring
  task); the coordinating agencies of a row in Vietnamese alphabetical order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..directives.models import Directive
from ..organizations.models import Agency
from ..tasks.models import IN_PROGRESS, LATE, OCC_OPEN, OVERDUE, Task
from . import lookups
from .model import ReportScope, TaskRow
from .queries import days_overdue, number_symbol
from .units import kept_units, without_jit

BATCH = 1000  # rows per fetch from the server-side cursor


def task_sheet_query(u, as_of: dt.date):
    """The statement behind :func:`task_rows` over the units ``u`` (``units.kept_units``): one row
    per unit, in the sheet's order."""
    scope_ids = select(u.c.task_id)
    coordinators = lookups.coordinators(scope_ids)
    latest = lookups.latest_progress_of(scope_ids, as_of)
    return (
        select(u.c.task_id, u.c.deadline, u.c.status, u.c.completed_on, u.c.klass, Task.paragraph, Task.content,
               Task.original_deadline, Task.rrule, Directive.id, Directive.number, Directive.symbol,
               Directive.issued_on, Agency.name, coordinators.c.agency_ids, latest.c.percent, latest.c.text)
        .join(Task, Task.id == u.c.task_id).join(Directive, Directive.id == Task.directive_id)
        .join(Agency, Agency.id == u.c.agency_id)
        .outerjoin(coordinators, coordinators.c.task_id == u.c.task_id)
        .outerjoin(latest, latest.c.task_id == u.c.task_id)
        .order_by(Directive.issued_on, Directive.id, Task.id, u.c.deadline)
    )


def task_rows(dbsession: Session, scope: ReportScope, as_of: dt.date) -> Iterator[TaskRow]:
    """Every unit of the scope as of the cut-off, as task-sheet rows, by directive (issue date) and
    task. A generator: the rows stream from a server-side cursor (``yield_per``) and are never
    held together; consume it while the session's transaction is open."""
    without_jit(dbsession)
    if dbsession.get_bind().dialect.name == "postgresql":
        # a server-side cursor is planned for its first rows (cursor_tuple_fraction 0.1): nested
        # loops that made a 30 000-row sheet take 18 s instead of 1.6 s. We want every row.
        dbsession.execute(text("SET LOCAL cursor_tuple_fraction = 1.0"))
    u = kept_units(dbsession, scope, as_of)
    # through the Connection, not the Session: plain rows, without the ORM's per-row loading
    result = dbsession.connection().execute(task_sheet_query(u, as_of).execution_options(yield_per=BATCH))
    coordinating = lookups.AgencyNames(dbsession)
    last_directive, directive_number = None, ""
    try:
        for (task_id, deadline, status, completed_on, klass, paragraph, content, original_deadline, rrule,
             directive_id, number, symbol, issued_on, lead, agency_ids, percent, said) in result:
            if directive_id != last_directive:
                last_directive, directive_number = directive_id, number_symbol(number, symbol)
            if klass == LATE:
                overdue = (completed_on - deadline).days if deadline else None
            elif klass == OVERDUE:
                overdue = days_overdue(as_of, deadline, status, completed_on)
            else:
                overdue = None
            yield TaskRow(
                task_id=task_id, directive_number=directive_number, directive_date=issued_on,
                paragraph=paragraph or "", content=content, lead=lead, coordinating=coordinating(agency_ids),
                status=IN_PROGRESS if status == OCC_OPEN else status, timeliness=klass,
                original_deadline=deadline if rrule else original_deadline, deadline_in_force=deadline,
                completed_on=completed_on, days_overdue=overdue, progress_percent=percent,
                progress_text=said or None,
            )
    finally:
        result.close()
