"""Many-row INSERTs for issuing, fast on both databases.

On PostgreSQL a many-row insert goes as ONE statement whose only parameter is one JSON document
holding the rows: ``INSERT INTO t (a, b) SELECT a, b FROM json_to_recordset(:rows) AS r(a INTEGER,
b TEXT)``. SQLAlchemy's own executemany path sends thousands of placeholders that psycopg must parse
per batch (most of the 0.4–0.7 s that 2,000 tasks with their coordinators took; see bench/). One
array per column (``unnest``) was the next step, but psycopg escapes each element of a text array
in Python with regular expressions: 60,000 regex calls for the rows of one 2,000-task directive.
``json.dumps`` does the same in C, and PostgreSQL reads the document in one pass. On SQLite the
ordinary executemany is already fast and is used as is.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from sqlalchemy import Table, insert, text
from sqlalchemy.orm import Session


def insert_rows(dbsession: Session, table: Table, rows: list[dict], returning: Sequence[str] = ()) -> list[tuple]:
    """Insert ``rows`` (dicts with the same keys) into ``table``; return the ``returning`` columns
    of the new rows (in no guaranteed order: callers match them by their values)."""
    if not rows:
        return []
    dialect = dbsession.get_bind().dialect
    if dialect.name != "postgresql":
        statement = insert(table)
        if returning:
            result = dbsession.execute(statement.returning(*(table.c[name] for name in returning)), rows)
            return [tuple(row) for row in result]
        dbsession.execute(statement, rows)
        return []
    rows = _with_defaults(table, rows)
    quote = dialect.identifier_preparer.quote
    names = [quote(name) for name in rows[0]]
    types = [table.c[name].type.compile(dialect=dialect) for name in rows[0]]
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(names)}) SELECT {', '.join(names)} "
           f"FROM json_to_recordset(CAST(:rows AS JSON)) AS r({', '.join(f'{n} {t}' for n, t in zip(names, types))})"
           + (f" RETURNING {', '.join(quote(name) for name in returning)}" if returning else ""))
    document = json.dumps(rows, ensure_ascii=False, separators=(",", ":"), default=_json_value)
    result = dbsession.execute(text(sql), {"rows": document})
    return [tuple(row) for row in result] if returning else []


def _json_value(value):
    """Dates and times as ISO 8601, which PostgreSQL reads back into DATE and TIMESTAMPTZ columns."""
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not stored by insert_rows")


def _with_defaults(table: Table, rows: list[dict]) -> list[dict]:
    """Fill in the Python-side defaults of omitted columns, as SQLAlchemy's own INSERT would
    (the unnest statement only gets server defaults)."""
    extra = {}
    for column in table.columns:
        if column.name in rows[0] or column.primary_key or column.default is None:
            continue
        default = column.default
        if default.is_scalar:
            extra[column.name] = default.arg
        elif default.is_callable:
            extra[column.name] = default.arg(None)
    return [{**row, **extra} for row in rows] if extra else rows
