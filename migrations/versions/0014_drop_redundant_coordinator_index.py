"""drop ix_task_coordinators_agency_task: the (agency, deadline, task) index answers the same lookups

Every read of ``task_coordinators`` by agency (the coordinating tab of the inbox, the calendar, the
digests) goes through ``ix_task_coordinators_agency_deadline`` (agency_id, deadline_in_force,
task_id) or ``ix_task_coordinators_agency_status_deadline``, which hold the task id too; a lookup by
(task, agency) uses the primary key. On the national benchmark dataset the (agency_id, task_id)
index had never been scanned (``pg_stat_user_indexes.idx_scan = 0``, 17 MB) while every issued
task wrote two entries into it (4,000 for a directive to 100 agencies).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 18:10:00
"""

from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


# plain DDL, not a batch: on SQLite a batch may rebuild the table, which would drop its triggers (0009, 0012)
def upgrade() -> None:
    op.drop_index('ix_task_coordinators_agency_task', table_name='task_coordinators')


def downgrade() -> None:
    op.create_index('ix_task_coordinators_agency_task', 'task_coordinators', ['agency_id', 'task_id'], unique=False)
