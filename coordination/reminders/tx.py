"""Short write transactions for the scheduler's jobs and the command line."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session


@contextlib.contextmanager
def write_transaction(engine: Engine) -> Iterator[Session]:
    """A session in one transaction, committed when the block ends without an exception.

    On SQLite the transaction starts with ``BEGIN IMMEDIATE``: it takes the write lock before its
    first read, so two jobs that read then write (two sweeps, two dispatchers) queue behind each
    other instead of failing with "database is locked". PostgreSQL needs nothing of the kind.
    """
    with engine.connect() as connection:
        immediate = connection.dialect.name == "sqlite"
        if immediate:
            connection.info["immediate"] = True
        try:
            with connection.begin():
                session = Session(bind=connection, expire_on_commit=False, autoflush=True)
                try:
                    yield session
                    session.flush()
                finally:
                    session.close()
        finally:
            connection.info.pop("immediate", None)
