"""Accent-insensitive Vietnamese search over number, subject and body, on SQLite and PostgreSQL.

One code path for the key (see shared/STACK-NOTES.md): ``Directive.search_key`` holds the words of
``search_key(number + subject + body)`` — accents dropped, đ→d, case folded — with punctuation
turned into spaces, so that "1324/UBND-KGVX" is the three words "1324 ubnd kgvx" on both databases
(PostgreSQL's parser would otherwise keep "1324/ubnd-kgvx" as one "file" token). A query goes
through the same function and is matched as a phrase: Vietnamese words are several syllables, so
"lao dong" must not match a text with "lao" and "dong" far apart.

- SQLite: an external-content FTS5 table ``directives_fts`` over ``directives.search_key``
  (tokenizer unicode61 remove_diacritics 2), kept in step by triggers made in the migration;
  queried with an FTS5 phrase.
- PostgreSQL: a GIN index on ``to_tsvector('simple', search_key)``; the words of the phrase are
  looked up in the index (``@@`` with an AND query needs no recheck), and the phrase itself is
  checked with ``LIKE '% words %'`` on the key, which is cheap on the few candidate rows.

The FTS tables and the expression index are not in the models; ``include_object`` keeps Alembic's
comparison from reporting them.
"""

from __future__ import annotations

import re

from sqlalchemy import Integer, column, text
from sqlalchemy.sql import ColumnElement

from ..text import search_key

FTS_TABLE = "directives_fts"
PG_INDEX = "ix_directives_search_key_tsv"
_WORD = re.compile(r"\w+")

# objects made by the migration outside the models (FTS5 makes its shadow tables itself)
SEARCH_OBJECTS = {FTS_TABLE, *(f"{FTS_TABLE}_{suffix}" for suffix in ("data", "idx", "docsize", "config", "content")),
                  PG_INDEX}

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER directives_fts_insert AFTER INSERT ON directives BEGIN
        INSERT INTO {FTS_TABLE}(rowid, search_key) VALUES (new.id, new.search_key);
    END""",
    f"""CREATE TRIGGER directives_fts_delete AFTER DELETE ON directives BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_key) VALUES ('delete', old.id, old.search_key);
    END""",
    f"""CREATE TRIGGER directives_fts_update AFTER UPDATE OF search_key ON directives BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_key) VALUES ('delete', old.id, old.search_key);
        INSERT INTO {FTS_TABLE}(rowid, search_key) VALUES (new.id, new.search_key);
    END""",
]
SQLITE_DDL = [
    f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
        search_key, content='directives', content_rowid='id', tokenize='unicode61 remove_diacritics 2')""",
    *SQLITE_TRIGGERS,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS directives_fts_update",
    "DROP TRIGGER IF EXISTS directives_fts_delete",
    "DROP TRIGGER IF EXISTS directives_fts_insert",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
POSTGRESQL_DDL = [f"CREATE INDEX {PG_INDEX} ON directives USING gin (to_tsvector('simple', search_key))"]
POSTGRESQL_DROP = [f"DROP INDEX IF EXISTS {PG_INDEX}"]


def words(value: str | None) -> list[str]:
    """The accent-free words of ``value`` ("Hỗ trợ, người lao-động" → ho tro nguoi lao dong)."""
    return _WORD.findall(search_key(value or ""))


def directive_key(number_symbol: str | None, subject: str, body: str) -> str:
    """The stored key: the words of number, subject and body between single spaces, with a space
    at each end so that a phrase can be matched on word boundaries with LIKE."""
    found = words(" ".join(part for part in (number_symbol, subject, body) if part))
    return f" {' '.join(found)} " if found else ""


def matches(dialect: str, query: str, id_column, key_column) -> ColumnElement[bool] | None:
    """A WHERE clause selecting directives whose key contains the phrase ``query``; None if the
    query has no word (then nothing is filtered)."""
    found = words(query)
    if not found:
        return None
    phrase = " ".join(found)
    if dialect == "postgresql":
        tsquery = " & ".join(found)  # words are \w+ only: nothing to escape in to_tsquery
        return text(
            "to_tsvector('simple', directives.search_key) @@ to_tsquery('simple', :tsq) "
            "AND directives.search_key LIKE :pattern"
        ).bindparams(tsq=tsquery, pattern=f"% {phrase} %")
    # FTS5: one double-quoted phrase; the words contain no quote
    return id_column.in_(
        text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :phrase").bindparams(phrase=f'"{phrase}"')
        .columns(column("rowid", Integer))
    )


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic hook: leave the search index objects (made by raw SQL) out of the comparison."""
    return name not in SEARCH_OBJECTS
