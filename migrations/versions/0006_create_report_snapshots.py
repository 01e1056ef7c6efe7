"""create report snapshots: dashboard figures kept per scope and day (see reports/models.py)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 23:44:35.666128
"""

from alembic import op
import sqlalchemy as sa
import coordination.db


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_snapshots',
    sa.Column('scope_key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('computed_at', coordination.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('scope_key', 'kind', 'as_of', name=op.f('pk_report_snapshots'))
    )


def downgrade() -> None:
    op.drop_table('report_snapshots')
