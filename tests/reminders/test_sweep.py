"""The sweep queues exactly the notices due, to the right people, once."""

import datetime as dt

from sqlalchemy import select

from coordination import clock

from coordination.reminders.models import HELD, PENDING, OutboxMessage
from coordination.reminders.sources import DueItem, TaskSource, obsolete_messages
from coordination.reminders.sweep import run_sweep
from coordination.tasks.models import (
    ACKNOWLEDGED, CANCELLED, COMPLETED, COMPLETION_REPORTED, IN_PROGRESS, RECURRING, RETURNED,
)

from .factories import add_user, agency, at, holiday, task, user

D = dt.date
MONDAY = at("2026-12-14T08:00")


def rows(dbsession):
    return dbsession.scalars(select(OutboxMessage).order_by(OutboxMessage.kind, OutboxMessage.to_address)).all()


def summary(dbsession):
    return [(r.kind, r.threshold, r.to_address, r.status) for r in rows(dbsession)]


def test_a_reminder_is_queued_on_its_threshold_for_the_lead_agencys_officers(dbsession, demo):
    due = task(dbsession, deadline=D(2026, 12, 17))  # Thursday: D-3 is Monday 14
    result = run_sweep(dbsession, {}, at=MONDAY)
    assert summary(dbsession) == [("before", 3, "canbo.sldtbxh@hungyen.gov.vn", PENDING)]
    row = rows(dbsession)[0]
    officer = user(dbsession, "canbo.sldtbxh")
    assert row.dedup_key == f"task:{due.id}:before:3:2026-12-17:u{officer.id}"
    assert (row.task_id, row.due_on, row.recipient_user_id, row.subject) == (due.id, D(2026, 12, 17), officer.id, None)
    assert result.queued == 1 and result.by_kind == {"before": 1}


def test_the_seven_day_threshold_at_its_boundaries_with_a_frozen_clock(dbsession, demo):
    task(dbsession, deadline=D(2026, 12, 23))  # Wednesday: 7 days before is Wednesday 16
    for moment, expected in (
        ("2026-12-15T23:59", []),                 # the day before: nothing
        ("2026-12-16T06:59", []),                 # the day itself, before 07:00: nothing yet
        ("2026-12-16T07:00", [("before", 7)]),
        ("2026-12-16T18:00", [("before", 7)]),    # later that day: nothing new
        ("2026-12-17T08:00", [("before", 7)]),
    ):
        with clock.frozen(dt.datetime.fromisoformat(moment)):
            run_sweep(dbsession, {})
        assert [(r.kind, r.threshold) for r in rows(dbsession)] == expected, moment


def test_running_the_sweep_twice_queues_nothing_twice(dbsession, demo):
    task(dbsession, deadline=D(2026, 12, 17))
    task(dbsession, deadline=D(2026, 12, 13))  # overdue 1 day (Sunday deadline, Monday notice)
    first = run_sweep(dbsession, {}, at=MONDAY)
    again = run_sweep(dbsession, {}, at=at("2026-12-14T15:00"))
    assert first.queued == 3 and again.queued == 0
    assert first.notices == 2
    assert again.items == again.notices == 0  # nothing changed since: nothing read again (runs.py)
    assert len(rows(dbsession)) == 3


def test_nothing_for_completed_cancelled_or_completion_reported_tasks(dbsession, demo):
    for status in (COMPLETED, CANCELLED, COMPLETION_REPORTED):
        task(dbsession, deadline=D(2026, 12, 17), status=status)
        task(dbsession, deadline=D(2026, 12, 13), status=status)
    assert run_sweep(dbsession, {}, at=MONDAY).items == 0
    assert rows(dbsession) == []
    for status in (ACKNOWLEDGED, IN_PROGRESS, RETURNED):
        task(dbsession, deadline=D(2026, 12, 17), status=status)
    assert run_sweep(dbsession, {}, at=MONDAY).queued == 3


def test_overdue_notices_reach_the_agency_head_and_escalate_after_seven_days(dbsession, demo):
    task(dbsession, deadline=D(2026, 12, 13), lead="SLDTBXH")   # 1 day overdue on Monday 14
    task(dbsession, deadline=D(2026, 12, 6), lead="STC")        # 8 days overdue: escalation
    run_sweep(dbsession, {}, at=MONDAY)
    assert summary(dbsession) == [
        # the issuing office (the clerk of VP-UBND under UBND) and the leader who signed (by name)
        ("escalation", 8, "chuyenvien@hungyen.gov.vn", PENDING),
        ("escalation", 8, "lanhdao@hungyen.gov.vn", PENDING),
        ("overdue", 1, "canbo.sldtbxh@hungyen.gov.vn", PENDING),
        ("overdue", 8, "canbo.stc@hungyen.gov.vn", PENDING),
        ("overdue", 1, "giamdoc.sldtbxh@hungyen.gov.vn", PENDING),
    ]


def test_escalation_reaches_the_signer_of_the_issuing_committee_not_a_namesake_elsewhere(dbsession, demo):
    """Two provinces in one database: the other People's Committee's leader bears the signer's name."""
    from coordination.organizations.models import Agency

    home = agency(dbsession, "UBND")
    other = Agency(code="UBND-TB", name="Ủy ban nhân dân tỉnh Thái Bình", short_name="UBND tỉnh Thái Bình",
                   kind_id=home.kind_id, name_key="uy ban nhan dan tinh thai binh")
    dbsession.add(other)
    dbsession.flush()
    signer = user(dbsession, "lanhdao")
    add_user(dbsession, "lanhdao.tb", "UBND-TB", ["leader"], full_name=signer.full_name)
    task(dbsession, deadline=D(2026, 12, 6), lead="STC")  # 8 days overdue: escalation
    run_sweep(dbsession, {}, at=MONDAY)
    escalated = sorted(r.to_address for r in rows(dbsession) if r.kind == "escalation")
    assert escalated == ["chuyenvien@hungyen.gov.vn", "lanhdao@hungyen.gov.vn"]


def test_coordinating_agencies_are_reminded_of_the_contribution_date(dbsession, demo):
    # deadline Tuesday 22: contributions expected by Thursday 17, reminded 3 days before (Monday 14)
    task(dbsession, deadline=D(2026, 12, 22), coordinating=("STC", "H-VANLAM"))
    run_sweep(dbsession, {}, at=MONDAY)
    assert summary(dbsession) == [
        ("coordinating", 3, "canbo.stc@hungyen.gov.vn", PENDING),
        ("coordinating", 3, "canbo.vanlam@hungyen.gov.vn", PENDING),
    ]
    assert {r.recipient_agency_id for r in rows(dbsession)} == {agency(dbsession, "STC").id, agency(dbsession, "H-VANLAM").id}


def test_a_user_who_chose_the_daily_digest_gets_reminders_held_but_overdue_notices_at_once(dbsession, demo):
    user(dbsession, "canbo.sldtbxh").notification_mode = "digest"
    task(dbsession, deadline=D(2026, 12, 17))
    task(dbsession, deadline=D(2026, 12, 13))
    run_sweep(dbsession, {}, at=MONDAY)
    assert summary(dbsession) == [
        ("before", 3, "canbo.sldtbxh@hungyen.gov.vn", HELD),
        ("overdue", 1, "canbo.sldtbxh@hungyen.gov.vn", PENDING),
        ("overdue", 1, "giamdoc.sldtbxh@hungyen.gov.vn", PENDING),
    ]


def test_an_agency_with_nobody_registered_is_written_to_at_its_own_address(dbsession, demo):
    sttt = agency(dbsession, "STTTT")
    task(dbsession, deadline=D(2026, 12, 17), lead="STTTT")
    run_sweep(dbsession, {}, at=MONDAY)
    assert summary(dbsession) == [("before", 3, "stttt@hungyen.gov.vn", PENDING)]
    assert rows(dbsession)[0].dedup_key.endswith(f":a{sttt.id}")


def test_officers_without_an_address_or_inactive_are_skipped_and_the_head_steps_in(dbsession, demo):
    officer = user(dbsession, "canbo.sldtbxh")
    officer.active = False
    add_user(dbsession, "canbo2.sldtbxh", "SLDTBXH", ["agency_officer"], email=None)
    task(dbsession, deadline=D(2026, 12, 17))
    run_sweep(dbsession, {}, at=MONDAY)
    assert summary(dbsession) == [("before", 3, "giamdoc.sldtbxh@hungyen.gov.vn", PENDING)]


def test_the_sweep_reads_only_the_tasks_that_are_due(dbsession, demo):
    # none of these has a notice on Monday 14 (nor one to catch up from the days before)
    for offset in range(40):
        task(dbsession, deadline=D(2027, 1, 5) + dt.timedelta(days=offset))
    for deadline in (D(2026, 12, 1), D(2026, 12, 2), D(2026, 11, 25)):
        task(dbsession, deadline=deadline)
    task(dbsession, deadline=D(2026, 12, 17))
    result = run_sweep(dbsession, {}, at=MONDAY)
    assert result.items == 1 and result.queued == 1


def test_a_holiday_moves_a_reminder_to_the_previous_working_day(dbsession, demo):
    holiday(dbsession, D(2026, 12, 15), "Ngày nghỉ thử")  # Tuesday
    task(dbsession, deadline=D(2026, 12, 16))  # the 1-day reminder falls on the holiday
    run_sweep(dbsession, {}, at=at("2026-12-11T08:00"))  # Friday: the 3-day reminder (Sunday 13)
    run_sweep(dbsession, {}, at=MONDAY)
    assert sorted((r.threshold, r.created_at.date()) for r in rows(dbsession)) == [
        (1, D(2026, 12, 14)), (3, D(2026, 12, 11)),
    ]


def test_nothing_is_queued_at_night(dbsession, demo):
    task(dbsession, deadline=D(2026, 12, 17))
    result = run_sweep(dbsession, {}, at=at("2026-12-14T06:30"))
    assert result.skipped and rows(dbsession) == []
    assert run_sweep(dbsession, {"reminders.send_from_hour": "0"}, at=at("2026-12-14T06:30")).queued == 1


def test_an_extension_makes_queued_notices_obsolete_and_moves_the_schedule(dbsession, demo):
    extended = task(dbsession, deadline=D(2026, 12, 17))
    run_sweep(dbsession, {}, at=MONDAY)
    queued = rows(dbsession)
    assert obsolete_messages(dbsession, queued, [TaskSource()]) == {}
    extended.deadline_in_force = D(2026, 12, 28)
    dbsession.flush()
    assert list(obsolete_messages(dbsession, queued, [TaskSource()]).values()) == [
        "hạn đã thay đổi từ 17/12/2026 sang 28/12/2026"
    ]
    run_sweep(dbsession, {}, at=at("2026-12-21T08:00"))  # 7 days before the new deadline
    assert [(r.threshold, r.due_on) for r in rows(dbsession)] == [(3, D(2026, 12, 17)), (7, D(2026, 12, 28))]
    extended.status = COMPLETED
    dbsession.flush()
    assert set(obsolete_messages(dbsession, rows(dbsession), [TaskSource()]).values()) == {
        "nhiệm vụ đã hoàn thành, đã báo cáo hoàn thành hoặc đã hủy"
    }


class FakeOccurrences:
    """Stands for the lifecycle's occurrences of recurring tasks (the second source of due items)."""

    name = "occurrence"
    items: list = []

    def due_items(self, dbsession, deadlines):
        return [item for item in self.items if item.deadline in deadlines]

    def still_due(self, dbsession, ids):
        return {item.id: item.deadline for item in self.items if item.id in ids}


def test_recurring_tasks_are_reminded_per_occurrence_through_a_second_source(dbsession, demo, monkeypatch):
    recurring = task(dbsession, deadline=D(2026, 12, 17), kind=RECURRING, content="Báo cáo định kỳ hằng tháng")
    assert run_sweep(dbsession, {}, at=MONDAY).items == 0  # the task source leaves recurring tasks alone
    monkeypatch.setattr(FakeOccurrences, "items", [
        DueItem("occurrence", 501, recurring.id, D(2026, 12, 17), recurring.lead_agency_id, recurring.directive_id),
        DueItem("occurrence", 502, recurring.id, D(2027, 1, 17), recurring.lead_agency_id, recurring.directive_id),
    ])
    settings = {"reminders.sources": "coordination.reminders.sources:TaskSource tests.reminders.test_sweep:FakeOccurrences"}
    result = run_sweep(dbsession, settings, at=MONDAY)
    assert result.items == 1
    [row] = rows(dbsession)
    assert (row.kind, row.threshold, row.occurrence_id, row.task_id) == ("before", 3, 501, recurring.id)
    assert row.dedup_key.startswith("occurrence:501:before:3:2026-12-17:")
    assert obsolete_messages(dbsession, [row], [FakeOccurrences()]) == {}
    assert obsolete_messages(dbsession, [row], [TaskSource()])  # no occurrence source: not sent blind
