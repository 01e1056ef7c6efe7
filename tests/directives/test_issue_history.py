"""Issuing writes no starting rows to the history (the task row is the starting point), and past-date
statistics still see the new tasks from the moment they were issued."""

import datetime as dt

from sqlalchemy import func, select

from coordination import clock
from coordination.organizations.models import Agency
from coordination.tasks.models import WITHIN, DeadlineChange, Task, TaskStatusHistory, task_coordinators
from coordination.tasks.queries import status_as_of, timeliness_as_of, timeliness_counts
from coordination.tasks.services import deadline_history
from tests.directives.conftest import seed


def test_issued_tasks_start_from_the_task_row_and_have_coordinator_copies(dbsession, issue, frozen_day):
    issued = issue(seed("seed_001"))
    task_ids = list(issued.task_ids)
    assert len(task_ids) > 20
    assert dbsession.scalar(select(func.count()).select_from(TaskStatusHistory).where(TaskStatusHistory.task_id.in_(task_ids))) == 0
    assert dbsession.scalar(select(func.count()).select_from(DeadlineChange).where(DeadlineChange.task_id.in_(task_ids))) == 0
    by_task = {t.id: t for t in dbsession.scalars(select(Task).where(Task.id.in_(task_ids)))}
    dated = next(t for t in by_task.values() if t.deadline_in_force is not None)
    assert status_as_of(dbsession, dated, frozen_day) == "assigned"
    assert status_as_of(dbsession, dated, frozen_day - dt.timedelta(days=1)) is None  # not issued yet
    assert timeliness_as_of(dbsession, dated, frozen_day) == WITHIN
    steps = deadline_history(dbsession, dated)
    assert [(s.reason, s.deadline_in_force, s.valid_from) for s in steps] == [("original", dated.original_deadline, dated.created_at)]
    links = dbsession.execute(select(task_coordinators).where(task_coordinators.c.task_id.in_(task_ids))).all()
    assert links and all(link.status == "assigned" for link in links)
    assert all(link.deadline_in_force == by_task[link.task_id].deadline_in_force for link in links)


def test_counts_of_the_day_before_issuing_leave_the_new_tasks_out(dbsession, issue, frozen_day):
    issued = issue(seed("seed_001"))
    labour = dbsession.scalar(select(Agency).where(Agency.code == "SLDTBXH"))
    clock.set_now(dt.datetime(2022, 10, 1, 9, 0))
    before = timeliness_counts(dbsession, as_of=frozen_day - dt.timedelta(days=1), directive_ids=[issued.directive.id])
    on_the_day = timeliness_counts(dbsession, as_of=frozen_day, directive_ids=[issued.directive.id])
    assert before == {}
    assert sum(on_the_day[labour.id].values()) == dbsession.scalar(select(func.count()).select_from(Task).where(
        Task.id.in_(issued.task_ids), Task.lead_agency_id == labour.id))


def test_past_date_counts_include_tasks_issued_through_the_bulk_path(dbsession, issue, frozen_day):
    issued = issue(seed("seed_001"))
    labour = dbsession.scalar(select(Agency).where(Agency.code == "SLDTBXH"))
    month_task = dbsession.scalar(select(Task).where(Task.id.in_(issued.task_ids), Task.lead_agency_id == labour.id,
                                                     Task.deadline_in_force == dt.date(2022, 8, 31)))
    assert month_task is not None
    # as of 31/8 the month task is open within its deadline, as of 1/9 it is overdue
    clock.set_now(dt.datetime(2022, 10, 1, 9, 0))
    on_deadline = timeliness_counts(dbsession, as_of=dt.date(2022, 8, 31), agency_ids=[labour.id])[labour.id]
    after = timeliness_counts(dbsession, as_of=dt.date(2022, 9, 1), agency_ids=[labour.id])[labour.id]
    assert after["overdue"] == on_deadline["overdue"] + 1
    total = dbsession.scalar(select(func.count()).select_from(Task).where(
        Task.id.in_(issued.task_ids), Task.lead_agency_id == labour.id))
    assert sum(on_deadline.values()) == total
