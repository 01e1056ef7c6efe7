"""Incoming documents from higher levels and the cover directives that hand them down (seed 002).

The office registers the incoming document (e.g. Công văn 3951/VPCP-KSTT of the Government Office),
then drafts a short cover directive whose task assigns it to a lead agency with coordinating
agencies; that task (and every Task issued from it) links to the incoming document.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..i18n import _
from ..text import clean
from .deadlines import Deadline
from .errors import Conflict, DraftInvalid
from .models import Directive, DirectiveTask, ExternalDocument


def register_external_document(dbsession: Session, values: dict, actor: User | None) -> ExternalDocument:
    """Register an incoming document: ``doc_type``, ``number``, ``issued_on``, ``issuer``, ``subject``
    required; ``summary``, ``received_on`` optional. Conflict if the same issuer's number and date
    is already registered."""
    fields = {}
    cleaned = {key: clean(values.get(key)) for key in ("doc_type", "number", "issuer", "subject", "summary")}
    for key in ("doc_type", "number", "issuer", "subject"):
        if not cleaned[key]:
            fields[key] = "required"
    for key in ("issued_on", "received_on"):
        if values.get(key) is not None and not isinstance(values.get(key), dt.date):
            fields[key] = "expected YYYY-MM-DD"
    if values.get("issued_on") is None:
        fields["issued_on"] = "required"
    if fields:
        raise DraftInvalid(_("Thông tin văn bản đến chưa hợp lệ."), fields)
    existing = dbsession.scalar(
        select(ExternalDocument).where(
            ExternalDocument.issuer == cleaned["issuer"], ExternalDocument.number == cleaned["number"],
            ExternalDocument.issued_on == values["issued_on"],
        )
    )
    if existing is not None:
        raise Conflict(_("Văn bản đến này đã được vào sổ."), {"number": f"already registered as #{existing.id}"})
    document = ExternalDocument(
        doc_type=cleaned["doc_type"], number=cleaned["number"], issuer=cleaned["issuer"], subject=cleaned["subject"],
        summary=cleaned["summary"] or "", issued_on=values["issued_on"], received_on=values.get("received_on"),
        created_by_id=actor.id if actor else None,
    )
    dbsession.add(document)
    dbsession.flush()
    return document


def external_documents(dbsession: Session, limit: int = 200) -> list[ExternalDocument]:
    return list(dbsession.scalars(
        select(ExternalDocument).order_by(ExternalDocument.issued_on.desc(), ExternalDocument.id.desc()).limit(limit)
    ))


def cover_directives(dbsession: Session, document: ExternalDocument) -> list[Directive]:
    """Directives with a task that hands ``document`` down."""
    return list(dbsession.scalars(
        select(Directive).where(
            Directive.id.in_(select(DirectiveTask.directive_id).where(DirectiveTask.forwarded_document_id == document.id))
        ).order_by(Directive.dated_on.desc(), Directive.id.desc())
    ))


def reference_line(document: ExternalDocument) -> str:
    """"Công văn số 3951/VPCP-KSTT ngày 20/5/2020 của Văn phòng Chính phủ"."""
    day = document.issued_on
    return f"{document.doc_type} số {document.number} ngày {day.day}/{day.month}/{day.year} của {document.issuer}"


def cover_draft(document: ExternalDocument, lead: str | None = None, coordinating: list[str] | None = None) -> dict:
    """The opening values of a cover directive forwarding ``document`` (the clerk completes them)."""
    subject = document.subject
    if not subject.lower().startswith("v/v"):
        subject = f"V/v {subject[:1].lower()}{subject[1:]}"
    body = (
        f"Ủy ban nhân dân tỉnh đã nhận {reference_line(document)} về việc "
        f"{document.subject.removeprefix('V/v ').removeprefix('v/v ')} (đính kèm văn bản)."
    )
    return {
        "type": "cong-van",
        "subject": subject,
        "body": body,
        "references": [{"number": document.number, "type": document.doc_type, "date": document.issued_on,
                        "issuer": document.issuer, "title": document.subject, "external_document": document.id}],
        "tasks": [{"paragraph": "", "content": "Tổ chức triển khai thực hiện các nội dung theo đề nghị tại văn bản nêu trên.",
                   "lead": lead, "coordinating": coordinating or [], "forwards": document.id,
                   "deadline": Deadline()}],
    }


def external_json(document: ExternalDocument) -> dict:
    return {
        "id": document.id,
        "type": document.doc_type,
        "number": document.number,
        "date": document.issued_on.isoformat(),
        "issuer": document.issuer,
        "subject": document.subject,
        "summary": document.summary,
        "received_on": document.received_on.isoformat() if document.received_on else None,
        "attachments": [{"id": a.id, "filename": a.filename, "size": a.size, "sha256": a.sha256}
                        for a in document.attachments],
    }
