"""create stored reports

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 23:18:31.721180
"""

from alembic import op
import sqlalchemy as sa
import coordination.db


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stored_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('scope', sa.JSON(), nullable=False),
    sa.Column('scope_key', sa.String(length=64), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('created_at', coordination.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('task_count', sa.Integer(), nullable=False),
    sa.Column('docx_path', sa.String(length=300), nullable=False),
    sa.Column('docx_sha256', sa.String(length=64), nullable=False),
    sa.Column('docx_size', sa.Integer(), nullable=False),
    sa.Column('xlsx_path', sa.String(length=300), nullable=False),
    sa.Column('xlsx_sha256', sa.String(length=64), nullable=False),
    sa.Column('xlsx_size', sa.Integer(), nullable=False),
    sa.Column('pdf_path', sa.String(length=300), nullable=True),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('pdf_size', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_stored_reports_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_reports')),
    sa.UniqueConstraint('kind', 'scope_key', 'as_of', name='one_per_scope_and_date')
    )
    with op.batch_alter_table('stored_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stored_reports_as_of'), ['as_of'], unique=False)
        batch_op.create_index(batch_op.f('ix_stored_reports_kind'), ['kind'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('stored_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stored_reports_kind'))
        batch_op.drop_index(batch_op.f('ix_stored_reports_as_of'))

    op.drop_table('stored_reports')
