"""Alembic, driven from the application's settings (no separate alembic.ini to keep in step)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from .paths import MIGRATIONS


def alembic_config(url: str, connection=None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


# the outbox's foreign keys that 0010 drops on PostgreSQL only (SQLite keeps them: see 0010)
SQLITE_ONLY_FOREIGN_KEYS = frozenset({
    "fk_outbox_messages_task_id_tasks", "fk_outbox_messages_recipient_user_id_users",
    "fk_outbox_messages_recipient_agency_id_agencies", "fk_outbox_messages_digest_id_outbox_messages",
})
# the index 0011 makes on SQLite only, for the foreign key on digest_id SQLite keeps (see 0011)
SQLITE_ONLY_INDEXES = frozenset({"ix_outbox_messages_digest_id"})


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Leave out of Alembic's model comparison what migrations make with raw SQL and the models do
    not declare: the search index objects of directives (FTS5 tables on SQLite, a GIN expression
    index on PostgreSQL), and the outbox's foreign keys that only SQLite databases keep; and the
    index on the outbox's digest_id, which the model declares for SQLite only (``ddl_if``), a
    condition Alembic's comparison does not read."""
    from .directives.search import SEARCH_OBJECTS

    if type_ == "foreign_key_constraint" and name in SQLITE_ONLY_FOREIGN_KEYS:
        return False
    if type_ == "index" and name in SQLITE_ONLY_INDEXES:
        return False
    return name not in SEARCH_OBJECTS


def upgrade(url: str, revision: str = "head", connection=None) -> None:
    command.upgrade(alembic_config(url, connection), revision)


def revision(url: str, message: str) -> None:
    command.revision(alembic_config(url), message=message, autogenerate=True)
