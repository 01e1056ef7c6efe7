"""Inbox and timeliness-count speed on PostgreSQL: one agency with 50k tasks in a database of 1M.

    python bench/bench_inbox.py [--tasks 1000000] [--agency-tasks 50000] [--keep] [--reuse]

Builds a throwaway database ``coordination_bench`` (migrated, demo province loaded), fills it with a
server-side bulk path that respects the rules the lifecycle keeps (every task has its initial
status-history and deadline-history rows, original deadline = deadline in force, completed tasks
carry a completion date, coordinators are other agencies), then times the real query functions
(``coordination.tasks.inbox`` and ``coordination.tasks.queries``) and prints EXPLAIN ANALYZE of the statements they ran.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from sqlalchemy import event, text

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from coordination.db import get_engine, get_session_factory  # noqa: E402

ADMIN_URL = os.environ.get("COORDINATION_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DB_NAME = "coordination_bench"


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def create_database(reuse: bool) -> str:
    import psycopg

    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + DB_NAME
    if reuse:
        return url
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    return url


FILL = [
    # 300 more agencies (communes) so the other 950k tasks spread like a real province's
    """INSERT INTO agencies (code, name, short_name, aliases, kind_id, parent_id, active, name_key)
       SELECT 'X-' || g, 'UBND xã số ' || g, 'Xã ' || g, '[]', (SELECT id FROM agency_kinds WHERE code = 'commune'),
              (SELECT id FROM agencies WHERE code = 'H-VANLAM'), true, 'ubnd xa so ' || g
       FROM generate_series(1, 300) g""",
    """INSERT INTO directives (type_id, issuer_id, status, register, symbol, year, number, place, issued_on, dated_on,
                              subject, urgency, body, created_at, version)
       SELECT (SELECT id FROM directive_types WHERE code = 'cong-van'), (SELECT id FROM agencies WHERE code = 'UBND'),
              'issued', 'UBND', 'UBND-KGVX', 2022 + g % 5, g, 'Hưng Yên', DATE '2022-01-01' + (g % 1700),
              DATE '2022-01-01' + (g % 1700), 'Văn bản số ' || g, 'thuong', '', now(), 1
       FROM generate_series(1, :directives) g""",
    # tasks: the first :agency_tasks lead by SLDTBXH, the rest by any other agency
    """CREATE TEMP TABLE bench_agencies AS
       SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM agencies WHERE code <> 'SLDTBXH'""",
    """INSERT INTO tasks (directive_id, paragraph, content, lead_agency_id, status, deadline_kind, original_deadline,
                         deadline_in_force, completed_on, percent_done, created_at, version)
       SELECT 1 + g % :directives, (1 + g % 7)::text, 'Nhiệm vụ số ' || g,
              CASE WHEN g <= :agency_tasks THEN (SELECT id FROM agencies WHERE code = 'SLDTBXH')
                   ELSE (SELECT id FROM bench_agencies WHERE n = g % (SELECT count(*) FROM bench_agencies)) END,
              s.status, CASE WHEN d.deadline IS NULL THEN 'ongoing' ELSE 'date' END, d.deadline, d.deadline,
              CASE WHEN s.status IN ('completed', 'completion_reported') THEN coalesce(d.deadline, DATE '2025-01-01') + (g % 11) - 5 END,
              CASE WHEN s.status IN ('completed', 'completion_reported') THEN 100 ELSE g % 90 END,
              TIMESTAMPTZ '2022-01-01' + (g % 1700) * INTERVAL '1 day', 1
       FROM generate_series(1, :tasks) g
       CROSS JOIN LATERAL (SELECT CASE WHEN g % 20 = 0 THEN NULL ELSE DATE '2024-01-01' + ((g::bigint * 7919) % 1460)::int END AS deadline) d
       CROSS JOIN LATERAL (SELECT (ARRAY['assigned','acknowledged','in_progress','in_progress','completion_reported',
                                         'completed','completed','completed','returned','cancelled'])[1 + (g * 31) % 10] AS status) s""",
    # the history holds only what the task row does not say (tasks.history): a start other than
    # assigned; the deadlines are the original ones, so no deadline_changes rows
    """INSERT INTO task_status_history (task_id, status, completed_on, valid_from)
       SELECT id, status, completed_on, created_at FROM tasks WHERE status <> 'assigned' OR completed_on IS NOT NULL""",
    # SLDTBXH coordinates 50k tasks led by others; every other task has one coordinator
    """INSERT INTO task_coordinators (task_id, agency_id)
       SELECT t.id, CASE WHEN t.id % 19 = 0 AND t.lead_agency_id <> s.id THEN s.id
                         ELSE (SELECT id FROM bench_agencies WHERE n = (t.id * 13) % (SELECT count(*) FROM bench_agencies)) END
       FROM tasks t CROSS JOIN (SELECT id FROM agencies WHERE code = 'SLDTBXH') s
       WHERE t.lead_agency_id <> (SELECT id FROM bench_agencies WHERE n = (t.id * 13) % (SELECT count(*) FROM bench_agencies))
       ON CONFLICT DO NOTHING""",
    # the copies the flush listener keeps on coordinator rows
    """UPDATE task_coordinators c SET status = t.status, deadline_in_force = t.deadline_in_force
       FROM tasks t WHERE t.id = c.task_id""",
    "ANALYZE",
]


def build(url: str, tasks: int, agency_tasks: int) -> None:
    from coordination.demo import load_demo
    from coordination.db import run_in_transaction
    from coordination.migrate import upgrade

    upgrade(url)
    engine = get_engine({"sqlalchemy.url": url})
    run_in_transaction(get_session_factory(engine), load_demo)
    params = {"tasks": tasks, "agency_tasks": agency_tasks, "directives": max(10, tasks // 100)}
    with engine.connect() as conn:
        for statement in FILL:
            started = time.perf_counter()
            conn.execute(text(statement), {k: v for k, v in params.items() if f":{k}" in statement})
            conn.commit()
            log(f"{time.perf_counter() - started:7.1f}s  {' '.join(statement.split())[:80]}")
        counts = conn.execute(text("SELECT (SELECT count(*) FROM tasks), (SELECT count(*) FROM task_coordinators),"
                                   " (SELECT count(*) FROM tasks t JOIN agencies a ON a.id = t.lead_agency_id WHERE a.code = 'SLDTBXH'),"
                                   " (SELECT count(*) FROM task_coordinators c JOIN agencies a ON a.id = c.agency_id WHERE a.code = 'SLDTBXH')")).one()
        log(f"tasks={counts[0]:,} coordinators={counts[1]:,} SLDTBXH lead={counts[2]:,} SLDTBXH coordinating={counts[3]:,}")
    engine.dispose()


class Capture:
    """Collect the SQL (with parameters) that a call runs, to EXPLAIN it afterwards."""

    def __init__(self, engine):
        self.engine, self.statements = engine, []

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._grab)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._grab)

    def _grab(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append((statement, parameters))


def timed(fn, runs=7):
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), min(samples), result


def measure(url: str, explain: bool) -> None:
    import datetime as dt

    from coordination import clock
    from coordination.organizations.models import Agency
    from coordination.tasks import inbox, queries

    clock.set_now(dt.datetime(2025, 6, 30, 9, 0))
    engine = get_engine({"sqlalchemy.url": url})
    session = get_session_factory(engine)()
    agency = session.query(Agency).filter_by(code="SLDTBXH").one()

    def deep_cursor(role, position):
        # walk to ``position`` with large pages, the way a client paging through would arrive there
        cursor, seen = None, 0
        filters = inbox.InboxFilters(role=role)
        while seen < position:
            page = inbox.inbox_page(session, agency.id, filters, after=cursor, limit=min(1000, position - seen))
            seen += len(page.tasks)
            cursor = page.next_cursor
            if cursor is None:
                break
        return cursor

    cases = []
    for role in ("lead", "coordinating"):
        filters = inbox.InboxFilters(role=role)
        cases.append((f"{role}: first page (50)", lambda f=filters: inbox.inbox_page(session, agency.id, f)))
        cursor = deep_cursor(role, 40000)
        cases.append((f"{role}: page after 40,000 rows", lambda f=filters, c=cursor: inbox.inbox_page(session, agency.id, f, after=c)))
        cases.append((f"{role}: status counts", lambda r=role: inbox.status_counts(session, agency.id, r)))
    cases.append(("lead: status=in_progress first page", lambda: inbox.inbox_page(
        session, agency.id, inbox.InboxFilters(statuses=("in_progress",)))))
    cases.append(("lead: overdue only first page", lambda: inbox.inbox_page(
        session, agency.id, inbox.InboxFilters(timeliness="overdue"))))
    cases.append(("lead: overdue count", lambda: inbox.inbox_counts(session, agency.id)[1]))
    cases.append(("timeliness counts, all agencies, today", lambda: queries.timeliness_counts(session)))
    cases.append(("timeliness counts, all agencies, as of 31/12/2024", lambda: queries.timeliness_counts(session, as_of=dt.date(2024, 12, 31))))
    cases.append(("timeliness counts, one agency, as of 31/12/2024", lambda: queries.timeliness_counts(
        session, as_of=dt.date(2024, 12, 31), agency_ids=[agency.id])))

    print()
    print(f"{'case':<52} {'median ms':>10} {'min ms':>8}  rows")
    plans = []
    for name, fn in cases:
        runs = 3 if "all agencies" in name else 7
        median, best, result = timed(fn, runs)
        size = len(result.tasks) if hasattr(result, "tasks") else len(result) if hasattr(result, "__len__") else result
        print(f"{name:<52} {median:10.1f} {best:8.1f}  {size}")
        if explain and ("page" in name or "one agency" in name):
            with Capture(engine) as cap:
                fn()
            plans.append((name, cap.statements))
    session.rollback()
    if not explain:
        return
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        for name, statements in plans:
            print(f"\n=== {name}")
            for statement, parameters in statements:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement, parameters)
                print("\n".join(row[0] for row in cur.fetchall()))
                print("---")
    finally:
        raw.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--agency-tasks", type=int, default=50_000)
    parser.add_argument("--reuse", action="store_true", help="measure the database a previous run built")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--no-explain", action="store_true")
    args = parser.parse_args()
    url = create_database(args.reuse)
    started = time.perf_counter()
    if not args.reuse:
        build(url, args.tasks, args.agency_tasks)
        log(f"built in {time.perf_counter() - started:.0f}s")
    measure(url, explain=not args.no_explain)
    if not args.keep:
        import psycopg

        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
