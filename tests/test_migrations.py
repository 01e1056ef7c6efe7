"""The Alembic migrations produce exactly the schema the models declare (no autogenerate diff)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from coordination.migrate import include_object
from coordination.models import Base


def test_migrations_and_models_agree(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], diff


def test_migrations_are_at_the_single_head(engine):
    from alembic.script import ScriptDirectory

    from coordination.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config(str(engine.url)))
    assert len(script.get_heads()) == 1
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == script.get_current_head()


def test_0011_on_sqlite_the_rows_naming_a_deleted_outbox_row_are_found_by_index(engine, backend):
    """SQLite keeps the foreign key on outbox_messages.digest_id (see 0010), so deleting an outbox row
    looks for the rows naming it: without an index, a scan of the outbox per deleted row. PostgreSQL
    has neither the key nor the index."""
    from sqlalchemy import inspect, text

    indexes = {ix["name"]: ix["column_names"] for ix in inspect(engine).get_indexes("outbox_messages")}
    if backend == "postgresql":
        assert "ix_outbox_messages_digest_id" not in indexes
        return
    assert indexes["ix_outbox_messages_digest_id"] == ["digest_id"]
    with engine.connect() as connection:  # the lookup the foreign key makes for each deleted row
        plan = connection.execute(text("EXPLAIN QUERY PLAN SELECT 1 FROM outbox_messages WHERE digest_id = 1")).all()
    assert "ix_outbox_messages_digest_id" in " ".join(row[-1] for row in plan), plan


def test_0007_drops_the_session_counter_without_touching_what_refers_to_users(fresh_db_url):
    """0007 drops a column of ``users``. Done as a batch "move and copy" on SQLite, dropping the old
    table would cascade into user_roles and api_tokens; the users and what refers to them must stay."""
    from alembic import command
    from sqlalchemy import inspect, text

    from coordination.db import get_engine
    from coordination.migrate import alembic_config, upgrade

    upgrade(fresh_db_url, "0006")
    engine = get_engine({"sqlalchemy.url": fresh_db_url})
    try:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO agency_kinds (id, code, name, level) VALUES (1, 'department', 'Sở', 2)"))
            connection.execute(text(
                "INSERT INTO agencies (id, code, name, aliases, kind_id, active, name_key)"
                " VALUES (1, 'STC', 'Sở Tài chính', '[]', 1, true, 'so tai chinh')"))
            connection.execute(text(
                "INSERT INTO users (id, login, full_name, agency_id, active, language, session_generation,"
                " notification_mode, created_at) VALUES (1, 'canbo.stc', 'Cán bộ', 1, true, 'vi', 3, 'immediate',"
                " '2026-11-01 00:00:00')"))
            connection.execute(text("INSERT INTO user_roles (user_id, role) VALUES (1, 'agency_officer')"))
            connection.execute(text(
                "INSERT INTO api_tokens (user_id, token_hash, scope, created_at)"
                " VALUES (1, :hash, 'api', '2026-11-01 00:00:00')"), {"hash": "a" * 64})

        def kept():
            with engine.connect() as connection:
                return [connection.scalar(text(f"SELECT count(*) FROM {table}"))
                        for table in ("users", "user_roles", "api_tokens")]

        upgrade(fresh_db_url)
        assert kept() == [1, 1, 1]
        assert "session_generation" not in {c["name"] for c in inspect(engine).get_columns("users")}
        command.downgrade(alembic_config(fresh_db_url), "0006")
        assert kept() == [1, 1, 1]
        assert "user_sessions" not in inspect(engine).get_table_names()
        upgrade(fresh_db_url)
        assert kept() == [1, 1, 1]
    finally:
        engine.dispose()


def test_0012_fills_the_counts_from_the_tasks_there_are_and_comes_off_cleanly(fresh_db_url):
    """Upgrading a database that already holds tasks fills ``agency_task_counts`` from them; after a
    downgrade the tasks can still be written (no trigger left naming the dropped table)."""
    from alembic import command
    from sqlalchemy import text

    from coordination.db import get_engine, get_session_factory
    from coordination.demo import load_demo
    from coordination.migrate import alembic_config, upgrade
    from tests.tasks import factories
    from coordination.tasks.counts import kept, recount

    upgrade(fresh_db_url)
    engine = get_engine({"sqlalchemy.url": fresh_db_url})
    try:
        with get_session_factory(engine)() as session:
            load_demo(session)
            directive = factories.directive(session)
            tasks = [factories.task(session, directive_obj=directive, lead=lead, coordinating=("STC", "SYT"))
                     for lead in ("SLDTBXH", "SLDTBXH", "SYT")]
            tasks[0].status = "acknowledged"
            session.commit()
        command.downgrade(alembic_config(fresh_db_url), "0011")
        with engine.begin() as connection:
            connection.execute(text("UPDATE tasks SET status = 'in_progress' WHERE status = 'acknowledged'"))
            connection.execute(text("UPDATE task_coordinators SET status = 'in_progress' WHERE status = 'acknowledged'"))
        upgrade(fresh_db_url)
        with get_session_factory(engine)() as session:
            counts = kept(session)
            assert counts == recount(session)
            sldtbxh = factories.agency(session, "SLDTBXH").id
            assert counts[(sldtbxh, "lead", "in_progress")] == 1 and counts[(sldtbxh, "lead", "assigned")] == 1
            assert sum(n for (_a, role, _s), n in counts.items() if role == "coordinating") == 6
    finally:
        engine.dispose()


def test_0013_deletes_only_the_starting_rows_the_task_row_describes_and_the_downgrade_writes_them_back(fresh_db_url):
    """Before 0013 every task had a first status row 'assigned' and a first deadline row 'original'.
    The upgrade deletes exactly those (the answers of the as-of queries do not change); a first row
    saying something else stays. The downgrade writes the starting rows again."""
    import datetime as dt

    from alembic import command
    from sqlalchemy import select, text

    from coordination import clock
    from coordination.db import get_engine, get_session_factory
    from coordination.demo import load_demo
    from coordination.migrate import alembic_config, upgrade
    from coordination.tasks.models import DeadlineChange, Task, TaskStatusHistory
    from coordination.tasks.queries import status_as_of, timeliness_as_of
    from tests.tasks import factories

    def rows(session, model, task_id):
        cols = (model.status, model.valid_from) if model is TaskStatusHistory else (model.reason, model.deadline_in_force)
        return [tuple(r) for r in session.execute(select(*cols).where(model.task_id == task_id).order_by(model.id))]

    command.upgrade(alembic_config(fresh_db_url), "0012")
    engine = get_engine({"sqlalchemy.url": fresh_db_url})
    clock.set_now(dt.datetime(2025, 6, 1, 9, 0))
    try:
        with get_session_factory(engine)() as session:
            load_demo(session)
            plain, acknowledged, odd = (factories.task(session, deadline=dt.date(2025, 6, 30)) for _ in range(3))
            ids = [plain.id, acknowledged.id, odd.id]
            # the starting rows as the code before 0013 wrote them
            for task in (plain, acknowledged):
                session.add(TaskStatusHistory(task_id=task.id, status="assigned", valid_from=task.created_at))
                session.add(DeadlineChange(task_id=task.id, deadline_in_force=task.original_deadline,
                                           valid_from=task.created_at, reason="original"))
            session.add(TaskStatusHistory(task_id=odd.id, status="completed", completed_on=dt.date(2025, 5, 30),
                                          valid_from=odd.created_at))
            session.add(DeadlineChange(task_id=odd.id, deadline_in_force=dt.date(2025, 7, 15), valid_from=odd.created_at,
                                       reason="original"))
            session.flush()
            clock.set_now(dt.datetime(2025, 6, 10, 9, 0))
            acknowledged.status = "acknowledged"
            session.flush()
            odd.status = "completed"
            session.commit()
            days = (dt.date(2025, 5, 31), dt.date(2025, 6, 1), dt.date(2025, 6, 10), dt.date(2025, 7, 10))
            answers = {i: [(status_as_of(session, session.get(Task, i), d),
                            timeliness_as_of(session, session.get(Task, i), d)) for d in days] for i in ids}
        upgrade(fresh_db_url)
        with get_session_factory(engine)() as session:
            assert rows(session, TaskStatusHistory, plain.id) == []
            assert [s for s, _ in rows(session, TaskStatusHistory, acknowledged.id)] == ["acknowledged"]
            assert [s for s, _ in rows(session, TaskStatusHistory, odd.id)][0] == "completed"
            assert rows(session, DeadlineChange, plain.id) == [] and rows(session, DeadlineChange, acknowledged.id) == []
            assert rows(session, DeadlineChange, odd.id) == [("original", dt.date(2025, 7, 15))]
            after = {i: [(status_as_of(session, session.get(Task, i), d),
                          timeliness_as_of(session, session.get(Task, i), d)) for d in days] for i in ids}
            assert after == answers
            assert answers[plain.id][0] == (None, None) and answers[acknowledged.id][2][0] == "acknowledged"
        command.downgrade(alembic_config(fresh_db_url), "0012")
        with engine.connect() as connection:
            starts = connection.execute(text(
                "SELECT task_id, status FROM task_status_history WHERE occurrence_id IS NULL ORDER BY task_id, valid_from, id")).all()
            deadline_starts = connection.execute(text(
                "SELECT task_id, reason FROM deadline_changes ORDER BY task_id, valid_from, id")).all()
        assert [s for t, s in starts if t == plain.id] == ["assigned"]
        assert [s for t, s in starts if t == acknowledged.id] == ["assigned", "acknowledged"]
        assert [s for t, s in starts if t == odd.id][0] == "completed"
        assert [r for t, r in deadline_starts if t in (plain.id, acknowledged.id)] == ["original", "original"]
        assert [r for t, r in deadline_starts if t == odd.id] == ["original"]
    finally:
        clock.set_now(None)
        engine.dispose()
