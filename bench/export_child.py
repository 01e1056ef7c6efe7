"""One run of the province-year XLSX export in a process of its own (so its peak memory is its own).

    python -m bench.export_child --db URL --mode app|raw --issuer ID --year 2026

``app``: what the export view does (``coordination.reports.service.workbook_parts``: the report's
figures, and the task sheet's rows read ahead, into ``coordination.reports.xlsx.write_xlsx``); for
older code, ``build_report`` and ``tasksheet.task_rows`` one after the other (or ``bench.export_rows``).
``raw``: the same rows fetched by one hand-written statement through the bare DBAPI (a server-side
cursor on PostgreSQL), and nothing written. Prints one JSON object: seconds, rows, bytes, source.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time

from coordination import clock
from coordination.db import get_engine, get_session_factory

from .scales import BENCH_AT


def app(url: str, issuer_id: int, year: int) -> tuple[int, int, str]:
    from coordination.reports.model import SCOPE_DIRECTIVES, ReportScope
    from coordination.reports.sample import sample_report
    from coordination.reports.xlsx import write_xlsx

    engine = get_engine({"sqlalchemy.url": url})
    as_of = clock.today()
    scope = ReportScope(kind=SCOPE_DIRECTIVES, description=f"các văn bản ban hành năm {year}", issuer_id=issuer_id,
                        date_from=dt.date(year, 1, 1), date_to=dt.date(year, 12, 31))
    with get_session_factory(engine)() as s, tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "export.xlsx")
        report = sample_report(scope=scope, as_of=as_of, dated=as_of)
        try:  # what the export view does
            from coordination.reports.service import workbook_parts
        except ImportError:  # older code, measured for comparison
            workbook_parts = None
        if workbook_parts is not None:
            with workbook_parts(s, scope, as_of, report.letterhead) as (report, rows):
                count = write_xlsx(report, rows, path)
            size = os.path.getsize(path)
            engine.dispose()
            return count, size, "coordination.reports.service.workbook_parts (figures + rows read ahead)"
        try:
            from coordination.reports.queries import build_report
            from coordination.reports.tasksheet import task_rows

            source = "coordination.reports.queries"
            try:
                report = build_report(s, scope, as_of, report.letterhead)
                source += " (build_report + task_rows)"
            except TypeError:
                source += " (task_rows; summary from the sample)"
            rows = task_rows(s, scope, as_of)
        except ImportError:
            from .export_rows import task_rows as stand_in

            source = "bench.export_rows stand-in"
            rows = stand_in(s, issuer_id, year, as_of)
        count = write_xlsx(report, rows, path)
        size = os.path.getsize(path)
    engine.dispose()
    return count, size, source


RAW = {
    "postgresql": """
        SELECT t.id, d.number, d.symbol, d.issued_on, t.paragraph, t.content, a.name, t.status, t.original_deadline,
               t.deadline_in_force, t.completed_on, t.percent_done,
               (SELECT string_agg(ca.name, ', ' ORDER BY ca.name) FROM task_coordinators c
                  JOIN agencies ca ON ca.id = c.agency_id WHERE c.task_id = t.id),
               (SELECT r.text FROM progress_reports r WHERE r.task_id = t.id AND NOT r.is_contribution
                  ORDER BY r.id DESC LIMIT 1)
        FROM tasks t JOIN directives d ON d.id = t.directive_id JOIN agencies a ON a.id = t.lead_agency_id
        WHERE d.issuer_id = %(issuer)s AND d.issued_on BETWEEN %(start)s AND %(end)s AND t.status <> 'cancelled'
        ORDER BY d.issued_on, d.id, t.id""",
    "sqlite": """
        SELECT t.id, d.number, d.symbol, d.issued_on, t.paragraph, t.content, a.name, t.status, t.original_deadline,
               t.deadline_in_force, t.completed_on, t.percent_done,
               (SELECT group_concat(name, ', ') FROM (SELECT ca.name FROM task_coordinators c
                  JOIN agencies ca ON ca.id = c.agency_id WHERE c.task_id = t.id ORDER BY ca.name)),
               (SELECT r.text FROM progress_reports r WHERE r.task_id = t.id AND NOT r.is_contribution
                  ORDER BY r.id DESC LIMIT 1)
        FROM tasks t JOIN directives d ON d.id = t.directive_id JOIN agencies a ON a.id = t.lead_agency_id
        WHERE d.issuer_id = :issuer AND d.issued_on BETWEEN :start AND :end AND t.status <> 'cancelled'
        ORDER BY d.issued_on, d.id, t.id""",
}


def raw(url: str, issuer_id: int, year: int) -> tuple[int, int, str]:
    engine = get_engine({"sqlalchemy.url": url})
    dialect = engine.dialect.name
    params = {"issuer": issuer_id, "start": dt.date(year, 1, 1), "end": dt.date(year, 12, 31)}
    conn = engine.raw_connection()
    count = 0
    try:
        if dialect == "postgresql":
            cur = conn.dbapi_connection.cursor(name="export")  # server-side: rows arrive in batches
            cur.itersize = 2000
        else:
            cur = conn.cursor()
            params = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in params.items()}
        cur.execute(RAW[dialect], params)
        while True:
            batch = cur.fetchmany(2000)
            if not batch:
                break
            count += len(batch)
        cur.close()
    finally:
        conn.close()
        engine.dispose()
    return count, 0, "raw SQL"


def peak_mb() -> float:
    """This process's peak resident memory since it was started. VmHWM belongs to the program after
    exec; getrusage's ru_maxrss would also count the parent's pages the fork copied before it."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--mode", choices=("app", "raw"), required=True)
    parser.add_argument("--issuer", type=int, required=True)
    parser.add_argument("--year", type=int, required=True)
    args = parser.parse_args(argv)
    clock.set_now(BENCH_AT)
    started = time.perf_counter()
    count, size, source = (app if args.mode == "app" else raw)(args.db, args.issuer, args.year)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "rows": count, "bytes": size, "source": source, "peak_mb": peak_mb()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
