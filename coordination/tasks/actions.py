"""One entry point from a validated form (UI) or JSON body (API) to the lifecycle: the two differ
only in how they parse and render, never in what they do."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..accounts.models import User
from ..i18n import _
from ..organizations.models import Agency
from . import delegation, escalations, extensions, lifecycle
from .errors import InvalidInput
from .models import Task


def _agency(dbsession: Session, agency_id, field: str) -> Agency:
    agency = dbsession.get(Agency, int(agency_id)) if agency_id not in (None, "") else None
    if agency is None or not agency.active:
        raise InvalidInput({field: _("Chọn cơ quan.")})
    return agency


def perform(dbsession: Session, task: Task, actor: User, action: str, values: dict, *,
            completion_reporters, attachments=(), decision: str | None = None):
    """Run ``action`` (a key of ``forms.ACTION_FORMS``) with validated ``values``; return what the
    lifecycle function returned. Raises the lifecycle's domain errors."""
    version = values.get("version")
    evidence = {"attachments": attachments, "document_number": values.get("document_number"),
                "document_date": values.get("document_date")}
    if action == "acknowledge":
        return lifecycle.acknowledge(dbsession, task, actor, expected_version=version)
    if action in ("progress", "contribute"):
        targets = {int(k[len("target_"):]): v for k, v in values.items() if k.startswith("target_") and v is not None}
        return lifecycle.report_progress(dbsession, task, actor, expected_version=version, percent=values.get("percent"),
                                         text=values.get("text"), target_values=targets, **evidence)
    if action == "complete":
        return lifecycle.report_completion(dbsession, task, actor, expected_version=version, text=values.get("text"),
                                           occurrence_id=values.get("occurrence_id"),
                                           completion_reporters=completion_reporters, **evidence)
    if action == "accept":
        return lifecycle.accept_completion(dbsession, task, actor, expected_version=version,
                                           occurrence_id=values.get("occurrence_id"), note=values.get("note"))
    if action == "return":
        return lifecycle.return_completion(dbsession, task, actor, expected_version=version, reason=values.get("reason"),
                                           occurrence_id=values.get("occurrence_id"))
    if action == "extension":
        return extensions.request_extension(dbsession, task, actor, expected_version=version,
                                            proposed_deadline=values.get("proposed_deadline"), reason=values.get("reason"))
    if action == "extension_decision":
        fn = extensions.approve_extension if decision == "approve" else extensions.refuse_extension
        return fn(dbsession, task, actor, expected_version=version, extension_id=values.get("extension_id"), note=values.get("note"))
    if action == "escalate":
        return escalations.escalate(dbsession, task, actor, expected_version=version, matter=values.get("matter"),
                                    proposal=values.get("proposal"))
    if action == "escalation_decision":
        new_task = None
        if values.get("create_task"):
            new_task = {"lead_agency": _agency(dbsession, values.get("new_task_lead"), "new_task_lead"),
                        "content": values.get("new_task_content") or "", "deadline": values.get("new_task_deadline")}
        return escalations.decide_escalation(dbsession, task, actor, expected_version=version,
                                             escalation_id=values.get("escalation_id"), decision=values.get("decision"),
                                             new_task=new_task)
    if action == "delegate" and "subtasks" not in values:
        agencies = [_agency(dbsession, a, "lead_agencies") for a in sorted(values.get("lead_agencies") or (), key=int)]
        subtasks = [{"lead_agency": a, "content": values.get("content") or "", "deadline": values.get("deadline")} for a in agencies]
        try:
            return delegation.delegate(dbsession, task, actor, expected_version=version, subtasks=subtasks)
        except InvalidInput as bad:
            # the form has one content and one deadline for all: report each problem once, on its field
            fields = {}
            for key, message in bad.fields.items():
                fields.setdefault({"lead_agency": "lead_agencies"}.get(key.rsplit(".", 1)[-1], key.rsplit(".", 1)[-1]), message)
            raise InvalidInput(fields) from None
    if action == "delegate":
        subtasks = [{"lead_agency": _agency(dbsession, s.get("lead_agency"), f"subtasks.{i}.lead_agency"),
                     "content": s.get("content") or "", "deadline": s.get("deadline")}
                    for i, s in enumerate(values.get("subtasks") or [])]
        return delegation.delegate(dbsession, task, actor, expected_version=version, subtasks=subtasks)
    if action == "comment":
        return lifecycle.add_comment(dbsession, task, actor, expected_version=version, text=values.get("text"))
    if action == "cancel":
        return lifecycle.cancel(dbsession, task, actor, expected_version=version, reason=values.get("reason"))
    raise ValueError(action)


SUCCESS = {
    "acknowledge": _("Đã tiếp nhận nhiệm vụ."),
    "progress": _("Đã gửi báo cáo tiến độ."),
    "contribute": _("Đã gửi ý kiến phối hợp cho cơ quan chủ trì."),
    "complete": _("Đã báo cáo hoàn thành; chờ cơ quan giao nhiệm vụ đánh giá."),
    "accept": _("Đã công nhận hoàn thành nhiệm vụ."),
    "return": _("Đã trả lại báo cáo hoàn thành."),
    "extension": _("Đã gửi đề nghị gia hạn."),
    "extension_decision": _("Đã xử lý đề nghị gia hạn."),
    "escalate": _("Đã gửi kiến nghị."),
    "escalation_decision": _("Đã trả lời kiến nghị."),
    "delegate": _("Đã giao nhiệm vụ con."),
    "comment": _("Đã gửi ý kiến."),
    "cancel": _("Đã hủy nhiệm vụ."),
}
