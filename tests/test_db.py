"""``coordination.db``: how a request's session ends (committed even when it only read)."""

from __future__ import annotations

import pytest
import transaction
from sqlalchemy import event, func, insert, select, text

from coordination.db import get_engine, get_session_factory, get_tm_session
from coordination.migrate import upgrade
from coordination.organizations.models import AgencyKind


def _ends(engine) -> list[str]:
    ended: list[str] = []
    event.listen(engine, "commit", lambda conn: ended.append("commit"))
    event.listen(engine, "rollback", lambda conn: ended.append("rollback"))
    return ended


def test_a_transaction_that_only_read_is_committed_and_a_failed_one_rolled_back(fresh_db_url):
    upgrade(fresh_db_url)
    engine = get_engine({"sqlalchemy.url": fresh_db_url})
    try:
        factory, ended = get_session_factory(engine), _ends(engine)
        tm = transaction.TransactionManager(explicit=True)
        with tm:
            assert get_tm_session(factory, tm).scalar(select(func.count()).select_from(AgencyKind)) == 0
        assert ended == ["commit"]
        tm.begin()
        get_tm_session(factory, tm).scalar(select(func.count()).select_from(AgencyKind))
        tm.abort()
        assert ended == ["commit", "rollback"]
    finally:
        engine.dispose()


def test_a_write_made_through_core_alone_is_committed(fresh_db_url):
    """No ORM flush marks the session changed here: zope.sqlalchemy's default rolled it back."""
    upgrade(fresh_db_url)
    engine = get_engine({"sqlalchemy.url": fresh_db_url})
    try:
        factory = get_session_factory(engine)
        tm = transaction.TransactionManager(explicit=True)
        with tm:
            get_tm_session(factory, tm).execute(
                insert(AgencyKind.__table__).values(code="ward", name="Phường", level=3))
        with factory() as session:
            assert session.scalar(select(AgencyKind.name).where(AgencyKind.code == "ward")) == "Phường"
    finally:
        engine.dispose()


def test_on_postgresql_a_page_views_statements_stay_prepared_across_requests(fresh_db_url, backend):
    """psycopg prepares a statement run five times on a connection, and forgets them all when it
    sees a ROLLBACK: read-only requests ending in ROLLBACK never kept one, and PostgreSQL planned
    every statement of every request afresh."""
    if backend != "postgresql":
        pytest.skip("SQLite has no server-side prepared statements")
    upgrade(fresh_db_url)
    engine = get_engine({"sqlalchemy.url": fresh_db_url, "sqlalchemy.pool_size": "1", "sqlalchemy.max_overflow": "0"})
    try:
        factory = get_session_factory(engine)
        statement = select(AgencyKind.id).where(AgencyKind.code == "people_committee")
        for _ in range(7):  # seven requests, one connection
            tm = transaction.TransactionManager(explicit=True)
            with tm:
                get_tm_session(factory, tm).execute(statement).all()
        with engine.connect() as connection:
            prepared = connection.execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()
        assert any("agency_kinds.code" in sql for sql in prepared), prepared
    finally:
        engine.dispose()
