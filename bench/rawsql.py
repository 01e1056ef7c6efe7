"""Hand-written SQL returning the rows each measured page or query returns, run through the bare
DBAPI cursor (no ORM, no SQLAlchemy): the yardstick of ``cases``.

Each function takes the context, a DBAPI cursor and the case's parameters, runs its statements and
fetches every row, as the application must.
"""

from __future__ import annotations

import datetime as dt

from coordination import clock
from coordination.directives.drafting import ISSUER_KINDS
from coordination.directives.search import words
from coordination.tasks.models import OPEN_STATUSES

from .context import Context

OPEN = ", ".join(f"'{s}'" for s in OPEN_STATUSES)


def _day(ctx: Context, value: dt.date):
    return value if ctx.dialect == "postgresql" else value.isoformat()


def _run(ctx: Context, cur, statement: str, params: dict | None = None) -> list:
    cur.execute(ctx.sql(statement), params or {})
    return cur.fetchall()


PAGE_COLUMNS = """t.id, t.content, t.status, t.deadline_in_force, t.original_deadline, t.percent_done, t.completed_on,
       t.parent_id, t.rrule, t.version, d.id, d.number, d.symbol, d.issued_on, a.name"""


def inbox(ctx: Context, cur, agency_id: int, after: str | None) -> int:
    """The inbox page: 50 tasks by (deadline, id) after the cursor, ongoing ones last; the counts."""
    base = f"""SELECT {PAGE_COLUMNS} FROM tasks t JOIN directives d ON d.id = t.directive_id
               JOIN agencies a ON a.id = t.lead_agency_id
               WHERE t.lead_agency_id = :agency AND t.status <> 'cancelled'"""
    rows: list = []
    day, ident = None, None
    if after:
        text_day, _, text_id = after.partition(".")
        day, ident = (None if text_day == "none" else dt.date.fromisoformat(text_day)), int(text_id)
    if not after or day is not None:
        keyset = " AND (t.deadline_in_force, t.id) > (:day, :ident)" if after else ""
        rows = _run(ctx, cur, base + " AND t.deadline_in_force IS NOT NULL" + keyset + " ORDER BY t.deadline_in_force, t.id LIMIT 51",
                    {"agency": agency_id, "day": _day(ctx, day) if day else None, "ident": ident})
    if len(rows) < 51:
        tail = " AND t.id > :ident" if after and day is None else ""
        rows += _run(ctx, cur, base + " AND t.deadline_in_force IS NULL" + tail + f" ORDER BY t.id LIMIT {51 - len(rows)}",
                     {"agency": agency_id, "ident": ident})
    # the kept counts (agency_task_counts, migration 0012), and the overdue ones counted per status
    counts = _run(ctx, cur, f"""SELECT c.status, c.task_count, CASE
            WHEN c.status IN ({OPEN}) THEN (SELECT count(*) FROM tasks t WHERE t.lead_agency_id = :agency
                                            AND t.status = c.status AND t.deadline_in_force < :today)
            WHEN c.status = 'completion_reported' THEN (SELECT count(*) FROM tasks t WHERE t.lead_agency_id = :agency
                AND t.status = 'completion_reported' AND t.completed_on > t.deadline_in_force)
            ELSE 0 END
        FROM agency_task_counts c WHERE c.agency_id = :agency AND c.role = 'lead' AND c.task_count <> 0""",
                  {"agency": agency_id, "today": _day(ctx, clock.today())})
    issuers = _run(ctx, cur, f"""SELECT a.id, a.code, a.name, a.short_name FROM agencies a
        JOIN agency_kinds k ON k.id = a.kind_id
        WHERE k.code IN ({", ".join(f"'{code}'" for code in ISSUER_KINDS)})
          AND EXISTS (SELECT 1 FROM directives d WHERE d.issuer_id = a.id) ORDER BY a.name""")
    return len(rows) + len(counts) + len(issuers)


def dashboard(ctx: Context, cur, issuer_id: int) -> int:
    """Timeliness classes and states per lead agency over the province's tasks (and occurrences)."""
    klass = """CASE WHEN status = 'completed' AND (deadline IS NULL OR completed_on <= deadline) THEN 'completed_on_time'
                    WHEN status = 'completed' THEN 'completed_late'
                    WHEN deadline IS NULL THEN 'open_within_deadline'
                    WHEN status = 'completion_reported' AND completed_on IS NOT NULL
                         THEN CASE WHEN completed_on <= deadline THEN 'open_within_deadline' ELSE 'overdue' END
                    WHEN :today <= deadline THEN 'open_within_deadline' ELSE 'overdue' END"""
    units = """SELECT t.lead_agency_id AS agency_id, t.status AS status, t.completed_on AS completed_on,
                      t.deadline_in_force AS deadline
               FROM tasks t JOIN directives d ON d.id = t.directive_id
               WHERE d.issuer_id = :issuer AND t.rrule IS NULL
               UNION ALL
               SELECT t.lead_agency_id, o.status, o.completed_on, o.due_on
               FROM tasks t JOIN directives d ON d.id = t.directive_id JOIN task_occurrences o ON o.task_id = t.id
               WHERE d.issuer_id = :issuer AND t.rrule IS NOT NULL AND o.period_start <= :today"""
    today = _day(ctx, clock.today())
    rows = _run(ctx, cur, f"SELECT agency_id, {klass} AS class, count(*) FROM ({units}) u "
                          "WHERE status <> 'cancelled' GROUP BY agency_id, class", {"issuer": issuer_id, "today": today})
    states = _run(ctx, cur, "SELECT t.lead_agency_id, t.status, count(*) FROM tasks t JOIN directives d ON d.id = t.directive_id "
                            "WHERE d.issuer_id = :issuer GROUP BY t.lead_agency_id, t.status", {"issuer": issuer_id})
    return len(rows) + len(states)


def dashboard_kept(ctx: Context, cur, scope) -> int:
    """The dashboard's ordinary view: today's kept counts, the closed months' kept figures, and the
    most overdue tasks' lines (the snapshot keys are hashes of the scope, computed as the app does)."""
    import json

    from coordination.reports import snapshots
    from coordination.reports.queries import month_end, month_starts

    today = clock.today()
    found = _run(ctx, cur, "SELECT payload, computed_at FROM report_snapshots "
                           "WHERE scope_key = :key AND kind = 'dashboard' AND as_of = :today",
                 {"key": snapshots.key(scope, "dashboard"), "today": _day(ctx, today)})
    payload = found[0][0]
    payload = json.loads(payload) if isinstance(payload, str) else payload
    ends = [month_end(first) for first in month_starts(today, 12) if month_end(first) < today]
    marks = ", ".join(f":d{i}" for i in range(len(ends)))
    months = _run(ctx, cur, "SELECT as_of, payload FROM report_snapshots WHERE scope_key = :key "
                            f"AND kind = 'month_end' AND as_of IN ({marks})",
                  {"key": snapshots.key(scope, "trend"), **{f"d{i}": _day(ctx, d) for i, d in enumerate(ends)}})
    ids = [task_id for task_id, _deadline in payload["most_overdue"]] or [0]
    marks = ", ".join(f":t{i}" for i in range(len(ids)))
    lines = _run(ctx, cur, "SELECT t.id, t.content, a.name, a.code, d.number, d.symbol FROM tasks t "
                           "JOIN agencies a ON a.id = t.lead_agency_id JOIN directives d ON d.id = t.directive_id "
                           f"WHERE t.id IN ({marks})", {f"t{i}": v for i, v in enumerate(ids)})
    return len(payload["agencies"]) + len(months) + len(lines)


def register(ctx: Context, cur, query: str) -> int:
    """The register's first page for an accent-free phrase, newest first."""
    found = words(query)
    columns = "d.*, ty.name, a.name"
    joins = "FROM directives d JOIN directive_types ty ON ty.id = d.type_id JOIN agencies a ON a.id = d.issuer_id"
    if ctx.dialect == "postgresql":
        where = ("to_tsvector('simple', d.search_key) @@ to_tsquery('simple', :tsq) AND d.search_key LIKE :pattern")
        params = {"tsq": " & ".join(found), "pattern": f"% {' '.join(found)} %"}
    else:
        where = "d.id IN (SELECT rowid FROM directives_fts WHERE directives_fts MATCH :phrase)"
        params = {"phrase": f'"{" ".join(found)}"'}
    return len(_run(ctx, cur, f"SELECT {columns} {joins} WHERE {where} ORDER BY d.dated_on DESC, d.id DESC LIMIT 26", params))


def task_page(ctx: Context, cur, task_id: int) -> int:
    """Everything the task page shows: the task, its coordinators, reports (with attachments and
    target values), extensions, escalations, comments, deadline history, occurrences, audit trail."""
    p = {"task": task_id, "viewer": ctx.viewer_id}
    statements = [
        "SELECT u.*, r.role FROM users u LEFT JOIN user_roles r ON r.user_id = u.id WHERE u.id = :viewer",
        """SELECT t.*, d.number, d.symbol, d.subject, d.issued_on, a.code, a.name FROM tasks t
           JOIN directives d ON d.id = t.directive_id JOIN agencies a ON a.id = t.lead_agency_id WHERE t.id = :task""",
        "SELECT a.id, a.code, a.name FROM task_coordinators c JOIN agencies a ON a.id = c.agency_id WHERE c.task_id = :task ORDER BY a.name",
        """SELECT r.*, a.name, u.full_name FROM progress_reports r JOIN agencies a ON a.id = r.agency_id
           LEFT JOIN users u ON u.id = r.author_id WHERE r.task_id = :task ORDER BY r.id DESC""",
        "SELECT f.* FROM progress_attachments f JOIN progress_reports r ON r.id = f.report_id WHERE r.task_id = :task",
        "SELECT v.* FROM progress_target_values v JOIN progress_reports r ON r.id = v.report_id WHERE r.task_id = :task",
        """SELECT e.*, u.full_name, w.full_name FROM extensions e LEFT JOIN users u ON u.id = e.requested_by_id
           LEFT JOIN users w ON w.id = e.decided_by_id WHERE e.task_id = :task ORDER BY e.id DESC""",
        """SELECT e.*, u.full_name, w.full_name FROM escalations e LEFT JOIN users u ON u.id = e.raised_by_id
           LEFT JOIN users w ON w.id = e.decided_by_id WHERE e.task_id = :task ORDER BY e.id DESC""",
        """SELECT c.*, u.full_name, a.name FROM task_comments c LEFT JOIN users u ON u.id = c.author_id
           JOIN agencies a ON a.id = c.agency_id WHERE c.task_id = :task ORDER BY c.id""",
        "SELECT * FROM deadline_changes WHERE task_id = :task ORDER BY valid_from, id",
        "SELECT * FROM task_occurrences WHERE task_id = :task ORDER BY due_on",
        """SELECT e.*, u.full_name FROM audit_events e LEFT JOIN users u ON u.id = e.actor_id
           WHERE e.entity = 'task' AND e.entity_id = :task ORDER BY e.id""",
        "SELECT id, status, percent_done, deadline_in_force, completed_on FROM tasks WHERE parent_id = :task ORDER BY id",
    ]
    return sum(len(_run(ctx, cur, statement, p)) for statement in statements)
