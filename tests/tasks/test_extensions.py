"""Extension requests: one pending at a time, refused only with a reason, decided once."""

import datetime as dt

import pytest

from coordination import clock
from coordination.tasks import extensions
from coordination.tasks.errors import InvalidInput, NotAllowed

from . import factories


def test_refused_extension_leaves_the_deadline_and_one_request_at_a_time(dbsession, people):
    clock.set_now(dt.datetime(2025, 6, 1, 9, 0))
    task = factories.task(dbsession, deadline=dt.date(2025, 6, 30))
    ext = extensions.request_extension(dbsession, task, people["canbo.sldtbxh"], expected_version=task.version,
                                       proposed_deadline=dt.date(2025, 7, 31), reason="Lý do")
    with pytest.raises(InvalidInput):
        extensions.request_extension(dbsession, task, people["canbo.sldtbxh"], expected_version=task.version,
                                     proposed_deadline=dt.date(2025, 8, 31), reason="Lần hai")
    with pytest.raises(InvalidInput):
        extensions.refuse_extension(dbsession, task, people["lanhdao"], expected_version=task.version, extension_id=ext.id, note="")
    extensions.refuse_extension(dbsession, task, people["lanhdao"], expected_version=task.version, extension_id=ext.id, note="Không đủ căn cứ")
    assert ext.status == "refused" and task.deadline_in_force == dt.date(2025, 6, 30)
    with pytest.raises(NotAllowed):
        extensions.approve_extension(dbsession, task, people["lanhdao"], expected_version=task.version, extension_id=ext.id)
