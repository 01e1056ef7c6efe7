"""How long the deadline sweep takes over many open tasks (target: ≤ 0.5 s on PostgreSQL, 1M tasks, 1% due).

    python bench/bench_sweep.py                       # throwaway database on the local PostgreSQL
    python bench/bench_sweep.py --tasks 200000 --keep --url postgresql://postgres@127.0.0.1/coordination_bench

Fills a database with ``--tasks`` open tasks (lead agencies and states spread over the demo
province), of which ``--due`` (a fraction) have a deadline with a reminder due on the benchmark day
(Wednesday 16/12/2026, 08:00) and the rest deadlines months away, then times:

* reading the due tasks (what the sweep asks the database for, turned into due items);
* the whole sweep, queueing the mails (rolled back after each run so every run does the same work;
  the first run warms the caches and is reported apart), split into read / decide (who gets
  what: pure Python) / write (inserting the outbox rows), in three situations:
  - the first sweep of the day with no record of an earlier sweep (it reads the whole catch-up
    window: the worst case, e.g. the first sweep after an upgrade or a policy change);
  - the usual first sweep of the day: yesterday's sweep completed (committed beforehand), so only
    today's sending day is read for every task;
  - a later sweep the same day: only the tasks changed since (none here) are read.

It prints the plan PostgreSQL chose for the due-items query, to show it reads only what is due.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
import uuid

from sqlalchemy import text
from sqlalchemy.orm import Session

from coordination import clock
from coordination.db import get_engine
from coordination.demo import load_demo
from coordination.memory import SETTING, freeze_startup_objects
from coordination.migrate import upgrade
from coordination.reminders.holidays import load_calendar
from coordination.reminders.policy import ReminderPolicy, candidate_deadlines
from coordination.reminders.sources import TaskSource
from coordination.reminders.sweep import run_sweep

BENCH_AT = dt.datetime(2026, 12, 16, 8, 0, tzinfo=clock.LOCAL_TZ)
# deadlines with a notice on Wednesday 16/12/2026: 7, 3 (Saturday), 1 day before, on the day,
# 1 day overdue (Tuesday 15) and 8 days overdue (escalated)
DUE_DEADLINES = ["2026-12-23", "2026-12-19", "2026-12-17", "2026-12-16", "2026-12-15", "2026-12-08"]


def create_database(admin_url: str) -> str:
    import psycopg

    name = f"coordination_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_database(admin_url: str, url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def fill(engine, tasks: int, due_fraction: float) -> None:
    with Session(engine) as session:
        load_demo(session)
        session.commit()
    with engine.begin() as conn:
        kind = conn.scalar(text("SELECT id FROM directive_types WHERE code = 'cong-van'"))
        issuer = conn.scalar(text("SELECT id FROM agencies WHERE code = 'UBND'"))
        directive = conn.scalar(text(
            "INSERT INTO directives (type_id, issuer_id, status, register, symbol, year, number, place, issued_on, "
            "dated_on, subject, urgency, body, signer_name, created_at, version) VALUES (:kind, :issuer, 'issued', 'UBND', "
            "'UBND-KGVX', 2026, 1324, 'Hưng Yên', '2026-11-02', '2026-11-02', 'V/v thử tải', 'thuong', '', "
            "'Nguyễn Duy Hưng', now(), 1) RETURNING id"), {"kind": kind, "issuer": issuer})
        agencies = [row[0] for row in conn.execute(text("SELECT id FROM agencies WHERE code <> 'UBND' ORDER BY id"))]
        every = round(1 / due_fraction)
        # g % every = 0: a due deadline (cycling through DUE_DEADLINES); else one 2 to 36 months away
        conn.execute(text("""
            INSERT INTO tasks (directive_id, paragraph, content, lead_agency_id, status, deadline_kind,
                               original_deadline, deadline_in_force, created_at, version)
            SELECT :directive, (g % 50)::text || '.', 'Nhiệm vụ thử tải số ' || g,
                   (CAST(:agencies AS integer[]))[1 + g % cardinality(CAST(:agencies AS integer[]))],
                   (ARRAY['assigned','acknowledged','in_progress','returned'])[1 + g % 4],
                   'date', d, d, '2026-01-01T00:00:00Z', 1
            FROM generate_series(1, :n) AS g,
                 LATERAL (SELECT CASE WHEN g % :every = 0
                      THEN (CAST(:due AS date[]))[1 + (g / :every) % cardinality(CAST(:due AS date[]))]
                      ELSE DATE '2027-02-15' + (g % 1000) END AS d) AS deadline
        """), {"directive": directive, "agencies": agencies, "n": tasks, "every": every,
               "due": DUE_DEADLINES})
        conn.execute(text("""
            INSERT INTO task_coordinators (task_id, agency_id)
            SELECT id, (CAST(:agencies AS integer[]))[1 + (id + 7) % cardinality(CAST(:agencies AS integer[]))] FROM tasks WHERE id % 10 = 0
        """), {"agencies": agencies})
        # the triggers queued every task inserted: yesterday's sweeps took them long ago
        conn.execute(text("DELETE FROM reminder_changes"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def forget_sweeps(engine) -> None:
    """No outbox rows, no record of a sweep, no queued change: every case starts from the same state."""
    with engine.begin() as conn:
        # TRUNCATE, not DELETE: it frees the tables at once, leaving no dead rows to step over
        conn.execute(text("TRUNCATE outbox_attempts, outbox_attachments, outbox_messages, sweep_runs, reminder_changes"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM outbox_messages"))


def timed(fn, runs: int):
    first = None
    times = []
    result = None
    for run in range(runs + 1):
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
        if run == 0:
            first = elapsed
        else:
            times.append(elapsed)
    return first, times, result


def report(what: str, first: float, times: list[float], results) -> None:
    print(f"{what}: first {first:.3f} s, then median {statistics.median(times):.3f} s "
          f"(min {min(times):.3f}, max {max(times):.3f})")
    for part in ("read", "decide", "write"):
        print(f"    {part:<7} median {statistics.median(r.seconds[part] for r in results):.3f} s")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--admin-url", default=os.environ.get("COORDINATION_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--url", help="use (and fill, if empty) this database instead of a throwaway one")
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--due", type=float, default=0.01, help="fraction of tasks with a reminder due")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the throwaway database")
    parser.add_argument("--gc-freeze", action=argparse.BooleanOptionalAction, default=True,
                        help="freeze start-up's objects before timing, as the scheduler process does (default: on)")
    args = parser.parse_args(argv)

    url = args.url or create_database(args.admin_url)
    engine = get_engine({"sqlalchemy.url": url})
    try:
        upgrade(url)
        with engine.connect() as conn:
            present = conn.scalar(text("SELECT count(*) FROM tasks"))
        if not present:
            start = time.perf_counter()
            fill(engine, args.tasks, args.due)
            print(f"filled {args.tasks:,} open tasks in {time.perf_counter() - start:.1f} s")
        with engine.connect() as conn:
            total = conn.scalar(text("SELECT count(*) FROM tasks"))
        policy = ReminderPolicy()
        frozen = freeze_startup_objects({SETTING: args.gc_freeze})  # as `coordination scheduler` does
        print(f"{frozen:,} start-up objects frozen" if frozen else "gc.freeze off")
        clock.set_now(BENCH_AT)
        today = BENCH_AT.date()

        def select_due():
            with Session(engine) as session:
                calendar = load_calendar(session, today, today)
                dates = candidate_deadlines(today, policy, calendar)
                return len(dates), len(list(TaskSource().due_items(session, dates)))

        def sweep():
            with engine.connect() as conn:
                transaction = conn.begin()
                session = Session(bind=conn)
                try:
                    return run_sweep(session, {}, at=BENCH_AT, policy=policy)
                finally:
                    session.close()
                    transaction.rollback()

        def vacuum_outbox():
            # each rolled-back run leaves dead index entries under the same keys, which the next
            # run's unique checks would have to step over: start every run from a clean table
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM outbox_messages"))

        first, times, (dates, items) = timed(select_due, args.runs)
        print(f"{total:,} open tasks; {dates} deadline dates asked for; {items:,} due tasks read")
        print(f"read the due tasks: first {first:.3f} s, then median {statistics.median(times):.3f} s "
              f"(min {min(times):.3f}, max {max(times):.3f}) over {args.runs} runs")
        results = []

        def measured_sweep():
            result = sweep()
            results.append(result)
            return result

        def timed_sweeps(runs):
            first, times = None, []
            for run in range(runs + 1):
                vacuum_outbox()
                start = time.perf_counter()
                measured_sweep()
                elapsed = time.perf_counter() - start
                if run == 0:
                    first = elapsed
                else:
                    times.append(elapsed)
            return first, times, results[-1]

        forget_sweeps(engine)
        first, times, result = timed_sweeps(args.runs)
        report(f"first sweep of the day, no earlier sweep recorded ({result.dates} deadline dates, "
               f"{result.notices:,} notices, {result.queued:,} mails queued, rolled back)", first, times, results[1:])

        try:
            # the usual morning: yesterday's sweep completed (its mails stay queued)
            with engine.begin() as conn:
                run_sweep(Session(bind=conn), {}, at=BENCH_AT - dt.timedelta(days=1), policy=policy)
            results.clear()
            first, times, result = timed_sweeps(args.runs)
            report(f"first sweep of the day after yesterday's ({result.dates} deadline dates, {result.notices:,} notices, "
                   f"{result.queued:,} mails queued, rolled back)", first, times, results[1:])

            # the hourly sweeps after it: commit one sweep, time the next ones
            with engine.begin() as conn:
                run_sweep(Session(bind=conn), {}, at=BENCH_AT, policy=policy)
            results.clear()
            first, times, result = timed(measured_sweep, args.runs)
            report(f"a later sweep the same day ({result.items} items read, {result.queued} mails queued)",
                   first, times, results[1:])
        finally:
            forget_sweeps(engine)

        with Session(engine) as session:
            calendar = load_calendar(session, today, today)
            dates = sorted(candidate_deadlines(today, policy, calendar))
            connection = session.connection()
            connection.exec_driver_sql("SET LOCAL jit = off")  # as TaskSource does
            compiled = TaskSource().query("postgresql", dates).compile(
                dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
            plan = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + str(compiled), compiled.params)
            print("plan of the due-items query:")
            for (line,) in plan:
                print("   ", line[:160])
    finally:
        clock.set_now(None)
        engine.dispose()
        if not args.url and not args.keep:
            drop_database(args.admin_url, url)
        elif not args.url:
            print(f"kept {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
