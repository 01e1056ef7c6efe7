"""Recurring tasks are reminded per occurrence: this year's report apart from last year's."""

import datetime as dt

from sqlalchemy import select

from coordination.reminders.models import OutboxMessage
from coordination.reminders.sources import create_occurrences, load_sources
from coordination.reminders.sweep import run_sweep
from coordination.tasks.models import COMPLETED, RECURRING, TaskOccurrence

from .factories import at, task

D = dt.date
SETTINGS = {"reminders.sources": "coordination.reminders.sources:TaskSource coordination.reminders.sources:OccurrenceSource"}


def _yearly(dbsession):
    made = task(dbsession, deadline=None, kind=RECURRING)
    made.rrule = "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15"
    made.rrule_start = D(2025, 1, 1)
    dbsession.flush()
    return made


def test_the_occurrence_not_the_task_is_reminded_and_only_once(dbsession, demo):
    yearly = _yearly(dbsession)
    created = create_occurrences(dbsession, D(2026, 12, 1))
    assert [o.due_on for o in created] == [D(2025, 12, 15), D(2026, 12, 15)]
    assert create_occurrences(dbsession, D(2026, 12, 1)) == []  # idempotent
    occurrence_2025 = dbsession.scalar(select(TaskOccurrence).where(TaskOccurrence.due_on == D(2025, 12, 15)))
    occurrence_2025.status = COMPLETED  # last year's report was done
    dbsession.flush()
    # Tuesday 8/12/2026 is 7 days before 15/12/2026
    run_sweep(dbsession, SETTINGS, at=at("2026-12-08T08:00"))
    queued = dbsession.scalars(select(OutboxMessage)).all()
    assert queued, "the open occurrence is reminded"
    assert {(m.kind, m.threshold, m.due_on) for m in queued} == {("before", 7, D(2026, 12, 15))}
    occurrence_2026 = dbsession.scalar(select(TaskOccurrence).where(TaskOccurrence.due_on == D(2026, 12, 15)))
    assert {m.occurrence_id for m in queued} == {occurrence_2026.id}
    assert {m.task_id for m in queued} == {yearly.id}
    assert all(m.dedup_key.startswith(f"occurrence:{occurrence_2026.id}:") for m in queued)
    run_sweep(dbsession, SETTINGS, at=at("2026-12-08T15:00"))
    assert len(dbsession.scalars(select(OutboxMessage)).all()) == len(queued)


def test_a_completed_occurrence_gets_no_reminder(dbsession, demo):
    _yearly(dbsession)
    create_occurrences(dbsession, D(2026, 12, 1))
    for occurrence in dbsession.scalars(select(TaskOccurrence)):
        occurrence.status = COMPLETED
    dbsession.flush()
    run_sweep(dbsession, SETTINGS, at=at("2026-12-08T08:00"))
    assert dbsession.scalars(select(OutboxMessage)).all() == []


def test_the_default_sources_include_occurrences():
    assert [source.name for source in load_sources({})] == ["task", "occurrence"]
