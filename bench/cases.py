"""The measurements of ``run.py``: each times what the application does (its query and service
functions, as the views call them) next to hand-written SQL returning the same rows through the
bare DBAPI, in the same run, interleaved. The ratio is the figure that matters on a noisy machine.

Every case is ``fn(ctx, reps) -> Measurement``; ``CASES`` lists them in the order they print.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pyramid.path import DottedNameResolver
from sqlalchemy import func, select

from coordination import clock
from coordination.accounts.models import User
from coordination.directives import queries as directive_queries
from coordination.directives.models import Directive
from coordination.tasks import inbox, queries, services
from coordination.tasks.inbox_lines import inbox_lines
from coordination.tasks.labels import STATUS_LABELS, TIMELINESS_LABELS
from coordination.tasks.models import Task

from . import rawsql
from .context import Context
from .timing import Measurement, measurement, paired

ROOT = Path(__file__).resolve().parent.parent


# -- the agency inbox ------------------------------------------------------------------------------


def inbox_data(s, agency_id: int, after: str | None = None) -> int:
    """What the inbox page (coordination.tasks.views.inbox) asks the database for, and the
    attributes its template reads."""
    page = inbox.inbox_page(s, agency_id, inbox.InboxFilters(), after=after, as_rows=True)
    counts, overdue = inbox.inbox_counts(s, agency_id, inbox.LEAD)
    issuers = inbox.directive_issuers(s)
    # what the page then works out of each row for its template (tasks.inbox_lines)
    lines = inbox_lines(page.tasks, today=clock.today(), task_url=lambda id: f"/tasks/{id}", status_names=STATUS_LABELS,
                        timeliness_names=TIMELINESS_LABELS, ongoing="Thường xuyên")
    return len(lines) + len(counts) + overdue + len(issuers)


def _with_session(ctx: Context, fn):
    def run():
        with ctx.session() as s:
            return fn(s)
    return run


def _raw(ctx: Context, fn):
    def run():
        conn = ctx.raw()
        try:
            cur = conn.cursor()
            result = fn(ctx, cur)
            conn.rollback()
            return result
        finally:
            conn.close()
    return run


def inbox_first_page(ctx: Context, reps: int) -> Measurement:
    app, raw = paired(_with_session(ctx, lambda s: inbox_data(s, ctx.agency_id)),
                      _raw(ctx, lambda c, cur: rawsql.inbox(c, cur, ctx.agency_id, None)), reps)
    return measurement("inbox_first_page", app, raw,
                       note=f"{ctx.agency_code}: {ctx.agency_tasks:,} tasks; page of 50 + status counts + overdue count + issuers")


def inbox_deep_page(ctx: Context, reps: int) -> Measurement:
    after = ctx.deep_cursor
    app, raw = paired(_with_session(ctx, lambda s: inbox_data(s, ctx.agency_id, after)),
                      _raw(ctx, lambda c, cur: rawsql.inbox(c, cur, ctx.agency_id, after)), reps)
    return measurement("inbox_deep_page", app, raw, note=f"the page after row {ctx.deep_position:,} (keyset cursor)")


# -- the leadership dashboard ------------------------------------------------------------------------

# The dashboard measured: ``module:function`` called as fn(dbsession, ctx) (``--dashboard`` or
# COORDINATION_BENCH_DASHBOARD). The default is the reports' dashboard as the page calls it.
DEFAULT_DASHBOARD = "bench.cases:dashboard_view"
# the leader's ordinary view keeps today's counts this long (production.ini's value)
DASHBOARD_SETTINGS = {"reports.dashboard_cache_seconds": "120"}


def province_scope(ctx: Context):
    """The dashboard's scope for the home province's leadership: its People's Committee's directives."""
    from coordination.reports.model import SCOPE_DIRECTIVES, ReportScope

    return ReportScope(kind=SCOPE_DIRECTIVES, description="các văn bản chỉ đạo của UBND tỉnh", issuer_id=ctx.issuer_id)


def _dashboard_touch(board) -> int:
    """What the template reads of the dashboard (so lazy work, if any, is paid for)."""
    return (len(board.agencies) + board.open + board.overdue + board.due_soon + len(board.trend)
            + sum(len(line.content or "") for line in board.most_overdue))


def dashboard_view(s, ctx: Context) -> int:
    """The reports' dashboard (``coordination.reports.dashboard.dashboard``) of the province, as the
    page calls it: today's counts kept for two minutes, closed months kept for good."""
    from coordination.reports.dashboard import dashboard as reports_dashboard

    return _dashboard_touch(reports_dashboard(s, province_scope(ctx), DASHBOARD_SETTINGS))


def dashboard_recount(s, ctx: Context) -> int:
    """The same dashboard when its two-minute snapshot has expired: today's counts again."""
    from coordination.reports.dashboard import dashboard as reports_dashboard

    return _dashboard_touch(reports_dashboard(s, province_scope(ctx), {"reports.dashboard_cache_seconds": "0"}))


def dashboard_counts(s, ctx: Context) -> int:
    """The four timeliness classes per lead agency (today) and the tasks per agency and status, over
    the home province's directives, counted on every call (the stand-in of the first measurements)."""
    counts = queries.timeliness_counts(s, issuer_ids=[ctx.issuer_id])
    home = select(Directive.id).where(Directive.issuer_id == ctx.issuer_id)
    states = s.execute(select(Task.lead_agency_id, Task.status, func.count()).where(Task.directive_id.in_(home))
                       .group_by(Task.lead_agency_id, Task.status)).all()
    return len(counts) + len(states)


def warm_dashboard(ctx: Context) -> None:
    """Count and keep the province's dashboard once (as the monthly job and the first view do)."""
    with ctx.session() as s:
        dashboard_view(s, ctx)
        s.commit()


def dashboard(ctx: Context, reps: int, function: str | None = None) -> Measurement:
    name = function or os.environ.get("COORDINATION_BENCH_DASHBOARD") or DEFAULT_DASHBOARD
    fn = DottedNameResolver().resolve(name)
    if name == DEFAULT_DASHBOARD:
        warm_dashboard(ctx)
        app, raw = paired(_with_session(ctx, lambda s: fn(s, ctx)),
                          _raw(ctx, lambda c, cur: rawsql.dashboard_kept(c, cur, province_scope(c))), reps)
        return measurement("dashboard", app, raw, note=(
            f"{name}: the leader's ordinary view (counts kept ≤ 2 min); raw: the same three reads "
            "(today's snapshot, the closed months' snapshots, the most overdue tasks)"))
    app, raw = paired(_with_session(ctx, lambda s: fn(s, ctx)),
                      _raw(ctx, lambda c, cur: rawsql.dashboard(c, cur, ctx.issuer_id)), reps)
    return measurement("dashboard", app, raw, note=f"{name}; raw: timeliness and status GROUP BYs over the province")


def dashboard_counted(ctx: Context, reps: int) -> Measurement:
    """The dashboard when its snapshot has expired (once per two minutes per scope, at most)."""
    warm_dashboard(ctx)  # the closed months are kept; only today's counts are redone
    app, raw = paired(_with_session(ctx, lambda s: dashboard_recount(s, ctx)),
                      _raw(ctx, lambda c, cur: rawsql.dashboard(c, cur, ctx.issuer_id)), reps)
    return measurement("dashboard_recount", app, raw, note=(
        "the same dashboard with an expired snapshot: today's counts redone (not kept: rolled back); "
        "raw: timeliness and status GROUP BYs over the province"))


# -- the directive register -------------------------------------------------------------------------

SEARCH = "ho tro lao dong"


def register_search(ctx: Context, reps: int) -> Measurement:
    def app(s):
        page = directive_queries.register(s, directive_queries.RegisterFilter(q=SEARCH))
        for d in page.items:
            (d.number_symbol, d.type.name, d.issuer.name, d.subject, d.dated_on)
        return len(page.items)

    app_ms, raw_ms = paired(_with_session(ctx, app), _raw(ctx, lambda c, cur: rawsql.register(c, cur, SEARCH)), reps)
    with ctx.session() as s:
        found = len(directive_queries.register(s, directive_queries.RegisterFilter(q=SEARCH, limit=200)).items)
    return measurement("register_search", app_ms, raw_ms, note=f"q={SEARCH!r}, first page of 25 ({found}+ matches)")


# -- the task page --------------------------------------------------------------------------------


def task_page(ctx: Context, reps: int) -> Measurement:
    def app(s):
        viewer = s.get(User, ctx.viewer_id)
        task = services.task_for(s, ctx.history_task_id, viewer)
        detail = services.detail(s, task, viewer)
        for e in detail.events:
            (e.action, e.at, e.actor.full_name if e.actor else None, e.before, e.after)
        for r in detail.reports:
            (r.agency.name, r.author.full_name if r.author else None, r.text, r.attachments, r.target_values)
        [a.name for a in task.coordinating_agencies]
        return len(detail.events)

    app_ms, raw_ms = paired(_with_session(ctx, app), _raw(ctx, lambda c, cur: rawsql.task_page(c, cur, ctx.history_task_id)), reps)
    return measurement("task_page", app_ms, raw_ms, note=f"task {ctx.history_task_id} with {ctx.history_events} audit events")


# -- issuing 2,000 tasks --------------------------------------------------------------------------

def issue_2000(ctx: Context, reps: int) -> Measurement:
    from . import issuing

    return issuing.measure(ctx, reps)


# -- the deadline sweep ---------------------------------------------------------------------------

def sweep(ctx: Context, reps: int) -> Measurement:
    from . import sweeping

    return sweeping.measure(ctx, reps)


def sweep_again(ctx: Context, reps: int) -> Measurement:
    from . import sweeping

    return sweeping.measure(ctx, reps, at=sweeping.LATER_SAME_DAY, name="sweep_again")


# -- the province-year XLSX export (a child process per run: time and peak memory) ---------------


def xlsx_export(ctx: Context, reps: int) -> Measurement:
    runs = max(1, min(reps, 3))
    app, raw = [], []
    for _ in range(runs):
        app.append(_child(ctx, "app"))
        raw.append(_child(ctx, "raw"))
    rows = app[-1]["rows"]
    m = measurement("xlsx_export", [r["seconds"] * 1000 for r in app], [r["seconds"] * 1000 for r in raw],
                    note=f"{rows:,} task rows of {ctx.year}, {app[-1]['source']}; raw: the same rows fetched, no workbook")
    m.peak_mb = max(r["maxrss_mb"] for r in app)
    m.extra = {"rows": rows, "file_mb": round(app[-1]["bytes"] / 2**20, 1), "raw_peak_mb": round(max(r["maxrss_mb"] for r in raw), 1)}
    return m


def _child(ctx: Context, mode: str) -> dict:
    command = [sys.executable, "-m", "bench.export_child", "--db", ctx.url, "--mode", mode,
               "--issuer", str(ctx.issuer_id), "--year", str(ctx.year)]
    done = subprocess.run(command, stdout=subprocess.PIPE, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode != 0:
        raise RuntimeError(f"export child ({mode}) failed")
    result = json.loads(done.stdout)
    result["maxrss_mb"] = result["peak_mb"]  # measured by the child itself (see export_child.peak_mb)
    return result


# -- the directive parser -----------------------------------------------------------------------


def parse(ctx: Context, reps: int) -> Measurement:
    from coordination.importing.parser import parse_directive, recognizer_for

    from .seeds import seeds_dir

    folder = seeds_dir()
    if folder is None:
        return Measurement(name="parse", median_ms=0.0, p95_ms=0.0, note="skipped: no seed directives found")
    path = max(folder.glob("*.txt"), key=lambda p: p.stat().st_size)
    source = path.read_text(encoding="utf-8")
    recognizer_for(None)
    app, _raw = paired(lambda: parse_directive(source, None), None, max(reps, 20))
    return measurement("parse", app, [], note=f"{path.name} ({len(source):,} characters); no SQL to compare with")


CASES = {
    "inbox_first_page": inbox_first_page,
    "inbox_deep_page": inbox_deep_page,
    "dashboard": dashboard,
    "dashboard_recount": dashboard_counted,
    "register_search": register_search,
    "task_page": task_page,
    "issue_2000": issue_2000,
    "sweep": sweep,
    "sweep_again": sweep_again,
    "xlsx_export": xlsx_export,
    "parse": parse,
}
