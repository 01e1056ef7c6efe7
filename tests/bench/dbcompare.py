"""Read the rows a dataset's tasks produced, in a form two databases can be compared in: each row
without its own id, references to other generated rows replaced by those rows' natural keys."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.reminders.models import OutboxMessage
from coordination.tasks.models import (
    AuditEvent, Comment, DeadlineChange, Escalation, Extension, ProgressReport, Task, TaskOccurrence,
    TaskStatusHistory, task_coordinators,
)

# columns that name the row's creation rather than its content
_SKIP = {"id"}


def _plain(value):
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, default=str)
    return value


def _rows(session: Session, table, skip=(), replace=None) -> list[tuple]:
    out = []
    for row in session.execute(select(table)).mappings():
        values = []
        for name in table.c.keys():
            if name in _SKIP or name in skip:
                continue
            value = row[name]
            if replace and name in replace and value is not None:
                value = replace[name](value)
            values.append((name, _plain(value)))
        out.append(tuple(values))
    return sorted(out, key=repr)


def snapshot(session: Session) -> dict[str, list[tuple]]:
    """Every row the task lifecycle writes, comparable across databases."""
    def key_of(model, *columns):
        return {row[0]: tuple(row[1:]) for row in session.execute(select(model.id, *columns))}

    reports = key_of(ProgressReport, ProgressReport.task_id, ProgressReport.reported_at)
    extensions = key_of(Extension, Extension.task_id, Extension.requested_at)
    escalations = key_of(Escalation, Escalation.task_id, Escalation.raised_at)
    comments = key_of(Comment, Comment.task_id, Comment.created_at)
    refs = {"report_id": reports, "extension_id": extensions, "escalation_id": escalations, "comment_id": comments}

    def audit_values(values: dict) -> dict:
        return {k: (repr(refs[k][v]) if k in refs and v is not None else v) for k, v in values.items()}

    out = {
        "tasks": _rows(session, Task.__table__),
        "task_coordinators": _rows(session, task_coordinators),
        "task_status_history": _rows(session, TaskStatusHistory.__table__),
        "deadline_changes": _rows(session, DeadlineChange.__table__,
                                  replace={"extension_id": lambda v: repr(extensions[v])}),
        "progress_reports": _rows(session, ProgressReport.__table__),
        "extensions": _rows(session, Extension.__table__),
        "escalations": _rows(session, Escalation.__table__),
        "task_comments": _rows(session, Comment.__table__),
        "task_occurrences": _rows(session, TaskOccurrence.__table__),
        "audit_events": _rows(session, AuditEvent.__table__, replace={"before": audit_values, "after": audit_values}),
        "outbox_messages": _rows(session, OutboxMessage.__table__, skip=("digest_id",)),
    }
    return out
