"""Delegation (giao lại): the lead agency splits its task into subtasks for its own units or for
agencies of a lower level, each due no later than the task. The subtasks report to the lead agency,
which reviews them as the issuer would. The rule is ``lifecycle.RULES``' ``delegate``, and the
action checks and finishes through ``lifecycle``'s ``_check`` and ``_finish``.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from .. import events
from ..accounts.models import User
from ..clock import today
from ..i18n import _
from ..organizations.models import Agency
from .errors import InvalidInput
from .lifecycle import _check, _finish, _jsonable, _set_status
from .models import ACKNOWLEDGED, ASSIGNED, DATE, IN_PROGRESS, ONGOING, RETURNED, AuditEvent, Task


def _may_receive_delegation(parent_agency: Agency, agency: Agency) -> bool:
    """An agency's own units (below it in the tree) or agencies of a lower level (districts for a
    department)."""
    node = agency.parent
    while node is not None:
        if node.id == parent_agency.id:
            return True
        node = node.parent
    return agency.kind.level > parent_agency.kind.level

def may_delegate_to(task: Task, agency: Agency) -> bool:
    """Whether the task's lead agency may give a subtask to ``agency`` (not to itself)."""
    return agency.id != task.lead_agency_id and _may_receive_delegation(task.lead_agency, agency)


def delegation_candidates(task: Task, agencies: list[Agency]) -> list[Agency]:
    """Of ``agencies``, those the task's lead agency may delegate to (the delegation form's choices)."""
    return [a for a in agencies if may_delegate_to(task, a)]


def delegate(dbsession: Session, task: Task, actor: User, *, expected_version: int, subtasks: list[dict]) -> list[Task]:
    """Split the task into subtasks, each ``{"lead_agency": Agency, "content": str, "deadline": date|None}``,
    for the lead agency's units or agencies below it, each due no later than the task itself."""
    _check(task, actor, "delegate", expected_version)
    fields: dict[str, str] = {}
    if not subtasks:
        fields["subtasks"] = _("Cần ít nhất một nhiệm vụ con.")
    for i, spec in enumerate(subtasks):
        agency, content, deadline = spec.get("lead_agency"), (spec.get("content") or "").strip(), spec.get("deadline")
        if agency is None or not may_delegate_to(task, agency):
            fields[f"subtasks.{i}.lead_agency"] = _("Chỉ giao cho đơn vị trực thuộc hoặc cơ quan cấp dưới.")
        if not content:
            fields[f"subtasks.{i}.content"] = _("Bắt buộc nhập.")
        if task.deadline_in_force is not None and (deadline is None or deadline > task.deadline_in_force):
            fields[f"subtasks.{i}.deadline"] = _("Thời hạn không được sau thời hạn của nhiệm vụ cấp trên.")
        elif deadline is not None and deadline < today():
            fields[f"subtasks.{i}.deadline"] = _("Thời hạn không được trước hôm nay.")
    if fields:
        raise InvalidInput(fields)
    created = []
    for spec in subtasks:
        deadline = spec.get("deadline")
        child = Task(
            directive_id=task.directive_id, parent=task, paragraph=task.paragraph, content=spec["content"].strip(),
            lead_agency=spec["lead_agency"], report_to_id=task.lead_agency_id, status=ASSIGNED,
            deadline_kind=DATE if deadline else ONGOING, original_deadline=deadline, deadline_in_force=deadline,
        )
        dbsession.add(child)
        created.append(child)
    dbsession.flush()
    for child in created:
        dbsession.add(AuditEvent(entity="task", entity_id=child.id, action="created", actor_id=actor.id,
                                 agency_id=actor.agency_id, before=None,
                                 after=_jsonable({"parent_id": task.id, "deadline_in_force": child.deadline_in_force})))
    before, after = None, {"subtasks": [c.id for c in created]}
    if task.status in (ASSIGNED, ACKNOWLEDGED, RETURNED):
        before = _set_status(task, IN_PROGRESS)
        after["status"] = IN_PROGRESS
    _finish(dbsession, task, actor, "delegate", before, after)
    for child in created:
        events.publish(dbsession, events.TaskEvent(child.id, "created", actor.id, {"parent_id": task.id}))
    return created
