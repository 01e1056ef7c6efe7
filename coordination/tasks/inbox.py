"""The agency's inbox: one keyset-paginated page of the tasks it leads or coordinates, the counts
per status and overdue, and the issuers its filter offers.

A page is read for the page: the ids come from narrow index range scans, then what the page shows
of those tasks is read by id as plain rows (the API loads tasks, with only what it shows), so an
inbox request reads five short statements and builds no ORM object per row (bench/RESULTS.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import Date, Integer, and_, bindparam, case, exists, func, literal, or_, select, tuple_, union_all
from sqlalchemy.sql import Select
from sqlalchemy.orm import Session, defer, joinedload, selectinload

from ..clock import today as clock_today
from ..db import among
from ..directives.models import Directive
from ..organizations.models import Agency, AgencyKind
from .models import (
    CANCELLED,
    COMPLETED,
    COMPLETION_REPORTED,
    LATE,
    ON_TIME,
    OPEN_STATUSES,
    OVERDUE,
    WITHIN,
    Task,
    agency_task_counts,
    task_coordinators,
)


LEAD = "lead"
COORDINATING = "coordinating"


class InboxRow(NamedTuple):
    """One row of the inbox page: what it shows of a task, its directive and its lead agency, read
    as plain rows in one statement (no ORM objects: a page of 50 tasks built ≈ 150 of them, each
    with a callable per column it left out)."""

    id: int
    content: str
    parent_id: int | None
    rrule: str | None
    status: str
    original_deadline: dt.date | None
    deadline_in_force: dt.date | None
    completed_on: dt.date | None
    percent_done: int
    directive_number: int | None
    directive_symbol: str
    directive_issued_on: dt.date | None
    lead_name: str
    lead_short_name: str | None

    @property
    def number_symbol(self) -> str | None:
        """``1324/UBND-KGVX`` (``Directive.number_symbol``)."""
        return None if self.directive_number is None else f"{self.directive_number}/{self.directive_symbol}"


_ROW_COLUMNS = (
    Task.id, Task.content, Task.parent_id, Task.rrule, Task.status, Task.original_deadline, Task.deadline_in_force,
    Task.completed_on, Task.percent_done, Directive.number, Directive.symbol, Directive.issued_on, Agency.name,
    Agency.short_name,
)

# What the API's list shows (``serialize.task_json``): the tasks with, of their directives, the
# number, date, subject and issuer, of the agencies their codes and names (not the directives'
# text nor the agencies' aliases), the coordinators in one more statement. An attribute left out
# is loaded on first use, one statement per object: tests/tasks/test_inbox_views.py counts the
# statements of a list so that one cannot slip in.
_AGENCY_SHOWN = (Agency.id, Agency.code, Agency.name, Agency.short_name)
API_LOADING = (
    defer(Task.last_activity_at),
    joinedload(Task.directive).load_only(Directive.id, Directive.number, Directive.symbol, Directive.issued_on,
                                         Directive.subject, Directive.issuer_id).lazyload(Directive.type),
    joinedload(Task.directive).joinedload(Directive.issuer).load_only(*_AGENCY_SHOWN).lazyload("*"),
    joinedload(Task.lead_agency).load_only(*_AGENCY_SHOWN).lazyload("*"),
    selectinload(Task.coordinating_agencies).load_only(*_AGENCY_SHOWN).lazyload("*"),
)


@dataclass
class InboxFilters:
    role: str = LEAD
    statuses: tuple[str, ...] = ()
    directive_id: int | None = None
    directive_number: int | None = None  # the number people know (1324 of 1324/UBND-KGVX)
    issuer_id: int | None = None
    due_before: dt.date | None = None
    due_after: dt.date | None = None
    timeliness: str | None = None  # one of TIMELINESS; "overdue only" is timeliness=overdue


@dataclass
class InboxPage:
    tasks: list  # of Task, or of InboxRow when the page was asked ``as_rows``
    next_cursor: str | None
    counts: dict[str, int] = field(default_factory=dict)


class BadCursor(ValueError):
    pass


def decode_cursor(text: str) -> tuple[dt.date | None, int]:
    try:
        day, _, ident = text.partition(".")
        return (None if day == "none" else dt.date.fromisoformat(day)), int(ident)
    except ValueError as exc:
        raise BadCursor(text) from exc


def _timeliness_condition(klass: str, today, deadline=Task.deadline_in_force, status=Task.status,
                          completed_on=Task.completed_on):
    reported_in_time = and_(status == COMPLETION_REPORTED, or_(deadline.is_(None), completed_on <= deadline))
    if klass == ON_TIME:
        return and_(status == COMPLETED, or_(deadline.is_(None), completed_on <= deadline))
    if klass == LATE:
        return and_(status == COMPLETED, completed_on > deadline)
    if klass == WITHIN:
        return or_(and_(status.in_(OPEN_STATUSES), or_(deadline.is_(None), deadline >= today)), reported_in_time)
    if klass == OVERDUE:
        return or_(and_(status.in_(OPEN_STATUSES), deadline < today),
                   and_(status == COMPLETION_REPORTED, completed_on > deadline))
    raise ValueError(klass)


class _Shape(NamedTuple):
    """What decides the keys' statement of a page; the values themselves are its parameters."""

    coordinating: bool
    statuses: bool
    directive: bool
    issuer: bool
    number: bool
    due_before: bool
    due_after: bool
    timeliness: str | None
    cursor: str | None  # None (first page), "dated" or "ongoing": where the previous page ended
    limit: int


@lru_cache(maxsize=512)
def _keys_statement(shape: _Shape) -> tuple[Select, frozenset[str], bool]:
    """(statement of a page's (id, deadline) keys, the names of its parameters, whether its rows
    need sorting), built once per shape (building it cost more than running it). The lead tab reads ``tasks``, the coordinating tab ``task_coordinators``
    (which carries copies of status and deadline), each through its (agency, [status,] deadline,
    id) index: the dated part in (deadline, id) order, then the ongoing ones (no deadline) by id,
    two index range scans sent as one statement when the page may reach the ongoing ones."""
    if shape.coordinating:
        tc = task_coordinators
        deadline, status, ident = tc.c.deadline_in_force, tc.c.status, tc.c.task_id
        query = select(ident).where(tc.c.agency_id == bindparam("agency_id", type_=Integer))
        if shape.timeliness or shape.directive or shape.issuer or shape.number:
            query = query.join(Task, Task.id == ident)
    else:
        deadline, status, ident = Task.deadline_in_force, Task.status, Task.id
        query = select(ident).where(Task.lead_agency_id == bindparam("agency_id", type_=Integer))
    if shape.statuses:
        query = query.where(status.in_(bindparam("statuses", expanding=True)))
    else:
        query = query.where(status != CANCELLED)
    if shape.directive:
        query = query.where(Task.directive_id == bindparam("directive_id", type_=Integer))
    if shape.issuer:
        query = query.where(Task.directive_id.in_(
            select(Directive.id).where(Directive.issuer_id == bindparam("issuer_id", type_=Integer))))
    if shape.number:
        query = query.where(Task.directive_id.in_(
            select(Directive.id).where(Directive.number == bindparam("number", type_=Integer))))
    if shape.due_before:
        query = query.where(deadline <= bindparam("due_before", type_=Date))
    if shape.due_after:
        query = query.where(deadline >= bindparam("due_after", type_=Date))
    if shape.timeliness:
        query = query.where(_timeliness_condition(shape.timeliness, bindparam("today", type_=Date), deadline, status,
                                                  Task.completed_on))
    parts = []
    if shape.cursor != "ongoing":
        dated = query.add_columns(deadline.label("deadline")).where(deadline.is_not(None))
        if shape.cursor == "dated":
            dated = dated.where(tuple_(deadline, ident) > tuple_(bindparam("after_deadline", type_=Date),
                                                                 bindparam("after_id", type_=Integer)))
        parts.append(dated.order_by(deadline, ident).limit(shape.limit + 1))
    if not (shape.due_before or shape.due_after):
        undated = query.add_columns(literal(None, Date).label("deadline")).where(deadline.is_(None))
        if shape.cursor == "ongoing":
            undated = undated.where(ident > bindparam("after_id", type_=Integer))
        parts.append(undated.order_by(ident).limit(shape.limit + 1))
    names = {"agency_id"} | {name for name, used in (
        ("statuses", shape.statuses), ("directive_id", shape.directive), ("issuer_id", shape.issuer),
        ("number", shape.number), ("due_before", shape.due_before), ("due_after", shape.due_after),
        ("today", bool(shape.timeliness)), ("after_deadline", shape.cursor == "dated"), ("after_id", shape.cursor is not None),
    ) if used}
    if len(parts) == 1:
        return parts[0], frozenset(names), False
    return select(union_all(*(part.subquery().select() for part in parts)).subquery()), frozenset(names), True


@lru_cache(maxsize=512)
def _page_rows_statement(shape: _Shape) -> Select:
    """The keys' statement of ``shape`` joined to what the page shows (``InboxRow``), so that the
    inbox page reads its rows in one round trip: (key deadline, *the row), in no promised order.

    When the page may reach the ongoing tasks, its two parts' keys (up to ``limit + 1`` each) are cut
    to the page's ``limit + 1`` before the join, so that only the rows of one page are read."""
    keys, _names, two_parts = _keys_statement(shape)
    if two_parts:
        key_id, key_deadline = list(keys.selected_columns)
        keys = keys.order_by(key_deadline.is_(None), key_deadline, key_id).limit(shape.limit + 1)
    keys = keys.subquery("page_keys")
    key_id, key_deadline = list(keys.c)
    return (select(key_deadline, *_ROW_COLUMNS).select_from(keys)
            .join(Task, Task.id == key_id).join(Directive, Directive.id == Task.directive_id)
            .join(Agency, Agency.id == Task.lead_agency_id))


def _key_order(deadline: dt.date | None, ident: int) -> tuple:
    """Dated keys by (deadline, id), then the ongoing ones by id."""
    return (deadline is None, deadline or dt.date.min, ident)


def inbox_page(dbsession: Session, agency_id: int, filters: InboxFilters, *, after: str | None = None,
               limit: int = 50, today: dt.date | None = None, as_rows: bool = False) -> InboxPage:
    """One page of an agency's tasks (lead or coordinating), by deadline then id, ongoing tasks
    (no deadline) last. Keyset pagination: ``after`` is the previous page's ``next_cursor``, so a
    deep page costs what the first does. Raises BadCursor on a malformed cursor.

    The page's ids come from narrow index range scans (one statement, ``_keys_statement``); then,
    by id, either the page's ``InboxRow``s (``as_rows``: what the inbox page shows) or the tasks
    with what the API shows (``API_LOADING``), in one statement (two with the API's coordinators)."""
    cursor = decode_cursor(after) if after else None
    shape = _Shape(
        coordinating=filters.role == COORDINATING, statuses=bool(filters.statuses),
        directive=filters.directive_id is not None, issuer=filters.issuer_id is not None,
        number=filters.directive_number is not None, due_before=filters.due_before is not None,
        due_after=filters.due_after is not None, timeliness=filters.timeliness or None,
        cursor=None if cursor is None else ("dated" if cursor[0] is not None else "ongoing"), limit=limit,
    )
    values = {"agency_id": agency_id, "statuses": list(filters.statuses), "directive_id": filters.directive_id,
              "issuer_id": filters.issuer_id, "number": filters.directive_number, "due_before": filters.due_before,
              "due_after": filters.due_after, "today": today or clock_today(),
              "after_deadline": cursor[0] if cursor else None, "after_id": cursor[1] if cursor else None}
    statement, names, two_parts = _keys_statement(shape)
    params = {name: values[name] for name in names}
    if as_rows:
        # the page's keys and rows in one statement; the join promises no order: order them here
        found = sorted(dbsession.execute(_page_rows_statement(shape), params).all(), key=lambda r: _key_order(r[0], r[1]))
        keys = [(r[0], r[1]) for r in found[: limit + 1]]
        tasks: list = [InboxRow(*r[1:]) for r in found[:limit]]
    else:
        rows = dbsession.execute(statement, params).all()
        if two_parts:
            # in one statement the two parts' rows arrive in no promised order: order them here
            rows.sort(key=lambda r: _key_order(r[1], r[0]))
        keys = [(d, i) for i, d in rows][: limit + 1]
        wanted = [i for _d, i in keys[:limit]]
        loaded = {t.id: t for t in dbsession.scalars(
            select(Task).where(among(dbsession, Task.id, wanted)).options(*API_LOADING))} if wanted else {}
        tasks = [loaded[i] for i in wanted]
    next_cursor = None
    if len(keys) > limit:
        d, i = keys[limit - 1]
        next_cursor = f"{d.isoformat() if d else 'none'}.{i}"
    return InboxPage(tasks=tasks, next_cursor=next_cursor)


def _counts_statement(role: str):
    """The counts' statement of a tab, with ``agency_id`` and ``today`` as parameters, built once.

    The number per status is read from ``agency_task_counts`` (kept by triggers, migration 0012);
    only the overdue ones are counted, per open status, over the (agency, status, deadline) index
    range before today, and among the tasks reported complete those reported after their deadline."""
    agency_param, today = bindparam("agency_id", type_=Integer), bindparam("today", type_=Date)
    kept = agency_task_counts
    if role == COORDINATING:
        tc = task_coordinators
        # the coordinator rows carry status and deadline; only the completion date needs the task
        source, reported_source = tc, tc.join(Task, Task.id == tc.c.task_id)
        agency, status, deadline = tc.c.agency_id, tc.c.status, tc.c.deadline_in_force
    else:
        source = reported_source = Task.__table__
        agency, status, deadline = Task.lead_agency_id, Task.status, Task.deadline_in_force
    late_open = (select(func.count()).select_from(source)
                 .where(agency == agency_param, status == kept.c.status, deadline < today).scalar_subquery())
    reported_late = (select(func.count()).select_from(reported_source)
                     .where(agency == agency_param, status == COMPLETION_REPORTED, Task.completed_on > deadline)
                     .scalar_subquery())
    overdue = case((kept.c.status.in_(OPEN_STATUSES), late_open),
                   (kept.c.status == COMPLETION_REPORTED, reported_late), else_=0)
    return (select(kept.c.status, kept.c.task_count, overdue)
            .where(kept.c.agency_id == agency_param, kept.c.role == (COORDINATING if role == COORDINATING else LEAD),
                   kept.c.task_count != 0))


_COUNTS = {role: _counts_statement(role) for role in (LEAD, COORDINATING)}


def inbox_counts(dbsession: Session, agency_id: int, role: str = LEAD,
                 today: dt.date | None = None) -> tuple[dict[str, int], int]:
    """(number of the agency's tasks in each status, number of them overdue) in one statement: the
    kept counts (``agency_task_counts``), and for the overdue ones index range scans of the tasks
    past their deadline in each open status, and of those reported complete after it."""
    statement = _COUNTS[COORDINATING if role == COORDINATING else LEAD]
    rows = dbsession.execute(statement, {"agency_id": agency_id, "today": today or clock_today()})
    counts: dict[str, int] = {}
    late = 0
    for code, count, overdue_here in rows:
        counts[code] = count
        if code != CANCELLED:
            late += int(overdue_here or 0)
    return counts, late


def status_counts(dbsession: Session, agency_id: int, role: str = LEAD) -> dict[str, int]:
    """Number of the agency's tasks in each status (one GROUP BY)."""
    return inbox_counts(dbsession, agency_id, role)[0]


def directive_issuers(dbsession: Session) -> list:
    """The agencies that have issued directives, by name (the inbox's issuer filter): rows of
    ``id``, ``code``, ``name`` and ``short_name``.

    Only agencies of an issuing kind can issue (``directives.drafting.ISSUER_KINDS``), so this is one
    index probe of ``directives.issuer_id`` per such agency (two per province), not a scan of the
    whole register (54,000 directives in the national benchmark: bench/RESULTS.md)."""
    return list(dbsession.execute(_issuers_statement()))


@lru_cache(maxsize=1)
def _issuers_statement() -> Select:
    from ..directives.drafting import ISSUER_KINDS

    return (select(*_AGENCY_SHOWN)
            .where(Agency.kind_id.in_(select(AgencyKind.id).where(AgencyKind.code.in_(ISSUER_KINDS))),
                   exists().where(Directive.issuer_id == Agency.id))
            .order_by(Agency.name))
