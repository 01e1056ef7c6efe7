"""Extensions (gia hạn): the lead agency asks the issuer for a later deadline; the issuer approves
or refuses. One request may be pending at a time; an approval moves ``deadline_in_force`` (the
original deadline stays and ``history`` records the change). The rules are in ``lifecycle.RULES``,
and each action checks and finishes through ``lifecycle``'s ``_check`` and ``_finish``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..clock import now, today
from ..i18n import _
from .errors import InvalidInput, NotAllowed
from .history import EXTENSION_ATTR, REASON_ATTR
from .lifecycle import _check, _finish, _require_text
from .models import APPROVED, PENDING, REFUSED, Extension, Task


def request_extension(dbsession: Session, task: Task, actor: User, *, expected_version: int,
                      proposed_deadline: dt.date | None, reason: str) -> Extension:
    """Ask the issuer to move the deadline (xin gia hạn). One request may be pending at a time."""
    _check(task, actor, "request_extension", expected_version)
    fields: dict[str, str] = {}
    reason = _require_text(reason, "reason", fields)
    if task.is_recurring:
        raise NotAllowed(_("Nhiệm vụ định kỳ không gia hạn theo cách này."))
    if proposed_deadline is None:
        fields["proposed_deadline"] = _("Bắt buộc nhập.")
    elif proposed_deadline < today() or (task.deadline_in_force and proposed_deadline <= task.deadline_in_force):
        fields["proposed_deadline"] = _("Thời hạn đề nghị phải sau thời hạn hiện hành và không trước hôm nay.")
    if dbsession.scalar(select(Extension.id).where(Extension.task_id == task.id, Extension.status == PENDING)):
        fields["proposed_deadline"] = _("Đã có một đề nghị gia hạn đang chờ xem xét.")
    if fields:
        raise InvalidInput(fields)
    extension = Extension(
        task_id=task.id, agency_id=actor.agency_id, requested_by_id=actor.id,
        current_deadline=task.deadline_in_force, proposed_deadline=proposed_deadline, reason=reason,
    )
    dbsession.add(extension)
    dbsession.flush()
    _finish(dbsession, task, actor, "request_extension", {"deadline_in_force": task.deadline_in_force},
            {"extension_id": extension.id, "proposed_deadline": proposed_deadline, "reason": reason})
    return extension


def _pending_extension(dbsession: Session, task: Task, extension_id) -> Extension:
    extension = dbsession.get(Extension, int(extension_id)) if extension_id is not None else None
    if extension is None or extension.task_id != task.id:
        raise InvalidInput({"extension_id": _("Không tìm thấy đề nghị gia hạn.")})
    if extension.status != PENDING:
        raise NotAllowed(_("Đề nghị gia hạn này đã được xử lý."))
    return extension


def approve_extension(dbsession: Session, task: Task, actor: User, *, expected_version: int, extension_id: int,
                      note: str | None = None) -> Extension:
    """Approve the pending request: the proposed date becomes the deadline in force; the original
    deadline is kept and the change is recorded in the deadline history."""
    _check(task, actor, "approve_extension", expected_version)
    extension = _pending_extension(dbsession, task, extension_id)
    extension.status, extension.decided_by_id, extension.decided_at = APPROVED, actor.id, now()
    extension.decision_note = note or None
    before = {"deadline_in_force": task.deadline_in_force}
    task.deadline_in_force = extension.proposed_deadline
    setattr(task, REASON_ATTR, "extension")
    setattr(task, EXTENSION_ATTR, extension.id)
    _finish(dbsession, task, actor, "approve_extension", before,
            {"deadline_in_force": task.deadline_in_force, "extension_id": extension.id, "note": note})
    return extension


def refuse_extension(dbsession: Session, task: Task, actor: User, *, expected_version: int, extension_id: int,
                     note: str) -> Extension:
    """Refuse the pending request, with a reason; the deadline stays."""
    _check(task, actor, "refuse_extension", expected_version)
    extension = _pending_extension(dbsession, task, extension_id)
    fields: dict[str, str] = {}
    note = _require_text(note, "note", fields)
    if fields:
        raise InvalidInput(fields)
    extension.status, extension.decided_by_id, extension.decided_at, extension.decision_note = REFUSED, actor.id, now(), note
    _finish(dbsession, task, actor, "refuse_extension", None, {"extension_id": extension.id, "note": note})
    return extension
