"""The deadline sweep at the benchmark moment, rolled back after every run so each does the same
work: the application's ``run_sweep`` (read what is due, decide who gets what, queue the mails)
next to the raw SQL reading the same due tasks, occurrences, coordinators and staff and inserting the
same outbox rows."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from coordination.reminders.holidays import load_calendar
from coordination.reminders.outbox import _COLUMNS
from coordination.reminders.policy import ReminderPolicy, candidate_deadlines
from coordination.reminders.sweep import run_sweep

from .context import Context
from .rawsql import OPEN, _day, _run
from .scales import BENCH_AT
from .timing import Measurement, measurement, paired


# the dataset's last sweep ran on the benchmark day at 07:30 (bench.generate): the next day's first
# sweep has a day's notices to queue; one at 08:00 on the benchmark day finds them all queued
FIRST_OF_DAY = BENCH_AT + dt.timedelta(days=1) - dt.timedelta(minutes=30)
LATER_SAME_DAY = BENCH_AT


def measure(ctx: Context, reps: int, at: dt.datetime = FIRST_OF_DAY, name: str = "sweep") -> Measurement:
    policy = ReminderPolicy()
    restore = _earlier_sweep(ctx, at - dt.timedelta(minutes=15), policy) if at == LATER_SAME_DAY else None
    try:
        return _measure(ctx, reps, at, name, policy)
    finally:
        if restore is not None:
            restore()


def _earlier_sweep(ctx: Context, at: dt.datetime, policy: ReminderPolicy):
    """Commit a sweep at ``at``: "later the same day" means an earlier sweep of the day completed
    and was recorded (a copied province's recipients make the dataset's own 07:30 sweep a stranger
    to the fingerprint, so without it every timed sweep would be a full read). Returns what puts
    the dataset back as it was (the sweep's mails and record deleted, the change queue refilled):
    a measurement leaves the dataset as it found it."""
    with ctx.engine.begin() as conn:
        last_mail = conn.scalar(text("SELECT COALESCE(MAX(id), 0) FROM outbox_messages"))
        last_run = conn.scalar(text("SELECT COALESCE(MAX(id), 0) FROM sweep_runs"))
        queued = [row[0] for row in conn.execute(text("SELECT task_id FROM reminder_changes ORDER BY id"))]
        run_sweep(Session(bind=conn), {}, at=at, policy=policy)

    def restore():
        with ctx.engine.begin() as conn:
            conn.execute(text("DELETE FROM outbox_messages WHERE id > :id"), {"id": last_mail})
            conn.execute(text("DELETE FROM sweep_runs WHERE id > :id"), {"id": last_run})
            conn.execute(text("DELETE FROM reminder_changes"))
            if queued:
                conn.execute(text("INSERT INTO reminder_changes (task_id) VALUES (:task_id)"),
                             [{"task_id": task_id} for task_id in queued])
    return restore


def _measure(ctx: Context, reps: int, at: dt.datetime, name: str, policy: ReminderPolicy) -> Measurement:
    today = at.date()
    with ctx.session() as s:
        calendar = load_calendar(s, today, today)
    captured: dict = {}

    def app():
        with ctx.engine.connect() as conn:
            transaction = conn.begin()
            session = Session(bind=conn)
            try:
                first = conn.scalar(text("SELECT COALESCE(MAX(id), 0) FROM outbox_messages"))
                result = run_sweep(session, {}, at=at, policy=policy)
                if "rows" not in captured:
                    rows = conn.execute(text(f"SELECT {', '.join(_COLUMNS)} FROM outbox_messages WHERE id > :first"),
                                        {"first": first}).mappings().all()
                    captured["rows"] = [dict(row) for row in rows]
                    captured["result"] = result
                    # what the app read: a later sweep reads the sending days since the last
                    # recorded sweep and the changed tasks only (coordination.reminders.runs)
                    captured["dates"] = sorted(candidate_deadlines(today, policy, calendar, result.window_start))
            finally:
                session.close()
                transaction.rollback()

    def raw():
        conn = ctx.raw()
        try:
            cur = conn.cursor()
            _raw_sweep(ctx, cur, captured["dates"], captured["rows"], changed=captured["result"].changed > 0)
            conn.rollback()
        finally:
            conn.close()

    def vacuum():
        # a rolled-back run leaves dead index entries under the keys the next run inserts again
        if ctx.dialect == "postgresql":
            with ctx.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM outbox_messages"))

    app()  # fills ``captured`` (the warm-up rounds of paired() follow)
    app_ms, raw_ms = paired(app, raw, reps, setup=vacuum)
    result = captured["result"]
    with ctx.engine.connect() as conn:
        open_tasks = conn.scalar(text(f"SELECT count(*) FROM tasks WHERE status IN ({OPEN})"))
    when = "the first sweep of the day" if at == FIRST_OF_DAY else "a later sweep the same day"
    return measurement(
        name, app_ms, raw_ms,
        note=(f"{when}: {open_tasks:,} open tasks, {result.items:,} due items over {result.dates} deadline dates, "
              f"{result.queued:,} mails queued; raw: the same reads and the same rows inserted"),
        extra={"open_tasks": open_tasks, "due_items": result.items, "queued": result.queued},
    )


def _raw_sweep(ctx: Context, cur, dates, rows: list[dict], changed: bool = False) -> None:
    if changed:  # the tasks changed since the last sweep, over the whole window (as the app)
        ids = [row[0] for row in _run(ctx, cur, "DELETE FROM reminder_changes RETURNING task_id")]
        _run(ctx, cur, f"""SELECT t.id, t.deadline_in_force, t.lead_agency_id, t.directive_id, t.created_at FROM tasks t
            WHERE t.id IN (SELECT value FROM json_each(:ids)) AND t.status IN ({OPEN}) AND t.rrule IS NULL"""
             if ctx.dialect == "sqlite" else f"""SELECT t.id, t.deadline_in_force, t.lead_agency_id, t.directive_id,
            t.created_at FROM tasks t WHERE t.id = ANY(:ids) AND t.status IN ({OPEN}) AND t.rrule IS NULL""",
             {"ids": json.dumps(ids) if ctx.dialect == "sqlite" else ids})
    if dates and ctx.dialect == "postgresql":
        due = _run(ctx, cur, f"""SELECT due.* FROM unnest(CAST(:dates AS date[])) AS wanted(day) CROSS JOIN LATERAL
            (SELECT t.id, t.deadline_in_force, t.lead_agency_id, t.directive_id, t.created_at FROM tasks t
             WHERE t.deadline_in_force = wanted.day AND t.status IN ({OPEN}) AND t.rrule IS NULL OFFSET 0) due""",
                   {"dates": dates})
        ids = [row[0] for row in due]
        _run(ctx, cur, "SELECT task_id, agency_id FROM task_coordinators WHERE task_id = ANY(:ids)", {"ids": ids})
        _run(ctx, cur, f"""SELECT o.id, o.task_id, o.due_on, t.lead_agency_id, t.directive_id, o.created_at
            FROM task_occurrences o JOIN tasks t ON t.id = o.task_id
            WHERE o.due_on = ANY(CAST(:dates AS date[])) AND o.status = 'open' AND t.status IN ({OPEN})""", {"dates": dates})
    elif dates:
        marks = ", ".join("?" for _ in dates)
        days = [d.isoformat() for d in dates]
        cur.execute(f"""SELECT t.id, t.deadline_in_force, t.lead_agency_id, t.directive_id, t.created_at FROM tasks t
            WHERE t.deadline_in_force IN ({marks}) AND t.status IN ({OPEN}) AND t.rrule IS NULL""", days)
        ids = [row[0] for row in cur.fetchall()]
        for start in range(0, len(ids), 900):
            chunk = ids[start:start + 900]
            cur.execute(f"SELECT task_id, agency_id FROM task_coordinators WHERE task_id IN ({', '.join('?' for _ in chunk)})", chunk)
            cur.fetchall()
        cur.execute(f"""SELECT o.id, o.task_id, o.due_on, t.lead_agency_id, t.directive_id, o.created_at
            FROM task_occurrences o JOIN tasks t ON t.id = o.task_id
            WHERE o.due_on IN ({marks}) AND o.status = 'open' AND t.status IN ({OPEN})""", days)
        cur.fetchall()
    _run(ctx, cur, "SELECT id, agency_id, email, full_name, notification_mode, language FROM users WHERE active = :yes",
         {"yes": True})
    _run(ctx, cur, "SELECT id, email, name FROM agencies")
    if not rows:
        return
    keys = [row["dedup_key"] for row in rows]
    if ctx.dialect == "postgresql":
        _run(ctx, cur, "SELECT dedup_key FROM outbox_messages WHERE dedup_key = ANY(:keys)", {"keys": keys})
        payload = json.dumps(rows, default=str, ensure_ascii=False)
        types = {"task_id": "integer", "occurrence_id": "integer", "threshold": "integer", "task_count": "integer", "due_on": "date",
                 "recipient_user_id": "integer", "recipient_agency_id": "integer", "attempts": "integer",
                 "next_attempt_at": "timestamptz", "created_at": "timestamptz", "body_text": "text", "body_html": "text"}
        cols = ", ".join(_COLUMNS)
        spec = ", ".join(f"{c} {types.get(c, 'varchar')}" for c in _COLUMNS)
        cur.execute(ctx.sql(f"INSERT INTO outbox_messages ({cols}) SELECT {cols} FROM json_to_recordset(CAST(:rows AS json)) "
                            f"AS r({spec}) RETURNING id"), {"rows": payload})
        cur.fetchall()
    else:
        for start in range(0, len(keys), 900):
            chunk = keys[start:start + 900]
            cur.execute(f"SELECT dedup_key FROM outbox_messages WHERE dedup_key IN ({', '.join('?' for _ in chunk)})", chunk)
            cur.fetchall()
        marks = ", ".join("?" for _ in _COLUMNS)
        values = [[_sqlite(row[c]) for c in _COLUMNS] for row in rows]
        cur.executemany(f"INSERT INTO outbox_messages ({', '.join(_COLUMNS)}) VALUES ({marks})", values)


def _sqlite(value):
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return value


__all__ = ["measure", "_day"]
