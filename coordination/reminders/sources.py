"""Sources of "due items": what has a deadline the sweep may remind of.

The sweep asks each configured source for the items whose deadline lies in a set of dates, and at
sending time asks the source again whether an item is still due on the same deadline. Tasks with
a single deadline are the first source; recurring tasks are reminded per occurrence, through a
second source over the lifecycle's ``task_occurrences`` table, which plugs in here:

* write a class with ``name = "occurrence"`` and the two methods of ``TaskSource`` (``due_items``
  yielding ``DueItem(source="occurrence", id=<occurrence id>, task_id=<its task>, deadline=<its due
  date>, ...)`` for open occurrences of open tasks, and ``still_due``);
* add its dotted name to ``reminders.sources`` in the .ini (default: the task source alone).

``TaskSource`` leaves recurring tasks to that second source.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from pyramid.path import DottedNameResolver
from sqlalchemy import Date, Integer, and_, any_, cast, func, literal, select, text, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from ..clock import LOCAL_TZ
from ..tasks.models import OCC_OPEN, RECURRING, Task, TaskOccurrence, task_coordinators
from ..dates import format_date
from .newtasks import batch_key, is_batch, load_batches
from .policy import DEADLINE_KINDS, OPEN_STATUSES, TASK_KINDS

log = logging.getLogger(__name__)

DEFAULT_SOURCES = "coordination.reminders.sources:TaskSource coordination.reminders.sources:OccurrenceSource"
_CHUNK = 5000  # dates or ids per query


@dataclass(frozen=True)
class DueItem:
    source: str                  # "task" or "occurrence": the first part of the outbox key
    id: int                      # the task's or the occurrence's id
    task_id: int
    deadline: dt.date            # the deadline in force (of the occurrence)
    lead_agency_id: int
    directive_id: int
    coordinating_agency_ids: tuple[int, ...] = ()
    since: dt.date | None = None  # no reminder scheduled before this day is caught up (creation)


def _among(dbsession: Session, column, values: list, type_):
    """``column IN values``; on PostgreSQL one array parameter, not thousands of bound values."""
    if dbsession.get_bind().dialect.name == "postgresql":
        return column == any_(cast(literal(values, ARRAY(type_)), ARRAY(type_)))
    return column.in_(values)


def _chunks(values: list, size: int = _CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


class TaskSource:
    """Tasks with one deadline (dates, months), in an open state, by their deadline in force."""

    name = "task"

    @staticmethod
    def _columns(dialect: str):
        # the Vietnam date of creation, computed by the database: converting ten thousand times
        # in Python costs more than the whole query (Vietnam keeps UTC+7 all year)
        if dialect == "postgresql":
            created = cast(func.timezone(LOCAL_TZ.key, Task.created_at), Date)
        else:
            created = func.date(Task.created_at, "+7 hours")
        return (Task.id, Task.deadline_in_force, Task.lead_agency_id, Task.directive_id, created.label("created_on"))

    def _open(self):
        # tasks with a rule (recurring, or ongoing with periodic reports) are reminded per occurrence
        return and_(Task.status.in_(OPEN_STATUSES), Task.rrule.is_(None), Task.deadline_kind != RECURRING)

    def query(self, dialect: str, dates: list[dt.date]):
        """The statement that reads the open tasks due on ``dates`` (``bench/bench_sweep.py`` explains it)."""
        if dialect == "postgresql":
            # One index probe per date: a LATERAL subquery per element of the array, kept a subquery
            # by OFFSET 0 (else the planner flattens it into a join). A plain ``= ANY(:dates)`` lets
            # the planner guess that a long list of dates matches most of the table (it assumes every
            # date is as common as the average one) and scan all of it.
            day = func.unnest(cast(literal(dates, ARRAY(Date)), ARRAY(Date))).table_valued("day").render_derived(name="wanted")
            per_day = (
                select(*self._columns(dialect)).where(Task.deadline_in_force == day.c.day, self._open()).offset(0).lateral("due")
            )
            return select(per_day).select_from(day).join(per_day, true()).order_by(per_day.c.id)
        return select(*self._columns(dialect)).where(Task.deadline_in_force.in_(dates), self._open()).order_by(Task.id)

    def _rows(self, dbsession: Session, dates: list[dt.date]):
        dialect = dbsession.get_bind().dialect.name
        if dialect == "postgresql":
            # the planner's (pessimistic) row estimate would make it JIT-compile the query: 100+ ms
            # of compiling for a query that runs in a few milliseconds
            dbsession.execute(text("SET LOCAL jit = off"))
        return dbsession.execute(self.query(dialect, dates)).all()

    def _coordinators(self, dbsession: Session, task_ids: list[int]):
        query = select(task_coordinators.c.task_id, task_coordinators.c.agency_id)
        if dbsession.get_bind().dialect.name == "postgresql":
            # one array parameter, not thousands of bound values to compile and send
            query = query.where(task_coordinators.c.task_id == any_(cast(literal(task_ids, ARRAY(Integer)), ARRAY(Integer))))
        else:
            query = query.where(task_coordinators.c.task_id.in_(task_ids))
        return query.order_by(task_coordinators.c.task_id, task_coordinators.c.agency_id)

    def due_items(self, dbsession: Session, deadlines: Collection[dt.date]) -> Iterator[DueItem]:
        """Open tasks whose deadline in force is one of ``deadlines``; reads nothing else."""
        for dates in _chunks(sorted(deadlines)):
            yield from self._items(dbsession, self._rows(dbsession, dates))

    def due_items_of(self, dbsession: Session, deadlines: Collection[dt.date], task_ids: Collection[int]) -> Iterator[DueItem]:
        """As ``due_items``, of the tasks ``task_ids`` only (those changed since the last sweep)."""
        wanted = sorted(deadlines)
        for ids in _chunks(sorted(set(task_ids))):
            rows = dbsession.execute(
                select(*self._columns(dbsession.get_bind().dialect.name))
                .where(_among(dbsession, Task.id, ids, Integer), _among(dbsession, Task.deadline_in_force, wanted, Date),
                       self._open()).order_by(Task.id)
            ).all()
            yield from self._items(dbsession, rows)

    def _items(self, dbsession: Session, rows) -> Iterator[DueItem]:
        if not rows:
            return
        coordinators: dict[int, list[int]] = defaultdict(list)
        for task_id, agency_id in dbsession.execute(self._coordinators(dbsession, [row[0] for row in rows])):
            coordinators[task_id].append(agency_id)
        for task_id, deadline, lead_id, directive_id, created_on in rows:
            if isinstance(created_on, str):  # SQLite's date() returns text
                created_on = dt.date.fromisoformat(created_on)
            yield DueItem("task", task_id, task_id, deadline, lead_id, directive_id,
                          tuple(coordinators.get(task_id, ())), created_on)

    def still_due(self, dbsession: Session, ids: Collection[int]) -> dict[int, dt.date | None]:
        """For the ids still open: their deadline in force now (absent ids are done or gone)."""
        out: dict[int, dt.date | None] = {}
        for chunk in _chunks(sorted(set(ids))):
            for task_id, deadline in dbsession.execute(
                select(Task.id, Task.deadline_in_force).where(Task.id.in_(chunk), Task.status.in_(OPEN_STATUSES))
            ):
                out[task_id] = deadline
        return out


class OccurrenceSource:
    """Open periods of recurring tasks (the 2025 annual report due 15/12/2025 apart from 2026's),
    by their own due date; read through the ``due_on`` index of ``task_occurrences``."""

    name = "occurrence"

    @staticmethod
    def _open():
        return and_(TaskOccurrence.status == OCC_OPEN, Task.status.in_(OPEN_STATUSES))

    def due_items(self, dbsession: Session, deadlines: Collection[dt.date]) -> Iterator[DueItem]:
        """Open occurrences of open tasks due on one of ``deadlines``; reads nothing else."""
        for dates in _chunks(sorted(deadlines)):
            yield from self._items(dbsession, TaskOccurrence.due_on.in_(dates))

    def due_items_of(self, dbsession: Session, deadlines: Collection[dt.date], task_ids: Collection[int]) -> Iterator[DueItem]:
        """As ``due_items``, of the occurrences of the tasks ``task_ids`` only."""
        wanted = sorted(deadlines)
        for ids in _chunks(sorted(set(task_ids))):
            yield from self._items(dbsession, and_(_among(dbsession, TaskOccurrence.task_id, ids, Integer),
                                                   _among(dbsession, TaskOccurrence.due_on, wanted, Date)))

    def _items(self, dbsession: Session, condition) -> Iterator[DueItem]:
        rows = dbsession.execute(
            select(TaskOccurrence.id, TaskOccurrence.task_id, TaskOccurrence.due_on, Task.lead_agency_id,
                   Task.directive_id, TaskOccurrence.created_at)
            .join(Task, Task.id == TaskOccurrence.task_id)
            .where(condition, self._open())
            .order_by(TaskOccurrence.id)
        ).all()
        if not rows:
            return
        coordinators: dict[int, list[int]] = defaultdict(list)
        task_ids = sorted({row.task_id for row in rows})
        for task_id, agency_id in dbsession.execute(
            select(task_coordinators.c.task_id, task_coordinators.c.agency_id)
            .where(task_coordinators.c.task_id.in_(task_ids))
            .order_by(task_coordinators.c.task_id, task_coordinators.c.agency_id)
        ):
            coordinators[task_id].append(agency_id)
        for occurrence_id, task_id, due_on, lead_id, directive_id, created_at in rows:
            created_on = created_at.astimezone(LOCAL_TZ).date() if created_at else None
            yield DueItem("occurrence", occurrence_id, task_id, due_on, lead_id, directive_id,
                          tuple(coordinators.get(task_id, ())), created_on)

    def still_due(self, dbsession: Session, ids: Collection[int]) -> dict[int, dt.date | None]:
        """For the occurrence ids still open (and their task too): their due date."""
        out: dict[int, dt.date | None] = {}
        for chunk in _chunks(sorted(set(ids))):
            for occurrence_id, due_on in dbsession.execute(
                select(TaskOccurrence.id, TaskOccurrence.due_on).join(Task, Task.id == TaskOccurrence.task_id)
                .where(TaskOccurrence.id.in_(chunk), self._open())
            ):
                out[occurrence_id] = due_on
        return out


def create_occurrences(dbsession: Session, today: dt.date):
    """The scheduler's daily job: the lifecycle's ``create_due_occurrences`` for ``today``."""
    from ..tasks.occurrences import create_due_occurrences

    return create_due_occurrences(dbsession, today=today)


def load_sources(settings) -> list:
    """The configured sources (``reminders.sources``: dotted names, space separated)."""
    names = (settings.get("reminders.sources") or DEFAULT_SOURCES).split()
    resolver = DottedNameResolver()
    sources = []
    for name in names:
        obj = resolver.maybe_resolve(name)
        sources.append(obj() if isinstance(obj, type) else obj)
    return sources


def source_named(sources: list, name: str | None):
    for source in sources:
        if source.name == name:
            return source
    return None


def obsolete_messages(dbsession: Session, messages, sources) -> dict[int, str]:
    """Queued notices that are no longer true: message id → why (in Vietnamese, for the admin page).

    A notice about a task that is completed, completion-reported or cancelled is obsolete; so is a
    deadline notice whose deadline was moved (an extension) since it was queued: the sweep queues
    the notices of the new deadline under other keys.
    """
    out: dict[int, str] = {}
    groups: dict[str, list] = defaultdict(list)
    batch_messages = [message for message in messages if is_batch(message)]
    if batch_messages:  # several new tasks of one directive: true while one of them is open
        batches = load_batches(dbsession, batch_messages)
        ids = {task_id for batch in batches.values() for task_id in batch.task_ids}
        still_open = set(dbsession.scalars(select(Task.id).where(Task.id.in_(ids), Task.status.in_(OPEN_STATUSES)))) if ids else set()
        for message in batch_messages:
            batch = batches.get(batch_key(message))
            if batch is None or not still_open.intersection(batch.task_ids):
                out[message.id] = "các nhiệm vụ đã hoàn thành, đã báo cáo hoàn thành hoặc đã hủy"
    for message in messages:
        if message.kind not in TASK_KINDS or is_batch(message):
            continue
        if message.occurrence_id is not None:
            groups["occurrence"].append((message, message.occurrence_id))
        elif message.task_id is not None:
            groups["task"].append((message, message.task_id))
        else:
            out[message.id] = "nhiệm vụ không còn tồn tại"
    for name, group in groups.items():
        source = source_named(sources, name)
        if source is None:
            for message, _ in group:
                out[message.id] = f"không có nguồn “{name}” trong reminders.sources để kiểm tra"
            continue
        current = source.still_due(dbsession, [item_id for _, item_id in group])
        for message, item_id in group:
            if item_id not in current:
                out[message.id] = "nhiệm vụ đã hoàn thành, đã báo cáo hoàn thành hoặc đã hủy"
            elif message.kind in DEADLINE_KINDS and current[item_id] != message.due_on:
                out[message.id] = (
                    f"hạn đã thay đổi từ {format_date(message.due_on)} sang {format_date(current[item_id])}"
                )
    return out
