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
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from ..clock import LOCAL_TZ
from ..tasks.models import RECURRING, Task, task_coordinators
from ..dates import format_date
from .policy import DEADLINE_KINDS, OPEN_STATUSES, TASK_KINDS

log = logging.getLogger(__name__)

DEFAULT_SOURCES = "coordination.reminders.sources:TaskSource"
_CHUNK = 2000  # dates or ids per IN list


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


def _chunks(values: list, size: int = _CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


class TaskSource:
    """Tasks with one deadline (dates, months), in an open state, by their deadline in force."""

    name = "task"

    def _due(self, dates):
        return and_(
            Task.status.in_(OPEN_STATUSES),
            Task.deadline_in_force.in_(dates),
            Task.deadline_kind != RECURRING,
        )

    def due_items(self, dbsession: Session, deadlines: Collection[dt.date]) -> Iterator[DueItem]:
        """Open tasks whose deadline in force is one of ``deadlines``; reads nothing else."""
        for dates in _chunks(sorted(deadlines)):
            rows = dbsession.execute(
                select(Task.id, Task.deadline_in_force, Task.lead_agency_id, Task.directive_id, Task.created_at)
                .where(self._due(dates))
                .order_by(Task.id)
            ).all()
            if not rows:
                continue
            coordinators: dict[int, list[int]] = defaultdict(list)
            for task_id, agency_id in dbsession.execute(
                select(task_coordinators.c.task_id, task_coordinators.c.agency_id)
                .join(Task, Task.id == task_coordinators.c.task_id)
                .where(self._due(dates))
                .order_by(task_coordinators.c.task_id, task_coordinators.c.agency_id)
            ):
                coordinators[task_id].append(agency_id)
            for task_id, deadline, lead_id, directive_id, created_at in rows:
                yield DueItem(
                    "task", task_id, task_id, deadline, lead_id, directive_id,
                    tuple(coordinators.get(task_id, ())),
                    created_at.astimezone(LOCAL_TZ).date() if created_at else None,
                )

    def still_due(self, dbsession: Session, ids: Collection[int]) -> dict[int, dt.date | None]:
        """For the ids still open: their deadline in force now (absent ids are done or gone)."""
        out: dict[int, dt.date | None] = {}
        for chunk in _chunks(sorted(set(ids))):
            for task_id, deadline in dbsession.execute(
                select(Task.id, Task.deadline_in_force).where(Task.id.in_(chunk), Task.status.in_(OPEN_STATUSES))
            ):
                out[task_id] = deadline
        return out


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
    for message in messages:
        if message.kind not in TASK_KINDS:
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
