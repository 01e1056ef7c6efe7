"""The JSON shapes of the API: reading a draft body (colander) and writing directives and tasks."""

from __future__ import annotations

import colander

from ..tasks.models import Task
from ..text import clean
from .deadlines import Deadline, DeadlineError
from .errors import DraftInvalid
from .models import URGENCIES, AmendmentChange, Directive, DirectiveTask, Recipient


class DeadlineType(colander.SchemaType):
    """``{"kind": "date", "date": "2022-08-31"}`` and the other three kinds → Deadline."""

    def deserialize(self, node, cstruct):
        if cstruct is colander.null:
            return Deadline()
        try:
            return Deadline.from_json(cstruct)
        except DeadlineError as error:
            raise colander.Invalid(node, "; ".join(f"{k}: {v}" for k, v in error.fields.items())) from None

    def serialize(self, node, appstruct):
        return appstruct.to_json() if appstruct else colander.null


class RecipientType(colander.SchemaType):
    """A code or a free text ("CODE", "Lưu: VT"), or explicitly ``{"code": ...}`` / ``{"text": ...}``."""

    def deserialize(self, node, cstruct):
        if isinstance(cstruct, str) and clean(cstruct):
            return {"ref": clean(cstruct)}
        if isinstance(cstruct, dict):
            if isinstance(cstruct.get("code"), str) and cstruct["code"].strip():
                return {"code": cstruct["code"].strip()}
            if isinstance(cstruct.get("text"), str) and clean(cstruct["text"]):
                return {"text": clean(cstruct["text"])}
        raise colander.Invalid(node, "a code, a text, {\"code\": ...} or {\"text\": ...}")


def _text(**kw):
    return colander.SchemaNode(colander.String(), **kw)


class Signer(colander.MappingSchema):
    name = _text(missing=None)
    capacity = _text(missing=None)


class ReferenceJson(colander.MappingSchema):
    number = _text(missing=None)
    type = _text(missing=None)
    date = colander.SchemaNode(colander.Date(), missing=None)
    issuer = _text(missing=None)
    title = _text(missing=None)
    external_document = colander.SchemaNode(colander.Int(), missing=None)


class TargetJson(colander.MappingSchema):
    indicator = _text()
    unit = _text(missing="%")
    value = colander.SchemaNode(colander.Float())
    by = colander.SchemaNode(colander.Date(), missing=None)


class Codes(colander.SequenceSchema):
    code = _text()


class Targets(colander.SequenceSchema):
    target = TargetJson()


class TaskJson(colander.MappingSchema):
    paragraph = _text(missing="")
    content = _text()
    lead = _text()
    coordinating = Codes(missing=())
    report_to = _text(missing=None)
    deadline = colander.SchemaNode(DeadlineType(), missing=Deadline())
    targets = Targets(missing=())
    forwards = colander.SchemaNode(colander.Int(), missing=None)


class Recipients(colander.SequenceSchema):
    recipient = colander.SchemaNode(RecipientType())


class References(colander.SequenceSchema):
    reference = ReferenceJson()


class Tasks(colander.SequenceSchema):
    task = TaskJson()


class AmendmentJson(colander.MappingSchema):
    written_task = colander.SchemaNode(colander.Int())
    deadline = colander.SchemaNode(DeadlineType())


class Amendments(colander.SequenceSchema):
    amendment = AmendmentJson()


class DraftJson(colander.MappingSchema):
    """The body of ``POST /api/v1/directives`` (and ``PUT`` of a draft)."""

    type = _text()
    issuer = _text(missing=None)
    symbol = _text(missing=None)
    place = _text(missing=None)
    urgency = _text(missing="thuong", validator=colander.OneOf(URGENCIES))
    subject = _text()
    body = _text(missing="")
    signer = Signer(missing={})
    addressees = Recipients(missing=())
    copy_to = Recipients(missing=())
    references = References(missing=())
    tasks = Tasks(missing=())
    amends = colander.SchemaNode(colander.Int(), missing=None)
    amendments = Amendments(missing=())


def _message(value) -> str:
    return value.interpolate() if hasattr(value, "interpolate") else str(value)


def invalid_fields(error: colander.Invalid) -> dict[str, str]:
    return {path: _message(message) for path, message in error.asdict(translate=_message).items()}


def draft_from_json(body) -> dict:
    """The draft dict of drafting.save_draft from a JSON body; DraftInvalid with field paths if bad."""
    if not isinstance(body, dict):
        raise DraftInvalid("expected a JSON object", {})
    try:
        return DraftJson().deserialize(body)
    except colander.Invalid as error:
        raise DraftInvalid("invalid directive", invalid_fields(error)) from None


# -- output -----------------------------------------------------------------------


def recipient_json(recipient: Recipient) -> dict:
    if recipient.code is not None:
        return {"code": recipient.code, "name": recipient.label}
    return {"text": recipient.text}


def written_task_json(task: DirectiveTask) -> dict:
    return {
        "id": task.id,
        "paragraph": task.paragraph,
        "content": task.content,
        "lead": task.lead_code,
        "coordinating": [row.code for row in task.coordinators],
        "report_to": task.report_to.code if task.report_to else None,
        "deadline": Deadline.from_row(task).to_json(),
        "targets": [
            {"indicator": t.indicator, "unit": t.unit, "value": t.value,
             "by": t.target_date.isoformat() if t.target_date else None}
            for t in task.targets
        ],
        "forwards": task.forwarded_document_id,
    }


def task_deadline_json(task: Task) -> dict:
    kind = task.deadline_kind
    date = task.deadline_in_force if kind in ("date", "month") else None
    deadline = Deadline(kind=kind, date=date, rrule=task.rrule, start=task.rrule_start, end=task.rrule_end,
                        text=task.deadline_text)
    if kind in ("date", "month") and date is None:
        out = {"kind": kind, "text": task.deadline_text}
    else:
        out = deadline.to_json()
    out["in_force"] = task.deadline_in_force.isoformat() if task.deadline_in_force else None
    out["original"] = task.original_deadline.isoformat() if task.original_deadline else None
    return out


def task_json(task: Task) -> dict:
    return {
        "id": task.id,
        "written_task": task.directive_task_id,
        "paragraph": task.paragraph,
        "content": task.content,
        "lead": task.lead_agency.code,
        "coordinating": [agency.code for agency in task.coordinating_agencies],
        "report_to": task.report_to.code if task.report_to else None,
        "deadline": task_deadline_json(task),
        "status": task.status,
    }


def amendment_json(change: AmendmentChange) -> dict:
    return {"written_task": change.amended_task_id, "deadline": Deadline.from_row(change).to_json(),
            "applied": change.applied_at is not None}


def directive_summary_json(directive: Directive) -> dict:
    return {
        "id": directive.id,
        "status": directive.status,
        "type": directive.type.code,
        "issuer": directive.issuer.code,
        "number": directive.number_symbol,
        "date": directive.issued_on.isoformat() if directive.issued_on else None,
        "subject": directive.subject,
        "signer": {"name": directive.signer_name, "capacity": directive.signer_capacity},
    }


def directive_json(directive: Directive, tasks: list[Task] | None) -> dict:
    """The full directive; ``tasks`` are the issued tasks (None before issuing: the written ones
    are listed with a null status)."""
    written = [written_task_json(task) for task in directive.tasks]
    out = directive_summary_json(directive)
    out.update(
        register=directive.register,
        symbol=directive.symbol,
        place=directive.place,
        urgency=directive.urgency,
        body=directive.body,
        addressees=[recipient_json(r) for r in directive.addressees],
        copy_to=[recipient_json(r) for r in directive.copy_to],
        references=[
            {"number": r.number, "type": r.doc_type, "date": r.date.isoformat() if r.date else None,
             "issuer": r.issuer, "title": r.title, "external_document": r.external_document_id}
            for r in directive.references
        ],
        attachments=[{"id": a.id, "filename": a.filename, "media_type": a.media_type, "size": a.size,
                      "sha256": a.sha256} for a in directive.attachments],
        amends=directive.amends_id,
        amendments=[amendment_json(change) for change in directive.amendments],
        return_comment=directive.return_comment,
        withdrawal_reason=directive.withdrawal_reason,
        written_tasks=written,
        tasks=[task_json(task) for task in tasks] if tasks is not None
        else [{**task, "status": None} for task in written],
    )
    return out
