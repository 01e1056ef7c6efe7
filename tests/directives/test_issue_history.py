"""Issuing writes the starting point of every task's history, so past-date statistics see new tasks."""

import datetime as dt

from sqlalchemy import func, select

from coordination import clock
from coordination.organizations.models import Agency
from coordination.tasks.models import DeadlineChange, Task, TaskStatusHistory, task_coordinators
from coordination.tasks.queries import timeliness_counts
from tests.directives.conftest import seed


def test_issued_tasks_have_history_and_coordinator_copies(dbsession, issue, frozen_day):
    issued = issue(seed("seed_001"))
    task_ids = list(issued.task_ids)
    history = dbsession.scalars(select(TaskStatusHistory).where(TaskStatusHistory.task_id.in_(task_ids))).all()
    assert sorted(h.task_id for h in history) == sorted(task_ids)
    assert {h.status for h in history} == {"assigned"}
    deadlines = dbsession.scalars(select(DeadlineChange).where(DeadlineChange.task_id.in_(task_ids))).all()
    assert sorted(d.task_id for d in deadlines) == sorted(task_ids)
    by_task = {t.id: t for t in dbsession.scalars(select(Task).where(Task.id.in_(task_ids)))}
    assert all(d.deadline_in_force == by_task[d.task_id].deadline_in_force for d in deadlines)
    links = dbsession.execute(select(task_coordinators).where(task_coordinators.c.task_id.in_(task_ids))).all()
    assert links and all(link.status == "assigned" for link in links)
    assert all(link.deadline_in_force == by_task[link.task_id].deadline_in_force for link in links)


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
