"""The life of a directive: draft → submitted → issued (or returned to the clerk) → withdrawn.

Clerks and leaders draft and submit; only a leader returns, issues and withdraws. Every transition
writes an audit event on the directive. Issuing is one transaction (the caller's): the number is
taken, the tasks are created for each lead agency, amendments are applied, and ``DirectiveIssued``
is published so that the reminders outbox queues the notifications in the same transaction.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from .. import attachments, events
from ..i18n import _
from ..accounts.models import LEADER, User
from ..clock import now, today
from ..tasks.history import AUDITED_ATTR
from ..tasks.models import AuditEvent, Task, TaskOccurrence
from .amendments import CLOSED_TASK_STATUSES, apply_amendments
from .drafting import save_draft  # noqa: F401  (re-exported: the services of the package)
from .errors import DraftInvalid, NotPermitted, WrongState
from .fanout import EmptyLead, check_leads, create_tasks
from .models import DRAFT, EDITABLE_STATUSES, ISSUED, RETURNED, SUBMITTED, WITHDRAWN, Attachment, Directive, ExternalDocument
from .numbering import next_number
from .search import directive_key


@dataclass(frozen=True)
class Issued:
    directive: Directive
    task_ids: tuple[int, ...]
    amended_task_ids: tuple[int, ...] = ()


def audit(dbsession: Session, actor: User | None, directive: Directive, action: str, after: dict | None = None,
          before: dict | None = None) -> None:
    dbsession.add(
        AuditEvent(
            actor_id=actor.id if actor else None, agency_id=actor.agency_id if actor else None,
            entity="directive", entity_id=directive.id, action=action, before=before, after=after,
        )
    )


def _require_leader(actor: User) -> None:
    if not actor.has_role(LEADER):
        raise NotPermitted(_("Chỉ lãnh đạo mới được ký ban hành, trả lại hoặc thu hồi văn bản."))


def _ready_for_signature(directive: Directive) -> None:
    fields = {}
    if not directive.body:
        fields["body"] = "required"
    if not directive.signer_capacity:
        fields["signer.capacity"] = "required"
    try:
        check_leads(directive)
    except EmptyLead as empty:
        index = directive.tasks.index(empty.directive_task)
        fields[f"tasks.{index}.lead"] = "the group has no active member"
    if fields:
        raise DraftInvalid(_("Văn bản chưa đủ thông tin để trình ký."), fields)


def submit_directive(dbsession: Session, directive: Directive, actor: User) -> Directive:
    """Send a draft (or a returned one) to the leaders for signature."""
    if directive.status not in EDITABLE_STATUSES:
        raise WrongState(_("Chỉ trình ký được văn bản đang soạn thảo hoặc bị trả lại."))
    _ready_for_signature(directive)
    directive.status = SUBMITTED
    directive.submitted_at = now()
    audit(dbsession, actor, directive, "submitted")
    dbsession.flush()
    return directive


def return_directive(dbsession: Session, directive: Directive, actor: User, comment: str) -> Directive:
    """A leader sends a submitted directive back to the clerk with a comment (required)."""
    _require_leader(actor)
    if directive.status != SUBMITTED:
        raise WrongState(_("Chỉ trả lại được văn bản đang chờ ký."))
    if not (comment or "").strip():
        raise DraftInvalid(_("Cần ghi rõ lý do trả lại."), {"comment": "required"})
    directive.status = RETURNED
    directive.return_comment = comment.strip()
    audit(dbsession, actor, directive, "returned", after={"comment": directive.return_comment})
    dbsession.flush()
    return directive


def issue_directive(
    dbsession: Session, directive: Directive, actor: User, *, signer_name: str | None = None,
    signer_capacity: str | None = None,
) -> Issued:
    """A leader signs and issues a submitted directive, in the caller's transaction.

    The caller may rely on: the number is the next of the directive's register for the year of
    issue (never given twice, see numbering.py); one Task per lead agency of each written task
    exists, with its coordinating agencies; an amending directive's deadline changes are applied;
    DirectiveIssued(directive id, task ids) has been published. On any error nothing is changed.
    """
    _require_leader(actor)
    if directive.status != SUBMITTED:
        raise WrongState(_("Chỉ ký ban hành được văn bản đang chờ ký."))
    signer_name = (signer_name or "").strip() or directive.signer_name or actor.full_name
    signer_capacity = (signer_capacity or "").strip() or directive.signer_capacity
    if not signer_capacity:
        raise DraftInvalid(_("Cần ghi thẩm quyền ký."), {"signer.capacity": "required"})
    _ready_for_signature(directive)
    if directive.amends is not None and directive.amends.status != ISSUED:
        raise WrongState(_("Văn bản được sửa đổi đã bị thu hồi."))

    issued_on = today()
    number = next_number(dbsession, directive.register, issued_on.year)
    fan_out = create_tasks(dbsession, directive, issued_on)
    task_ids = fan_out.task_ids
    amended = apply_amendments(dbsession, directive, issued_on, actor.id) if directive.amendments else []

    directive.number = number
    directive.year = issued_on.year
    directive.issued_on = issued_on
    directive.dated_on = issued_on
    directive.issued_at = now()
    directive.signer_name = signer_name
    directive.signer_capacity = signer_capacity
    directive.signed_by_id = actor.id
    directive.status = ISSUED
    directive.search_key = directive_key(directive.number_symbol, directive.subject, directive.body)
    audit(dbsession, actor, directive, "issued",
          after={"number": directive.number_symbol, "tasks": len(task_ids), "amended_tasks": amended,
                 "fan_out": fan_out.record})
    dbsession.flush()
    events.publish(dbsession, events.DirectiveIssued(directive_id=directive.id, task_ids=tuple(task_ids),
                                                     actor_id=actor.id))
    return Issued(directive=directive, task_ids=tuple(task_ids), amended_task_ids=tuple(amended))


def withdraw_directive(dbsession: Session, directive: Directive, actor: User, reason: str) -> list[int]:
    """Thu hồi: a leader withdraws an issued directive; its open tasks are cancelled with the reason.

    Completed tasks keep their state. Returns the ids of the cancelled tasks, which
    DirectiveWithdrawn carries to the reminders.
    """
    _require_leader(actor)
    if directive.status != ISSUED:
        raise WrongState(_("Chỉ thu hồi được văn bản đã ban hành."))
    reason = (reason or "").strip()
    if not reason:
        raise DraftInvalid(_("Cần ghi rõ lý do thu hồi."), {"reason": "required"})
    tasks = dbsession.scalars(
        select(Task).where(Task.directive_id == directive.id, Task.status.not_in(CLOSED_TASK_STATUSES))
        .order_by(Task.id)
    ).all()
    at = now()
    audit_rows = []
    for task in tasks:
        audit_rows.append(
            {"at": at, "actor_id": actor.id, "agency_id": task.lead_agency_id, "entity": "task",
             "entity_id": task.id, "action": "cancelled", "before": {"status": task.status},
             "after": {"status": "cancelled", "reason": reason, "withdrawn_directive_id": directive.id}}
        )
        # this function writes the task's audit row itself; the history hook still records the status
        setattr(task, AUDITED_ATTR, True)
        task.status = "cancelled"
    if tasks:
        # a withdrawn recurring task has no further periods to answer for
        dbsession.execute(
            update(TaskOccurrence)
            .where(TaskOccurrence.task_id.in_([task.id for task in tasks]),
                   TaskOccurrence.status.not_in(CLOSED_TASK_STATUSES))
            .values(status="cancelled")
        )
    directive.status = WITHDRAWN
    directive.withdrawn_at = at
    directive.withdrawn_by_id = actor.id
    directive.withdrawal_reason = reason
    audit(dbsession, actor, directive, "withdrawn", after={"reason": reason, "cancelled_tasks": len(tasks)})
    dbsession.flush()
    if audit_rows:
        dbsession.execute(insert(AuditEvent), audit_rows)
    cancelled = [task.id for task in tasks]
    events.publish(dbsession, events.DirectiveWithdrawn(directive_id=directive.id,
                                                        cancelled_task_ids=tuple(cancelled), actor_id=actor.id))
    return cancelled


def delete_draft(dbsession: Session, directive: Directive, actor: User) -> None:
    """Discard a draft that was never submitted (or was returned)."""
    if directive.status not in (DRAFT, RETURNED):
        raise WrongState(_("Chỉ xóa được văn bản đang soạn thảo."))
    audit(dbsession, actor, directive, "deleted", before={"subject": directive.subject})
    dbsession.delete(directive)
    dbsession.flush()


def create_draft(dbsession: Session, draft: dict, actor: User) -> Directive:
    """A new draft from the form or the API (see drafting.save_draft for what is checked)."""
    directive = save_draft(dbsession, None, draft, actor)
    audit(dbsession, actor, directive, "created")
    return directive


def update_draft(dbsession: Session, directive: Directive, draft: dict, actor: User) -> Directive:
    directive = save_draft(dbsession, directive, draft, actor)
    audit(dbsession, actor, directive, "updated")
    return directive


def add_attachment(
    dbsession: Session, root: str | os.PathLike, owner: Directive | ExternalDocument, filename: str | None,
    data: bytes, actor: User | None,
) -> Attachment:
    """Check and store a file (``attachments.OFFICIAL_DOCUMENTS``) and attach it to a draft directive
    or an incoming document.

    Raises DraftInvalid (the file refused, nothing written anywhere; ``fields`` says why) or
    WrongState for a directive past drafting.
    """
    if isinstance(owner, Directive) and not owner.editable:
        raise WrongState(_("Văn bản đã trình ký hoặc đã ban hành, không thể thêm tệp đính kèm."))
    try:
        stored = attachments.store(root, data, filename, attachments.OFFICIAL_DOCUMENTS)
    except attachments.AttachmentRejected as rejected:
        raise DraftInvalid(rejected.message, rejected.fields) from None
    attachment = Attachment(
        filename=stored.filename, media_type=stored.media_type, size=stored.size, sha256=stored.sha256,
        uploaded_by_id=actor.id if actor else None,
    )
    owner.attachments.append(attachment)
    dbsession.flush()
    return attachment


def remove_attachment(dbsession: Session, attachment: Attachment) -> None:
    """Detach a file from a draft; the stored file stays (other rows may share it)."""
    if attachment.directive is not None and not attachment.directive.editable:
        raise WrongState(_("Văn bản đã trình ký hoặc đã ban hành, không thể xóa tệp đính kèm."))
    dbsession.delete(attachment)
    dbsession.flush()
