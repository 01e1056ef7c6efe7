"""Recurring tasks: each period is an occurrence with its own due date and state.

``create_due_occurrences`` is what the scheduler calls (daily, say): it expands each recurring
task's RRULE from its fixed anchor (``rrule_start``) and inserts the occurrences due within the
horizon that do not exist yet. Dates come from the rule, never from "last occurrence + period", so a
two-weekly task gets one occurrence every two weeks however often the job runs, and running it twice
creates nothing new (an existence check, backed by the unique (task_id, due_on) constraint).
"""

from __future__ import annotations

import datetime as dt

from dateutil.rrule import rrulestr
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import events
from ..clock import today as clock_today
from .history import REASON_ATTR
from .models import CANCELLED, COMPLETED, OCC_OPEN, AuditEvent, Task, TaskOccurrence

# a rule that would produce more than this many occurrences in one run is cut off (bad data guard)
MAX_PER_RUN = 400


class BadRule(ValueError):
    """The stored RRULE cannot be read."""


def _midnight(value: dt.date) -> dt.datetime:
    return dt.datetime.combine(value, dt.time())


def rule_for(task: Task):
    """The dateutil rule of a recurring task, anchored at ``rrule_start`` (or the creation date)."""
    start = task.rrule_start or task.created_at.date()
    text = task.rrule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    try:
        return rrulestr(text, dtstart=_midnight(start)), start
    except (ValueError, TypeError) as exc:
        raise BadRule(f"task {task.id}: cannot read rrule {task.rrule!r}: {exc}") from exc


def validate_rrule(text: str) -> None:
    """Raise BadRule if ``text`` is not an RRULE dateutil can expand."""
    try:
        rrulestr(text[6:] if text.upper().startswith("RRULE:") else text, dtstart=_midnight(dt.date(2000, 1, 1)))
    except (ValueError, TypeError) as exc:
        raise BadRule(str(exc)) from exc


def due_dates(task: Task, until: dt.date) -> list[tuple[dt.date, dt.date]]:
    """(period_start, due_on) of every occurrence due from the anchor up to ``until`` (inclusive)."""
    rule, start = rule_for(task)
    end = min(until, task.rrule_end) if task.rrule_end else until
    out = []
    previous = None
    for moment in rule.xafter(_midnight(start), count=MAX_PER_RUN, inc=True):
        due = moment.date()
        if due > end:
            break
        out.append(((previous + dt.timedelta(days=1)) if previous else start, due))
        previous = due
    return out


def refresh_next_deadline(dbsession: Session, task: Task) -> None:
    """Keep a recurring task's ``deadline_in_force`` at the due date of its earliest open occurrence,
    so the inbox, the reminders and the calendar see the next deadline."""
    dbsession.flush()
    next_due = dbsession.scalar(
        select(TaskOccurrence.due_on)
        .where(TaskOccurrence.task_id == task.id, TaskOccurrence.status == OCC_OPEN)
        .order_by(TaskOccurrence.due_on)
        .limit(1)
    )
    if next_due != task.deadline_in_force:
        setattr(task, REASON_ATTR, "occurrence")
        task.deadline_in_force = next_due


def create_due_occurrences(dbsession: Session, *, horizon_days: int = 30, today: dt.date | None = None) -> list[TaskOccurrence]:
    """Create the missing occurrences due up to ``today + horizon_days`` for every open recurring
    task; return those created (none when run again). Safe to run from two processes at once: a
    concurrent insert of the same occurrence is skipped."""
    today = today or clock_today()
    until = today + dt.timedelta(days=horizon_days)
    created: list[TaskOccurrence] = []
    tasks = dbsession.scalars(
        select(Task).where(Task.rrule.is_not(None), Task.status.not_in((CANCELLED, COMPLETED))).order_by(Task.id)
    ).all()
    for task in tasks:
        try:
            wanted = due_dates(task, until)
        except BadRule:
            continue  # shown on the task page; one bad rule must not stop the others
        existing = set(dbsession.scalars(select(TaskOccurrence.due_on).where(TaskOccurrence.task_id == task.id)))
        fresh = [TaskOccurrence(task=task, period_start=ps, due_on=due) for ps, due in wanted if due not in existing]
        if not fresh:
            continue
        try:
            with dbsession.begin_nested():
                dbsession.add_all(fresh)
                dbsession.flush()
                before = task.deadline_in_force
                refresh_next_deadline(dbsession, task)
                dbsession.add(AuditEvent(
                    entity="task", entity_id=task.id, action="occurrences_created",
                    before={"deadline_in_force": before.isoformat() if before else None},
                    after={"due_on": [o.due_on.isoformat() for o in fresh],
                           "deadline_in_force": task.deadline_in_force.isoformat() if task.deadline_in_force else None},
                ))
                dbsession.flush()
        except IntegrityError:
            # another run created them first
            dbsession.expire(task)
            continue
        created.extend(fresh)
        events.publish(dbsession, events.TaskEvent(task.id, "occurrences_created", None,
                                                   {"due_on": [o.due_on.isoformat() for o in fresh]}))
    return created


def occurrences(dbsession: Session, task: Task) -> list[TaskOccurrence]:
    return list(dbsession.scalars(select(TaskOccurrence).where(TaskOccurrence.task_id == task.id).order_by(TaskOccurrence.due_on)))
