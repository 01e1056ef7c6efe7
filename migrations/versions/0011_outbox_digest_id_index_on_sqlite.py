"""outbox_messages.digest_id: an index on SQLite, where its foreign key is kept

SQLite keeps the outbox's foreign keys (see 0010), digest_id → outbox_messages.id among them. To
delete an outbox row SQLite looks for the rows naming it in digest_id, and with no index on the
column that is a scan of the outbox per deleted row, quadratic in the rows deleted: 10,000 rows
deleted at once took 6.5 s without this index and 0.1 s with it.

PostgreSQL gets none. 0010 dropped the foreign key there, so a delete looks nothing up; and nothing
in the application selects outbox rows by digest_id (``reminders.digest`` only writes it when it
folds a notice into a digest, and a digest's notices are never looked up from the digest). An index
would be one more entry written for every queued mail (a B-tree holds the NULLs too), on the path
0010 made cheaper, for no reader. Should a lookup of a digest's notices appear, a partial index
(``WHERE digest_id IS NOT NULL``) would serve it at the cost of the digested notices only.
``coordination.migrate.include_object`` leaves this index out of the model comparison, as it does
the foreign keys SQLite alone keeps.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 12:30:00
"""

from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

NAME = "ix_outbox_messages_digest_id"


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.create_index(NAME, "outbox_messages", ["digest_id"])


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.drop_index(NAME, table_name="outbox_messages")
