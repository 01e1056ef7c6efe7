"""The declarative Base, constraint naming convention, engines and the request-bound session."""

from __future__ import annotations

import datetime as dt
from typing import Any

import transaction as transaction_pkg
import zope.sqlalchemy
from sqlalchemy import JSON, DateTime, MetaData, engine_from_config, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime stored in UTC on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC time is stored")
        return value.astimezone(dt.timezone.utc)

    def process_result_value(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        dt.datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
    }


def _sqlite_transactional(engine: Engine) -> None:
    """Let SQLAlchemy, not pysqlite, start transactions (SAVEPOINT-safe; see STACK-NOTES)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("immediate") else "BEGIN")


def get_engine(settings: dict, prefix: str = "sqlalchemy.") -> Engine:
    url = settings[prefix + "url"]
    if url.startswith("postgresql://"):
        # psycopg 3 is the driver we ship
        settings = {**settings, prefix + "url": "postgresql+psycopg://" + url[len("postgresql://"):]}
    engine = engine_from_config(settings, prefix, future=True)
    if engine.dialect.name == "sqlite":
        _sqlite_transactional(engine)
    return engine


def get_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def get_tm_session(session_factory, transaction_manager, request=None) -> Session:
    """A session joined to ``transaction_manager``: committed or aborted with it.

    Committed even when it only read (zope.sqlalchemy's default rolls such a session back):

    - on PostgreSQL psycopg forgets every prepared statement of the connection when it sees a
      ROLLBACK, so with a ROLLBACK at the end of every page view no statement was ever prepared
      and each was planned afresh on every request (the inbox's counts took longer to plan than
      to run: bench/RESULTS.md); a COMMIT keeps them;
    - a write made through Core (``execute(insert(table))``) does not mark the session changed,
      and was silently rolled back when nothing else in the request flushed.

    A failed or doomed transaction is still rolled back."""
    dbsession = session_factory(info={"request": request})
    zope.sqlalchemy.register(dbsession, transaction_manager=transaction_manager,
                             initial_state=zope.sqlalchemy.datamanager.STATUS_CHANGED)
    return dbsession


def _dbsession(request) -> Session:
    # tests pass a session bound to a rolled-back outer transaction through the environ
    dbsession = request.environ.get("app.dbsession")
    if dbsession is None:
        dbsession = get_tm_session(request.registry["dbsession_factory"], request.tm, request=request)
    return dbsession


def includeme(config):
    settings = config.get_settings()
    engine = get_engine(settings)
    config.registry["db_engine"] = engine
    config.registry["dbsession_factory"] = get_session_factory(engine)
    config.add_request_method(_dbsession, "dbsession", reify=True)


def run_in_transaction(session_factory, fn, *args, **kwargs):
    """Run ``fn(dbsession, ...)`` in its own transaction (scripts and scheduler jobs)."""
    tm = transaction_pkg.TransactionManager(explicit=True)
    with tm:
        dbsession = get_tm_session(session_factory, tm)
        return fn(dbsession, *args, **kwargs)


def among(dbsession: Session, column, ids) -> Any:
    """``column IN ids`` for integer ids; on PostgreSQL as one array parameter (``= ANY(%s)``): a
    thousand separate placeholders cost psycopg more to build and the server more to parse than
    the lookup itself (bench/RESULTS.md)."""
    from sqlalchemy import Integer, any_, cast, literal
    from sqlalchemy.dialects.postgresql import ARRAY

    if dbsession.get_bind().dialect.name == "postgresql":
        return column == any_(cast(literal(list(ids), ARRAY(Integer)), ARRAY(Integer)))
    return column.in_(list(ids))


def among_parameter(dialect_name: str, column, name: str) -> Any:
    """``among`` for a statement built once and run many times: ``column IN :name`` with the ids
    given at execution (``{name: [ids]}``), one array parameter on PostgreSQL."""
    from sqlalchemy import Integer, any_, bindparam
    from sqlalchemy.dialects.postgresql import ARRAY

    if dialect_name == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(Integer)))
    return column.in_(bindparam(name, expanding=True))
