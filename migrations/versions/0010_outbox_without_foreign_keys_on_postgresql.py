"""outbox_messages: no foreign keys on PostgreSQL (each was a per-row check on every queued mail)

On PostgreSQL a foreign key is checked by a trigger per inserted row, and the check on task_id also
locks the task's row (a write to the task's page): with four of them, a third of the time to queue
the mails of a sweep. The outbox is a log of what was sent to whom; tasks, users and agencies are
never deleted by the application (they are closed or deactivated), and every reader of the outbox
already treats an id that finds nothing as gone (the dispatcher cancels a notice about a missing
task). ``occurrence_id`` never had a foreign key for the same reason.

SQLite keeps them: dropping a foreign key there means copying the table, and dropping the old copy
with foreign keys on would cascade into outbox_attempts and outbox_attachments (see 0007). Its
checks are an index probe each, and SQLite is not where the sweep's target is measured.
``coordination.migrate.include_object`` leaves these four out of the model comparison.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 09:45:00
"""

from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# (name, column, referenced table, ON DELETE): as 0004 made them
FOREIGN_KEYS = (
    ("fk_outbox_messages_task_id_tasks", "task_id", "tasks", "SET NULL"),
    ("fk_outbox_messages_recipient_user_id_users", "recipient_user_id", "users", "SET NULL"),
    ("fk_outbox_messages_recipient_agency_id_agencies", "recipient_agency_id", "agencies", None),
    ("fk_outbox_messages_digest_id_outbox_messages", "digest_id", "outbox_messages", None),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, _, _, _ in FOREIGN_KEYS:
        op.execute(f"ALTER TABLE outbox_messages DROP CONSTRAINT IF EXISTS {name}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, column, table, ondelete in FOREIGN_KEYS:
        op.create_foreign_key(name, "outbox_messages", table, [column], ["id"], ondelete=ondelete)
