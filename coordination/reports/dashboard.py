"""The leadership dashboard's figures: tiles, timeliness by agency, the monthly trend, the most
overdue tasks. Route-free: the view turns each figure into a link to the tasks behind it.

Speed (target: p95 ≤ 50 ms with a million tasks, ``bench/bench_dashboard.py``). Counting a
province's tasks takes a few hundred milliseconds however it is indexed, so the dashboard does not
count on every view:

- today's counts are made in **one** pass over the scope's units (current columns, set-based) and
  kept as a snapshot for ``reports.dashboard_cache_seconds`` (default 120 s); the page says when
  they were counted. A view within that time reads one row.
- a closed month's "overdue at month end" comes from the history tables and can never change:
  it is computed once per scope and kept for good (``queries.month_end_overdue``). The monthly
  report job computes the leadership's, so nobody waits for it.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from ..clock import today as clock_today
from ..directives.models import Directive
from ..organizations.models import Agency
from ..tasks.models import Task
from . import snapshots
from .model import LATE, ON_TIME, OVERDUE, WITHIN, AgencyFigures, MonthPoint, ReportScope
from .queries import agency_order, completed_by_month, days_overdue, month_starts, monthly_trend
from .ranking import vietnamese_key
from .units import PENDING_STATUSES, units

DEFAULT_CACHE_SECONDS = 120
TREND_MONTHS = 12
MOST_OVERDUE = 10
DUE_SOON_DAYS = 7
CHART_AGENCIES = 15


@dataclass(frozen=True)
class OverdueLine:
    task_id: int
    content: str
    lead: str
    lead_code: str
    directive_number: str
    deadline: dt.date
    days_overdue: int


@dataclass(frozen=True)
class Dashboard:
    scope: ReportScope
    today: dt.date
    computed_at: dt.datetime
    open: int
    overdue: int
    due_soon: int
    due_soon_until: dt.date
    year_on_time: int
    year_fallen_due: int
    agencies: tuple[AgencyFigures, ...]
    trend: tuple[MonthPoint, ...]
    most_overdue: tuple[OverdueLine, ...]

    @property
    def year_start(self) -> dt.date:
        return dt.date(self.today.year, 1, 1)

    @property
    def year_rate(self) -> Fraction | None:
        """On-time rate of the units due this year up to today (see ``AgencyFigures.on_time_rate``)."""
        return Fraction(self.year_on_time, self.year_fallen_due) if self.year_fallen_due else None

    @cached_property  # the view and the page's caption both ask; sorting 2,000 agencies once is enough
    def chart_agencies(self) -> tuple[AgencyFigures, ...]:
        """The agencies the bar chart shows: all of them when they fit, else the scope's own agency
        and the ones with the most overdue (then open) tasks, those first: 300 bars help nobody."""
        if len(self.agencies) <= CHART_AGENCIES:
            return self.agencies
        own = [f for f in self.agencies if f.agency_id == self.scope.agency_id]
        rest = sorted((f for f in self.agencies if f.agency_id != self.scope.agency_id),
                      key=lambda f: (-f.overdue, -(f.within + f.overdue), vietnamese_key(f.agency_name)))
        return tuple(own + rest)[:CHART_AGENCIES]

    @property
    def year_ratio(self) -> float | None:
        rate = self.year_rate
        return None if rate is None else float(rate)


def cache_seconds(settings: dict) -> int:
    try:
        return max(0, int(settings.get("reports.dashboard_cache_seconds", DEFAULT_CACHE_SECONDS)))
    except (TypeError, ValueError):
        return DEFAULT_CACHE_SECONDS


def count_today(dbsession: Session, scope: ReportScope, today: dt.date) -> dict:
    """Today's counts of ``scope`` as a JSON-ready snapshot (three queries, each set-based)."""
    u = units(scope, today)
    in_year = and_(u.c.deadline >= dt.date(today.year, 1, 1), u.c.deadline <= today)
    soon = and_(u.c.status.in_(PENDING_STATUSES), u.c.deadline >= today,
                u.c.deadline <= today + dt.timedelta(days=DUE_SOON_DAYS))
    per_agency: dict[int, dict[str, int]] = {}
    year = {ON_TIME: 0, LATE: 0, WITHIN: 0, OVERDUE: 0}
    due_soon = 0
    rows = dbsession.execute(
        select(u.c.agency_id, u.c.klass, func.count(), func.sum(case((in_year, 1), else_=0)),
               func.sum(case((soon, 1), else_=0)))
        .group_by(u.c.agency_id, u.c.klass))
    for agency_id, klass, n, n_year, n_soon in rows:
        per_agency.setdefault(agency_id, {ON_TIME: 0, LATE: 0, WITHIN: 0, OVERDUE: 0})[klass] = n
        year[klass] += int(n_year or 0)
        due_soon += int(n_soon or 0)
    worst = dbsession.execute(
        select(u.c.task_id, u.c.deadline).where(u.c.klass == OVERDUE, u.c.status.in_(PENDING_STATUSES))
        .order_by(u.c.deadline, u.c.task_id).limit(MOST_OVERDUE)).all()
    completed = completed_by_month(dbsession, scope, month_starts(today, TREND_MONTHS)[0], today)
    # names travel with the counts, in the order reports print agencies: a view needs no lookup
    ordered = agency_order(dbsession, per_agency, first=scope.agency_id)
    return {
        "agencies": [[a.id, a.code, a.name, *(per_agency[a.id][k] for k in (ON_TIME, LATE, WITHIN, OVERDUE))]
                     for a in ordered],
        "year": [year[ON_TIME], year[LATE], year[OVERDUE]],
        "due_soon": due_soon,
        "most_overdue": [[task_id, deadline.isoformat()] for task_id, deadline in worst],
        "completed": [[y, m, n] for (y, m), n in completed.items()],
    }


def _overdue_lines(dbsession: Session, pairs: list, today: dt.date) -> tuple[OverdueLine, ...]:
    if not pairs:
        return ()
    tasks = {row.id: row for row in dbsession.execute(
        select(Task.id, Task.content, Agency.name, Agency.code, Directive.number, Directive.symbol)
        .join(Agency, Agency.id == Task.lead_agency_id).join(Directive, Directive.id == Task.directive_id)
        .where(Task.id.in_([task_id for task_id, _day in pairs])))}
    out = []
    for task_id, day in pairs:
        row = tasks.get(task_id)
        if row is None:
            continue
        deadline = dt.date.fromisoformat(day)
        out.append(OverdueLine(
            task_id=task_id, content=row.content, lead=row.name, lead_code=row.code,
            directive_number=f"{row.number}/{row.symbol}" if row.number is not None else "—",
            deadline=deadline, days_overdue=days_overdue(today, deadline, "in_progress", None)))
    return tuple(out)


def dashboard(dbsession: Session, scope: ReportScope, settings: dict) -> Dashboard:
    """The dashboard of ``scope`` today; counts at most ``reports.dashboard_cache_seconds`` old."""
    today = clock_today()
    key = snapshots.key(scope, "dashboard")
    payload, computed_at = snapshots.remembered(
        dbsession, key, snapshots.DASHBOARD, today, lambda: count_today(dbsession, scope, today),
        max_age=dt.timedelta(seconds=cache_seconds(settings)),
        on_save=lambda: snapshots.prune(dbsession, key, snapshots.DASHBOARD, today))
    agencies = tuple(
        AgencyFigures(agency_id=agency_id, agency_code=code, agency_name=name, on_time=on_time, late=late,
                      within=within, overdue=overdue)
        for agency_id, code, name, on_time, late, within, overdue in payload["agencies"])
    overdue = sum(f.overdue for f in agencies)
    on_time, late, year_overdue = payload["year"]
    trend = monthly_trend(dbsession, scope, TREND_MONTHS,
                          completed={(y, m): n for y, m, n in payload["completed"]}, overdue_now=overdue)
    return Dashboard(
        scope=scope, today=today, computed_at=computed_at,
        open=sum(f.within + f.overdue for f in agencies), overdue=overdue, due_soon=payload["due_soon"],
        due_soon_until=today + dt.timedelta(days=DUE_SOON_DAYS),
        year_on_time=on_time, year_fallen_due=on_time + late + year_overdue,
        agencies=agencies, trend=tuple(trend),
        most_overdue=_overdue_lines(dbsession, payload["most_overdue"], today),
    )


def warm(dbsession: Session, scope: ReportScope, months: int = TREND_MONTHS) -> None:
    """Compute and keep the closed months' figures of ``scope`` (the monthly job calls this), so
    the first dashboard view of a month does not wait for the history tables."""
    monthly_trend(dbsession, scope, months, completed={}, overdue_now=0)
