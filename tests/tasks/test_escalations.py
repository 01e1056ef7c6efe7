"""An escalation is raised by the lead agency and answered once, by a leader, possibly with a new task."""

import datetime as dt

import pytest

from coordination.tasks import escalations
from coordination.tasks.errors import NotAllowed
from coordination.tasks.models import WITHIN, Task

from . import factories

pytestmark = pytest.mark.usefixtures("frozen_today")


def test_escalation_decision_can_create_a_new_task(dbsession, people):
    task = factories.task(dbsession, deadline=dt.date(2025, 8, 31))
    esc = escalations.escalate(dbsession, task, people["giamdoc.sldtbxh"], expected_version=task.version,
                               matter="Vượt thẩm quyền: điều chỉnh dự toán", proposal="Giao Sở Tài chính bổ sung dự toán")
    with pytest.raises(NotAllowed):  # the clerk registers, the leader decides
        escalations.decide_escalation(dbsession, task, people["chuyenvien"], expected_version=task.version, escalation_id=esc.id, decision="x")
    escalations.decide_escalation(dbsession, task, people["lanhdao"], expected_version=task.version, escalation_id=esc.id,
                                  decision="Đồng ý", new_task={"lead_agency": factories.agency(dbsession, "STC"),
                                                              "content": "Bổ sung dự toán", "deadline": dt.date(2025, 7, 15)})
    created = dbsession.get(Task, esc.new_task_id)
    assert esc.status == "decided" and created.lead_agency.code == "STC" and created.status == "assigned"
    assert created.directive_id == task.directive_id and created.original_deadline == dt.date(2025, 7, 15)
    with pytest.raises(NotAllowed):
        escalations.decide_escalation(dbsession, task, people["lanhdao"], expected_version=task.version, escalation_id=esc.id, decision="lại")
    from coordination.tasks.queries import current_timeliness

    assert current_timeliness(created) == WITHIN
