"""What happens to each task over the year: a plan of lifecycle actions with their moments.

A plan is drawn from a random generator seeded with the task id, so the same task gets the same
plan whichever path carries it out (``bench.lifecycle_path`` calls ``coordination.tasks.lifecycle``;
``bench.bulk`` writes the same rows in batches). Events fall in office hours on working days,
never on the day the task was issued, and never after the benchmark moment; a plan stops where the
year stops. The mix, for a task with a date deadline:

- 93 % acknowledged within two working days; 1 % cancelled by the issuing office in the first weeks;
- 0–3 progress reports with rising percentages; 12 % get a contribution from a coordinating agency;
- 6 % ask for an extension (three in four approved); 1.5 % raise an escalation, answered in days;
- 72 % report completion on time, 13 % late, the rest not at all (overdue if the deadline passed);
- a completion report is accepted (85 %), returned and reported again (7 %), or waits (8 %);
- 3 % carry a comment.

Recurring tasks (a few %) report and get accepted per occurrence; they always go through the
lifecycle (their occurrences are made by the daily occurrences job, which the generator runs).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from types import SimpleNamespace

from coordination.clock import LOCAL_TZ
from coordination.tasks.occurrences import due_dates

# action codes: what the executors dispatch on
ACK, PROGRESS, CONTRIBUTE, COMPLETE, ACCEPT, RETURN = "acknowledge", "progress", "contribute", "complete", "accept", "return"
EXTENSION, APPROVE, REFUSE, ESCALATE, DECIDE, COMMENT, CANCEL = (
    "extension", "approve", "refuse", "escalate", "decide", "comment", "cancel")
OCC_COMPLETE, OCC_ACCEPT = "occurrence_complete", "occurrence_accept"

PROGRESS_TEXTS = [
    "Đã ban hành văn bản hướng dẫn các đơn vị trực thuộc triển khai thực hiện.",
    "Đang tổng hợp số liệu từ các địa phương, dự kiến hoàn thành đúng hạn.",
    "Đã tổ chức hội nghị triển khai; đang kiểm tra, đôn đốc tại cơ sở.",
    "Đã hoàn thành khảo sát, đang xây dựng dự thảo báo cáo.",
]


@dataclass(frozen=True, slots=True)
class TaskInfo:
    """What a plan needs to know about a task (read once after issuing)."""

    id: int
    lead_agency_id: int
    coordinator_ids: tuple[int, ...]
    deadline: dt.date | None
    rrule: str | None
    rrule_start: dt.date | None
    rrule_end: dt.date | None
    created_at: dt.datetime
    province: int  # index into the list of provinces


@dataclass(frozen=True, slots=True)
class Event:
    at: dt.datetime        # aware, Asia/Ho_Chi_Minh
    task_id: int
    action: str
    actor_id: int
    args: tuple = ()


class Staff:
    """Who acts: ``officer``/``head`` by agency id, ``leader``/``clerk`` by province index."""

    def __init__(self, provinces):
        self.officer, self.head = {}, {}
        for p in provinces:
            self.officer.update(p.officer)
            self.head.update(p.head)
        self.leader = [p.leader_id for p in provinces]
        self.clerk = [p.clerk_id for p in provinces]


def _office_time(rng: random.Random, after: dt.datetime, min_days: int, max_days: int) -> dt.datetime:
    """A moment in office hours, on a working day, ``min_days``..``max_days`` calendar days after
    ``after`` (never on ``after``'s own day)."""
    day = after.astimezone(LOCAL_TZ).date() + dt.timedelta(days=max(1, rng.randint(min_days, max(min_days, max_days))))
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    minutes = rng.randint(8 * 60, 17 * 60 - 1)
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60, rng.randint(0, 59)), tzinfo=LOCAL_TZ)


def _date_at(day: dt.date, rng: random.Random) -> dt.datetime:
    minutes = rng.randint(8 * 60, 17 * 60 - 1)
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60, rng.randint(0, 59)), tzinfo=LOCAL_TZ)


def plan(task: TaskInfo, staff: Staff, horizon: dt.datetime, seed: int) -> list[Event]:
    """The events of ``task`` up to ``horizon``, in time order."""
    rng = random.Random(seed * 1_000_003 + task.id)
    events: list[Event] = []
    lead = task.lead_agency_id
    officer = staff.officer.get(lead)
    head = staff.head.get(lead, officer)
    leader, clerk = staff.leader[task.province], staff.clerk[task.province]
    if officer is None:
        return events

    def add(at, action, actor, *args) -> bool:
        if at >= horizon or (events and at <= events[-1].at):
            return False
        events.append(Event(at, task.id, action, actor, args))
        return True

    issued = task.created_at.astimezone(LOCAL_TZ)
    if rng.random() < 0.01:
        ack = _office_time(rng, issued, 1, 3)
        if rng.random() < 0.5:
            add(ack, ACK, officer)
        add(_office_time(rng, max(ack, issued), 5, 40), CANCEL, clerk, "Nhiệm vụ không còn phù hợp, UBND tỉnh thu hồi.")
        return events
    if rng.random() > 0.93:
        return events  # never acknowledged (yet)
    if not add(_office_time(rng, issued, 1, 2), ACK, rng.choice((officer, head))):
        return events
    if task.rrule:
        _occurrences(task, events, rng, horizon, officer, clerk, add)
        return events

    deadline = task.deadline
    end = dt.datetime.combine(deadline, dt.time(17), tzinfo=LOCAL_TZ) if deadline else issued + dt.timedelta(days=120)
    span = max(2, (end - events[-1].at).days)
    # progress reports, rising
    percent = 0
    for _ in range(rng.choices((0, 1, 2, 3), (20, 35, 30, 15))[0]):
        percent = min(90, percent + rng.randint(10, 35))
        if not add(_office_time(rng, events[-1].at, 1, max(1, span // 3)), PROGRESS, rng.choice((officer, head)),
                   percent, rng.choice(PROGRESS_TEXTS)):
            return events
    if task.coordinator_ids and rng.random() < 0.12:
        contributor = staff.officer.get(rng.choice(task.coordinator_ids))
        if contributor is not None and not add(_office_time(rng, events[-1].at, 1, 10), CONTRIBUTE, contributor,
                                               rng.randint(30, 90), "Phối hợp: đã cung cấp số liệu cho cơ quan chủ trì."):
            return events
    if rng.random() < 0.03 and not add(_office_time(rng, events[-1].at, 1, 5), COMMENT, officer,
                                       "Đề nghị Văn phòng UBND tỉnh cung cấp thêm tài liệu liên quan."):
        return events
    if rng.random() < 0.015:
        if not add(_office_time(rng, events[-1].at, 1, 10), ESCALATE, head, "Vướng mắc về cơ chế, chính sách vượt thẩm quyền.",
                   "Đề nghị UBND tỉnh xem xét, cho ý kiến chỉ đạo."):
            return events
        if not add(_office_time(rng, events[-1].at, 2, 10), DECIDE, leader, "Giao Sở Tài chính phối hợp tháo gỡ."):
            return events
    if deadline is not None and rng.random() < 0.06:
        ask = _date_at(deadline - dt.timedelta(days=rng.randint(2, 10)), rng)
        if ask > events[-1].at:
            proposed = deadline + dt.timedelta(days=rng.randint(15, 60))
            if not add(ask, EXTENSION, head, proposed, "Khối lượng công việc lớn, cần thêm thời gian tổng hợp."):
                return events
            decided = _office_time(rng, ask, 1, 4)
            if decided.date() >= deadline:
                decided = ask + dt.timedelta(hours=1)
            if rng.random() < 0.75:
                if not add(decided, APPROVE, leader, "Đồng ý gia hạn."):
                    return events
                deadline = proposed
            elif not add(decided, REFUSE, leader, "Đề nghị hoàn thành đúng thời hạn đã giao."):
                return events
    # completion
    roll = rng.random()
    if deadline is None:
        if roll < 0.3:
            _complete(rng, events, add, issued + dt.timedelta(days=rng.randint(30, 200)), officer, head, clerk)
        return events
    if roll < 0.72:
        when = _date_at(deadline - dt.timedelta(days=rng.randint(0, 20)), rng)
    elif roll < 0.85:
        when = _date_at(deadline + dt.timedelta(days=rng.randint(1, 30)), rng)
    else:
        return events
    _complete(rng, events, add, when, officer, head, clerk)
    return events


def _complete(rng, events, add, when, officer, head, clerk) -> None:
    if when <= events[-1].at:
        when = _office_time(rng, events[-1].at, 1, 3)
    while when.weekday() >= 5:
        when += dt.timedelta(days=1)
    if not add(when, COMPLETE, rng.choice((officer, head)), "Đã hoàn thành nhiệm vụ, có báo cáo kết quả kèm theo."):
        return
    roll = rng.random()
    if roll < 0.85:
        add(_office_time(rng, events[-1].at, 1, 7), ACCEPT, clerk, None)
    elif roll < 0.92:
        if not add(_office_time(rng, events[-1].at, 1, 5), RETURN, clerk, "Báo cáo chưa đủ số liệu, đề nghị bổ sung."):
            return
        if add(_office_time(rng, events[-1].at, 3, 15), COMPLETE, head, "Đã bổ sung số liệu theo yêu cầu."):
            add(_office_time(rng, events[-1].at, 1, 7), ACCEPT, clerk, "Đạt yêu cầu.")


def _occurrences(task: TaskInfo, events, rng, horizon, officer, clerk, add) -> None:
    shape = SimpleNamespace(rrule=task.rrule, rrule_start=task.rrule_start, rrule_end=task.rrule_end,
                            created_at=task.created_at)
    for _start, due in due_dates(shape, horizon.date()):
        roll = rng.random()
        if roll < 0.8:
            when = _date_at(due - dt.timedelta(days=rng.randint(0, 4)), rng)
        elif roll < 0.9:
            when = _date_at(due + dt.timedelta(days=rng.randint(1, 10)), rng)
        else:
            continue
        if when <= events[-1].at:
            when = events[-1].at + dt.timedelta(minutes=rng.randint(5, 90))
        if not add(when, OCC_COMPLETE, officer, due, "Báo cáo định kỳ kỳ này."):
            return
        if rng.random() < 0.9 and not add(_office_time(rng, when, 1, 5), OCC_ACCEPT, clerk, due):
            return
