"""The reminder schedule as pure functions: thresholds, working-day shifts, catch-up, the date set."""

import datetime as dt
import random

import pytest

from coordination.reminders.policy import (
    BEFORE, COORDINATING, DUE, OVERDUE, ReminderPolicy, WorkingCalendar, candidate_deadlines, describe_delay,
    earliest_scheduled, notices_due,
)

D = dt.date
POLICY = ReminderPolicy()
NO_HOLIDAYS = WorkingCalendar()


def simulate(deadline, first, last, *, calendar=NO_HOLIDAYS, policy=POLICY, since=None, skip=(), coordinating=False):
    """Run a daily sweep from ``first`` to ``last`` (except the days in ``skip``); the outbox's unique
    key is played by a set. Returns {day: [(kind, threshold), ...]} of what each day queued."""
    queued, sent_on = set(), {}
    day = first
    while day <= last:
        if day not in skip:
            for notice in notices_due(deadline, day, policy, calendar, since=since, coordinating=coordinating):
                key = (notice.kind, notice.threshold)
                if key not in queued:
                    queued.add(key)
                    sent_on.setdefault(day, []).append(key)
        day += dt.timedelta(days=1)
    return sent_on


def test_each_threshold_fires_on_its_day_and_only_then():
    deadline = D(2026, 12, 16)  # a Wednesday
    assert deadline.weekday() == 2
    sent = simulate(deadline, D(2026, 12, 1), D(2027, 1, 10))
    assert sent == {
        D(2026, 12, 9): [(BEFORE, 7)],    # Wednesday, 7 days before
        D(2026, 12, 11): [(BEFORE, 3)],   # D-3 is Sunday 13/12: sent the Friday before
        D(2026, 12, 15): [(BEFORE, 1)],
        D(2026, 12, 16): [(DUE, 0)],
        D(2026, 12, 17): [(OVERDUE, 1)],
        D(2026, 12, 24): [(OVERDUE, 8)],
        D(2026, 12, 31): [(OVERDUE, 15)],
        D(2027, 1, 7): [(OVERDUE, 22)],
    }


def test_the_day_before_a_threshold_and_the_day_after_queue_nothing_new():
    deadline = D(2026, 12, 16)
    for day in (D(2026, 12, 8), D(2026, 12, 10)):
        # a sweep on these days alone (first run ever) finds nothing (8th) or only the 7-day notice
        # caught up (10th): never the 3-day one early
        kinds = [(n.kind, n.threshold) for n in notices_due(deadline, day, POLICY, NO_HOLIDAYS)]
        assert kinds == ([] if day.day == 8 else [(BEFORE, 7)])


def test_friday_sends_the_reminders_scheduled_for_the_weekend():
    deadline = D(2026, 12, 14)  # Monday: D-1 is Sunday, D-3 is Friday
    notices = notices_due(deadline, D(2026, 12, 11), POLICY, NO_HOLIDAYS)
    # both fall on Friday: one mail, the more urgent
    assert [(n.kind, n.threshold, n.send_on) for n in notices] == [(BEFORE, 1, D(2026, 12, 11))]
    # and the due-day reminder of a deadline on a Sunday goes out on the Friday
    sunday = D(2026, 12, 13)
    assert [(n.kind, n.threshold) for n in notices_due(sunday, D(2026, 12, 11), POLICY, NO_HOLIDAYS)] == [(DUE, 0)]


def test_tet_moves_reminders_to_the_last_working_day_before_the_holiday():
    tet = WorkingCalendar(holidays=frozenset(D(2027, 2, 8) + dt.timedelta(days=i) for i in range(5)))  # Mon–Fri
    deadline = D(2027, 2, 16)  # Tuesday after Tết
    sent = simulate(deadline, D(2027, 1, 25), D(2027, 2, 20), calendar=tet)
    # D-7 (Tue 9/2, holiday) and D-3 (Sat 13/2) both shift to Friday 5/2: the more urgent one is sent
    assert sent[D(2027, 2, 5)] == [(BEFORE, 3)]
    assert sent[D(2027, 2, 15)] == [(BEFORE, 1)]
    assert not any(D(2027, 2, 6) <= day <= D(2027, 2, 14) for day in sent)


def test_a_make_up_working_saturday_is_a_working_day():
    saturday = D(2027, 2, 20)
    calendar = WorkingCalendar(working_days=frozenset({saturday}))
    deadline = saturday + dt.timedelta(days=3)
    notices = notices_due(deadline, saturday, POLICY, calendar)
    assert [(n.kind, n.threshold, n.send_on) for n in notices] == [(BEFORE, 3, saturday)]


def test_an_overdue_notice_falling_on_a_weekend_is_sent_the_next_working_day():
    friday = D(2026, 12, 18)
    sent = simulate(friday, D(2026, 12, 18), D(2026, 12, 22))
    assert sent == {D(2026, 12, 18): [(DUE, 0)], D(2026, 12, 21): [(OVERDUE, 1)]}


def test_a_missed_sweep_is_caught_up_once_with_the_latest_notice_only():
    deadline = D(2026, 12, 16)
    # scheduler down from Tuesday 8 to Thursday 10: the 7-day reminder of Wednesday 9 would be caught up
    # on the first sweep back (Friday 11), but that day's 3-day reminder supersedes it: one mail
    sent = simulate(deadline, D(2026, 12, 1), D(2026, 12, 20), skip={D(2026, 12, 8), D(2026, 12, 9), D(2026, 12, 10)})
    assert sent[D(2026, 12, 11)] == [(BEFORE, 3)]
    assert (BEFORE, 7) not in [key for keys in sent.values() for key in keys]
    # down only on the 9th: the 7-day reminder is sent late on the 10th, once
    sent = simulate(deadline, D(2026, 12, 1), D(2026, 12, 20), skip={D(2026, 12, 9)})
    assert sent[D(2026, 12, 10)] == [(BEFORE, 7)]
    assert sum(len(keys) for keys in sent.values()) == 5


def test_reminders_scheduled_before_the_task_existed_are_not_caught_up():
    deadline = D(2026, 12, 16)
    created = D(2026, 12, 10)  # the 7-day reminder was due yesterday, before the task existed
    assert notices_due(deadline, created, POLICY, NO_HOLIDAYS, since=created) == []
    assert [n.threshold for n in notices_due(deadline, created, POLICY, NO_HOLIDAYS)] == [7]


def test_coordinating_agencies_are_reminded_before_the_contribution_date():
    deadline = D(2026, 12, 21)  # Monday; contribution expected by Wednesday 16, reminder Sunday 13 → Friday 11
    assert POLICY.contribution_date(deadline) == D(2026, 12, 16)
    sent = simulate(deadline, D(2026, 12, 1), D(2026, 12, 20), coordinating=True)
    assert sent[D(2026, 12, 11)] == [(COORDINATING, 3)]
    assert [key for keys in sent.values() for key in keys].count((COORDINATING, 3)) == 1
    # without coordinating agencies nothing of the kind
    assert (COORDINATING, 3) not in [k for keys in simulate(deadline, D(2026, 12, 1), D(2026, 12, 20)).values() for k in keys]


def test_the_sweep_date_set_covers_every_deadline_with_a_notice_due():
    rng = random.Random(20261214)
    holidays = frozenset(D(2026, 12, 1) + dt.timedelta(days=rng.randrange(120)) for _ in range(15))
    calendar = WorkingCalendar(holidays=holidays, working_days=frozenset({D(2027, 1, 9)}))
    policy = ReminderPolicy(overdue_max_days=400)
    for offset in range(0, 90):
        today = D(2026, 12, 1) + dt.timedelta(days=offset)
        dates = candidate_deadlines(today, policy, calendar)
        for delta in range(-450, 60):
            deadline = today + dt.timedelta(days=delta)
            notices = notices_due(deadline, today, policy, calendar, coordinating=True)
            if notices:
                assert deadline in dates, (today, deadline)
                assert all(n.scheduled_on >= earliest_scheduled(today, policy) for n in notices)


def test_the_sweep_date_set_stays_small():
    dates = candidate_deadlines(D(2026, 12, 14), POLICY, NO_HOLIDAYS)
    # a few weekly dates per year of the overdue horizon, plus a few dozen around today
    assert len(dates) < 4 * (POLICY.overdue_max_days // 7) + 100
    assert D(2026, 12, 21) in dates and D(2026, 12, 13) in dates


def test_policy_from_settings():
    policy = ReminderPolicy.from_settings({
        "reminders.before_days": "10 5 2", "reminders.overdue_repeat_days": "3",
        "reminders.escalate_after_days": "5", "reminders.coordinating_before_days": "2 1",
    })
    assert policy.before_days == (10, 5, 2)
    assert policy.overdue_repeat_days == 3
    assert policy.escalates(5) and not policy.escalates(4)
    assert policy.coordinating_before_days == (2, 1)
    assert ReminderPolicy.from_settings({}) == ReminderPolicy()
    with pytest.raises(ValueError):
        ReminderPolicy.from_settings({"reminders.catch_up_days": "-1"})


def test_configured_thresholds_are_followed():
    policy = ReminderPolicy(before_days=(10, 5), overdue_repeat_days=3)
    sent = simulate(D(2026, 12, 16), D(2026, 12, 1), D(2026, 12, 24), policy=policy)
    assert sorted(k for keys in sent.values() for k in keys) == sorted(
        [(BEFORE, 10), (BEFORE, 5), (DUE, 0), (OVERDUE, 1), (OVERDUE, 4), (OVERDUE, 7)]
    )


def test_delay_is_described_in_vietnamese():
    today = D(2026, 12, 14)
    assert describe_delay(D(2026, 12, 17), today) == "còn 3 ngày"
    assert describe_delay(today, today) == "đến hạn hôm nay"
    assert describe_delay(D(2026, 12, 6), today) == "quá hạn 8 ngày"
