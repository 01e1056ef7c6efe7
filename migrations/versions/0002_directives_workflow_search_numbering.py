"""directives workflow: recipients, references, coordinators, deadlines, amendments, incoming
documents, attachments, number counters, and the accent-free search index (FTS5 on SQLite, GIN on
PostgreSQL)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 23:17:39.985497
"""

from alembic import op
import sqlalchemy as sa
import coordination.db
from coordination.directives import search


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('number_counters',
    sa.Column('register', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('register', 'year', name=op.f('pk_number_counters'))
    )
    op.create_table('external_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('doc_type', sa.String(length=120), nullable=False),
    sa.Column('number', sa.String(length=120), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('issuer', sa.String(length=300), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('created_at', coordination.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_external_documents_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_external_documents')),
    sa.UniqueConstraint('issuer', 'number', 'issued_on', name='issuer_number_date')
    )
    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('directive_id', sa.Integer(), nullable=True),
    sa.Column('external_document_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('media_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', coordination.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(directive_id IS NULL) <> (external_document_id IS NULL)', name=op.f('ck_attachments_one_owner')),
    sa.ForeignKeyConstraint(['directive_id'], ['directives.id'], name=op.f('fk_attachments_directive_id_directives'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['external_document_id'], ['external_documents.id'], name=op.f('fk_attachments_external_document_id_external_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_directive_id'), ['directive_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_external_document_id'), ['external_document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_sha256'), ['sha256'], unique=False)

    op.create_table('directive_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('directive_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.String(length=300), nullable=True),
    sa.CheckConstraint('(CASE WHEN agency_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN group_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN text IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_directive_recipients_one_kind')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_directive_recipients_agency_id_agencies')),
    sa.ForeignKeyConstraint(['directive_id'], ['directives.id'], name=op.f('fk_directive_recipients_directive_id_directives'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['group_id'], ['agency_groups.id'], name=op.f('fk_directive_recipients_group_id_agency_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directive_recipients'))
    )
    with op.batch_alter_table('directive_recipients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directive_recipients_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_directive_recipients_directive_id'), ['directive_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_directive_recipients_group_id'), ['group_id'], unique=False)

    op.create_table('directive_references',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('directive_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('doc_type', sa.String(length=120), nullable=True),
    sa.Column('number', sa.String(length=120), nullable=False),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('issuer', sa.String(length=300), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('external_document_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['directive_id'], ['directives.id'], name=op.f('fk_directive_references_directive_id_directives'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['external_document_id'], ['external_documents.id'], name=op.f('fk_directive_references_external_document_id_external_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directive_references'))
    )
    with op.batch_alter_table('directive_references', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directive_references_directive_id'), ['directive_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_directive_references_external_document_id'), ['external_document_id'], unique=False)

    op.create_table('amendment_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('directive_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('amended_task_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('deadline_kind', sa.String(length=12), nullable=False),
    sa.Column('deadline_date', sa.Date(), nullable=True),
    sa.Column('rrule', sa.String(length=200), nullable=True),
    sa.Column('rrule_start', sa.Date(), nullable=True),
    sa.Column('rrule_end', sa.Date(), nullable=True),
    sa.Column('deadline_text', sa.String(length=300), nullable=True),
    sa.Column('applied_at', coordination.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['amended_task_id'], ['directive_tasks.id'], name=op.f('fk_amendment_changes_amended_task_id_directive_tasks')),
    sa.ForeignKeyConstraint(['directive_id'], ['directives.id'], name=op.f('fk_amendment_changes_directive_id_directives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_amendment_changes'))
    )
    with op.batch_alter_table('amendment_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_amendment_changes_amended_task_id'), ['amended_task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_amendment_changes_directive_id'), ['directive_id'], unique=False)

    op.create_table('directive_task_coordinators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('directive_task_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(agency_id IS NULL) <> (group_id IS NULL)', name=op.f('ck_directive_task_coordinators_agency_or_group')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_directive_task_coordinators_agency_id_agencies')),
    sa.ForeignKeyConstraint(['directive_task_id'], ['directive_tasks.id'], name=op.f('fk_directive_task_coordinators_directive_task_id_directive_tasks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['group_id'], ['agency_groups.id'], name=op.f('fk_directive_task_coordinators_group_id_agency_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directive_task_coordinators'))
    )
    with op.batch_alter_table('directive_task_coordinators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directive_task_coordinators_directive_task_id'), ['directive_task_id'], unique=False)

    with op.batch_alter_table('directive_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_to_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('deadline_kind', sa.String(length=12), nullable=False, server_default='ongoing'))
        batch_op.add_column(sa.Column('deadline_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('rrule', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('rrule_start', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('rrule_end', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('deadline_text', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('forwarded_document_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_directive_tasks_forwarded_document_id'), ['forwarded_document_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_directive_tasks_forwarded_document_id_external_documents'), 'external_documents', ['forwarded_document_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_directive_tasks_report_to_id_agencies'), 'agencies', ['report_to_id'], ['id'])
        batch_op.create_check_constraint('lead_agency_or_group', '(lead_agency_id IS NULL) <> (lead_group_id IS NULL)')

    with op.batch_alter_table('directive_types', schema=None) as batch_op:
        batch_op.add_column(sa.Column('register', sa.String(length=40), nullable=False, server_default=''))

    with op.batch_alter_table('directives', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dated_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('search_key', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('submitted_at', coordination.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('return_comment', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('signed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('issued_at', coordination.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_at', coordination.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('withdrawal_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('amends_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_directives_amends_id'), ['amends_id'], unique=False)
        batch_op.create_index('ix_directives_dated_on_id', ['dated_on', 'id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_directives_amends_id_directives'), 'directives', ['amends_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_directives_signed_by_id_users'), 'users', ['signed_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_directives_created_by_id_users'), 'users', ['created_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_directives_withdrawn_by_id_users'), 'users', ['withdrawn_by_id'], ['id'])

    # directives drafted before this revision are dated by their creation (issued ones by their issue)
    created_on = "date(created_at)" if op.get_bind().dialect.name == 'sqlite' else "CAST(created_at AS DATE)"
    op.execute(f"UPDATE directives SET dated_on = COALESCE(issued_on, {created_on})")
    with op.batch_alter_table('directives', schema=None) as batch_op:
        batch_op.alter_column('dated_on', existing_type=sa.Date(), nullable=False)

    # the search index. On SQLite the triggers must come after the last batch operation on
    # `directives` (a batch rebuild drops a table's triggers): a later revision that batch-alters
    # `directives` must run search.SQLITE_TRIGGERS again (tests/directives/test_search.py checks).
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for statement in search.SQLITE_DDL:
            op.execute(statement)
        op.execute(f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}) VALUES ('rebuild')")
    elif dialect == 'postgresql':
        for statement in search.POSTGRESQL_DDL:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in search.SQLITE_DROP if dialect == 'sqlite' else search.POSTGRESQL_DROP:
        op.execute(statement)
    with op.batch_alter_table('directives', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_directives_withdrawn_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_directives_created_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_directives_signed_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_directives_amends_id_directives'), type_='foreignkey')
        batch_op.drop_index('ix_directives_dated_on_id')
        batch_op.drop_index(batch_op.f('ix_directives_amends_id'))
        batch_op.drop_column('amends_id')
        batch_op.drop_column('withdrawal_reason')
        batch_op.drop_column('withdrawn_by_id')
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('issued_at')
        batch_op.drop_column('signed_by_id')
        batch_op.drop_column('return_comment')
        batch_op.drop_column('submitted_at')
        batch_op.drop_column('created_by_id')
        batch_op.drop_column('search_key')
        batch_op.drop_column('dated_on')

    with op.batch_alter_table('directive_types', schema=None) as batch_op:
        batch_op.drop_column('register')

    with op.batch_alter_table('directive_tasks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_directive_tasks_lead_agency_or_group'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_directive_tasks_report_to_id_agencies'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_directive_tasks_forwarded_document_id_external_documents'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_directive_tasks_forwarded_document_id'))
        batch_op.drop_column('forwarded_document_id')
        batch_op.drop_column('deadline_text')
        batch_op.drop_column('rrule_end')
        batch_op.drop_column('rrule_start')
        batch_op.drop_column('rrule')
        batch_op.drop_column('deadline_date')
        batch_op.drop_column('deadline_kind')
        batch_op.drop_column('report_to_id')

    with op.batch_alter_table('directive_task_coordinators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directive_task_coordinators_directive_task_id'))

    op.drop_table('directive_task_coordinators')
    with op.batch_alter_table('amendment_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_amendment_changes_directive_id'))
        batch_op.drop_index(batch_op.f('ix_amendment_changes_amended_task_id'))

    op.drop_table('amendment_changes')
    with op.batch_alter_table('directive_references', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directive_references_external_document_id'))
        batch_op.drop_index(batch_op.f('ix_directive_references_directive_id'))

    op.drop_table('directive_references')
    with op.batch_alter_table('directive_recipients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directive_recipients_group_id'))
        batch_op.drop_index(batch_op.f('ix_directive_recipients_directive_id'))
        batch_op.drop_index(batch_op.f('ix_directive_recipients_agency_id'))

    op.drop_table('directive_recipients')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_sha256'))
        batch_op.drop_index(batch_op.f('ix_attachments_external_document_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_directive_id'))

    op.drop_table('attachments')
    op.drop_table('external_documents')
    op.drop_table('number_counters')
