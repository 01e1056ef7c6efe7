"""The transactional outbox: mails are rows written in the transaction that decided to send them.

A rolled-back transaction leaves no row, so no mail; a committed one leaves rows the dispatcher
sends at least once. The unique ``dedup_key`` makes queueing idempotent.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, selectinload

from ..clock import now
from ..dates import format_datetime
from .models import CANCELLED, FAILED, HELD, OUTBOX_STATUSES, PENDING, OutboxAttachment, OutboxMessage
from .policy import DIGESTIBLE
from .recipients import Recipient

_CHUNK = 1000

_COLUMNS = (
    "dedup_key", "kind", "task_id", "occurrence_id", "threshold", "task_count", "due_on", "recipient_user_id",
    "recipient_agency_id", "to_address", "to_name", "subject", "body_text", "body_html", "status",
    "attempts", "next_attempt_at", "created_at",
)


def message_row(
    *, dedup_key: str, kind: str, to: Recipient, task_id: int | None = None, occurrence_id: int | None = None,
    threshold: int | None = None, task_count: int | None = None, due_on: dt.date | None = None,
    subject: str | None = None,
    body_text: str | None = None, body_html: str | None = None, at: dt.datetime | None = None,
) -> dict:
    """A row for ``enqueue``. It waits for the daily digest if the recipient chose one and the kind
    may wait (overdue and escalation notices never do)."""
    at = at or now()
    status = HELD if to.digest and kind in DIGESTIBLE else PENDING
    return {
        "dedup_key": dedup_key, "kind": kind, "task_id": task_id, "occurrence_id": occurrence_id,
        "threshold": threshold, "task_count": task_count, "due_on": due_on, "recipient_user_id": to.user_id,
        "recipient_agency_id": to.agency_id, "to_address": to.email, "to_name": to.name or "",
        "subject": subject, "body_text": body_text, "body_html": body_html, "status": status,
        "attempts": 0, "next_attempt_at": at, "created_at": at,
    }


def _insert(dbsession: Session):
    dialect = dbsession.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the application runs on these two
        raise NotImplementedError(dialect)
    # a Core insert on the table, not the ORM entity: the ORM's bulk insert splits the rows into
    # small batches by which columns are None; Core sends up to 1000 rows per statement
    return insert(OutboxMessage.__table__).on_conflict_do_nothing(index_elements=["dedup_key"])


# PostgreSQL types of the columns, for the one-statement insert from a JSON array of rows
_PG_TYPES = {
    "dedup_key": "varchar", "kind": "varchar", "task_id": "integer", "occurrence_id": "integer",
    "threshold": "integer", "task_count": "integer", "due_on": "date", "recipient_user_id": "integer", "recipient_agency_id": "integer",
    "to_address": "varchar", "to_name": "varchar", "subject": "varchar", "body_text": "text", "body_html": "text",
    "status": "varchar", "attempts": "integer", "next_attempt_at": "timestamptz", "created_at": "timestamptz",
}
_PG_BATCH = 5000


def _pg_insert(varying: tuple[str, ...]):
    """INSERT ... SELECT of the ``varying`` columns from a JSON array; every other column is one
    parameter (``:c_<name>``) shared by all the rows."""
    values = ", ".join(name if name in varying else f"CAST(:c_{name} AS {_PG_TYPES[name]})" for name in _COLUMNS)
    record = ", ".join(f"{name} {_PG_TYPES[name]}" for name in varying)
    return text(
        f"INSERT INTO {OutboxMessage.__tablename__} ({', '.join(_COLUMNS)}) "
        f"SELECT {values} FROM json_to_recordset(CAST(:rows AS json)) AS r({record}) "
        # a key already queued is skipped by an index probe; left to ON CONFLICT alone, each such row
        # would be written, found conflicting and killed: a sequence value drawn and a dead tuple
        # left for every notice a full sweep offers again (time: the same, bench/RESULTS.md)
        f"WHERE NOT EXISTS (SELECT 1 FROM {OutboxMessage.__tablename__} AS queued WHERE queued.dedup_key = r.dedup_key) "
        "ON CONFLICT (dedup_key) DO NOTHING RETURNING id, kind"
    )


def _as_text(value, cache: dict):
    if not isinstance(value, dt.date):
        return value
    if value not in cache:  # the same few dates and times recur in every row of a sweep
        cache[value] = (value.astimezone(dt.timezone.utc) if isinstance(value, dt.datetime) else value).isoformat()
    return cache[value]


def _enqueue_postgresql(dbsession: Session, rows: list[dict]) -> list:
    """One statement per 5000 rows, passed as one JSON document: building and parsing a multi-row
    VALUES list (or one array per column) of thousands of rows costs more than the insert itself.

    A column with one value in every row of the batch (a sweep's times, attempts, the empty
    bodies of reminders) is sent once, not once per row: it was half of the JSON to build and parse.
    """
    written = []
    cache: dict = {}
    for start in range(0, len(rows), _PG_BATCH):
        batch = rows[start:start + _PG_BATCH]
        first = batch[0]
        varying = tuple(name for name in _COLUMNS if name == "dedup_key" or any(row[name] != first[name] for row in batch))
        params = {f"c_{name}": first[name] for name in _COLUMNS if name not in varying}
        params["rows"] = json.dumps(
            [{name: _as_text(row[name], cache) for name in varying} for row in batch], ensure_ascii=False
        )
        written.extend(dbsession.execute(_pg_insert(varying), params).all())
    return written


def enqueue(dbsession: Session, rows: Iterable[dict]) -> list:
    """Queue ``rows`` (from ``message_row``) in the caller's transaction; return the rows written
    (each with ``id`` and ``kind``).

    A row whose ``dedup_key`` is already queued (in any state), or comes twice in ``rows``, is
    skipped, also when another transaction queues the same key at the same moment: the unique index
    decides (``ON CONFLICT DO NOTHING``; PostgreSQL makes the second writer wait for the first and
    then skip). No separate read of the keys first: the sweep only offers rows that are likely new.
    """
    rows = [{key: row[key] for key in _COLUMNS} for row in rows]
    if not rows:
        return []
    if dbsession.get_bind().dialect.name == "postgresql":
        return _enqueue_postgresql(dbsession, rows)
    table = OutboxMessage.__table__
    statement = _insert(dbsession).returning(table.c.id, table.c.kind)
    written = []
    for start in range(0, len(rows), _CHUNK):
        written.extend(dbsession.execute(statement, rows[start:start + _CHUNK]).all())
    return written


def enqueue_one(dbsession: Session, row: dict, attachments: Iterable[tuple[str, str, bytes]] = ()) -> int | None:
    """Queue one row with attachments ``(filename, content type, data)``; None if the key was queued."""
    written = enqueue(dbsession, [row])
    if not written:
        return None
    message_id = written[0].id
    for filename, content_type, data in attachments:
        dbsession.add(OutboxAttachment(message_id=message_id, filename=filename, content_type=content_type, data=data))
    dbsession.flush()
    return message_id


# -- what operators see (admin page, ``coordination outbox``) -------------------------------


def counts(dbsession: Session) -> dict[str, int]:
    """Number of rows per state, every state present."""
    found = dict(dbsession.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return {status: found.get(status, 0) for status in OUTBOX_STATUSES}


def messages(dbsession: Session, statuses: Iterable[str] | None = None, limit: int = 100) -> list[OutboxMessage]:
    """The latest rows (newest first), optionally of some states only, with their attempts."""
    query = select(OutboxMessage).options(selectinload(OutboxMessage.attempt_log)).order_by(OutboxMessage.id.desc())
    statuses = list(statuses or ())
    if statuses:
        query = query.where(OutboxMessage.status.in_(statuses))
    return list(dbsession.scalars(query.limit(limit)))


class CannotRequeue(Exception):
    pass


def requeue(dbsession: Session, message: OutboxMessage) -> None:
    """Give a failed or cancelled message a fresh set of attempts (its attempt log is kept)."""
    if message.status not in (FAILED, CANCELLED):
        raise CannotRequeue(message.status)
    message.status = PENDING
    message.attempts = 0
    message.next_attempt_at = now()
    message.claimed_by = None
    message.lease_until = None
    dbsession.flush()


def message_json(message: OutboxMessage) -> dict:
    return {
        "id": message.id,
        "kind": message.kind,
        "status": message.status,
        "to": message.to_address,
        "subject": message.subject,
        "task_id": message.task_id,
        "occurrence_id": message.occurrence_id,
        "due_on": message.due_on.isoformat() if message.due_on else None,
        "attempts": message.attempts,
        "next_attempt_at": message.next_attempt_at.isoformat() if message.next_attempt_at else None,
        "sent_at": message.sent_at.isoformat() if message.sent_at else None,
        "last_error": message.last_error,
        "created_at": message.created_at.isoformat() if message.created_at else None,
    }


def message_line(message: OutboxMessage) -> str:
    when = format_datetime(message.sent_at or message.next_attempt_at)
    subject = message.subject or f"({message.kind}, nội dung soạn khi gửi)"
    error = f"  [{message.last_error}]" if message.last_error and message.status != "sent" else ""
    return f"{message.id:>7} {message.status:<9} {message.attempts:>2} {when:<16} {message.to_address:<32} {subject}{error}"
