"""Who is told what, and when: the reminder schedule of a deadline, as pure functions.

Nothing here reads the database or the clock; the sweep passes ``today`` and a working calendar.

The schedule of a task with deadline D (the deadline in force):

* before the deadline: D-7, D-3, D-1 (``reminders.before_days``) and on the day, to the lead
  agency's officers. One that would fall on a Saturday, Sunday or public holiday is sent on the
  previous working day (so on a Friday the ones for Saturday and Sunday go out too);
* overdue: D+1, then every ``reminders.overdue_repeat_days`` (7) days, to the officers and the
  agency head; from ``reminders.escalate_after_days`` (7) days overdue also to the issuing office
  and the signing leader (an *escalation*). An overdue notice that would fall on a non-working day
  is sent on the NEXT working day: sent on the previous one it would call a task overdue on its
  deadline day;
* coordinating agencies: ``reminders.coordinating_before_days`` (3) days before the date by which the
  lead expects their contribution, ``reminders.contribution_days_before`` (5) days before D.

A sweep that did not run (scheduler down) catches up: a notice whose sending day lies in the last
``reminders.catch_up_days`` days and was not sent is sent now, but only the latest one of each track
(lead, coordinating): a task is never sent two reminders for the same sweep.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..tasks.models import ACKNOWLEDGED, ASSIGNED, IN_PROGRESS, RETURNED

# States in which a task is still to be done: reminders are sent only for these. A task whose
# completion is reported, completed or cancelled gets nothing.
OPEN_STATUSES = (ASSIGNED, ACKNOWLEDGED, IN_PROGRESS, RETURNED)

# Kinds of notice (the ``kind`` of an outbox row)
BEFORE = "before"
DUE = "due"
OVERDUE = "overdue"
ESCALATION = "escalation"
COORDINATING = "coordinating"
NEW_TASK = "new_task"
NEW_COORDINATION = "new_coordination"
DAILY_DIGEST = "daily_digest"
AGENCY_DIGEST = "agency_digest"
MONTHLY_REPORT = "monthly_report"

# kinds a user may receive in a daily digest instead of at once; overdue and escalation never wait
DIGESTIBLE = frozenset({BEFORE, DUE, COORDINATING, NEW_TASK, NEW_COORDINATION})
# kinds that are about a task's deadline: dropped at sending time if the task is done or extended
DEADLINE_KINDS = frozenset({BEFORE, DUE, OVERDUE, ESCALATION, COORDINATING})
# kinds dropped at sending time if the task is no longer open
TASK_KINDS = DEADLINE_KINDS | {NEW_TASK, NEW_COORDINATION}

LEAD = "lead"
COORDINATION = "coordination"

# the longest run of non-working days the date arithmetic looks across (Tết with weekends: ~9)
_MAX_NON_WORKING_RUN = 40


def _ints(value, default: tuple[int, ...]) -> tuple[int, ...]:
    if value is None:
        return default
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return tuple(sorted({int(v) for v in value}, reverse=True))


@dataclass(frozen=True)
class ReminderPolicy:
    before_days: tuple[int, ...] = (7, 3, 1)
    overdue_repeat_days: int = 7
    escalate_after_days: int = 7
    contribution_days_before: int = 5
    coordinating_before_days: tuple[int, ...] = (3,)
    catch_up_days: int = 3
    # overdue notices stop after this many days (keeps the sweep's date list bounded)
    overdue_max_days: int = 3650
    # the hourly sweep queues nothing before this local hour: no reminders at midnight
    send_from_hour: int = 7

    @classmethod
    def from_settings(cls, settings) -> ReminderPolicy:
        def get_int(key, default):
            value = settings.get(key)
            return default if value in (None, "") else int(value)

        policy = cls(
            before_days=tuple(d for d in _ints(settings.get("reminders.before_days"), cls.before_days) if d > 0),
            overdue_repeat_days=get_int("reminders.overdue_repeat_days", cls.overdue_repeat_days),
            escalate_after_days=get_int("reminders.escalate_after_days", cls.escalate_after_days),
            contribution_days_before=get_int("reminders.contribution_days_before", cls.contribution_days_before),
            coordinating_before_days=_ints(settings.get("reminders.coordinating_before_days"), cls.coordinating_before_days),
            catch_up_days=get_int("reminders.catch_up_days", cls.catch_up_days),
            overdue_max_days=get_int("reminders.overdue_max_days", cls.overdue_max_days),
            send_from_hour=get_int("reminders.send_from_hour", cls.send_from_hour),
        )
        if policy.overdue_repeat_days < 0 or policy.catch_up_days < 0 or policy.escalate_after_days < 1:
            raise ValueError("reminders.* settings must not be negative (escalate_after_days at least 1)")
        return policy

    def contribution_date(self, deadline: dt.date) -> dt.date:
        """The date by which the lead agency expects the coordinating agencies' contributions."""
        return deadline - dt.timedelta(days=self.contribution_days_before)

    def escalates(self, days_overdue: int) -> bool:
        return days_overdue >= self.escalate_after_days


@dataclass
class WorkingCalendar:
    """Vietnamese working days: Monday to Friday, minus public holidays, plus make-up working days."""

    holidays: frozenset[dt.date] = frozenset()
    working_days: frozenset[dt.date] = frozenset()
    _prev: dict = field(default_factory=dict, repr=False, compare=False)
    _next: dict = field(default_factory=dict, repr=False, compare=False)

    def is_working(self, day: dt.date) -> bool:
        if day in self.working_days:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def previous_working(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a working day, else the last working day before it."""
        if day not in self._prev:
            probe = day
            for _ in range(_MAX_NON_WORKING_RUN):
                if self.is_working(probe):
                    break
                probe -= dt.timedelta(days=1)
            self._prev[day] = probe
        return self._prev[day]

    def next_working(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a working day, else the first working day after it."""
        if day not in self._next:
            probe = day
            for _ in range(_MAX_NON_WORKING_RUN):
                if self.is_working(probe):
                    break
                probe += dt.timedelta(days=1)
            self._next[day] = probe
        return self._next[day]


@dataclass(frozen=True)
class Notice:
    """One reminder of a deadline: what the policy names for ``scheduled_on``, sent on ``send_on``."""

    kind: str
    threshold: int        # days before (BEFORE, DUE=0, COORDINATING) or days overdue (OVERDUE)
    deadline: dt.date
    scheduled_on: dt.date
    send_on: dt.date

    @property
    def track(self) -> str:
        return COORDINATION if self.kind == COORDINATING else LEAD


def _day(d: dt.date, n: int) -> dt.date:
    return d + dt.timedelta(days=n)


def schedule(deadline: dt.date, policy: ReminderPolicy, calendar: WorkingCalendar,
             start: dt.date, end: dt.date, *, coordinating: bool = False) -> Iterator[Notice]:
    """The notices of ``deadline`` whose sending day falls within [start, end], in no set order."""
    for days in (*policy.before_days, 0):
        scheduled = _day(deadline, -days)
        send_on = calendar.previous_working(scheduled)
        if start <= send_on <= end:
            yield Notice(DUE if days == 0 else BEFORE, days, deadline, scheduled, send_on)
    if coordinating:
        contribution = policy.contribution_date(deadline)
        for days in policy.coordinating_before_days:
            scheduled = _day(contribution, -days)
            send_on = calendar.previous_working(scheduled)
            if start <= send_on <= end:
                yield Notice(COORDINATING, days, deadline, scheduled, send_on)
    # overdue day +1, then every ``repeat`` days: only the k whose day can land in the range
    first = _day(deadline, 1)
    repeat = policy.overdue_repeat_days
    last_scheduled = min(end, _day(deadline, policy.overdue_max_days))
    if first > last_scheduled:
        return
    if repeat <= 0:
        ks = range(1)
    else:
        k_low = max(0, ((start - first).days - _MAX_NON_WORKING_RUN) // repeat)
        k_high = (last_scheduled - first).days // repeat
        ks = range(k_low, k_high + 1)
    for k in ks:
        scheduled = _day(first, k * repeat)
        send_on = calendar.next_working(scheduled)
        if start <= send_on <= end:
            yield Notice(OVERDUE, 1 + k * repeat, deadline, scheduled, send_on)


def notices_due(deadline: dt.date, today: dt.date, policy: ReminderPolicy, calendar: WorkingCalendar,
                *, since: dt.date | None = None, coordinating: bool = False) -> list[Notice]:
    """The notices to send today for ``deadline``: at most one per track (lead, coordination).

    A notice is due if its sending day is today or, to catch up after a sweep that did not run, one
    of the ``catch_up_days`` before; of several, only the latest is kept. Notices scheduled before
    ``since`` (the day the task was created) are not caught up: a new task is not sent its 7-day
    reminder late. Whether a notice was already sent is the outbox's business (its unique key).
    """
    start = _day(today, -policy.catch_up_days)
    latest: dict[str, Notice] = {}
    for notice in schedule(deadline, policy, calendar, start, today, coordinating=coordinating):
        if since is not None and notice.scheduled_on < since:
            continue
        current = latest.get(notice.track)
        if current is None or notice.scheduled_on > current.scheduled_on:
            latest[notice.track] = notice
    return sorted(latest.values(), key=lambda n: n.track)


def earliest_scheduled(today: dt.date, policy: ReminderPolicy) -> dt.date:
    """No notice sent within the sweep's window was scheduled before this day."""
    return _day(today, -policy.catch_up_days - _MAX_NON_WORKING_RUN)


def _days_sent_within(start: dt.date, end: dt.date, shift) -> list[dt.date]:
    """Every day whose notices, shifted by ``shift``, are sent within [start, end]."""
    days = []
    probe = _day(start, -_MAX_NON_WORKING_RUN)
    last = _day(end, _MAX_NON_WORKING_RUN)
    while probe <= last:
        if start <= shift(probe) <= end:
            days.append(probe)
        probe = _day(probe, 1)
    return days


def candidate_deadlines(today: dt.date, policy: ReminderPolicy, calendar: WorkingCalendar,
                        start: dt.date | None = None) -> set[dt.date]:
    """Every deadline that may have a notice due today: what the sweep asks the database for.

    A superset of the deadlines for which ``notices_due`` returns something (the sweep then
    classifies each task exactly). Its size depends on the policy, not on the number of tasks.
    With ``start`` (a day within the catch-up window), only the deadlines of notices sent from
    ``start`` to ``today``: the days before were swept already.
    """
    window = _day(today, -policy.catch_up_days)
    start = window if start is None else max(start, window)
    if start > today:
        return set()
    dates: set[dt.date] = set()
    before = (*policy.before_days, 0)
    for scheduled in _days_sent_within(start, today, calendar.previous_working):
        dates.update(_day(scheduled, days) for days in before)
        contribution_offset = policy.contribution_days_before
        dates.update(_day(scheduled, days + contribution_offset) for days in policy.coordinating_before_days)
    oldest = _day(start, -policy.overdue_max_days - _MAX_NON_WORKING_RUN)
    repeat = policy.overdue_repeat_days
    for scheduled in _days_sent_within(start, today, calendar.next_working):
        deadline = _day(scheduled, -1)
        while deadline >= oldest:
            dates.add(deadline)
            if repeat <= 0:
                break
            deadline = _day(deadline, -repeat)
    return dates


def describe_delay(deadline: dt.date, today: dt.date) -> str:
    """``còn 3 ngày``, ``đến hạn hôm nay`` or ``quá hạn 2 ngày`` (calendar days)."""
    left = (deadline - today).days
    if left > 0:
        return f"còn {left} ngày"
    if left == 0:
        return "đến hạn hôm nay"
    return f"quá hạn {-left} ngày"


def unique_key(source: str, source_id: int, kind: str, threshold: int | None,
               deadline: dt.date | None, recipient_key: str) -> str:
    """The outbox key of a notice to one recipient (see OutboxMessage.dedup_key)."""
    day = deadline.isoformat() if deadline else "-"
    return f"{source}:{source_id}:{kind}:{threshold if threshold is not None else '-'}:{day}:{recipient_key}"
