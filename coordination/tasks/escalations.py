"""Escalations (kiến nghị vượt thẩm quyền): the lead agency raises a matter beyond its authority
with a proposal; the issuer answers it, possibly with a new task under the same directive. The
rules are in ``lifecycle.RULES``, and each action checks and finishes through ``lifecycle``'s
``_check`` and ``_finish``.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from .. import events
from ..accounts.models import User
from ..clock import now, today
from ..i18n import _
from .errors import InvalidInput, NotAllowed
from .lifecycle import _check, _finish, _require_text
from .models import ASSIGNED, DATE, DECIDED, ONGOING, OPEN, AuditEvent, Escalation, Task


def escalate(dbsession: Session, task: Task, actor: User, *, expected_version: int, matter: str, proposal: str) -> Escalation:
    """Raise a matter beyond the agency's authority (vượt thẩm quyền) with a proposal."""
    _check(task, actor, "escalate", expected_version)
    fields: dict[str, str] = {}
    matter = _require_text(matter, "matter", fields)
    proposal = _require_text(proposal, "proposal", fields)
    if fields:
        raise InvalidInput(fields)
    escalation = Escalation(task_id=task.id, agency_id=actor.agency_id, raised_by_id=actor.id, matter=matter, proposal=proposal)
    dbsession.add(escalation)
    dbsession.flush()
    _finish(dbsession, task, actor, "escalate", None, {"escalation_id": escalation.id, "matter": matter, "proposal": proposal})
    return escalation


def decide_escalation(dbsession: Session, task: Task, actor: User, *, expected_version: int, escalation_id: int,
                      decision: str, new_task: dict | None = None) -> Escalation:
    """Answer an escalation. ``new_task`` (``{"lead_agency", "content", "deadline"}``) creates a new
    task under the same directive, linked from the escalation."""
    _check(task, actor, "decide_escalation", expected_version)
    escalation = dbsession.get(Escalation, int(escalation_id)) if escalation_id is not None else None
    if escalation is None or escalation.task_id != task.id:
        raise InvalidInput({"escalation_id": _("Không tìm thấy kiến nghị.")})
    if escalation.status != OPEN:
        raise NotAllowed(_("Kiến nghị này đã được trả lời."))
    fields: dict[str, str] = {}
    decision = _require_text(decision, "decision", fields)
    if new_task is not None:
        if new_task.get("lead_agency") is None:
            fields["new_task.lead_agency"] = _("Chọn cơ quan chủ trì.")
        if not (new_task.get("content") or "").strip():
            fields["new_task.content"] = _("Bắt buộc nhập.")
        if new_task.get("deadline") is not None and new_task["deadline"] < today():
            fields["new_task.deadline"] = _("Thời hạn không được trước hôm nay.")
    if fields:
        raise InvalidInput(fields)
    escalation.status, escalation.decision = DECIDED, decision
    escalation.decided_by_id, escalation.decided_at = actor.id, now()
    after: dict = {"escalation_id": escalation.id, "decision": decision}
    if new_task is not None:
        deadline = new_task.get("deadline")
        created = Task(
            directive_id=task.directive_id, paragraph=task.paragraph, content=new_task["content"].strip(),
            lead_agency=new_task["lead_agency"], status=ASSIGNED, deadline_kind=DATE if deadline else ONGOING,
            original_deadline=deadline, deadline_in_force=deadline,
        )
        dbsession.add(created)
        dbsession.flush()
        escalation.new_task_id = created.id
        after["new_task_id"] = created.id
        dbsession.add(AuditEvent(entity="task", entity_id=created.id, action="created", actor_id=actor.id,
                                 agency_id=actor.agency_id, before=None,
                                 after={"escalation_id": escalation.id, "from_task_id": task.id}))
        events.publish(dbsession, events.TaskEvent(created.id, "created", actor.id, {"escalation_id": escalation.id}))
    _finish(dbsession, task, actor, "decide_escalation", None, after)
    return escalation
