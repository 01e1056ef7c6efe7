import datetime as dt

import pytest
from sqlalchemy import select

from coordination import clock
from coordination.tasks import lifecycle
from coordination.tasks.models import LATE, ON_TIME, OVERDUE, WITHIN, TaskOccurrence
from coordination.tasks.occurrences import create_due_occurrences, occurrences
from coordination.tasks.queries import timeliness_counts

from . import factories


def _recurring(dbsession, rule, start, end=None):
    return factories.task(dbsession, deadline=None, rrule=rule, rrule_start=start, rrule_end=end, coordinating=())


def test_annual_report_occurrences_are_separate_and_creation_is_idempotent(dbsession, people):
    task = _recurring(dbsession, "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15", dt.date(2025, 1, 1))
    made = create_due_occurrences(dbsession, horizon_days=420, today=dt.date(2025, 11, 1))
    assert [(o.period_start, o.due_on) for o in made] == [
        (dt.date(2025, 1, 1), dt.date(2025, 12, 15)), (dt.date(2025, 12, 16), dt.date(2026, 12, 15))]
    assert create_due_occurrences(dbsession, horizon_days=420, today=dt.date(2025, 11, 1)) == []
    assert len(occurrences(dbsession, task)) == 2
    assert task.deadline_in_force == dt.date(2025, 12, 15)  # the next open occurrence


def test_two_weekly_task_run_daily_gets_one_occurrence_every_two_weeks(dbsession, people):
    task = _recurring(dbsession, "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", dt.date(2025, 1, 1), dt.date(2025, 3, 31))
    day = dt.date(2025, 1, 1)
    while day <= dt.date(2025, 4, 15):
        create_due_occurrences(dbsession, horizon_days=7, today=day)
        day += dt.timedelta(days=1)
    dues = [o.due_on for o in occurrences(dbsession, task)]
    assert dues[0] == dt.date(2025, 1, 3)
    assert all((b - a).days == 14 for a, b in zip(dues, dues[1:]))
    assert dues[-1] <= dt.date(2025, 3, 31) and len(dues) == 7


def test_the_unique_constraint_backs_the_existence_check(dbsession, people):
    from sqlalchemy.exc import IntegrityError

    task = _recurring(dbsession, "FREQ=MONTHLY;BYMONTHDAY=5", dt.date(2025, 1, 1))
    create_due_occurrences(dbsession, horizon_days=10, today=dt.date(2025, 1, 1))
    with pytest.raises(IntegrityError):
        with dbsession.begin_nested():
            dbsession.add(TaskOccurrence(task_id=task.id, period_start=dt.date(2025, 1, 1), due_on=dt.date(2025, 1, 5)))
            dbsession.flush()


def test_each_occurrence_is_reported_reviewed_and_counted_on_its_own(dbsession, people):
    clock.set_now(dt.datetime(2025, 1, 2, 9, 0))
    task = _recurring(dbsession, "FREQ=MONTHLY;BYMONTHDAY=10", dt.date(2025, 1, 1))
    lifecycle.acknowledge(dbsession, task, people["canbo.sldtbxh"], expected_version=task.version)
    create_due_occurrences(dbsession, horizon_days=70, today=dt.date(2025, 1, 2))
    jan, feb, mar = occurrences(dbsession, task)
    with pytest.raises(lifecycle.InvalidInput):  # a recurring task is completed by occurrence
        lifecycle.report_completion(dbsession, task, people["canbo.sldtbxh"], expected_version=task.version, text="x")
    clock.set_now(dt.datetime(2025, 1, 9, 9, 0))
    lifecycle.report_completion(dbsession, task, people["canbo.sldtbxh"], expected_version=task.version, text="Báo cáo tháng 1", occurrence_id=jan.id)
    assert task.deadline_in_force == dt.date(2025, 2, 10)
    lifecycle.accept_completion(dbsession, task, people["chuyenvien"], expected_version=task.version, occurrence_id=jan.id)
    clock.set_now(dt.datetime(2025, 2, 12, 9, 0))
    lifecycle.report_completion(dbsession, task, people["canbo.sldtbxh"], expected_version=task.version, text="Tháng 2", occurrence_id=feb.id)
    lifecycle.return_completion(dbsession, task, people["chuyenvien"], expected_version=task.version, reason="Thiếu biểu mẫu", occurrence_id=feb.id)
    assert feb.status == "open" and feb.completed_on is None and task.deadline_in_force == dt.date(2025, 2, 10)
    lifecycle.report_completion(dbsession, task, people["canbo.sldtbxh"], expected_version=task.version, text="Tháng 2 bổ sung", occurrence_id=feb.id)
    lifecycle.accept_completion(dbsession, task, people["chuyenvien"], expected_version=task.version, occurrence_id=feb.id)
    assert (jan.status, feb.status, mar.status) == ("completed", "completed", "open")
    agency = task.lead_agency_id
    counts = timeliness_counts(dbsession, directive_ids=[task.directive_id])[agency]
    assert counts == {ON_TIME: 1, LATE: 1, WITHIN: 1, OVERDUE: 0}  # March's period has begun
    # as of 11/2: January done on time, February overdue, March's period (from 11/2) just begun
    past = timeliness_counts(dbsession, as_of=dt.date(2025, 2, 11), directive_ids=[task.directive_id])[agency]
    assert past == {ON_TIME: 1, LATE: 0, WITHIN: 1, OVERDUE: 1}
    # as of 10/2, February was due that day: within; March had not begun
    past = timeliness_counts(dbsession, as_of=dt.date(2025, 2, 10), directive_ids=[task.directive_id])[agency]
    assert past == {ON_TIME: 1, LATE: 0, WITHIN: 1, OVERDUE: 0}


def test_cancelling_a_recurring_task_cancels_its_open_occurrences_and_stops_creation(dbsession, people):
    task = _recurring(dbsession, "FREQ=MONTHLY;BYMONTHDAY=10", dt.date(2025, 1, 1))
    create_due_occurrences(dbsession, horizon_days=40, today=dt.date(2025, 1, 2))
    lifecycle.cancel(dbsession, task, people["chuyenvien"], expected_version=task.version, reason="Bãi bỏ")
    assert {o.status for o in occurrences(dbsession, task)} == {"cancelled"}
    assert create_due_occurrences(dbsession, horizon_days=400, today=dt.date(2025, 1, 2)) == []
    assert dbsession.scalar(select(TaskOccurrence.id).where(TaskOccurrence.task_id == task.id, TaskOccurrence.status == "open")) is None


def test_completion_is_offered_by_occurrence_to_the_lead_and_review_to_the_issuer(dbsession, people):
    task = _recurring(dbsession, "FREQ=MONTHLY;BYMONTHDAY=10", dt.date(2025, 1, 1))
    lead, reviewer, other = people["canbo.sldtbxh"], people["chuyenvien"], people["canbo.stc"]
    lifecycle.acknowledge(dbsession, task, lead, expected_version=task.version)
    # the task's own completion is never offered on a recurring task: its occurrences carry it
    assert not lifecycle.allowed_actions(task, lead) & lifecycle.OCCURRENCE_ACTIONS
    assert lifecycle.occurrence_actions(task, lead, {"open"}) == {"report_completion"}
    assert lifecycle.occurrence_actions(task, lead, {"completed"}) == set()
    assert lifecycle.occurrence_actions(task, reviewer, {"open"}) == set()
    assert lifecycle.occurrence_actions(task, reviewer, {"open", "completion_reported"}) == {"accept_completion", "return_completion"}
    assert lifecycle.occurrence_actions(task, other, {"open", "completion_reported"}) == set()
    # where the province lets only heads report completion, an officer is not offered it
    assert lifecycle.occurrence_actions(task, lead, {"open"}, completion_reporters=("agency_head",)) == set()
    one_off = factories.task(dbsession, deadline=dt.date(2025, 8, 31))
    assert lifecycle.occurrence_actions(one_off, lead, {"open"}) == set()
