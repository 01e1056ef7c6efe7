"""Read-side queries: timeliness (now and as of a past cut-off) and per-agency counts (the inbox's
reads are in ``inbox``).

Timeliness classes (what every report counts), for a task as of the end of day D (Asia/Ho_Chi_Minh):

- completed on time / late: the task was accepted (completed) by the end of D; on time when its
  completion date (the day completion was *reported*) is on or before the deadline in force at D.
- open within deadline / overdue: any other non-cancelled task. A task awaiting review (completion
  reported, not yet accepted) counts as open, but the agency's clock stopped when it reported: it
  is within deadline if it reported on or before the deadline, however long the review takes.
  Otherwise it is overdue when D is after the deadline in force at D. No deadline (ongoing): within.
- cancelled tasks are left out; tasks created after D do not exist yet.

A recurring task is counted by occurrence: each occurrence whose period has started by D is one
unit, with its own due date. Past states come from ``task_status_history`` and ``deadline_changes``
(written at every flush by ``history``), so the counts for 30/6 are the same whenever they are run.
A task with no row older than the cut-off is in its starting state, read from the task row:
assigned, with its original deadline, from ``created_at`` on (nothing is written for it).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Date, and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from ..clock import LOCAL_TZ
from ..clock import today as clock_today
from ..directives.models import Directive
from .models import (
    ASSIGNED,
    CANCELLED,
    COMPLETED,
    COMPLETION_REPORTED,
    LATE,
    ON_TIME,
    OVERDUE,
    TIMELINESS,
    WITHIN,
    DeadlineChange,
    Task,
    TaskOccurrence,
    TaskStatusHistory,
)


def end_of_day(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` in Vietnam, as an aware UTC datetime."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=LOCAL_TZ).astimezone(dt.timezone.utc)


def classify(status: str, deadline: dt.date | None, completed_on: dt.date | None, as_of: dt.date) -> str | None:
    """The timeliness class of one unit (task or occurrence); None for a cancelled one."""
    if status == CANCELLED:
        return None
    if status == COMPLETED:
        return ON_TIME if deadline is None or (completed_on is not None and completed_on <= deadline) else LATE
    if deadline is None:
        return WITHIN
    if status == COMPLETION_REPORTED and completed_on is not None:
        return WITHIN if completed_on <= deadline else OVERDUE
    return WITHIN if as_of <= deadline else OVERDUE


def current_timeliness(task: Task, today: dt.date | None = None) -> str | None:
    """The task's class today (for a recurring task: by its next open occurrence)."""
    return classify(task.status, task.deadline_in_force, task.completed_on, today or clock_today())


def _sql_class(status, completed_on, deadline, as_of: dt.date):
    """The same rule as ``classify``, as a SQL expression."""
    cutoff = literal(as_of, Date)
    return case(
        (and_(status == COMPLETED, or_(deadline.is_(None), completed_on <= deadline)), ON_TIME),
        (status == COMPLETED, LATE),
        (deadline.is_(None), WITHIN),
        (and_(status == COMPLETION_REPORTED, completed_on.is_not(None)),
         case((completed_on <= deadline, WITHIN), else_=OVERDUE)),
        (cutoff <= deadline, WITHIN),
        else_=OVERDUE,
    )


def _history_units(as_of: dt.date, scope=None):
    """One row per countable unit as of the end of ``as_of``: agency, status, completed_on, deadline.
    ``scope`` (a select of task ids) keeps the history scans to the tasks asked about."""
    end = end_of_day(as_of)
    h = TaskStatusHistory
    st = (
        select(h.task_id, h.status, h.completed_on,
               func.row_number().over(partition_by=h.task_id, order_by=(h.valid_from.desc(), h.id.desc())).label("rn"))
        .where(h.occurrence_id.is_(None), h.valid_from < end, *_in(h.task_id, scope))
        .subquery("st")
    )
    d = DeadlineChange
    dl = (
        select(d.task_id, d.deadline_in_force,
               func.row_number().over(partition_by=d.task_id, order_by=(d.valid_from.desc(), d.id.desc())).label("rn"))
        .where(d.valid_from < end, *_in(d.task_id, scope))
        .subquery("dl")
    )
    # no row older than the cut-off: the task is in its starting state (see ``tasks.history``)
    tasks = (
        select(Task.id.label("task_id"), Task.lead_agency_id.label("agency_id"), Task.directive_id.label("directive_id"),
               case((st.c.task_id.is_(None), literal(ASSIGNED)), else_=st.c.status).label("status"), st.c.completed_on,
               case((dl.c.task_id.is_(None), Task.original_deadline), else_=dl.c.deadline_in_force).label("deadline"))
        .join(st, and_(st.c.task_id == Task.id, st.c.rn == 1), isouter=True)
        .join(dl, and_(dl.c.task_id == Task.id, dl.c.rn == 1), isouter=True)
        .where(Task.rrule.is_(None), Task.created_at < end, *_in(Task.id, scope))
    )
    ost = (
        select(h.occurrence_id, h.status, h.completed_on,
               func.row_number().over(partition_by=h.occurrence_id, order_by=(h.valid_from.desc(), h.id.desc())).label("rn"))
        .where(h.occurrence_id.is_not(None), h.valid_from < end, *_in(h.task_id, scope))
        .subquery("ost")
    )
    occ = (
        select(Task.id.label("task_id"), Task.lead_agency_id.label("agency_id"), Task.directive_id.label("directive_id"),
               ost.c.status, ost.c.completed_on, TaskOccurrence.due_on.label("deadline"))
        .join(TaskOccurrence, TaskOccurrence.task_id == Task.id)
        .join(ost, and_(ost.c.occurrence_id == TaskOccurrence.id, ost.c.rn == 1))
        .where(Task.rrule.is_not(None), TaskOccurrence.period_start <= as_of)
    )
    return tasks, occ


def _in(column, scope) -> tuple:
    return () if scope is None else (column.in_(scope),)


def _current_units(as_of: dt.date):
    tasks = select(
        Task.id.label("task_id"), Task.lead_agency_id.label("agency_id"), Task.directive_id.label("directive_id"),
        Task.status, Task.completed_on, Task.deadline_in_force.label("deadline"),
    ).where(Task.rrule.is_(None))
    occ = (
        select(Task.id.label("task_id"), Task.lead_agency_id.label("agency_id"), Task.directive_id.label("directive_id"),
               TaskOccurrence.status, TaskOccurrence.completed_on, TaskOccurrence.due_on.label("deadline"))
        .join(TaskOccurrence, TaskOccurrence.task_id == Task.id)
        .where(Task.rrule.is_not(None), TaskOccurrence.period_start <= as_of)
    )
    return tasks, occ


def _scoped(query, agency_ids, directive_ids, issuer_ids, top_level_only):
    if agency_ids is not None:
        query = query.where(Task.lead_agency_id.in_(list(agency_ids)))
    if directive_ids is not None:
        query = query.where(Task.directive_id.in_(list(directive_ids)))
    if issuer_ids is not None:
        query = query.where(Task.directive_id.in_(select(Directive.id).where(Directive.issuer_id.in_(list(issuer_ids)))))
    if top_level_only:
        query = query.where(Task.parent_id.is_(None))
    return query


def timeliness_counts(
    dbsession: Session,
    *,
    as_of: dt.date | None = None,
    agency_ids: Iterable[int] | None = None,
    directive_ids: Iterable[int] | None = None,
    issuer_ids: Iterable[int] | None = None,
    top_level_only: bool = False,
) -> dict[int, dict[str, int]]:
    """Per lead agency id, the number of units in each of the four classes as of the end of
    ``as_of`` (default: today, from the current columns; a past date: from the history tables).

    Every agency in the result has all four keys. Scope filters narrow by lead agency, directive or
    issuing agency; ``top_level_only`` leaves out delegated subtasks (so a split task counts once).
    One set-based query, however many tasks.
    """
    today = clock_today()
    day = as_of or today
    if as_of is not None and as_of < today:
        narrowed = any(x is not None for x in (agency_ids, directive_ids, issuer_ids)) or top_level_only
        scope = _scoped(select(Task.id), agency_ids, directive_ids, issuer_ids, top_level_only) if narrowed else None
        tasks, occ = _history_units(day, scope)
    else:
        tasks, occ = _current_units(day)
    tasks = _scoped(tasks, agency_ids, directive_ids, issuer_ids, top_level_only)
    occ = _scoped(occ, agency_ids, directive_ids, issuer_ids, top_level_only)
    units = union_all(tasks, occ).subquery("units")
    cls = _sql_class(units.c.status, units.c.completed_on, units.c.deadline, day).label("class")
    rows = dbsession.execute(
        select(units.c.agency_id, cls, func.count())
        .where(units.c.status != CANCELLED)
        .group_by(units.c.agency_id, cls)
    )
    out: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(TIMELINESS, 0))
    for agency_id, klass, count in rows:
        out[agency_id][klass] = count
    return dict(out)


def timeliness_as_of(dbsession: Session, task: Task, cutoff: dt.date) -> str | None:
    """The class of a (non-recurring) task as it was at the end of ``cutoff``; None if it did not
    exist yet, was cancelled, or is recurring (see ``occurrence_timeliness_as_of``)."""
    if task.is_recurring:
        return None
    state = _state_as_of(dbsession, task, cutoff)
    if state is None:
        return None
    status, completed_on = state
    end = end_of_day(cutoff)
    changes = dbsession.execute(
        select(DeadlineChange.deadline_in_force).where(DeadlineChange.task_id == task.id, DeadlineChange.valid_from < end)
        .order_by(DeadlineChange.valid_from.desc(), DeadlineChange.id.desc()).limit(1)
    ).first()
    deadline = task.original_deadline if changes is None else changes.deadline_in_force
    return classify(status, deadline, completed_on, cutoff)


def status_as_of(dbsession: Session, task: Task, cutoff: dt.date) -> str | None:
    """The task's status at the end of ``cutoff`` (None before it existed)."""
    state = _state_as_of(dbsession, task, cutoff)
    return None if state is None else state[0]


def _state_as_of(dbsession: Session, task: Task, cutoff: dt.date) -> tuple[str, dt.date | None] | None:
    """(status, completed_on) at the end of ``cutoff``: the latest history row before then, else the
    starting state (assigned) if the task existed; None if it did not."""
    end = end_of_day(cutoff)
    h = TaskStatusHistory
    row = dbsession.execute(
        select(h.status, h.completed_on).where(h.task_id == task.id, h.occurrence_id.is_(None), h.valid_from < end)
        .order_by(h.valid_from.desc(), h.id.desc()).limit(1)
    ).first()
    if row is not None:
        return row.status, row.completed_on
    return (ASSIGNED, None) if task.created_at < end else None


def occurrence_timeliness(occurrence: TaskOccurrence, today: dt.date | None = None) -> str | None:
    return classify(occurrence.status, occurrence.due_on, occurrence.completed_on, today or clock_today())
