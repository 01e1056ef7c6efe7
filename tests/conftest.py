"""Fixtures: every DB test runs on SQLite and on PostgreSQL, each test inside a rolled-back transaction.

The schema is made once per backend by running the Alembic migrations (not ``create_all``), so the
tests also prove the migrations. PostgreSQL comes from ``COORDINATION_TEST_PG_URL`` (default: the
local server, trust auth); a throwaway database is created and dropped. With ``CI=true`` a missing
PostgreSQL fails the run instead of skipping.
"""

from __future__ import annotations

import os
import re
import uuid

import pytest
import transaction
import webtest
import zope.sqlalchemy
from sqlalchemy.orm import Session

from coordination import clock, main
from coordination.accounts import services as account_services
from coordination.db import get_engine
from coordination.migrate import upgrade

PG_BASE_URL = os.environ.get("COORDINATION_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() == "true"

# cheap Argon2 parameters: the suite hashes many passwords; production parameters are the defaults
account_services.configure_hasher(time_cost=1, memory_cost=1024, parallelism=1)


def pytest_addoption(parser):
    parser.addoption(
        "--db", choices=("both", "sqlite", "postgresql"), default=os.environ.get("COORDINATION_TEST_DB", "both"),
        help="which databases the DB tests run on (default both)",
    )


def _backends(config) -> list[str]:
    chosen = config.getoption("--db")
    return ["sqlite", "postgresql"] if chosen == "both" else [chosen]


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", _backends(metafunc.config), scope="session")


def _pg_admin_url() -> str:
    return PG_BASE_URL


def _create_pg_database() -> str:
    import psycopg

    name = f"coordination_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        with psycopg.connect(_pg_admin_url().replace("postgresql+psycopg://", "postgresql://"), autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI and is not reachable at {PG_BASE_URL}: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {PG_BASE_URL}: {exc}")
    return re.sub(r"/[^/]*$", f"/{name}", _pg_admin_url())


def _drop_pg_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(_pg_admin_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def db_url(backend, tmp_path_factory):
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("db") / "test.sqlite"
        yield f"sqlite:///{path}"
        return
    url = _create_pg_database()
    yield url
    _drop_pg_database(url)


@pytest.fixture
def fresh_db_url(backend, tmp_path):
    """An empty database of its own, for tests whose subject commits (command line, processes)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite'}"
        return
    url = _create_pg_database()
    yield url
    _drop_pg_database(url)


@pytest.fixture
def pg_engine(backend):
    """A migrated PostgreSQL database of its own with a pool for a dozen threads, for tests of
    concurrent transactions (which must commit); skipped on SQLite, which has one writer at a time."""
    if backend != "postgresql":
        pytest.skip("concurrent transactions are shown on PostgreSQL (SQLite has one writer at a time)")
    url = _create_pg_database()
    upgrade(url)
    engine = get_engine({"sqlalchemy.url": url, "sqlalchemy.pool_size": "12"})
    yield engine
    engine.dispose()
    _drop_pg_database(url)


@pytest.fixture(scope="session")
def engine(db_url):
    upgrade(db_url)
    engine = get_engine({"sqlalchemy.url": db_url})
    yield engine
    engine.dispose()


@pytest.fixture
def tm():
    manager = transaction.TransactionManager(explicit=True)
    manager.begin()
    manager.doom()  # nothing a test does is ever committed
    yield manager
    manager.abort()


@pytest.fixture
def dbsession(engine, tm):
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    zope.sqlalchemy.register(session, transaction_manager=tm)
    yield session
    session.close()
    outer.rollback()
    connection.close()


@pytest.fixture(autouse=True)
def _unfreeze_clock():
    yield
    clock.set_now(None)


@pytest.fixture(scope="session")
def app_settings(db_url, tmp_path_factory):
    return {
        "sqlalchemy.url": db_url,
        "session.secret": "test-secret-" + "x" * 40,
        "app.base_url": "http://example.com",
        "issuer.name": "Ủy ban nhân dân tỉnh Hưng Yên",
        "attachments.dir": str(tmp_path_factory.mktemp("attachments")),
        "retry.attempts": "1",
    }


@pytest.fixture(scope="session")
def app(app_settings):
    return main({}, **app_settings)


@pytest.fixture
def testapp(app, tm, dbsession):
    return webtest.TestApp(
        app,
        extra_environ={
            "HTTP_HOST": "example.com",
            "tm.active": True,
            "tm.manager": tm,
            "app.dbsession": dbsession,
        },
    )


@pytest.fixture
def demo(dbsession):
    """The demo province, with every demo user's password set to ``<login>-password``."""
    from coordination.demo import load_demo

    result = load_demo(dbsession)
    from sqlalchemy import select

    from coordination.accounts.models import User

    for user in dbsession.scalars(select(User)):
        user.password_hash = account_services.hash_password(f"{user.login}-password")
    dbsession.flush()
    return result


def login(testapp, login: str, password: str | None = None, *, expect_success: bool = True):
    """Log in through the real form (CSRF token and all)."""
    page = testapp.get("/login")
    form = page.forms["deform"]
    form["login"] = login
    form["password"] = password if password is not None else f"{login}-password"
    response = form.submit("sign_in")
    if expect_success:
        assert response.status_int == 303, response.text[:2000]
        return response.follow()
    return response
