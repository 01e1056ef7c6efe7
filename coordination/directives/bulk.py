"""Many-row INSERTs for issuing, fast on both databases.

On PostgreSQL a many-row insert goes as ONE statement whose only parameter is one JSON document
holding the rows: ``INSERT INTO t (a, b) SELECT a, b FROM json_to_recordset(:rows) AS r(a INTEGER,
b TEXT)``. SQLAlchemy's own executemany path sends thousands of placeholders that psycopg must parse
per batch (most of the 0.4–0.7 s that 2,000 tasks with their coordinators took; see bench/). One
array per column (``unnest``) was the next step, but psycopg escapes each element of a text array
in Python with regular expressions: 60,000 regex calls for the rows of one 2,000-task directive.
``json.dumps`` does the same in C, and PostgreSQL reads the document in one pass. A column with the
same value in every row (the directive, the status, the time of issue, the defaults) is sent once,
as a parameter, instead of 2,000 times in the document. On SQLite the ordinary executemany is
already fast and is used as is.
"""

from __future__ import annotations

import datetime as dt
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
    quote = dialect.identifier_preparer.quote
    fixed = _same_in_every_row(table, rows)
    varying = [name for name in rows[0] if name not in fixed]
    if not varying:  # json_to_recordset needs a column: keep one in the document
        varying = [next(iter(rows[0]))]
        del fixed[varying[0]]
    types = {name: table.c[name].type.compile(dialect=dialect) for name in [*varying, *fixed]}
    params: dict = {}
    selected = [f"r.{quote(name)}" for name in varying]
    for index, (name, value) in enumerate(fixed.items()):
        params[f"k{index}"] = json.dumps(value) if value is not None and _is_json(table.c[name]) else value
        selected.append(f"CAST(:k{index} AS {types[name]})")
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(name) for name in [*varying, *fixed])}) "
           f"SELECT {', '.join(selected)} FROM json_to_recordset(CAST(:rows AS JSON)) "
           f"AS r({', '.join(f'{quote(name)} {types[name]}' for name in varying)})"
           + (f" RETURNING {', '.join(quote(name) for name in returning)}" if returning else ""))
    params["rows"] = json.dumps([{name: row[name] for name in varying} for row in rows],
                                ensure_ascii=False, separators=(",", ":"), default=_json_value)
    result = dbsession.execute(text(sql), params)
    return [tuple(row) for row in result] if returning else []


def _same_in_every_row(table: Table, rows: list[dict]) -> dict:
    """The columns with one value for all rows (the directive, the status, the time of issue, the
    Python-side defaults of omitted columns): sent once as parameters, not once per row."""
    first = rows[0]
    fixed = {name: value for name, value in first.items() if _one_value([row[name] for row in rows])}
    for column in table.columns:
        if column.name in first or column.primary_key or column.default is None:
            continue
        if column.default.is_scalar:
            fixed[column.name] = column.default.arg
        elif column.default.is_callable:
            fixed[column.name] = column.default.arg(None)  # once per statement, as one flush would
    return fixed


def _one_value(values: list) -> bool:
    """Whether all the values are one value of one type (1 and True are not)."""
    try:
        if len(set(values)) > 1:
            return False
    except TypeError:  # unhashable: a JSON document
        if any(value != values[0] for value in values):
            return False
    return len(set(map(type, values))) == 1


def _is_json(column) -> bool:
    return isinstance(column.type, JSON) or isinstance(getattr(column.type, "impl", None), JSON)


def _json_value(value):
    """Dates and times as ISO 8601, which PostgreSQL reads back into DATE and TIMESTAMPTZ columns."""
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not stored by insert_rows")
