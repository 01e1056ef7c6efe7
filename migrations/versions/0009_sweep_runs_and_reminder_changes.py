"""sweep_runs and reminder_changes: later sweeps of a day read only what changed

``sweep_runs`` records each completed deadline sweep; ``reminder_changes`` is a queue of task ids
whose reminders may have changed, filled by triggers on tasks, task_coordinators, task_occurrences
and directives (so every writer is seen: services, bulk SQL, an administrator's psql) and emptied
by the next sweep in its own transaction.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 09:30:00
"""

from alembic import op
import sqlalchemy as sa
import coordination.db


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# the columns of a task the sweep reads (sources.TaskSource, OccurrenceSource): a change of any
# other column (progress, version, texts) changes no reminder and is not queued
TASK_COLUMNS = ("status", "deadline_in_force", "lead_agency_id", "directive_id", "rrule", "deadline_kind", "created_at")
COORDINATOR_COLUMNS = ("task_id", "agency_id")
OCCURRENCE_COLUMNS = ("task_id", "due_on", "status", "created_at")
DIRECTIVE_COLUMNS = ("issuer_id", "signer_name")  # who an escalation reaches

# (table, event, the task ids to queue); PostgreSQL: statement triggers over transition tables
# (one INSERT per statement however many rows), SQLite: row triggers
_PG_TRIGGERS = (
    ("tasks", "INSERT", "SELECT id FROM new_rows"),
    ("tasks", "UPDATE", "SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {changed}"),
    ("task_coordinators", "INSERT", "SELECT task_id FROM new_rows"),
    ("task_coordinators", "DELETE", "SELECT task_id FROM old_rows"),
    # the denormalised status and deadline copies change with the task (queued through tasks); a
    # pair (task, agency) that appears or disappears is a change of coordinators
    ("task_coordinators", "UPDATE", "SELECT n.task_id FROM new_rows n WHERE NOT EXISTS (SELECT 1 FROM old_rows o "
                                    "WHERE o.task_id = n.task_id AND o.agency_id = n.agency_id) "
                                    "UNION SELECT o.task_id FROM old_rows o WHERE NOT EXISTS (SELECT 1 FROM new_rows n "
                                    "WHERE n.task_id = o.task_id AND n.agency_id = o.agency_id)"),
    ("task_occurrences", "INSERT", "SELECT task_id FROM new_rows"),
    ("task_occurrences", "UPDATE", "SELECT n.task_id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {changed}"),
    ("directives", "UPDATE", "SELECT t.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
                             "JOIN tasks t ON t.directive_id = n.id WHERE {changed}"),
)
_COLUMNS = {"tasks": TASK_COLUMNS, "task_coordinators": COORDINATOR_COLUMNS, "task_occurrences": OCCURRENCE_COLUMNS,
            "directives": DIRECTIVE_COLUMNS}


def _changed(table: str, old: str = "o", new: str = "n") -> str:
    columns = _COLUMNS[table]
    return (f"({', '.join(f'{new}.{c}' for c in columns)}) IS DISTINCT FROM "
            f"({', '.join(f'{old}.{c}' for c in columns)})")


def _sqlite_changed(table: str) -> str:
    return " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _COLUMNS[table])


def _name(table: str, event: str) -> str:
    return f"{table}_reminder_changes_{event.lower()}"


def upgrade() -> None:
    op.create_table('sweep_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('swept_at', coordination.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('window_start', sa.Date(), nullable=True),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.Column('queued', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sweep_runs'))
    )
    op.create_table('reminder_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_changes'))
    )
    if op.get_bind().dialect.name == "postgresql":
        for table, event, query in _PG_TRIGGERS:
            name = _name(table, event)
            query = query.format(changed=_changed(table))
            op.execute(f"""
                CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO reminder_changes (task_id) {query};
                    RETURN NULL;
                END;
                $$""")
            transition = {"INSERT": "NEW TABLE AS new_rows", "DELETE": "OLD TABLE AS old_rows",
                          "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}[event]
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {transition} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()")
    else:
        for table, event, body in _sqlite_triggers():
            op.execute(f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} {body}")


def _sqlite_triggers():
    insert = "INSERT INTO reminder_changes (task_id) VALUES"
    return (
        ("tasks", "INSERT", f"BEGIN {insert} (NEW.id); END"),
        ("tasks", "UPDATE", f"WHEN {_sqlite_changed('tasks')} BEGIN {insert} (NEW.id); END"),
        ("task_coordinators", "INSERT", f"BEGIN {insert} (NEW.task_id); END"),
        ("task_coordinators", "DELETE", f"BEGIN {insert} (OLD.task_id); END"),
        ("task_coordinators", "UPDATE", f"WHEN {_sqlite_changed('task_coordinators')} "
                                        f"BEGIN {insert} (OLD.task_id); {insert} (NEW.task_id); END"),
        ("task_occurrences", "INSERT", f"BEGIN {insert} (NEW.task_id); END"),
        ("task_occurrences", "UPDATE", f"WHEN {_sqlite_changed('task_occurrences')} BEGIN {insert} (NEW.task_id); END"),
        ("directives", "UPDATE", f"WHEN {_sqlite_changed('directives')} "
                                 "BEGIN INSERT INTO reminder_changes (task_id) SELECT id FROM tasks WHERE directive_id = NEW.id; END"),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, event, _ in _PG_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {_name(table, event)} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {_name(table, event)}()")
    else:
        for table, event, _ in _sqlite_triggers():
            op.execute(f"DROP TRIGGER IF EXISTS {_name(table, event)}")
    op.drop_table('reminder_changes')
    op.drop_table('sweep_runs')
