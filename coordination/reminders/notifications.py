"""Notices queued by what happens to tasks (not by the clock): new tasks were assigned.

One mail per directive, person and role: the staff of an agency that a directive gives twenty tasks
get one "new tasks" mail listing them (and one "new coordination" mail for the tasks it coordinates),
not twenty. The row names the first task and how many tasks it announces (``task_count``); the mail
is written when it is sent (``content.new_tasks_content``), from the tasks as they are then.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from ..db import among
from ..tasks.models import Task, task_coordinators
from .outbox import enqueue, message_row
from .policy import NEW_COORDINATION, NEW_TASK, OPEN_STATUSES
from .recipients import Directory


def new_tasks_key(directive_id: int, kind: str, first_task_id: int, recipient_key: str) -> str:
    """The outbox key of a new-tasks notice: the directive, the role, the first task it announces
    (an amendment's added tasks are a later batch: another key) and the person."""
    return f"directive:{directive_id}:{kind}:{first_task_id}:{recipient_key}"


def queue_new_task_notices(dbsession: Session, task_ids: Iterable[int]) -> int:
    """Queue, for each directive among ``task_ids``' and each agency, one "new tasks" mail to the
    staff of the agency for the tasks it leads and one "new coordination" mail for those it
    coordinates, in the caller's transaction (so a directive whose issuing rolls back sends nothing).
    Idempotent per directive, batch and recipient. Returns rows written."""
    ids = sorted(set(task_ids))
    if not ids:
        return 0
    # (directive, kind, agency) → (first task, how many, the deadline when there is one task): the
    # batch one mail announces, grouped by the database (2,000 tasks issued to a hundred agencies
    # are a hundred-odd rows, not 6,000), lead and coordinating batches in one statement. The tasks
    # are read once, as a common table expression both parts read: as a subquery in each, they
    # were read twice, and PostgreSQL planned the second part in parallel, whose worker took longer
    # to start (≈ 30 ms) than the whole statement now takes (bench/RESULTS.md).
    open_tasks = (select(Task.id, Task.directive_id, Task.lead_agency_id, Task.deadline_in_force)
                  .where(among(dbsession, Task.id, ids), Task.status.in_(OPEN_STATUSES)).cte("open_tasks"))
    led = (select(open_tasks.c.directive_id, literal(NEW_TASK), open_tasks.c.lead_agency_id, func.min(open_tasks.c.id),
                  func.count(), func.min(open_tasks.c.deadline_in_force))
           .group_by(open_tasks.c.directive_id, open_tasks.c.lead_agency_id))
    tc = task_coordinators
    coordinated = (select(open_tasks.c.directive_id, literal(NEW_COORDINATION), tc.c.agency_id, func.min(tc.c.task_id),
                          func.count(), func.min(open_tasks.c.deadline_in_force))
                   .join(open_tasks, open_tasks.c.id == tc.c.task_id)
                   .group_by(open_tasks.c.directive_id, tc.c.agency_id))
    batches = dbsession.execute(union_all(led, coordinated)).all()
    if not batches:
        return 0
    # only the staff of the agencies named (a national database holds thousands of users)
    directory = Directory(dbsession, agency_ids={agency_id for _d, _k, agency_id, *_rest in batches})
    rows = []
    for directive_id, kind, agency_id, first, count, deadline in batches:
        for person in directory.staff(agency_id):
            rows.append(message_row(
                dedup_key=new_tasks_key(directive_id, kind, first, person.key), kind=kind, to=person,
                task_id=first, task_count=count, due_on=deadline if count == 1 else None,
            ))
    rows.sort(key=lambda row: row["dedup_key"])
    return len(enqueue(dbsession, rows))
