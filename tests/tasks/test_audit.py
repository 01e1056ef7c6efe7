"""Audit rows are never updated or deleted: by the ORM guard, and by the database itself."""

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from coordination.tasks import lifecycle
from coordination.tasks.history import AuditImmutable
from coordination.tasks.models import AuditEvent

from . import factories


@pytest.fixture
def audited(dbsession, people):
    task = factories.task(dbsession)
    lifecycle.acknowledge(dbsession, task, people["canbo.sldtbxh"], expected_version=task.version)
    return dbsession.query(AuditEvent).filter_by(entity="task", entity_id=task.id).one()


def test_orm_refuses_to_update_an_audit_row(dbsession, audited):
    audited.action = "forged"
    with pytest.raises(AuditImmutable):
        dbsession.flush()


def test_orm_refuses_to_delete_an_audit_row(dbsession, audited):
    dbsession.delete(audited)
    with pytest.raises(AuditImmutable):
        dbsession.flush()


def test_orm_bulk_update_and_delete_are_refused(dbsession, audited):
    with pytest.raises(AuditImmutable):
        dbsession.execute(update(AuditEvent).where(AuditEvent.id == audited.id).values(action="forged"))
    with pytest.raises(AuditImmutable):
        dbsession.execute(delete(AuditEvent).where(AuditEvent.id == audited.id))


@pytest.mark.parametrize("statement", ["UPDATE audit_events SET action = 'forged' WHERE id = :id",
                                       "DELETE FROM audit_events WHERE id = :id"])
def test_the_database_refuses_raw_sql_too(dbsession, audited, statement):
    with pytest.raises(DBAPIError) as refused:
        with dbsession.begin_nested():
            dbsession.connection().execute(text(statement), {"id": audited.id})
    assert "immutable" in str(refused.value)
