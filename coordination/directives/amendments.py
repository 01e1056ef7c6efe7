"""Amending directives (văn bản sửa đổi, bổ sung): the only way to correct an issued directive.

An amending directive names the directive it amends (``amends_id``). It may change the deadline of
written tasks of that directive (``AmendmentChange`` rows, applied when it is issued) and may add
tasks, which are its own tasks and fan out like any other. The amended directive itself is never
touched: its page shows the amendments beside it, and every changed task keeps the change in its
audit trail (the deadline before and after, and the amending directive).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from .. import events
from ..clock import now
from ..tasks.models import CANCELLED, COMPLETED, AuditEvent, Task
from .deadlines import Deadline
from .models import Directive

CLOSED_TASK_STATUSES = (COMPLETED, CANCELLED)


def apply_amendments(dbsession: Session, amending: Directive, issued_on: dt.date, actor_id: int | None) -> list[int]:
    """Move the deadline in force of every open task made from an amended written task.

    ``original_deadline`` stays as first set (statistics count against it, as for extensions);
    completed and cancelled tasks keep theirs. Returns the ids of the tasks changed. Called by
    ``issue_directive`` before the amending directive's own status changes.
    """
    changed: list[int] = []
    at = now()
    audit_rows = []
    for change in amending.amendments:
        deadline = Deadline.from_row(change)
        due = deadline.first_due(issued_on)
        tasks = dbsession.scalars(
            select(Task).where(
                Task.directive_task_id == change.amended_task_id, Task.status.not_in(CLOSED_TASK_STATUSES)
            ).order_by(Task.id)
        ).all()
        for task in tasks:
            before = {
                "deadline_kind": task.deadline_kind, "deadline_in_force": _iso(task.deadline_in_force),
                "deadline_text": task.deadline_text, "rrule": task.rrule,
            }
            task.deadline_kind = deadline.kind
            task.deadline_in_force = due
            task.deadline_text = deadline.describe()[:300]
            task.rrule, task.rrule_start, task.rrule_end = deadline.rrule, deadline.start, deadline.end
            audit_rows.append(
                {
                    "at": at, "actor_id": actor_id, "agency_id": task.lead_agency_id, "entity": "task",
                    "entity_id": task.id, "action": "deadline_amended", "before": before,
                    "after": {
                        "deadline_kind": deadline.kind, "deadline_in_force": _iso(due),
                        "deadline_text": task.deadline_text, "rrule": deadline.rrule,
                        "amending_directive_id": amending.id,
                    },
                }
            )
            changed.append(task.id)
        change.applied_at = at
    if audit_rows:
        dbsession.flush()
        dbsession.execute(insert(AuditEvent), audit_rows)
    for task_id in changed:
        events.publish(
            dbsession,
            events.TaskEvent(task_id=task_id, action="deadline_amended", actor_id=actor_id,
                             details={"amending_directive_id": amending.id}),
        )
    return changed


def _iso(value):
    return value.isoformat() if value is not None else None
