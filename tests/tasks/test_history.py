"""The history keeps only what the task row does not say: a task starts assigned, with its original
deadline, at ``created_at`` (nothing written); any other start, and every change, is a row."""

import datetime as dt

import pytest
from sqlalchemy import select

from coordination import clock
from coordination.tasks import extensions
from coordination.tasks.models import ASSIGNED, COMPLETED, LATE, ON_TIME, OVERDUE, WITHIN, DeadlineChange, Task, TaskStatusHistory
from coordination.tasks.queries import status_as_of, timeliness_as_of, timeliness_counts
from coordination.tasks.services import deadline_history

from . import factories

pytestmark = pytest.mark.usefixtures("frozen_today")

ISSUED = dt.datetime(2025, 6, 1, 9, 0)


def _rows(dbsession, model, task):
    return dbsession.scalars(select(model).where(model.task_id == task.id).order_by(model.id)).all()


def _task_as(dbsession, **columns) -> Task:
    """A task as a script or an import could create it, in a state other than the usual start."""
    task = factories.task(dbsession)
    clone = Task(directive_id=task.directive_id, directive_task_id=task.directive_task_id, paragraph="3", content="Đã xong trước",
                 lead_agency_id=task.lead_agency_id, deadline_kind=task.deadline_kind, original_deadline=dt.date(2025, 8, 31),
                 **columns)
    dbsession.add(clone)
    dbsession.flush()
    return clone


def test_a_task_created_in_its_usual_start_writes_no_history_and_reads_as_assigned(dbsession, people):
    clock.set_now(ISSUED)
    task = factories.task(dbsession, deadline=dt.date(2025, 6, 30))
    assert _rows(dbsession, TaskStatusHistory, task) == [] and _rows(dbsession, DeadlineChange, task) == []
    assert status_as_of(dbsession, task, dt.date(2025, 5, 31)) is None
    assert status_as_of(dbsession, task, dt.date(2025, 6, 1)) == ASSIGNED
    assert timeliness_as_of(dbsession, task, dt.date(2025, 6, 30)) == WITHIN
    assert timeliness_as_of(dbsession, task, dt.date(2025, 7, 1)) == OVERDUE
    clock.set_now(dt.datetime(2025, 8, 1, 9, 0))
    counts = timeliness_counts(dbsession, as_of=dt.date(2025, 7, 1), directive_ids=[task.directive_id])
    assert counts[task.lead_agency_id] == {ON_TIME: 0, LATE: 0, WITHIN: 0, OVERDUE: 1}
    assert timeliness_counts(dbsession, as_of=dt.date(2025, 5, 31), directive_ids=[task.directive_id]) == {}


def test_a_task_created_completed_keeps_its_starting_status_row(dbsession, people):
    clock.set_now(ISSUED)
    done = _task_as(dbsession, status=COMPLETED, completed_on=dt.date(2025, 5, 20), deadline_in_force=dt.date(2025, 8, 31))
    rows = _rows(dbsession, TaskStatusHistory, done)
    assert [(r.status, r.completed_on, r.valid_from) for r in rows] == [(COMPLETED, dt.date(2025, 5, 20), done.created_at)]
    assert _rows(dbsession, DeadlineChange, done) == []  # its deadline is the original one
    assert status_as_of(dbsession, done, dt.date(2025, 6, 1)) == COMPLETED
    assert timeliness_as_of(dbsession, done, dt.date(2025, 6, 1)) == ON_TIME
    clock.set_now(dt.datetime(2025, 7, 1, 9, 0))
    counts = timeliness_counts(dbsession, as_of=dt.date(2025, 6, 2), directive_ids=[done.directive_id])
    assert counts[done.lead_agency_id][ON_TIME] == 1


def test_a_task_created_with_a_deadline_unlike_its_original_keeps_a_deadline_row(dbsession, people):
    clock.set_now(ISSUED)
    moved = _task_as(dbsession, status=ASSIGNED, deadline_in_force=dt.date(2025, 6, 15))
    assert _rows(dbsession, TaskStatusHistory, moved) == []
    assert [(s.reason, s.deadline_in_force) for s in deadline_history(dbsession, moved)] == [
        ("original", dt.date(2025, 8, 31)), ("changed", dt.date(2025, 6, 15))]
    assert timeliness_as_of(dbsession, moved, dt.date(2025, 6, 16)) == OVERDUE
    clock.set_now(dt.datetime(2025, 7, 1, 9, 0))
    counts = timeliness_counts(dbsession, as_of=dt.date(2025, 6, 16), directive_ids=[moved.directive_id])
    assert counts[moved.lead_agency_id][OVERDUE] == 1


def test_deadline_history_starts_with_the_original_deadline_then_each_change(dbsession, people):
    clock.set_now(ISSUED)
    task = factories.task(dbsession, deadline=dt.date(2025, 8, 31))
    clock.set_now(dt.datetime(2025, 8, 20, 9, 0))
    request = extensions.request_extension(dbsession, task, people["canbo.sldtbxh"], expected_version=task.version,
                                           proposed_deadline=dt.date(2025, 9, 30), reason="Chờ kinh phí")
    extensions.approve_extension(dbsession, task, people["lanhdao"], expected_version=task.version, extension_id=request.id)
    steps = deadline_history(dbsession, task)
    assert [(s.reason, s.deadline_in_force, s.valid_from) for s in steps] == [
        ("original", dt.date(2025, 8, 31), task.created_at),
        ("extension", dt.date(2025, 9, 30), clock.now()),
    ]
    assert steps[1].extension_id == request.id
    assert timeliness_as_of(dbsession, task, dt.date(2025, 9, 1)) == WITHIN  # extended on 20/8
