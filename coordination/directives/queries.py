"""Reading directives: the register (filters, sort, keyset pagination, search), who may read what,
and what the directive page shows."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..organizations.models import agency_group_members
from ..tasks.models import AuditEvent, ProgressReport, Task, task_coordinators
from . import search
from .models import FINAL_STATUSES, SUBMITTED, Directive, DirectiveTask, Recipient

PAGE_SIZE = 25
NEWEST, OLDEST = "newest", "oldest"
SORTS = (NEWEST, OLDEST)


@dataclass
class RegisterFilter:
    """What the register (page or API) is asked for; every field optional."""

    q: str | None = None
    type: str | None = None          # directive type code
    issuer: str | None = None        # agency code
    status: str | None = None
    signer: str | None = None        # the signer's name as recorded (the page offers those there are)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = NEWEST
    cursor: str | None = None        # opaque, from a previous page
    limit: int = PAGE_SIZE


@dataclass
class Page:
    items: list[Directive] = field(default_factory=list)
    next_cursor: str | None = None
    prev_cursor: str | None = None


class BadCursor(ValueError):
    pass


def encode_cursor(directive: Directive, direction: str) -> str:
    raw = json.dumps([directive.dated_on.isoformat(), directive.id, direction]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(value: str) -> tuple[dt.date, int, str]:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        dated_on, directive_id, direction = json.loads(raw)
        if direction not in ("after", "before") or not isinstance(directive_id, int):
            raise ValueError(direction)
        return dt.date.fromisoformat(dated_on), directive_id, direction
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError) as exc:
        raise BadCursor(value) from exc


def register(dbsession: Session, wanted: RegisterFilter) -> Page:
    """One page of the register, newest (or oldest) first by document date then id.

    Keyset pagination: the cursor holds the (date, id) of the last row shown, so a page costs the
    same at the end of 100k directives as at the start and rows added meanwhile do not shift pages.
    Raises BadCursor for a cursor this function did not make.
    """
    from ..organizations.models import Agency
    from .models import DirectiveType

    query = select(Directive)
    conditions = []
    dialect = dbsession.get_bind().dialect.name
    phrase = search.matches(dialect, wanted.q or "", Directive.id, Directive.search_key) if wanted.q else None
    if phrase is not None:
        conditions.append(phrase)
    if wanted.type:
        conditions.append(Directive.type_id == select(DirectiveType.id).where(DirectiveType.code == wanted.type)
                          .scalar_subquery())
    if wanted.issuer:
        conditions.append(Directive.issuer_id == select(Agency.id).where(Agency.code == wanted.issuer)
                          .scalar_subquery())
    if wanted.status:
        conditions.append(Directive.status == wanted.status)
    if wanted.signer:
        conditions.append(Directive.signer_name == wanted.signer)
    if wanted.date_from:
        conditions.append(Directive.dated_on >= wanted.date_from)
    if wanted.date_to:
        conditions.append(Directive.dated_on <= wanted.date_to)

    newest = wanted.sort != OLDEST
    direction = "after"
    if wanted.cursor:
        dated_on, directive_id, direction = decode_cursor(wanted.cursor)
        # "after": rows that follow the key in page order; "before": rows that precede it
        if newest == (direction == "after"):
            conditions.append(or_(Directive.dated_on < dated_on,
                                  and_(Directive.dated_on == dated_on, Directive.id < directive_id)))
        else:
            conditions.append(or_(Directive.dated_on > dated_on,
                                  and_(Directive.dated_on == dated_on, Directive.id > directive_id)))
    descending = newest == (direction == "after")
    order = (Directive.dated_on.desc(), Directive.id.desc()) if descending else (Directive.dated_on, Directive.id)
    limit = max(1, min(wanted.limit, 200))
    rows = list(dbsession.scalars(query.where(*conditions).order_by(*order).limit(limit + 1)))
    more = len(rows) > limit  # more rows beyond this page in the direction walked
    rows = rows[:limit]
    page = Page(items=rows)
    if direction == "before":
        rows.reverse()
        if rows:
            page.next_cursor = encode_cursor(rows[-1], "after")
            page.prev_cursor = encode_cursor(rows[0], "before") if more else None
    elif rows:
        page.next_cursor = encode_cursor(rows[-1], "after") if more else None
        page.prev_cursor = encode_cursor(rows[0], "before") if wanted.cursor else None
    return page


def signers(dbsession: Session) -> list[str]:
    """The names that have signed directives, for the register's filter."""
    return list(dbsession.scalars(
        select(Directive.signer_name).where(Directive.signer_name.is_not(None), Directive.status.in_(FINAL_STATUSES))
        .distinct().order_by(Directive.signer_name)
    ))


def awaiting_signature(dbsession: Session) -> list[Directive]:
    return list(dbsession.scalars(
        select(Directive).where(Directive.status == SUBMITTED).order_by(Directive.submitted_at, Directive.id)
    ))


def readable_by_agency(dbsession: Session, directive: Directive, agency_id: int) -> bool:
    """May people of ``agency_id`` read ``directive``? Only once issued, and only if one of its
    tasks is addressed to the agency (lead, coordinating or report-to), or the agency (or a group
    it belongs to) is among the addressees or the copy list."""
    if directive.status not in FINAL_STATUSES:
        return False
    task_of_agency = exists().where(
        Task.directive_id == directive.id,
        or_(
            Task.lead_agency_id == agency_id,
            Task.report_to_id == agency_id,
            exists().where(task_coordinators.c.task_id == Task.id, task_coordinators.c.agency_id == agency_id),
        ),
    )
    in_group = select(agency_group_members.c.group_id).where(agency_group_members.c.agency_id == agency_id)
    recipient = exists().where(
        Recipient.directive_id == directive.id,
        or_(Recipient.agency_id == agency_id, Recipient.group_id.in_(in_group)),
    )
    return bool(dbsession.scalar(select(or_(task_of_agency, recipient))))


def external_readable_by_agency(dbsession: Session, document_id: int, agency_id: int) -> bool:
    """An agency reads an incoming document handed down to it by an issued cover directive."""
    handed_down = (
        select(Task.id)
        .join(DirectiveTask, Task.directive_task_id == DirectiveTask.id)
        .where(
            DirectiveTask.forwarded_document_id == document_id,
            or_(
                Task.lead_agency_id == agency_id,
                exists().where(task_coordinators.c.task_id == Task.id, task_coordinators.c.agency_id == agency_id),
            ),
        )
        .limit(1)
    )
    return dbsession.scalar(handed_down) is not None


def tasks_of(dbsession: Session, directive: Directive) -> list[Task]:
    """The tasks issuing created, in the order of the document."""
    return list(dbsession.scalars(
        select(Task).join(DirectiveTask, Task.directive_task_id == DirectiveTask.id)
        .where(Task.directive_id == directive.id)
        .options(selectinload(Task.coordinating_agencies))
        .order_by(DirectiveTask.position, Task.id)
    ))


def latest_progress(dbsession: Session, task_ids: list[int]) -> dict[int, int]:
    """The percent of the latest progress report of each task that has one."""
    if not task_ids:
        return {}
    latest = (
        select(ProgressReport.task_id, func.max(ProgressReport.id).label("last_id"))
        .where(ProgressReport.task_id.in_(task_ids)).group_by(ProgressReport.task_id).subquery()
    )
    rows = dbsession.execute(
        select(ProgressReport.task_id, ProgressReport.percent).join(latest, ProgressReport.id == latest.c.last_id)
    )
    return {task_id: percent for task_id, percent in rows}


def amendments_of(dbsession: Session, directive: Directive) -> list[Directive]:
    """Issued (or withdrawn) directives that amend ``directive``, oldest first."""
    return list(dbsession.scalars(
        select(Directive).where(Directive.amends_id == directive.id, Directive.status.in_(FINAL_STATUSES))
        .order_by(Directive.issued_on, Directive.id)
    ))


def history(dbsession: Session, directive: Directive) -> list[AuditEvent]:
    return list(dbsession.scalars(
        select(AuditEvent).where(AuditEvent.entity == "directive", AuditEvent.entity_id == directive.id)
        .order_by(AuditEvent.id)
    ))
