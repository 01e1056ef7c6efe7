"""Saving a draft: the form and the API hand over the same plain ``draft`` dict.

A draft dict (what ``forms.draft_from_appstruct`` and ``payload.draft_from_json`` produce)::

    {"type": "cong-van", "issuer": "UBND" | None, "symbol": "UBND-KGVX" | None, "place": "Hưng Yên",
     "urgency": "thuong", "subject": "V/v ...", "body": "...",
     "signer": {"name": ..., "capacity": ...},
     "addressees": [{"ref": "SO-NGANH"} | {"code": "SO-NGANH"} | {"text": "TT. Tỉnh ủy"}, ...],
     "copy_to": [...same...],
     "references": [{"number", "type", "date", "issuer", "title", "external_document"}],
     "tasks": [{"paragraph", "content", "lead", "coordinating": [...], "report_to", "deadline": Deadline,
                "targets": [{"indicator", "unit", "value", "by"}], "forwards": external document id}],
     "amends": directive id | None, "amendments": [{"written_task": id, "deadline": Deadline}]}

``{"ref": X}`` is an agency or group code when one exists, free text otherwise.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..clock import today
from ..organizations.models import Agency, AgencyGroup
from ..i18n import _
from ..text import clean
from .errors import DraftInvalid, WrongState
from .models import (
    COPY,
    ISSUED,
    TO,
    URGENCIES,
    AmendmentChange,
    Directive,
    DirectiveTask,
    DirectiveTaskCoordinator,
    DirectiveType,
    ExternalDocument,
    Recipient,
    Reference,
    Target,
)
from .search import directive_key

ISSUER_KINDS = ("people_committee", "office")


class Directory:
    """Agencies and groups by code, read once per save (a province has a few hundred)."""

    def __init__(self, dbsession: Session):
        self.agencies = {a.code: a for a in dbsession.scalars(select(Agency))}
        self.groups = {g.code: g for g in dbsession.scalars(select(AgencyGroup))}

    def agency(self, code) -> Agency | None:
        return self.agencies.get(code) if isinstance(code, str) else None

    def group(self, code) -> AgencyGroup | None:
        return self.groups.get(code) if isinstance(code, str) else None

    def any(self, code) -> Agency | AgencyGroup | None:
        return self.agency(code) or self.group(code)


def issuers(dbsession: Session) -> list[Agency]:
    """Agencies that issue directives here: the People's Committee and its office."""
    from ..organizations.models import AgencyKind

    return list(
        dbsession.scalars(
            select(Agency).join(Agency.kind).where(AgencyKind.code.in_(ISSUER_KINDS), Agency.active.is_(True))
            .order_by(AgencyKind.level, Agency.id)
        )
    )


def default_issuer(dbsession: Session) -> Agency | None:
    found = issuers(dbsession)
    return found[0] if found else None


def default_place(issuer: Agency | None) -> str:
    """"Ủy ban nhân dân tỉnh Hưng Yên" → "Hưng Yên" (the place line of the document)."""
    if issuer is None:
        return ""
    for marker in (" tỉnh ", " thành phố "):
        if marker in issuer.name:
            return issuer.name.split(marker, 1)[1].strip()
    return ""


def default_symbol(directive_type: DirectiveType, issuer: Agency) -> str:
    """"KH-UBND" for a plan; "UBND" for a Công văn (the clerk adds the drafting unit: UBND-KGVX)."""
    return f"{directive_type.abbreviation}-{issuer.code}" if directive_type.abbreviation else issuer.code


def register_of(directive_type: DirectiveType, issuer: Agency) -> str:
    """The issuing register a directive is numbered in: per issuer, per type unless types share one."""
    return f"{issuer.code}/{directive_type.register_name}"[:40]


def save_draft(dbsession: Session, directive: Directive | None, draft: dict, actor: User) -> Directive:
    """Create a draft (``directive`` None) or replace the whole content of an editable one.

    Every code is resolved before anything is written: on any error DraftInvalid is raised with
    ``fields`` keyed by path (``tasks.2.lead``) and the session is left as it was. Raises WrongState
    if ``directive`` is no longer editable (submitted, issued, withdrawn).
    """
    if directive is not None and not directive.editable:
        raise WrongState(_("Văn bản đã trình ký hoặc đã ban hành, không thể sửa."))
    directory = Directory(dbsession)
    fields: dict[str, str] = {}

    directive_type = dbsession.scalar(select(DirectiveType).where(DirectiveType.code == draft.get("type")))
    if directive_type is None or not directive_type.active:
        fields["type"] = "unknown document type"
    issuer_code = draft.get("issuer")
    allowed_issuers = {a.code: a for a in issuers(dbsession)}
    issuer = allowed_issuers.get(issuer_code) if issuer_code else default_issuer(dbsession)
    if issuer is None:
        fields["issuer"] = "not an issuing agency"
    if draft.get("urgency", "thuong") not in URGENCIES:
        fields["urgency"] = f"one of {', '.join(URGENCIES)}"
    if not clean(draft.get("subject")):
        fields["subject"] = "required"

    recipients = _recipients(directory, draft, fields)
    references = _references(dbsession, draft.get("references") or [], fields)
    tasks = _tasks(dbsession, directory, draft.get("tasks") or [], fields)
    amends, changes = _amendments(dbsession, draft, fields)
    if fields:
        raise DraftInvalid(_("Văn bản có thông tin chưa hợp lệ."), fields)

    # forwarded documents are referenced by the directive too, if the clerk did not list them
    referenced = {ref.external_document_id for ref in references if ref.external_document_id}
    for task in tasks:
        document = task.forwarded_document
        if document is not None and document.id not in referenced:
            referenced.add(document.id)
            references.append(_reference_to(document))

    if directive is None:
        directive = Directive(status="draft", created_by_id=actor.id, dated_on=today())
        dbsession.add(directive)
    directive.type = directive_type
    directive.issuer = issuer
    directive.register = register_of(directive_type, issuer)
    directive.symbol = clean(draft.get("symbol")) or default_symbol(directive_type, issuer)
    directive.place = clean(draft.get("place")) or default_place(issuer)
    directive.urgency = draft.get("urgency") or "thuong"
    directive.subject = clean(draft.get("subject"))
    directive.body = clean(draft.get("body")) or ""
    signer = draft.get("signer") or {}
    directive.signer_name = clean(signer.get("name"))
    directive.signer_capacity = clean(signer.get("capacity"))
    directive.recipients = recipients
    for position, reference in enumerate(references):
        reference.position = position
    directive.references = references
    for position, task in enumerate(tasks):
        task.position = position
    directive.tasks = tasks
    directive.amends = amends
    for position, change in enumerate(changes):
        change.position = position
    directive.amendments = changes
    directive.search_key = directive_key(None, directive.subject, directive.body)
    dbsession.flush()
    return directive


def _recipients(directory: Directory, draft: dict, fields: dict) -> list[Recipient]:
    out = []
    position = 0
    for key, kind in (("addressees", TO), ("copy_to", COPY)):
        for index, item in enumerate(draft.get(key) or []):
            path = f"{key}.{index}"
            row = Recipient(kind=kind, position=position)
            position += 1
            if "code" in item:
                target = directory.any(item["code"])
                if target is None:
                    fields[path] = "unknown agency or group code"
                    continue
            elif "ref" in item:
                target = directory.any(item["ref"])
                if target is None:
                    row.text = clean(item["ref"])
            else:
                target = None
                row.text = clean(item.get("text"))
            if isinstance(target, Agency):
                row.agency = target
            elif isinstance(target, AgencyGroup):
                row.group = target
            elif not row.text:
                fields[path] = "an agency or group code, or a text"
                continue
            if row.text and len(row.text) > 300:
                fields[path] = "at most 300 characters"
                continue
            out.append(row)
    return out


def _external(dbsession: Session, value, fields: dict, path: str) -> ExternalDocument | None:
    if value in (None, ""):
        return None
    document = dbsession.get(ExternalDocument, value) if isinstance(value, int) else None
    if document is None:
        fields[path] = "unknown external document"
    return document


def _reference_to(document: ExternalDocument) -> Reference:
    return Reference(
        doc_type=document.doc_type, number=document.number, date=document.issued_on, issuer=document.issuer,
        title=document.subject, external_document=document,
    )


def _references(dbsession: Session, items: list[dict], fields: dict) -> list[Reference]:
    out = []
    for index, item in enumerate(items):
        document = _external(dbsession, item.get("external_document"), fields, f"references.{index}.external_document")
        number = clean(item.get("number")) or (document.number if document else None)
        if not number:
            fields[f"references.{index}.number"] = "required"
            continue
        out.append(
            Reference(
                doc_type=clean(item.get("type")), number=number, date=item.get("date"),
                issuer=clean(item.get("issuer")), title=clean(item.get("title")), external_document=document,
            )
        )
    return out


def _tasks(dbsession: Session, directory: Directory, items: list[dict], fields: dict) -> list[DirectiveTask]:
    out = []
    for index, item in enumerate(items):
        path = f"tasks.{index}"
        content = clean(item.get("content"))
        if not content:
            fields[f"{path}.content"] = "required"
        task = DirectiveTask(paragraph=clean(item.get("paragraph")) or "", content=content or "")
        lead = item.get("lead")
        if directory.agency(lead) is not None:
            task.lead_agency = directory.agency(lead)
        elif directory.group(lead) is not None:
            task.lead_group = directory.group(lead)
        else:
            fields[f"{path}.lead"] = "unknown agency or group code" if lead else "required"
        for position, code in enumerate(item.get("coordinating") or []):
            target = directory.any(code)
            if target is None:
                fields[f"{path}.coordinating.{position}"] = "unknown agency or group code"
                continue
            row = DirectiveTaskCoordinator(position=position)
            if isinstance(target, Agency):
                row.agency = target
            else:
                row.group = target
            task.coordinators.append(row)
        report_to = item.get("report_to")
        if report_to:
            task.report_to = directory.agency(report_to)
            if task.report_to is None:
                fields[f"{path}.report_to"] = "unknown agency code"
        for key, value in item["deadline"].to_row().items():
            setattr(task, key, value)
        task.forwarded_document = _external(dbsession, item.get("forwards"), fields, f"{path}.forwards")
        for position, target in enumerate(item.get("targets") or []):
            indicator = clean(target.get("indicator"))
            if not indicator:
                fields[f"{path}.targets.{position}.indicator"] = "required"
                continue
            task.targets.append(
                Target(indicator=indicator, unit=clean(target.get("unit")) or "%", value=target["value"],
                       target_date=target.get("by"))
            )
        out.append(task)
    return out


def _amendments(dbsession: Session, draft: dict, fields: dict) -> tuple[Directive | None, list[AmendmentChange]]:
    amends_id = draft.get("amends")
    changes: list[AmendmentChange] = []
    if amends_id in (None, ""):
        if draft.get("amendments"):
            fields["amendments"] = "only an amending directive (amends) changes deadlines"
        return None, changes
    amended = dbsession.get(Directive, amends_id) if isinstance(amends_id, int) else None
    if amended is None or amended.status != ISSUED:
        fields["amends"] = "not an issued directive"
        return None, changes
    written = {task.id: task for task in amended.tasks}
    for index, item in enumerate(draft.get("amendments") or []):
        written_task = written.get(item.get("written_task"))
        if written_task is None:
            fields[f"amendments.{index}.written_task"] = "not a task of the amended directive"
            continue
        change = AmendmentChange(amended_task=written_task, kind="deadline")
        for key, value in item["deadline"].to_row().items():
            setattr(change, key, value)
        changes.append(change)
    return amended, changes
