"""Read services for the task pages and the API: loading a task for a user, its history, roll-up."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..clock import today as clock_today
from . import access
from .errors import NotAllowed
from .history import ORIGINAL
from .models import (
    CANCELLED,
    COMPLETED,
    TIMELINESS,
    AuditEvent,
    Comment,
    DeadlineChange,
    Escalation,
    Extension,
    ProgressReport,
    Task,
    TaskOccurrence,
)
from .queries import current_timeliness

CREATED = "created"


def completion_reporters(settings) -> tuple[str, ...]:
    """``tasks.completion_reporters``: which agency roles may report completion (default both)."""
    value = settings.get("tasks.completion_reporters") or "agency_head agency_officer"
    return tuple(value.split())


def task_for(dbsession: Session, task_id: int, actor: User | None) -> Task:
    """The task if ``actor`` may read it; NotAllowed(visible=False) whether it is missing or hidden,
    so a caller cannot tell the two apart."""
    task = dbsession.get(Task, task_id)
    if task is None or not access.can_read(actor, task):
        raise NotAllowed("not found", visible=False)
    return task


@dataclass
class Rollup:
    count: int
    by_status: dict[str, int]
    by_timeliness: dict[str, int]
    percent: int  # the mean percent done of the subtasks that are not cancelled


def rollup(task: Task, today: dt.date | None = None) -> Rollup | None:
    """The state of a delegated task's subtasks, for the parent's page; None without subtasks."""
    children = [c for c in task.subtasks]
    if not children:
        return None
    today = today or clock_today()
    live = [c for c in children if c.status != CANCELLED]
    by_timeliness = dict.fromkeys(TIMELINESS, 0)
    for child in live:
        by_timeliness[current_timeliness(child, today)] += 1
    percent = round(sum(100 if c.status == COMPLETED else c.percent_done for c in live) / len(live)) if live else 0
    return Rollup(count=len(children), by_status=dict(Counter(c.status for c in children)),
                  by_timeliness=by_timeliness, percent=percent)


@dataclass(frozen=True)
class DeadlineStep:
    """One line of a task's deadline history: the deadline in force from ``valid_from`` on, and why."""

    valid_from: dt.datetime
    deadline_in_force: dt.date | None
    reason: str
    extension_id: int | None = None


def deadline_history(dbsession: Session, task: Task) -> list[DeadlineStep]:
    """The task's deadlines in force, oldest first, starting with the original deadline (which is
    read from the task: ``deadline_changes`` holds only the changes, see ``tasks.history``)."""
    changes = [DeadlineStep(c.valid_from, c.deadline_in_force, c.reason, c.extension_id) for c in dbsession.scalars(
        select(DeadlineChange).where(DeadlineChange.task_id == task.id).order_by(DeadlineChange.valid_from, DeadlineChange.id))]
    if changes and changes[0].reason == ORIGINAL:  # written before migration 0013, or unlike the task's own
        return changes
    return [DeadlineStep(task.created_at, task.original_deadline, ORIGINAL), *changes]


def timeline(dbsession: Session, task: Task) -> list[AuditEvent]:
    """The task's audit events, oldest first. A task made by issuing a directive starts with its
    "created" event as the directive's "issued" event recorded it (see ``directives.fanout``)."""
    events = list(dbsession.scalars(
        select(AuditEvent).where(AuditEvent.entity == "task", AuditEvent.entity_id == task.id).order_by(AuditEvent.id)))
    if task.directive_task_id is not None and not any(event.action == CREATED for event in events):
        created = created_by_issuing(dbsession, task)
        if created is not None:
            events.insert(0, created)
    return events


def created_by_issuing(dbsession: Session, task: Task) -> AuditEvent | None:
    """The "created" event of a task made by issuing, read from the fan-out record of its directive's
    "issued" event; ``id`` is that event's. Not added to the session (audit rows are never written
    twice). None for a task made before issuing kept that record (it has its own "created" row)."""
    issued = dbsession.scalar(
        select(AuditEvent).where(AuditEvent.entity == "directive", AuditEvent.entity_id == task.directive_id,
                                 AuditEvent.action == "issued").order_by(AuditEvent.id).limit(1))
    record = (issued.after or {}).get("fan_out") if issued is not None else None
    written = next((w for w in record or () if w["directive_task_id"] == task.directive_task_id), None)
    if written is None or task.lead_agency_id not in written["lead_agency_ids"]:
        return None
    return AuditEvent(
        id=issued.id, at=task.created_at, actor_id=issued.actor_id, actor=issued.actor, agency_id=task.lead_agency_id,
        entity="task", entity_id=task.id, action=CREATED, before=None,
        after={"directive_id": task.directive_id, "lead_agency_id": task.lead_agency_id,
               "coordinating_agency_ids": [a for a in written["coordinating_agency_ids"] if a != task.lead_agency_id],
               "deadline_in_force": written["deadline_in_force"]},
    )


@dataclass
class TaskDetail:
    task: Task
    reports: list[ProgressReport]
    extensions: list[Extension]
    escalations: list[Escalation]
    comments: list[Comment]
    deadlines: list[DeadlineStep]
    occurrences: list[TaskOccurrence]
    events: list[AuditEvent]
    rollup: Rollup | None
    timeliness: str | None


def detail(dbsession: Session, task: Task, viewer: User | None = None) -> TaskDetail:
    """Everything the task page and ``GET /api/v1/tasks/{id}`` show to ``viewer``.

    Contributions of coordinating agencies are addressed to the lead agency, which consolidates
    them into its own reports: the lead and the coordinators see them, the issuer does not."""
    def rows(model, order):
        return list(dbsession.scalars(select(model).where(model.task_id == task.id).order_by(order)))

    reports = rows(ProgressReport, ProgressReport.id.desc())
    events = timeline(dbsession, task)
    if viewer is not None and not access.relations(viewer, task) & (access.LEAD | {access.COORDINATOR}):
        reports = [r for r in reports if not r.is_contribution]
        events = [e for e in events if e.action != "contribute"]
    return TaskDetail(
        task=task,
        reports=reports,
        extensions=rows(Extension, Extension.id.desc()),
        escalations=rows(Escalation, Escalation.id.desc()),
        comments=rows(Comment, Comment.id),
        deadlines=deadline_history(dbsession, task),
        occurrences=rows(TaskOccurrence, TaskOccurrence.due_on),
        events=events,
        rollup=rollup(task),
        timeliness=None if task.is_recurring else current_timeliness(task),
    )
