"""Carry out plan events through ``coordination.tasks.lifecycle`` (with its ``extensions`` and
``escalations``): one action at a time, through the same functions the pages, the API and the
scheduler call (rules, versions, audit, history)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination import clock
from coordination.accounts.models import User
from coordination.tasks import escalations, extensions, lifecycle
from coordination.tasks.errors import InvalidInput, NotAllowed, StaleVersion
from coordination.tasks.models import OPEN, PENDING, Escalation, Extension, Task, TaskOccurrence

from . import plans as P


class LifecyclePath:
    def __init__(self):
        self.refused: Counter = Counter()
        self.done: Counter = Counter()
        self._users: dict[int, User] = {}

    def user(self, dbsession: Session, user_id: int) -> User:
        found = self._users.get(user_id)
        if found is None or found not in dbsession:
            found = self._users[user_id] = dbsession.get(User, user_id)
        return found

    def run(self, dbsession: Session, event: P.Event) -> bool:
        """Carry out one event at its moment; False (and counted) if the lifecycle refused it."""
        clock.set_now(event.at)
        task = dbsession.get(Task, event.task_id)
        actor = self.user(dbsession, event.actor_id)
        try:
            self._dispatch(dbsession, task, actor, event)
        except (NotAllowed, InvalidInput, StaleVersion, LookupError) as refused:
            self.refused[(event.action, type(refused).__name__)] += 1
            return False
        self.done[event.action] += 1
        return True

    def _dispatch(self, s: Session, task: Task, actor: User, e: P.Event) -> None:
        v = task.version
        a = e.args
        if e.action == P.ACK:
            lifecycle.acknowledge(s, task, actor, expected_version=v)
        elif e.action in (P.PROGRESS, P.CONTRIBUTE):
            lifecycle.report_progress(s, task, actor, expected_version=v, percent=a[0], text=a[1])
        elif e.action == P.COMPLETE:
            lifecycle.report_completion(s, task, actor, expected_version=v, text=a[0])
        elif e.action == P.ACCEPT:
            lifecycle.accept_completion(s, task, actor, expected_version=v, note=a[0])
        elif e.action == P.RETURN:
            lifecycle.return_completion(s, task, actor, expected_version=v, reason=a[0])
        elif e.action == P.EXTENSION:
            extensions.request_extension(s, task, actor, expected_version=v, proposed_deadline=a[0], reason=a[1])
        elif e.action in (P.APPROVE, P.REFUSE):
            pending = s.scalar(select(Extension.id).where(Extension.task_id == task.id, Extension.status == PENDING))
            if pending is None:
                raise LookupError("no pending extension")
            decide = extensions.approve_extension if e.action == P.APPROVE else extensions.refuse_extension
            decide(s, task, actor, expected_version=v, extension_id=pending, note=a[0])
        elif e.action == P.ESCALATE:
            escalations.escalate(s, task, actor, expected_version=v, matter=a[0], proposal=a[1])
        elif e.action == P.DECIDE:
            open_ = s.scalar(select(Escalation.id).where(Escalation.task_id == task.id, Escalation.status == OPEN))
            if open_ is None:
                raise LookupError("no open escalation")
            escalations.decide_escalation(s, task, actor, expected_version=v, escalation_id=open_, decision=a[0])
        elif e.action == P.COMMENT:
            lifecycle.add_comment(s, task, actor, expected_version=v, text=a[0])
        elif e.action == P.CANCEL:
            lifecycle.cancel(s, task, actor, expected_version=v, reason=a[0])
        elif e.action in (P.OCC_COMPLETE, P.OCC_ACCEPT):
            occurrence = s.scalar(select(TaskOccurrence.id).where(TaskOccurrence.task_id == task.id,
                                                                  TaskOccurrence.due_on == a[0]))
            if occurrence is None:
                raise LookupError("occurrence not created yet")
            if e.action == P.OCC_COMPLETE:
                lifecycle.report_completion(s, task, actor, expected_version=v, text=a[1], occurrence_id=occurrence)
            else:
                lifecycle.accept_completion(s, task, actor, expected_version=v, occurrence_id=occurrence)
        else:  # pragma: no cover - plans make only the actions above
            raise ValueError(e.action)
