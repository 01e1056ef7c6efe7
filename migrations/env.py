"""Alembic environment: the URL comes from the application's ini (via ``coordination initdb``)."""

from alembic import context
from sqlalchemy import pool

from coordination.db import get_engine
from coordination.migrate import include_object
from coordination.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = get_engine({"sqlalchemy.url": config.get_main_option("sqlalchemy.url"), "sqlalchemy.poolclass": pool.NullPool})
    with engine.begin() as connection:
        _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
