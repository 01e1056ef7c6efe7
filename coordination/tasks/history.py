"""Flush listeners that keep the history needed for "what was the status on 30/6?".

Whoever changes a task (the lifecycle, the directives module withdrawing a directive, a script),
the change of ``status`` or ``deadline_in_force`` is recorded in ``task_status_history`` /
``deadline_changes`` in the same flush. The starting state is not written: every task starts
assigned, with its original deadline, at its ``created_at``, and the readers of the history take
that state from the task row when no row is older than the cut-off (``tasks.queries``). Issuing a
directive to 100 agencies thus writes 4,000 rows fewer; a task created in another state (none is,
today) still gets its starting rows. A status change that did not come through ``lifecycle`` or
``delegation`` (which write a richer event themselves) still leaves an ``AuditEvent`` without an actor.

Audit rows are immutable: updating or deleting one through the ORM raises, and the migration adds
database triggers refusing UPDATE/DELETE on ``audit_events`` for anything that bypasses the ORM.
"""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from ..clock import now
from .models import ASSIGNED, AuditEvent, DeadlineChange, Task, TaskOccurrence, TaskStatusHistory, task_coordinators


class AuditImmutable(Exception):
    """Raised when code tries to change or delete an audit row."""


# attributes the lifecycle sets on an instance (not columns) to describe the pending change
REASON_ATTR = "_deadline_reason"
EXTENSION_ATTR = "_deadline_extension_id"
AUDITED_ATTR = "_status_audited"
ORIGINAL = "original"


def _changed(obj, attr: str):
    hist = inspect(obj).attrs[attr].history
    if not hist.has_changes():
        return None
    before = hist.deleted[0] if hist.deleted else None
    after = hist.added[0] if hist.added else None
    if before == after:
        return None
    return before, after


@event.listens_for(Session, "before_flush")
def _record_history(session: Session, flush_context, instances) -> None:
    at = now()
    for obj in list(session.new):
        if isinstance(obj, Task):
            # a task starts assigned, with its original deadline, at ``created_at``: that state is
            # read from the task row (``tasks.queries``); only a different start is written
            if obj.created_at is None:
                obj.created_at = at
            status = obj.status or ASSIGNED
            if status != ASSIGNED or obj.completed_on is not None:
                session.add(TaskStatusHistory(task=obj, status=status, completed_on=obj.completed_on, valid_from=obj.created_at))
            reason = obj.__dict__.pop(REASON_ATTR, None)
            if obj.deadline_in_force != obj.original_deadline or reason not in (None, ORIGINAL):
                session.add(DeadlineChange(
                    task=obj, deadline_in_force=obj.deadline_in_force, valid_from=obj.created_at, reason=reason or "changed",
                    extension_id=obj.__dict__.pop(EXTENSION_ATTR, None),
                ))
        elif isinstance(obj, TaskOccurrence):
            owner = {"task": obj.task} if obj.task is not None else {"task_id": obj.task_id}
            session.add(TaskStatusHistory(
                **owner, occurrence=obj, status=obj.status or "open", completed_on=obj.completed_on, valid_from=at,
            ))
    for obj in list(session.dirty):
        if isinstance(obj, Task):
            status = _changed(obj, "status")
            completed = _changed(obj, "completed_on")
            if status or (completed and obj.status in ("completion_reported", "completed")):
                session.add(TaskStatusHistory(task_id=obj.id, status=obj.status, completed_on=obj.completed_on, valid_from=at))
            if status and not obj.__dict__.pop(AUDITED_ATTR, False):
                session.add(AuditEvent(
                    entity="task", entity_id=obj.id, action="status_changed",
                    before={"status": status[0]}, after={"status": status[1]}, at=at,
                ))
            obj.__dict__.pop(AUDITED_ATTR, None)
            deadline = _changed(obj, "deadline_in_force")
            if deadline:
                session.add(DeadlineChange(
                    task_id=obj.id, deadline_in_force=obj.deadline_in_force, valid_from=at,
                    reason=obj.__dict__.pop(REASON_ATTR, None) or "changed",
                    extension_id=obj.__dict__.pop(EXTENSION_ATTR, None),
                ))
        elif isinstance(obj, TaskOccurrence):
            if _changed(obj, "status") or _changed(obj, "completed_on"):
                session.add(TaskStatusHistory(
                    task_id=obj.task_id, occurrence_id=obj.id, status=obj.status,
                    completed_on=obj.completed_on, valid_from=at,
                ))
    for obj in session.deleted:
        if isinstance(obj, AuditEvent):
            raise AuditImmutable("audit events are never deleted")


@event.listens_for(Session, "after_flush")
def _sync_coordinators(session: Session, flush_context) -> None:
    """Copy status and deadline in force onto the task's coordinator rows (see ``task_coordinators``)."""
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, Task) or obj.id is None:
            continue
        attrs = inspect(obj).attrs
        if obj in session.new or any(attrs[a].history.has_changes() for a in ("status", "deadline_in_force", "coordinating_agencies")):
            session.connection().execute(
                task_coordinators.update().where(task_coordinators.c.task_id == obj.id)
                .values(status=obj.status, deadline_in_force=obj.deadline_in_force)
            )


@event.listens_for(AuditEvent, "before_update")
def _no_update(mapper, connection, target) -> None:
    raise AuditImmutable("audit events are never updated")


@event.listens_for(AuditEvent, "before_delete")
def _no_delete(mapper, connection, target) -> None:
    raise AuditImmutable("audit events are never deleted")


@event.listens_for(Session, "do_orm_execute")
def _no_bulk_change(state) -> None:
    # ORM-enabled update()/delete() statements skip the mapper events above
    if (state.is_update or state.is_delete) and state.bind_mapper is not None:
        if state.bind_mapper.class_ is AuditEvent:
            raise AuditImmutable("audit events are never updated or deleted")
