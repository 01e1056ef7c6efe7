"""The four timeliness classes at their boundaries, now and as of a past cut-off date."""

import datetime as dt

import pytest

from coordination import clock
from coordination.tasks import delegation, extensions, lifecycle
from coordination.tasks.models import LATE, ON_TIME, OVERDUE, WITHIN
from coordination.tasks.queries import (
    classify,
    current_timeliness,
    status_as_of,
    timeliness_as_of,
    timeliness_counts,
)

from . import factories

DEADLINE = dt.date(2025, 8, 31)

# tasks are issued on 1/6/2025 unless a test says otherwise
pytestmark = pytest.mark.usefixtures("frozen_today")


def _complete(dbsession, task, people, reported_at, accepted_at=None):
    clock.set_now(reported_at)
    lifecycle.report_completion(dbsession, task, people["canbo.sldtbxh"], expected_version=task.version, text="Xong")
    if accepted_at is not None:
        clock.set_now(accepted_at)
        lifecycle.accept_completion(dbsession, task, people["chuyenvien"], expected_version=task.version)


@pytest.mark.parametrize("reported_at,expected", [
    (dt.datetime(2025, 8, 31, 23, 59), ON_TIME),   # the deadline day itself, late evening in Hà Nội
    (dt.datetime(2025, 9, 1, 0, 1), LATE),         # 17:01 UTC on 31/8, but already 1/9 in Vietnam
], ids=["deadline-day", "minute-after-midnight"])
def test_completed_on_the_deadline_day_is_on_time_in_vietnam_time(dbsession, people, reported_at, expected):
    task = factories.task(dbsession, deadline=DEADLINE)
    _complete(dbsession, task, people, reported_at, dt.datetime(2025, 9, 5, 9, 0))
    assert current_timeliness(task) == expected
    assert timeliness_as_of(dbsession, task, dt.date(2025, 9, 30)) == expected


def test_open_task_is_within_deadline_through_the_deadline_day_and_overdue_after(dbsession, people):
    clock.set_now(dt.datetime(2025, 6, 1, 8, 0))
    task = factories.task(dbsession, deadline=DEADLINE)
    assert current_timeliness(task, DEADLINE) == WITHIN
    assert current_timeliness(task, DEADLINE + dt.timedelta(days=1)) == OVERDUE
    assert timeliness_as_of(dbsession, task, DEADLINE) == WITHIN
    assert timeliness_as_of(dbsession, task, DEADLINE + dt.timedelta(days=1)) == OVERDUE


def test_ongoing_task_without_deadline_is_within_until_completed(dbsession, people):
    task = factories.task(dbsession, deadline=None)
    assert current_timeliness(task, dt.date(2030, 1, 1)) == WITHIN
    _complete(dbsession, task, people, dt.datetime(2025, 9, 1, 9, 0), dt.datetime(2025, 9, 2, 9, 0))
    assert current_timeliness(task) == ON_TIME


def test_awaiting_review_counts_open_by_the_reported_date(dbsession, people):
    """Reported on time, reviewed weeks later: it never turns overdue while waiting."""
    task = factories.task(dbsession, deadline=DEADLINE)
    _complete(dbsession, task, people, dt.datetime(2025, 8, 30, 9, 0))
    assert current_timeliness(task, dt.date(2025, 10, 1)) == WITHIN
    late = factories.task(dbsession, deadline=DEADLINE)
    _complete(dbsession, late, people, dt.datetime(2025, 9, 3, 9, 0))
    assert current_timeliness(late, dt.date(2025, 9, 4)) == OVERDUE
    assert classify("cancelled", DEADLINE, None, DEADLINE) is None


def test_status_and_timeliness_as_of_past_dates(dbsession, people):
    clock.set_now(dt.datetime(2025, 5, 26, 9, 0))
    task = factories.task(dbsession, deadline=dt.date(2025, 6, 30))
    clock.set_now(dt.datetime(2025, 6, 10, 9, 0))
    lifecycle.acknowledge(dbsession, task, people["canbo.sldtbxh"], expected_version=task.version)
    _complete(dbsession, task, people, dt.datetime(2025, 7, 3, 9, 0), dt.datetime(2025, 7, 10, 9, 0))

    assert status_as_of(dbsession, task, dt.date(2025, 5, 25)) is None  # not issued yet
    assert timeliness_as_of(dbsession, task, dt.date(2025, 5, 25)) is None
    assert status_as_of(dbsession, task, dt.date(2025, 6, 9)) == "assigned"
    assert status_as_of(dbsession, task, dt.date(2025, 6, 30)) == "acknowledged"
    assert timeliness_as_of(dbsession, task, dt.date(2025, 6, 30)) == WITHIN
    assert timeliness_as_of(dbsession, task, dt.date(2025, 7, 1)) == OVERDUE
    assert status_as_of(dbsession, task, dt.date(2025, 7, 5)) == "completion_reported"
    assert timeliness_as_of(dbsession, task, dt.date(2025, 7, 5)) == OVERDUE  # reported late, still in review
    assert timeliness_as_of(dbsession, task, dt.date(2025, 7, 10)) == LATE


def test_extension_keeps_the_original_deadline_and_applies_from_its_approval(dbsession, people):
    clock.set_now(dt.datetime(2025, 6, 1, 9, 0))
    task = factories.task(dbsession, deadline=dt.date(2025, 6, 30))
    extension = extensions.request_extension(dbsession, task, people["canbo.sldtbxh"], expected_version=task.version,
                                             proposed_deadline=dt.date(2025, 7, 31), reason="Chờ hướng dẫn của Bộ")
    with pytest.raises(lifecycle.NotAllowed):
        extensions.approve_extension(dbsession, task, people["chuyenvien"], expected_version=task.version, extension_id=extension.id)
    clock.set_now(dt.datetime(2025, 7, 5, 9, 0))
    extensions.approve_extension(dbsession, task, people["lanhdao"], expected_version=task.version, extension_id=extension.id)
    assert (task.original_deadline, task.deadline_in_force) == (dt.date(2025, 6, 30), dt.date(2025, 7, 31))
    from coordination.tasks.services import deadline_history

    history = deadline_history(dbsession, task)
    assert [(h.deadline_in_force, h.reason, h.extension_id) for h in history] == [
        (dt.date(2025, 6, 30), "original", None), (dt.date(2025, 7, 31), "extension", extension.id)]
    # on 3/7 the extension was not yet granted: the task was overdue then, and is within now
    assert timeliness_as_of(dbsession, task, dt.date(2025, 7, 3)) == OVERDUE
    assert timeliness_as_of(dbsession, task, dt.date(2025, 7, 6)) == WITHIN
    assert current_timeliness(task) == WITHIN


def test_counts_per_agency_now_and_as_of_a_past_date(dbsession, people):
    clock.set_now(dt.datetime(2025, 6, 1, 9, 0))
    directive = factories.directive(dbsession)
    on_time = factories.task(dbsession, directive_obj=directive, deadline=dt.date(2025, 6, 30))
    late = factories.task(dbsession, directive_obj=directive, deadline=dt.date(2025, 6, 30))
    factories.task(dbsession, directive_obj=directive, deadline=dt.date(2025, 6, 30))
    factories.task(dbsession, directive_obj=directive, lead="STC", coordinating=(), deadline=dt.date(2025, 12, 31))
    cancelled = factories.task(dbsession, directive_obj=directive, deadline=dt.date(2025, 6, 30))
    lifecycle.cancel(dbsession, cancelled, people["chuyenvien"], expected_version=cancelled.version, reason="Trùng")
    _complete(dbsession, on_time, people, dt.datetime(2025, 6, 30, 15, 0), dt.datetime(2025, 7, 2, 9, 0))
    _complete(dbsession, late, people, dt.datetime(2025, 7, 3, 9, 0), dt.datetime(2025, 7, 4, 9, 0))
    clock.set_now(dt.datetime(2025, 7, 20, 9, 0))
    sl, stc = factories.agency(dbsession, "SLDTBXH").id, factories.agency(dbsession, "STC").id

    now_counts = timeliness_counts(dbsession, directive_ids=[directive.id])
    assert now_counts[sl] == {ON_TIME: 1, LATE: 1, WITHIN: 0, OVERDUE: 1}
    assert now_counts[stc] == {ON_TIME: 0, LATE: 0, WITHIN: 1, OVERDUE: 0}
    # 30/6: nothing accepted yet; on_time reported that day (within), the others open and due that day
    assert timeliness_counts(dbsession, as_of=dt.date(2025, 6, 30), directive_ids=[directive.id])[sl] == {ON_TIME: 0, LATE: 0, WITHIN: 3, OVERDUE: 0}
    assert timeliness_counts(dbsession, as_of=dt.date(2025, 7, 3), directive_ids=[directive.id])[sl] == {ON_TIME: 1, LATE: 0, WITHIN: 0, OVERDUE: 2}
    # the history path and the current path agree on today
    history_today = timeliness_counts(dbsession, as_of=dt.date(2025, 7, 19), directive_ids=[directive.id])
    assert history_today[sl] == now_counts[sl]
    assert timeliness_counts(dbsession, as_of=dt.date(2025, 5, 31), directive_ids=[directive.id]) == {}
    assert set(timeliness_counts(dbsession, agency_ids=[stc], directive_ids=[directive.id])) == {stc}


def test_counts_leave_out_subtasks_when_asked(dbsession, people):
    clock.set_now(dt.datetime(2025, 6, 1, 9, 0))
    task = factories.task(dbsession, deadline=dt.date(2025, 8, 31))
    delegation.delegate(dbsession, task, people["giamdoc.sldtbxh"], expected_version=task.version, subtasks=[
        {"lead_agency": factories.agency(dbsession, "H-VANLAM"), "content": "Rà soát", "deadline": dt.date(2025, 8, 15)}])
    vanlam = factories.agency(dbsession, "H-VANLAM").id
    assert timeliness_counts(dbsession, directive_ids=[task.directive_id])[vanlam][WITHIN] == 1
    assert vanlam not in timeliness_counts(dbsession, directive_ids=[task.directive_id], top_level_only=True)
