"""Many-row INSERTs for issuing, fast on both databases.

On PostgreSQL a many-row insert goes as ONE statement whose parameters are one array per column:
``INSERT INTO t (a, b) SELECT * FROM unnest(CAST(%(a)s AS INTEGER[]), CAST(%(b)s AS TEXT[]))``.
SQLAlchemy's own executemany path sends thousands of placeholders that psycopg must parse per
batch (most of the 0.4–0.7 s that 2,000 tasks with their coordinators took; see bench/). On SQLite
the ordinary executemany is already fast and is used as is.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import JSON, Table, insert, text
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
    names = list(rows[0])
    arrays = {}
    casts = []
    for index, name in enumerate(names):
        column = table.c[name]
        values = [row[name] for row in rows]
        if isinstance(column.type, JSON) or isinstance(getattr(column.type, "impl", None), JSON):
            values = [None if value is None else json.dumps(value) for value in values]
            sql_type = "JSON"
        else:
            sql_type = column.type.compile(dialect=dialect)
        arrays[f"p{index}"] = values
        casts.append(f"CAST(:p{index} AS {sql_type}[])")
    sql = (f"INSERT INTO {table.name} ({', '.join(names)}) SELECT * FROM unnest({', '.join(casts)})"
           + (f" RETURNING {', '.join(returning)}" if returning else ""))
    result = dbsession.execute(text(sql), arrays)
    return [tuple(row) for row in result] if returning else []


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
