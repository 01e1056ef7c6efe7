"""What the issuer's office has to act on: completion reports, extension requests, escalations."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import COMPLETION_REPORTED, OPEN, PENDING, Escalation, Extension, Task, TaskOccurrence

LIMIT = 200


@dataclass
class ReviewQueue:
    completions: list[Task]
    occurrences: list[TaskOccurrence]
    extensions: list[Extension]
    escalations: list[Escalation]


def review_queue(dbsession: Session) -> ReviewQueue:
    """Items awaiting the issuing office on top-level tasks (subtasks are reviewed by the agency
    that delegated them, on the parent's page), oldest first."""
    top = Task.parent_id.is_(None)
    return ReviewQueue(
        completions=list(dbsession.scalars(
            select(Task).where(top, Task.status == COMPLETION_REPORTED).order_by(Task.completed_on, Task.id).limit(LIMIT))),
        occurrences=list(dbsession.scalars(
            select(TaskOccurrence).join(Task, Task.id == TaskOccurrence.task_id)
            .where(top, TaskOccurrence.status == COMPLETION_REPORTED).order_by(TaskOccurrence.due_on).limit(LIMIT))),
        extensions=list(dbsession.scalars(
            select(Extension).join(Task, Task.id == Extension.task_id)
            .where(top, Extension.status == PENDING).order_by(Extension.requested_at).limit(LIMIT))),
        escalations=list(dbsession.scalars(
            select(Escalation).join(Task, Task.id == Escalation.task_id)
            .where(top, Escalation.status == OPEN).order_by(Escalation.raised_at).limit(LIMIT))),
    )
