"""agency_task_counts: each agency's tasks per role and status, kept by database triggers

The inbox shows, on every view, how many of the agency's tasks are in each status. Counting them
was a GROUP BY over all of the agency's tasks on every request (3,148 index entries for the
benchmark's busiest agency: bench/RESULTS.md). The counts are now kept in ``agency_task_counts``,
one row per (agency, role, status), by triggers on ``tasks`` (the lead agency's counts) and on
``task_coordinators`` (the coordinating agencies', from the status copy that ``tasks.history``
keeps there), so every writer is counted: services, bulk SQL, an administrator's psql.

PostgreSQL: statement triggers over transition tables, as 0009's: one INSERT ... ON CONFLICT per
statement however many rows it wrote, the rows changed in (agency, role, status) order so that
two transactions lock counters in the same order. A counter row stays locked until its transaction
ends, so two transactions changing tasks of the same agency wait for each other (for the
milliseconds a request lasts); two that each change several of its tasks in separate statements
may wait in a cycle, which PostgreSQL breaks by failing one (SQLSTATE 40P01), and pyramid_retry
runs that request again. SQLite: row triggers, one upsert per row (it has one writer at a time).
The rows are filled from the tables as they are at upgrade time.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 15:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

TABLE = "agency_task_counts"

# (table, its agency column, the role its rows count for)
_SOURCES = (("tasks", "lead_agency_id", "lead"), ("task_coordinators", "agency_id", "coordinating"))
_EVENTS = ("INSERT", "UPDATE", "DELETE")


def _name(table: str, event: str) -> str:
    return f"{table}_counts_{event.lower()}"


def _pg_function(table: str, agency: str, role: str, event: str) -> str:
    parts = []
    if event in ("INSERT", "UPDATE"):
        parts.append(f"SELECT {agency} AS agency_id, status, 1 AS n FROM new_rows")
    if event in ("UPDATE", "DELETE"):
        parts.append(f"SELECT {agency} AS agency_id, status, -1 AS n FROM old_rows")
    return f"""
        CREATE FUNCTION {_name(table, event)}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {TABLE} AS c (agency_id, role, status, task_count)
            SELECT agency_id, '{role}', status, sum(n) FROM ({' UNION ALL '.join(parts)}) AS d
            WHERE agency_id IS NOT NULL AND status IS NOT NULL
            GROUP BY agency_id, status HAVING sum(n) <> 0
            ORDER BY agency_id, status
            ON CONFLICT (agency_id, role, status) DO UPDATE SET task_count = c.task_count + EXCLUDED.task_count;
            RETURN NULL;
        END;
        $$"""


def _sqlite_add(agency: str, role: str, status: str, n: int) -> str:
    return (f"INSERT INTO {TABLE} (agency_id, role, status, task_count) SELECT {agency}, '{role}', {status}, {n} "
            f"WHERE {agency} IS NOT NULL AND {status} IS NOT NULL "
            f"ON CONFLICT (agency_id, role, status) DO UPDATE SET task_count = task_count + ({n});")


def _sqlite_triggers():
    for table, agency, role in _SOURCES:
        plus = _sqlite_add(f"NEW.{agency}", role, "NEW.status", 1)
        minus = _sqlite_add(f"OLD.{agency}", role, "OLD.status", -1)
        yield table, "INSERT", f"BEGIN {plus} END"
        yield table, "UPDATE", (f"WHEN NEW.{agency} IS NOT OLD.{agency} OR NEW.status IS NOT OLD.status "
                                f"BEGIN {minus} {plus} END")
        yield table, "DELETE", f"BEGIN {minus} END"


def upgrade() -> None:
    op.create_table(TABLE,
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column("task_count", sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_agency_task_counts_agency_id_agencies')),
    sa.PrimaryKeyConstraint('agency_id', 'role', 'status', name=op.f('pk_agency_task_counts'))
    )
    op.execute(f"INSERT INTO {TABLE} (agency_id, role, status, task_count) "
               "SELECT lead_agency_id, 'lead', status, count(*) FROM tasks GROUP BY lead_agency_id, status")
    op.execute(f"INSERT INTO {TABLE} (agency_id, role, status, task_count) "
               "SELECT agency_id, 'coordinating', status, count(*) FROM task_coordinators "
               "WHERE status IS NOT NULL GROUP BY agency_id, status")
    if op.get_bind().dialect.name == "postgresql":
        for table, agency, role in _SOURCES:
            for event in _EVENTS:
                op.execute(_pg_function(table, agency, role, event))
                transition = {"INSERT": "NEW TABLE AS new_rows", "DELETE": "OLD TABLE AS old_rows",
                              "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}[event]
                op.execute(f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} REFERENCING {transition} "
                           f"FOR EACH STATEMENT EXECUTE FUNCTION {_name(table, event)}()")
    else:
        for table, event, body in _sqlite_triggers():
            op.execute(f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} {body}")


def downgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    for table, _agency, _role in _SOURCES:
        for event in _EVENTS:
            if pg:
                op.execute(f"DROP TRIGGER IF EXISTS {_name(table, event)} ON {table}")
                op.execute(f"DROP FUNCTION IF EXISTS {_name(table, event)}()")
            else:
                op.execute(f"DROP TRIGGER IF EXISTS {_name(table, event)}")
    op.drop_table(TABLE)
