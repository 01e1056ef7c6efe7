"""Document numbers: sequential per issuing register and calendar year, assigned at issuing.

The counter is one row per (register, year) in ``number_counters``. Taking a number is one
``UPDATE ... SET last_number = last_number + 1 ... RETURNING last_number``:

- on PostgreSQL the UPDATE takes the row lock (what ``SELECT ... FOR UPDATE`` would take) and holds
  it until the issuing transaction ends; a concurrent issuer blocks on it, then re-reads the row under
  READ COMMITTED and gets the next number. A number taken by a transaction that rolls back is handed
  out again by the next one, so numbers have no gaps and are never given twice;
- on SQLite the UPDATE takes the database write lock, which serialises issuers the same way (the
  second writer waits up to ``busy_timeout``; if SQLite reports a lock conflict instead, the
  transaction fails and nothing is numbered).

The unique constraint ``number_in_register`` on directives backs this up.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from .models import NumberCounter


def next_number(dbsession: Session, register: str, year: int) -> int:
    """Take the next number of ``register`` in ``year``; it is the caller's until its transaction ends."""
    _ensure_counter(dbsession, register, year)
    number = dbsession.execute(
        update(NumberCounter)
        .where(NumberCounter.register == register, NumberCounter.year == year)
        .values(last_number=NumberCounter.last_number + 1)
        .returning(NumberCounter.last_number)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return number


def last_number(dbsession: Session, register: str, year: int) -> int:
    value = dbsession.scalar(
        select(NumberCounter.last_number).where(NumberCounter.register == register, NumberCounter.year == year)
    )
    return value or 0


def _ensure_counter(dbsession: Session, register: str, year: int) -> None:
    # the first issue of a year creates the row; two first issuers racing both "insert", one wins
    insert = pg_insert if dbsession.get_bind().dialect.name == "postgresql" else sqlite_insert
    dbsession.execute(
        insert(NumberCounter)
        .values(register=register, year=year, last_number=0)
        .on_conflict_do_nothing(index_elements=["register", "year"])
    )
