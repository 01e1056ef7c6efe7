"""Keeping computed figures (``FiguresSnapshot``) in the database, read and written with plain
statements (never loaded as objects) so a stale copy in the session's identity map can never be served.

Written inside the caller's transaction: in a test, or a request that fails, nothing is kept. The
writes are ORM-enabled statements (``insert(FiguresSnapshot)``, not the bare table): zope.sqlalchemy
sees those and commits the session; a bare-table statement in a GET request would be rolled back
silently at the end of the request, the session looking unchanged.
Two requests computing the same snapshot at once both write; the upsert makes the last one win
instead of failing on the primary key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..clock import now
from .model import ReportScope
from .models import FiguresSnapshot

# bump when what a snapshot holds or how it is counted changes: older snapshots are then ignored
VERSION = 1

MONTH_END = "month_end"
DASHBOARD = "dashboard"


def key(scope: ReportScope, purpose: str) -> str:
    """The snapshot key of ``scope`` (its filter fields, not its wording) for ``purpose``."""
    fields = scope.to_json()
    fields.pop("description")
    fields["_purpose"], fields["_version"] = purpose, VERSION
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode("utf-8")).hexdigest()


def load(dbsession: Session, scope_key: str, kind: str, as_of: dt.date) -> tuple[dict, dt.datetime] | None:
    """(payload, computed_at) of the snapshot, or None."""
    s = FiguresSnapshot.__table__.c
    row = dbsession.execute(
        select(s.payload, s.computed_at).where(s.scope_key == scope_key, s.kind == kind, s.as_of == as_of)
    ).first()
    if row is None:
        return None
    computed_at = row.computed_at
    if computed_at is not None and computed_at.tzinfo is None:
        computed_at = computed_at.replace(tzinfo=dt.timezone.utc)
    return row.payload, computed_at


def load_many(dbsession: Session, scope_key: str, kind: str, days) -> dict[dt.date, dict]:
    """The payloads of the snapshots of ``kind`` kept for ``days`` (those that exist), in one query."""
    days = sorted(set(days))
    if not days:
        return {}
    s = FiguresSnapshot.__table__.c
    rows = dbsession.execute(
        select(s.as_of, s.payload).where(s.scope_key == scope_key, s.kind == kind, s.as_of.in_(days)))
    return {_day(as_of): payload for as_of, payload in rows}


def _day(value) -> dt.date:
    # SQLite hands back what was stored; both backends store a date
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def save(dbsession: Session, scope_key: str, kind: str, as_of: dt.date, payload: dict) -> dt.datetime:
    """Insert or replace the snapshot; returns its ``computed_at``."""
    table = FiguresSnapshot.__table__
    at = now()
    values = {"scope_key": scope_key, "kind": kind, "as_of": as_of, "payload": payload, "computed_at": at}
    dialect = dbsession.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the application runs on these two
        raise NotImplementedError(dialect)
    statement = insert(FiguresSnapshot).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.scope_key, table.c.kind, table.c.as_of],
        set_={"payload": statement.excluded.payload, "computed_at": statement.excluded.computed_at},
    )
    dbsession.execute(statement)
    return at


def prune(dbsession: Session, scope_key: str, kind: str, before: dt.date) -> None:
    """Forget the snapshots of ``kind`` older than ``before`` (yesterday's dashboards)."""
    dbsession.execute(
        delete(FiguresSnapshot)
        .where(FiguresSnapshot.scope_key == scope_key, FiguresSnapshot.kind == kind, FiguresSnapshot.as_of < before)
        .execution_options(synchronize_session=False))


def remembered(dbsession: Session, scope_key: str, kind: str, as_of: dt.date, compute: Callable[[], dict], *,
               max_age: dt.timedelta | None = None, on_save: Callable[[], None] | None = None,
               ) -> tuple[dict[str, Any], dt.datetime]:
    """The snapshot's payload if there is one (younger than ``max_age`` when given), else
    ``compute()`` stored and returned, and ``on_save()`` called. Returns (payload, computed_at).
    Reading a snapshot writes nothing, so an ordinary view commits no transaction."""
    found = load(dbsession, scope_key, kind, as_of)
    # younger than max_age (so a max_age of 0 always counts again, even on a stopped clock)
    if found is not None and (max_age is None or now() - found[1] < max_age):
        return found
    payload = compute()
    saved = save(dbsession, scope_key, kind, as_of, payload)
    if on_save is not None:
        on_save()
    return payload, saved
