"""The tasks behind a figure: the units of a scope as of a cut-off, filtered the way the dashboard and
the report count them, one keyset-paginated page at a time.

Every figure links here with the filters that produced it, and the list counts with the same
``units`` query, so the number on the dashboard and the rows on this page cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Date, func, literal, select, tuple_
from sqlalchemy.orm import Session

from ..directives.models import Directive
from ..organizations.models import Agency
from ..tasks.models import IN_PROGRESS, OCC_OPEN, TIMELINESS, Task
from .model import ReportScope
from .lookups import latest_progress
from .queries import days_overdue
from .units import PENDING_STATUSES, units

NO_DEADLINE = dt.date(9999, 12, 31)  # ongoing tasks sort last


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class TaskFilters:
    """Narrowing within the scope. ``classes`` empty: every class."""

    agency_id: int | None = None  # the lead agency
    classes: tuple[str, ...] = ()
    due_after: dt.date | None = None
    due_before: dt.date | None = None
    completed_from: dt.date | None = None
    completed_to: dt.date | None = None
    pending: bool = False  # only units the agency still has to work on (not awaiting review)

    def __post_init__(self):
        unknown = set(self.classes) - set(TIMELINESS)
        if unknown:
            raise ValueError(f"unknown timeliness classes {sorted(unknown)}")


@dataclass(frozen=True)
class TaskLine:
    task_id: int
    directive_number: str
    directive_date: dt.date | None
    content: str
    lead: str
    lead_code: str
    deadline: dt.date | None
    status: str
    timeliness: str
    completed_on: dt.date | None
    days_overdue: int | None
    percent: int | None
    is_subtask: bool


@dataclass
class TaskPage:
    lines: list[TaskLine]
    next_cursor: str | None
    total: int
    filters: TaskFilters = field(default_factory=TaskFilters)


def _conditions(u, filters: TaskFilters) -> list:
    out = []
    if filters.agency_id is not None:
        out.append(u.c.agency_id == filters.agency_id)
    if filters.classes:
        out.append(u.c.klass.in_(filters.classes))
    if filters.due_after is not None:
        out.append(u.c.deadline >= filters.due_after)
    if filters.due_before is not None:
        out.append(u.c.deadline <= filters.due_before)
    if filters.completed_from is not None:
        out.append(u.c.completed_on >= filters.completed_from)
    if filters.completed_to is not None:
        out.append(u.c.completed_on <= filters.completed_to)
    if filters.pending:
        out.append(u.c.status.in_(PENDING_STATUSES))
    return out


def count(dbsession: Session, scope: ReportScope, as_of: dt.date, filters: TaskFilters) -> int:
    u = units(scope, as_of)
    return dbsession.scalar(select(func.count()).select_from(u).where(*_conditions(u, filters))) or 0


def decode_cursor(text: str) -> tuple[dt.date, int]:
    try:
        day, _, ident = text.partition(".")
        return dt.date.fromisoformat(day), int(ident)
    except ValueError as exc:
        raise BadCursor(text) from exc


def page(dbsession: Session, scope: ReportScope, as_of: dt.date, filters: TaskFilters, *,
         after: str | None = None, limit: int = 50) -> TaskPage:
    """One page of the scope's units as of ``as_of`` matching ``filters``, by deadline (ongoing
    last) then task; ``after`` is the previous page's ``next_cursor``. Raises BadCursor."""
    u = units(scope, as_of)
    sort_day = func.coalesce(u.c.deadline, literal(NO_DEADLINE, Date))
    conditions = _conditions(u, filters)
    if after:
        day, ident = decode_cursor(after)
        conditions.append(tuple_(sort_day, u.c.task_id) > tuple_(literal(day, Date), literal(ident)))
    rows = dbsession.execute(
        select(u.c.task_id, u.c.deadline, u.c.status, u.c.completed_on, u.c.klass, sort_day.label("sort_day"),
               Task.content, Task.parent_id, Directive.number, Directive.symbol, Directive.issued_on,
               Agency.name.label("lead"), Agency.code.label("lead_code"))
        .join(Task, Task.id == u.c.task_id).join(Directive, Directive.id == Task.directive_id)
        .join(Agency, Agency.id == u.c.agency_id)
        .where(*conditions)
        .order_by(sort_day, u.c.task_id)
        .limit(limit + 1)
    ).all()
    more = len(rows) > limit
    rows = rows[:limit]
    progress = latest_progress(dbsession, [r.task_id for r in rows], as_of)
    lines = [TaskLine(
        task_id=r.task_id, directive_number=f"{r.number}/{r.symbol}" if r.number is not None else "—",
        directive_date=r.issued_on, content=r.content, lead=r.lead, lead_code=r.lead_code, deadline=r.deadline,
        status=IN_PROGRESS if r.status == OCC_OPEN else r.status, timeliness=r.klass, completed_on=r.completed_on,
        days_overdue=days_overdue(as_of, r.deadline, r.status, r.completed_on) if r.klass == "overdue" else None,
        percent=progress.get(r.task_id, (None,))[0], is_subtask=r.parent_id is not None,
    ) for r in rows]
    cursor = None
    if more and rows:
        last = rows[-1]
        sort_key = last.sort_day if isinstance(last.sort_day, dt.date) else dt.date.fromisoformat(str(last.sort_day))
        cursor = f"{sort_key.isoformat()}.{last.task_id}"
    return TaskPage(lines=lines, next_cursor=cursor, total=count(dbsession, scope, as_of, filters), filters=filters)


def parse_filters(dbsession: Session, params) -> tuple[TaskFilters, dict[str, str]]:
    """List filters from query parameters (``lead`` code, ``timeliness`` (repeatable), ``due_after``,
    ``due_before``, ``completed_from``, ``completed_to``, ``pending``); unreadable ones are
    reported in the returned fields and left out."""
    from ..dates import parse_date
    from ..i18n import _

    fields: dict[str, str] = {}
    values: dict = {}
    lead = (params.get("lead") or "").strip()
    if lead:
        agency_id = dbsession.scalar(select(Agency.id).where(Agency.code == lead))
        if agency_id is None:
            fields["lead"] = _("Không có cơ quan mang mã này.")
            values["agency_id"] = -1  # nothing matches an unknown agency
        else:
            values["agency_id"] = agency_id
    classes = [c for c in (params.getall("timeliness") if hasattr(params, "getall") else [params.get("timeliness")]) if c]
    if any(c not in TIMELINESS for c in classes):
        fields["timeliness"] = _("Tình trạng hạn không hợp lệ.")
    values["classes"] = tuple(dict.fromkeys(c for c in classes if c in TIMELINESS))
    for name in ("due_after", "due_before", "completed_from", "completed_to"):
        text = (params.get(name) or "").strip()
        if text:
            try:
                values[name] = parse_date(text)
            except (ValueError, TypeError):
                fields[name] = _("Ngày không hợp lệ (nhập dạng ngày/tháng/năm).")
    values["pending"] = params.get("pending") in ("1", "true", "on")
    return TaskFilters(**values), fields
