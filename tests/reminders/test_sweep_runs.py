"""Later sweeps read only what changed since the last completed one, and still queue what a full
sweep would (runs.py): each test ends by checking that a full sweep finds nothing more to queue."""

import datetime as dt

import pytest
from sqlalchemy import delete, func, select, text

from coordination.reminders.models import OutboxMessage, ReminderChange, SweepRun
from coordination.reminders.sweep import run_sweep
from coordination.tasks.models import ASSIGNED, COMPLETION_REPORTED, RETURNED

from .factories import add_user, agency, at, directive, holiday, task

D = dt.date
MONDAY = at("2026-12-14T08:00")
LATER = at("2026-12-14T15:00")
FAR = D(2027, 3, 1)  # no notice for months


def keys(dbsession) -> set[str]:
    return set(dbsession.scalars(select(OutboxMessage.dedup_key)))


def full_sweep_adds_nothing(dbsession, when) -> bool:
    """Forget the sweeps done, sweep everything again: what it would queue, the later sweeps missed."""
    before = keys(dbsession)
    dbsession.execute(delete(SweepRun))
    dbsession.flush()
    result = run_sweep(dbsession, {}, at=when)
    assert result.dates > 0  # it did read everything
    return result.queued == 0 and keys(dbsession) == before


def test_a_later_sweep_the_same_day_reads_nothing_when_nothing_changed(dbsession, demo):
    task(dbsession, deadline=D(2026, 12, 17))
    first = run_sweep(dbsession, {}, at=MONDAY)
    again = run_sweep(dbsession, {}, at=LATER)
    assert (first.items, first.queued) == (1, 1)
    assert (again.dates, again.items, again.queued) == (0, 0, 0)
    assert [run.day for run in dbsession.scalars(select(SweepRun).order_by(SweepRun.id))] == [MONDAY.date()] * 2
    assert dbsession.scalar(select(func.count()).select_from(ReminderChange)) == 0
    assert full_sweep_adds_nothing(dbsession, LATER)


def test_a_later_sweep_queues_what_an_extension_a_new_task_or_a_reopening_made_due(dbsession, demo):
    extended = task(dbsession, deadline=FAR)
    reported = task(dbsession, deadline=D(2026, 12, 13), status=COMPLETION_REPORTED)  # overdue, but not open
    run_sweep(dbsession, {}, at=MONDAY)
    assert keys(dbsession) == set()
    extended.deadline_in_force = D(2026, 12, 17)   # 3 days ahead: a "before" notice today
    reported.status = RETURNED                      # returned for rework: overdue notices again
    added = task(dbsession, deadline=D(2026, 12, 15), created_at=None)  # issued today, due tomorrow
    dbsession.flush()
    again = run_sweep(dbsession, {}, at=LATER)
    assert again.dates == 0 and again.items == 3
    assert {(key.split(":")[1], key.split(":")[2]) for key in keys(dbsession)} == {
        (str(extended.id), "before"), (str(reported.id), "overdue"), (str(added.id), "before"),
    }
    assert full_sweep_adds_nothing(dbsession, LATER)


def test_a_coordinator_added_later_is_reminded_the_same_day(dbsession, demo):
    # deadline Tuesday 22: contributions expected by Thursday 17, reminded 3 days before (Monday 14)
    shared = task(dbsession, deadline=D(2026, 12, 22))
    run_sweep(dbsession, {}, at=MONDAY)
    assert keys(dbsession) == set()
    shared.coordinating_agencies = [agency(dbsession, "STC")]
    dbsession.flush()
    assert run_sweep(dbsession, {}, at=LATER).queued == 1
    assert full_sweep_adds_nothing(dbsession, LATER)


def test_a_changed_signer_is_escalated_to_by_the_next_sweep(dbsession, demo):
    add_user(dbsession, "lanhdao2", "UBND", ["leader"], full_name="Trần Quốc Văn")
    order = directive(dbsession)
    task(dbsession, deadline=D(2026, 12, 6), lead="STC", of=order)  # 8 days overdue: escalation
    run_sweep(dbsession, {}, at=MONDAY)
    # issued directives are immutable to the application; a correction by an administrator in SQL
    dbsession.execute(text("UPDATE directives SET signer_name = :name WHERE id = :id"), {"name": "Trần Quốc Văn", "id": order.id})
    again = run_sweep(dbsession, {}, at=LATER)
    assert again.items == 1 and again.by_kind == {"escalation": 1}
    assert full_sweep_adds_nothing(dbsession, LATER)


def test_changes_that_touch_no_reminder_are_not_queued_and_raw_sql_is_seen(dbsession, demo):
    quiet = task(dbsession, deadline=FAR)
    run_sweep(dbsession, {}, at=MONDAY)
    quiet.content = "Nội dung sửa lại"
    dbsession.flush()
    assert dbsession.scalar(select(func.count()).select_from(ReminderChange)) == 0
    # whoever writes the task (bulk SQL, psql): the trigger sees it
    dbsession.execute(text("UPDATE tasks SET deadline_in_force = :day WHERE id = :id"), {"day": D(2026, 12, 17), "id": quiet.id})
    assert set(dbsession.scalars(select(ReminderChange.task_id))) == {quiet.id}
    assert run_sweep(dbsession, {}, at=LATER).queued == 1
    assert full_sweep_adds_nothing(dbsession, LATER)


def test_the_next_day_reads_only_its_own_sending_day(dbsession, demo):
    task(dbsession, deadline=D(2026, 12, 17))   # Monday 14: 3 days before; Wednesday 16: 1 day before
    task(dbsession, deadline=D(2026, 12, 10))   # overdue: Friday 11 (1 day), Friday 18 (8 days)
    monday = run_sweep(dbsession, {}, at=MONDAY)
    tuesday = run_sweep(dbsession, {}, at=at("2026-12-15T08:00"))
    assert 0 < tuesday.dates < monday.dates and tuesday.items == 0
    wednesday = run_sweep(dbsession, {}, at=at("2026-12-16T08:00"))
    assert wednesday.items == 1 and wednesday.by_kind == {"before": 1}
    assert full_sweep_adds_nothing(dbsession, at("2026-12-16T09:00"))


def whole_window(dbsession, when) -> int:
    from coordination.reminders.holidays import load_calendar
    from coordination.reminders.policy import ReminderPolicy, candidate_deadlines

    today = when.date()
    return len(candidate_deadlines(today, ReminderPolicy(), load_calendar(dbsession, today, today)))


def test_after_a_weekend_only_the_days_not_swept_are_read_and_too_long_ago_means_everything(dbsession, demo):
    task(dbsession, deadline=D(2026, 12, 16))  # 3 days before: Sunday 13, sent on Friday 11
    friday = run_sweep(dbsession, {}, at=at("2026-12-11T08:00"))
    assert friday.queued == 1 and friday.dates == whole_window(dbsession, at("2026-12-11T08:00"))
    monday = run_sweep(dbsession, {}, at=MONDAY)  # Saturday, Sunday and Monday are read; not Friday
    assert 0 < monday.dates < whole_window(dbsession, MONDAY) and monday.items == 0
    assert full_sweep_adds_nothing(dbsession, MONDAY)
    late = at("2026-12-24T08:00")  # ten days later: beyond the catch-up window
    assert run_sweep(dbsession, {}, at=late).dates == whole_window(dbsession, late)


def test_new_recipients_holidays_or_settings_make_the_next_sweep_read_everything(dbsession, demo):
    task(dbsession, deadline=D(2026, 12, 17))
    run_sweep(dbsession, {}, at=MONDAY)
    add_user(dbsession, "canbo2.sldtbxh", "SLDTBXH", ["agency_officer"])
    officer = run_sweep(dbsession, {}, at=LATER)
    assert officer.items == 1 and officer.queued == 1   # the new officer gets today's reminder
    assert run_sweep(dbsession, {}, at=LATER).items == 0
    holiday(dbsession, D(2027, 1, 1), "Tết Dương lịch")
    assert run_sweep(dbsession, {}, at=LATER).items == 1
    assert run_sweep(dbsession, {"reminders.before_days": "7 3 2"}, at=LATER).items == 1
    assert full_sweep_adds_nothing(dbsession, LATER)


def test_a_rolled_back_sweep_leaves_the_changes_for_the_next_one(dbsession, demo):
    moved = task(dbsession, deadline=FAR)
    run_sweep(dbsession, {}, at=MONDAY)
    moved.deadline_in_force = D(2026, 12, 17)
    dbsession.flush()
    savepoint = dbsession.begin_nested()
    assert run_sweep(dbsession, {}, at=LATER).queued == 1
    savepoint.rollback()
    assert keys(dbsession) == set()
    assert dbsession.scalar(select(func.count()).select_from(SweepRun)) == 1
    assert set(dbsession.scalars(select(ReminderChange.task_id))) == {moved.id}
    assert run_sweep(dbsession, {}, at=LATER).queued == 1


def test_too_many_changes_are_read_by_a_full_sweep(dbsession, demo, monkeypatch):
    from coordination.reminders import runs

    monkeypatch.setattr(runs, "MAX_CHANGES", 1)
    task(dbsession, deadline=D(2026, 12, 17))
    run_sweep(dbsession, {}, at=MONDAY)
    task(dbsession, deadline=FAR)
    assert run_sweep(dbsession, {}, at=LATER).dates == 0
    task(dbsession, deadline=FAR)
    task(dbsession, deadline=FAR, status=ASSIGNED)
    assert run_sweep(dbsession, {}, at=LATER).dates > 0
    assert dbsession.scalar(select(func.count()).select_from(ReminderChange)) == 0  # taken all the same
    assert run_sweep(dbsession, {}, at=LATER).dates == 0


class Meddler:
    """A source that reads nothing but, while the sweep reads, has someone else move a deadline."""

    name = "meddler"
    move: tuple | None = None  # (engine, task id, new deadline)

    def due_items(self, dbsession, deadlines):
        if Meddler.move:
            engine, task_id, day = Meddler.move
            Meddler.move = None
            with engine.begin() as other:
                other.execute(text("UPDATE tasks SET deadline_in_force = :day WHERE id = :id"), {"day": day, "id": task_id})
        return []

    def still_due(self, dbsession, ids):
        return {}


def test_a_change_committed_while_a_sweep_reads_is_left_for_the_next_sweep(live, backend, monkeypatch):
    if backend != "postgresql":
        pytest.skip("SQLite has one writer at a time: nothing commits while a sweep holds the queue")
    from coordination.reminders.sources import TaskSource

    sources = [TaskSource(), Meddler()]
    with live.session() as session:
        moved = task(session, deadline=FAR).id
    with live.session() as session:
        run_sweep(session, live.settings, at=MONDAY, sources=sources)
    monkeypatch.setattr(Meddler, "move", (live.engine, moved, D(2026, 12, 17)))
    with live.session() as session:
        racing = run_sweep(session, live.settings, at=LATER, sources=sources)
    assert Meddler.move is None and racing.queued == 0  # the change came after the sweep had read
    with live.session() as session:
        assert run_sweep(session, live.settings, at=LATER, sources=sources).queued == 1


def test_coordinators_written_together_queue_their_task_once(dbsession, demo):
    """On PostgreSQL a statement inserting or deleting several coordinators of a task queues it
    once (migration 0015); SQLite's row triggers queue it per row. Either way the sweep reads a set."""
    from coordination.tasks.models import task_coordinators

    made = task(dbsession, deadline=D(2026, 12, 31))
    postgresql = dbsession.get_bind().dialect.name == "postgresql"
    dbsession.execute(text("DELETE FROM reminder_changes"))
    agencies = [agency(dbsession, code).id for code in ("STC", "SYT", "SKHDT")]
    dbsession.execute(task_coordinators.insert().values([{"task_id": made.id, "agency_id": a} for a in agencies]))  # one statement
    queued = list(dbsession.scalars(select(ReminderChange.task_id)))
    assert set(queued) == {made.id} and len(queued) == (1 if postgresql else 3)
    dbsession.execute(text("DELETE FROM reminder_changes"))
    dbsession.execute(task_coordinators.delete().where(task_coordinators.c.task_id == made.id))
    queued = list(dbsession.scalars(select(ReminderChange.task_id)))
    assert set(queued) == {made.id} and len(queued) == (1 if postgresql else 3)
