"""What a sweep may leave out because an earlier one did it: the record of completed sweeps and the
queue of changed tasks.

After a completed sweep on day L, every notice sent by L (within its catch-up window) of every task
as it then was is in the outbox. A later sweep on day T therefore reads

* every task with a notice sent in (L, T] (on the same day L = T: none), by deadline date as ever;
* every task changed since (its id in ``reminder_changes``, written by database triggers), with the
  whole catch-up window;

and queues exactly what a full sweep would (which the tests compare). It reads everything again
when the earlier sweep is older than the catch-up window, when what the notices are computed from
besides the tasks changed (policy, holiday calendar, recipients, configured sources: the
``fingerprint``), or when too many tasks changed for reading them one by one to pay.

The record is written, and the changes taken, in the sweep's own transaction: a rolled-back sweep
leaves the changes for the next one and no record.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from .models import ReminderChange, SweepRun

# past this many changed tasks a full sweep (one index probe per deadline date) reads less
MAX_CHANGES = 20_000


def fingerprint(policy, calendar, directory, sources) -> str:
    """What the notices of a task depend on besides the task: equal fingerprints, equal notices."""
    digest = hashlib.sha256()
    for part in (repr(policy), sorted(calendar.holidays), sorted(calendar.working_days),
                 [f"{type(source).__module__}.{type(source).__qualname__}:{source.name}" for source in sources]):
        digest.update(repr(part).encode("utf-8"))
    digest.update(directory.fingerprint().encode("ascii"))
    return digest.hexdigest()


def take_changes(dbsession: Session) -> set[int] | None:
    """Empty the queue of changed tasks; their ids, or None if more than ``MAX_CHANGES`` (after a
    bulk load: the sweep reads everything, and a million ids are not worth fetching). Only rows
    committed before the DELETE are taken: a change committed during the sweep stays for the next."""
    table = ReminderChange.__table__
    if dbsession.scalar(select(func.count()).select_from(table)) > MAX_CHANGES:
        dbsession.execute(delete(table))
        return None
    return set(dbsession.execute(delete(table).returning(table.c.task_id)).scalars())


def last_run(dbsession: Session) -> SweepRun | None:
    return dbsession.scalar(select(SweepRun).order_by(SweepRun.id.desc()).limit(1))


def window_start(previous: SweepRun | None, today: dt.date, catch_up_days: int, mark: str,
                 changed: set[int] | None) -> dt.date | None:
    """The first sending day to read for every task: None for the whole catch-up window."""
    if previous is None or previous.fingerprint != mark or changed is None or len(changed) > MAX_CHANGES:
        return None
    if previous.day > today or previous.day < today - dt.timedelta(days=catch_up_days):
        return None  # swept "in the future" (a clock set back) or too long ago: read everything
    return previous.day + dt.timedelta(days=1)


def record_run(dbsession: Session, *, today: dt.date, at: dt.datetime, mark: str, start: dt.date | None,
               items: int, queued: int) -> None:
    dbsession.execute(insert(SweepRun.__table__).values(
        day=today, swept_at=at, fingerprint=mark, window_start=start, items=items, queued=queued,
    ))
