"""Leadership dashboard speed on PostgreSQL with a million tasks (target: p95 ≤ 50 ms).

    python bench/bench_dashboard.py [--tasks 1000000] [--reuse] [--keep] [--requests 200]

Builds (or, with ``--reuse``, reuses) the database of ``bench_inbox.py`` under its own name
(``coordination_bench_dashboard``): the demo province, 300 more communes, 1M tasks with their
history rows. The clock is frozen at 30/06/2025 09:00. Then it measures, through the whole WSGI
stack (routing, security, SQL, SVG charts, template) with a logged-in leader:

1. the first view of a fresh database: today's counts and the eleven closed months' "overdue at
   month end" (history tables), all computed — the worst case, paid once (or by the monthly job);
2. a view whose today's snapshot has expired (``reports.dashboard_cache_seconds``): one recount;
3. the ordinary view, snapshot fresh: ``--requests`` views, median and p95 — the figure the target
   is about;
4. the same three for an agency head (SLDTBXH: 50 000 tasks);
5. for comparison: ``build_report`` of that agency as of 31/12/2024 and its CSV task sheet.

Measured (PostgreSQL 15 on the development machine, 2 cores, 1M tasks, 311 lead agencies):

    lanhdao            first view (all months counted)   23056.5 ms
    lanhdao            snapshot expired (one recount)      899.0 ms
    lanhdao            ordinary view ×200           median   16.0 ms   p95   22.6 ms   max  116.5 ms
    giamdoc.sldtbxh    first view (all months counted)    8798.2 ms
    giamdoc.sldtbxh    snapshot expired (one recount)      464.5 ms
    giamdoc.sldtbxh    ordinary view ×200           median    8.6 ms   p95    9.6 ms   max   18.0 ms
    build_report SLDTBXH as of 31/12/2024 (history)        1758.9 ms
    CSV task sheet SLDTBXH as of 31/12/2024, 29253 rows    1782.8 ms

The first view of a scope is slow (each closed month read from history once, ~2 s each at this
size); the monthly report job warms the leadership's scope. Every later month adds one month.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import bench_inbox  # noqa: E402

bench_inbox.DB_NAME = "coordination_bench_dashboard"
NOW = dt.datetime(2025, 6, 30, 9, 0)


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def client(url: str, login: str):
    import webtest
    from sqlalchemy import select

    from coordination import main
    from coordination.accounts import services
    from coordination.accounts.models import User
    from coordination.db import get_engine, get_session_factory, run_in_transaction

    services.configure_hasher(time_cost=1, memory_cost=1024, parallelism=1)

    def password(dbsession):
        user = dbsession.scalar(select(User).where(User.login == login))
        user.password_hash = services.hash_password("bench-password")

    run_in_transaction(get_session_factory(get_engine({"sqlalchemy.url": url})), password)
    app = main({}, **{"sqlalchemy.url": url, "session.secret": "bench-" + "x" * 40, "attachments.dir": "/tmp/bench-att",
                      "issuer.name": "Ủy ban nhân dân tỉnh Hưng Yên"})
    test = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost"})
    form = test.get("/login").forms["deform"]
    form["login"], form["password"] = login, "bench-password"
    form.submit("sign_in", status=303)
    return test


def clear_snapshots(url: str, kind: str | None = None) -> None:
    from sqlalchemy import text

    from coordination.db import get_engine

    engine = get_engine({"sqlalchemy.url": url})
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM report_snapshots" + (" WHERE kind = :kind" if kind else "")),
                     {"kind": kind} if kind else {})
    engine.dispose()


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def measure_dashboard(url: str, login: str, requests: int) -> None:
    test = client(url, login)
    clear_snapshots(url)
    cold = timed(lambda: test.get("/dashboard"))
    clear_snapshots(url, "dashboard")
    recount = timed(lambda: test.get("/dashboard"))
    samples = [timed(lambda: test.get("/dashboard")) for _ in range(requests)]
    print(f"{login:<18} first view (all months counted) {cold:9.1f} ms")
    print(f"{login:<18} snapshot expired (one recount)  {recount:9.1f} ms")
    print(f"{login:<18} ordinary view ×{requests:<4}          median {statistics.median(samples):6.1f} ms"
          f"   p95 {p95(samples):6.1f} ms   max {max(samples):6.1f} ms")


def measure_report(url: str) -> None:
    from sqlalchemy import select

    from coordination.db import get_engine, get_session_factory
    from coordination.organizations.models import Agency
    from coordination.reports.csv import iter_csv
    from coordination.reports.letterhead import office_letterhead
    from coordination.reports.model import SCOPE_AGENCY, ReportScope
    from coordination.reports.queries import build_report
    from coordination.reports.tasksheet import task_rows

    session = get_session_factory(get_engine({"sqlalchemy.url": url}))()
    agency = session.scalar(select(Agency).where(Agency.code == "SLDTBXH"))
    scope = ReportScope(kind=SCOPE_AGENCY, description="Sở LĐTBXH", agency_id=agency.id)
    day = dt.date(2024, 12, 31)
    report_ms = timed(lambda: build_report(session, scope, day, office_letterhead({})))
    rows = 0

    def export():
        nonlocal rows
        for chunk in iter_csv(task_rows(session, scope, day)):
            rows += chunk.count(b"\n")

    csv_ms = timed(export)
    print(f"build_report SLDTBXH as of 31/12/2024 (history)     {report_ms:9.1f} ms")
    print(f"CSV task sheet SLDTBXH as of 31/12/2024, {rows - 1} rows {csv_ms:9.1f} ms")
    session.rollback()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--agency-tasks", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="measure the database a previous run built")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    from coordination import clock
    from coordination.migrate import upgrade

    url = bench_inbox.create_database(args.reuse)
    if not args.reuse:
        started = time.perf_counter()
        bench_inbox.build(url, args.tasks, args.agency_tasks)
        log(f"built in {time.perf_counter() - started:.0f}s")
    upgrade(url)  # a reused database may predate the latest migrations
    clock.set_now(NOW)
    print()
    measure_dashboard(url, "lanhdao", args.requests)
    measure_dashboard(url, "giamdoc.sldtbxh", args.requests)
    measure_report(url)
    if not args.keep:
        import psycopg

        with psycopg.connect(bench_inbox.ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{bench_inbox.DB_NAME}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
