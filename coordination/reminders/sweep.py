"""The deadline sweep: decide which reminders are due now and queue them in the outbox.

It reads only what is due. From today and the policy it computes the set of deadline dates that
can have a notice today (working-day shifts, catch-up window and the overdue ladder included: a few
dozen dates plus one per week of the overdue horizon), then asks each source for the open items
with those deadlines (``deadline_in_force IN (...)``, served by the index on (deadline_in_force,
status)). Each item is then classified exactly by ``policy.notices_due``.

A later sweep reads less (``runs.py``): only the sending days since the last completed sweep, and
the tasks changed since (a queue the database triggers fill); the same day, only those.

The rows are written in the caller's transaction with a unique key per (task or occurrence, kind,
threshold, deadline, recipient): running the sweep twice, or two sweeps at once, queues nothing
twice; a rolled-back sweep queues nothing at all.

Recipients are per person (not per agency): each mail has its own row, Message-ID, retry state and
digest preference; an agency with nobody registered is written to at its own address.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..clock import LOCAL_TZ, now
from ..directives.models import Directive
from .holidays import load_calendar
from .outbox import enqueue, message_row
from .policy import (
    COORDINATING, ESCALATION, OVERDUE, Notice, ReminderPolicy, candidate_deadlines, earliest_scheduled, notices_due,
    unique_key,
)
from .recipients import Directory, Recipient
from .runs import fingerprint, last_run, record_run, take_changes, window_start
from .sources import DueItem, load_sources

log = logging.getLogger(__name__)


@dataclass
class SweepResult:
    today: dt.date
    skipped: str | None = None
    dates: int = 0          # deadline dates asked for
    window_start: dt.date | None = None  # first sending day read for every task (runs.py)
    changed: int = 0        # tasks changed since the last sweep, read over the whole window
    items: int = 0          # open items read (tasks, occurrences)
    notices: int = 0        # notices due (before recipients)
    queued: int = 0         # outbox rows written now (the rest were queued before)
    by_kind: Counter = field(default_factory=Counter)
    seconds: dict = field(default_factory=dict)  # read (the due items), decide, write (the outbox)

    def summary(self) -> str:
        if self.skipped:
            return f"sweep {self.today.isoformat()}: {self.skipped}"
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(self.by_kind.items())) or "none new"
        took = sum(self.seconds.values())
        return (
            f"sweep {self.today.isoformat()}: {self.dates} deadline dates, {self.items} open items due, "
            f"{self.notices} notices, {self.queued} mails queued ({kinds}) in {took:.2f} s"
        )


def run_sweep(dbsession: Session, settings, *, at: dt.datetime | None = None, sources=None,
              policy: ReminderPolicy | None = None) -> SweepResult:
    """Queue every notice due at ``at`` (default: the clock) in ``dbsession``'s transaction."""
    at = at or now()
    local = at.astimezone(LOCAL_TZ)
    today = local.date()
    policy = policy or ReminderPolicy.from_settings(settings)
    result = SweepResult(today=today)
    if local.hour < policy.send_from_hour:
        result.skipped = f"before {policy.send_from_hour:02d}:00, nothing is sent at night"
        return result
    started = time.perf_counter()
    # first: a change committed after this statement stays queued for the next sweep (runs.py)
    changed = take_changes(dbsession)
    reading = time.perf_counter() - started
    calendar = load_calendar(dbsession, today - dt.timedelta(days=policy.catch_up_days), today)
    sources = sources if sources is not None else load_sources(settings)
    directory = Directory(dbsession)
    mark = fingerprint(policy, calendar, directory, sources)
    start = window_start(last_run(dbsession), today, policy.catch_up_days, mark, changed)
    whole = candidate_deadlines(today, policy, calendar)
    dates = whole if start is None else candidate_deadlines(today, policy, calendar, start)
    result.dates = len(dates)
    result.window_start = start or today - dt.timedelta(days=policy.catch_up_days)
    changed = changed if start is not None else set()
    result.changed = len(changed)

    mark_read = time.perf_counter()
    items = _read(dbsession, sources, dates, None if start is None else whole, changed)
    reading += time.perf_counter() - mark_read
    result.items = len(items)

    def record(queued: int) -> None:
        record_run(dbsession, today=today, at=at, mark=mark, items=result.items, queued=queued,
                   start=result.window_start)

    due: list[tuple[DueItem, Notice]] = []
    # many items share a deadline: classify each (deadline, since, coordinating) once. A creation
    # day before any notice the window can hold changes nothing and is left out of the key.
    earliest = earliest_scheduled(today, policy)
    classified: dict[tuple, list[Notice]] = {}
    for item in items:
        since = item.since if item.since is not None and item.since > earliest else None
        key = (item.deadline, since, bool(item.coordinating_agency_ids))
        if key not in classified:
            classified[key] = notices_due(item.deadline, today, policy, calendar, since=since, coordinating=key[2])
        due.extend((item, notice) for notice in classified[key])
    result.notices = len(due)
    if not due:
        record(0)
        result.seconds = {"read": reading, "decide": time.perf_counter() - started - reading, "write": 0.0}
        return result

    escalating = {item.directive_id for item, notice in due
                  if notice.kind == OVERDUE and policy.escalates(notice.threshold)}
    directives = {}
    if escalating:
        directives = {
            row.id: row for row in dbsession.execute(
                select(Directive.id, Directive.issuer_id, Directive.signer_name).where(Directive.id.in_(escalating))
            )
        }
    rows = []
    for item, notice in due:
        for kind, recipient in recipients_of(item, notice, directory, directives, policy):
            rows.append(message_row(
                dedup_key=unique_key(item.source, item.id, kind, notice.threshold, item.deadline, recipient.key),
                kind=kind, to=recipient, task_id=item.task_id,
                occurrence_id=item.id if item.source == "occurrence" else None,
                threshold=notice.threshold, due_on=item.deadline, at=at,
            ))
    # one order for every sweep: two concurrent sweeps then wait for each other, never deadlock
    rows.sort(key=lambda row: row["dedup_key"])
    writing = time.perf_counter()
    written = enqueue(dbsession, rows)
    record(len(written))
    done = time.perf_counter()
    result.seconds = {"read": reading, "decide": writing - started - reading, "write": done - writing}
    result.queued = len(written)
    result.by_kind = Counter(row.kind for row in written)
    log.info(result.summary())
    return result


def _read(dbsession: Session, sources, dates: set[dt.date], whole: set[dt.date] | None,
          changed: set[int]) -> list[DueItem]:
    """The due items on ``dates``; with ``whole`` (a later sweep), also those of the ``changed``
    tasks on any date of the whole window. A source without ``due_items_of`` (its data may not be
    watched by the triggers) is read over the whole window every time."""
    items: list[DueItem] = []
    for source in sources:
        by_task = getattr(source, "due_items_of", None)
        if whole is None or by_task is None:
            items.extend(source.due_items(dbsession, whole or dates))
            continue
        found = list(source.due_items(dbsession, dates)) if dates else []
        if changed:
            seen = {item.id for item in found}
            found.extend(item for item in by_task(dbsession, whole, changed) if item.id not in seen)
        items.extend(found)
    return items


def recipients_of(item: DueItem, notice: Notice, directory: Directory, directives: dict,
                  policy: ReminderPolicy) -> list[tuple[str, Recipient]]:
    """(kind, recipient) pairs of one notice: the escalation ladder and the coordinating agencies."""
    if notice.kind == COORDINATING:
        return [(COORDINATING, person) for agency_id in item.coordinating_agency_ids
                for person in directory.officers(agency_id)]
    if notice.kind != OVERDUE:
        return [(notice.kind, person) for person in directory.officers(item.lead_agency_id)]
    staff = directory.staff(item.lead_agency_id)
    pairs = [(OVERDUE, person) for person in staff]
    directive = directives.get(item.directive_id)
    if policy.escalates(notice.threshold) and directive is not None:
        told = {person.key for person in staff}
        for person in (directory.issuing_office(directive.issuer_id)
                       + directory.signer(directive.signer_name, directive.issuer_id)):
            if person.key not in told:
                told.add(person.key)
                pairs.append((ESCALATION, person))
    return pairs
