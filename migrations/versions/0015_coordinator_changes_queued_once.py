"""reminder_changes: a statement adding or removing coordinators queues each task once

The triggers of 0009 queue the id of every task whose coordinators were inserted or deleted, once
per coordinator row: issuing a directive to 100 agencies, each task with two coordinating agencies,
queued 4,000 ids for 2,000 tasks (and the tasks' own INSERT trigger another 2,000). The sweep reads
the ids as a set, so the duplicates were only written to be read and deleted. On PostgreSQL the
statement triggers now queue ``SELECT DISTINCT task_id``. SQLite's row triggers see one row at a
time and are left as they are.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 18:00:00
"""

from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

_TRIGGERS = (("task_coordinators_reminder_changes_insert", "new_rows"),
             ("task_coordinators_reminder_changes_delete", "old_rows"))


def _replace(distinct: bool) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, rows in _TRIGGERS:
        op.execute(f"""
            CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO reminder_changes (task_id) SELECT {'DISTINCT ' if distinct else ''}task_id FROM {rows};
                RETURN NULL;
            END;
            $$""")


def upgrade() -> None:
    _replace(distinct=True)


def downgrade() -> None:
    _replace(distinct=False)
