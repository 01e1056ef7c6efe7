"""outbox: one new-tasks notice per directive and recipient (task_count)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 04:50:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN (SQLite has it): a batch "copy and move" would recreate a table other
    # tables refer to
    op.add_column('outbox_messages', sa.Column('task_count', sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column('outbox_messages', 'task_count')
