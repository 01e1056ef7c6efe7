"""Notices queued by what happens to tasks (not by the clock): a new task was assigned."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..tasks.models import Task, task_coordinators
from .outbox import enqueue, message_row
from .policy import NEW_COORDINATION, NEW_TASK, OPEN_STATUSES, unique_key
from .recipients import Directory


def queue_new_task_notices(dbsession: Session, task_ids: Iterable[int]) -> int:
    """Queue "new task" mails to the staff of each task's lead agency and "new coordination" mails
    to the staff of its coordinating agencies, in the caller's transaction (so a directive whose
    issuing rolls back sends nothing). Idempotent per task and recipient. Returns rows written."""
    ids = sorted(set(task_ids))
    if not ids:
        return 0
    tasks = dbsession.execute(
        select(Task.id, Task.lead_agency_id, Task.deadline_in_force)
        .where(Task.id.in_(ids), Task.status.in_(OPEN_STATUSES))
        .order_by(Task.id)
    ).all()
    if not tasks:
        return 0
    coordinators: dict[int, list[int]] = defaultdict(list)
    for task_id, agency_id in dbsession.execute(
        select(task_coordinators.c.task_id, task_coordinators.c.agency_id)
        .where(task_coordinators.c.task_id.in_([task.id for task in tasks]))
        .order_by(task_coordinators.c.task_id, task_coordinators.c.agency_id)
    ):
        coordinators[task_id].append(agency_id)
    directory = Directory(dbsession)
    rows = []
    for task in tasks:
        pairs = [(NEW_TASK, person) for person in directory.staff(task.lead_agency_id)]
        pairs += [(NEW_COORDINATION, person) for agency_id in coordinators.get(task.id, ())
                  for person in directory.staff(agency_id)]
        for kind, person in pairs:
            rows.append(message_row(
                dedup_key=unique_key("task", task.id, kind, None, None, person.key),
                kind=kind, to=person, task_id=task.id, due_on=task.deadline_in_force,
            ))
    rows.sort(key=lambda row: row["dedup_key"])
    return len(enqueue(dbsession, rows))
