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
