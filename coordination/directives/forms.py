"""The directive form (deform): header, recipients, references and the sequence of tasks.

One schema for drafting, one for amending (adds the deadline changes), small ones for the
leader's actions and incoming documents. ``draft_from_appstruct`` turns the validated form into the
same draft dict the API produces, so both go through ``drafting.save_draft``.
"""

from __future__ import annotations

import datetime as dt

import colander
import deform
from deform.widget import OptGroup

from ..forms import CSRFSchema, Text
from ..i18n import _
from .deadline_form import DeadlineSchema, deadline_from_form, deadline_to_form, deadline_validator
from .deadlines import Deadline
from .models import URGENCIES

URGENCY_LABELS = {"thuong": _("Thường"), "khan": _("Khẩn"), "thuong-khan": _("Thượng khẩn"), "hoa-toc": _("Hỏa tốc")}



def _sequence_widget():
    return deform.widget.SequenceWidget(add_subitem_text_template=_("Thêm ${subitem_title}"))


def _textarea(rows: int, **attributes):
    return deform.widget.TextAreaWidget(rows=rows, attributes=attributes or {})


def _select(key: str, **kw):
    return colander.deferred(lambda node, bind: deform.widget.SelectWidget(values=bind[key], **kw))


def _one_of(key: str):
    return colander.deferred(lambda node, bind: colander.OneOf(bind[key + "_codes"]))


# -- recipients, references --------------------------------------------------------


def _recipient_validator(node, value):
    if not value.get("code") and not value.get("text"):
        error = colander.Invalid(node, _("Chọn cơ quan, nhóm hoặc ghi nơi nhận."))
        error["text"] = _("Chọn cơ quan, nhóm hoặc ghi nơi nhận.")
        raise error


class RecipientSchema(colander.MappingSchema):
    code = colander.SchemaNode(
        colander.String(), title=_("Cơ quan hoặc nhóm"), missing=None,
        widget=_select("recipient_choices"), validator=_one_of("recipient"),
    )
    text = colander.SchemaNode(Text(), title=_("hoặc ghi tự do (ví dụ: TT. Tỉnh ủy; Lưu: VT)"), missing=None,
                               validator=colander.Length(max=300))


class Recipients(colander.SequenceSchema):
    widget = _sequence_widget()
    recipient = RecipientSchema(title=_("Nơi nhận"), validator=_recipient_validator)


class ReferenceSchema(colander.MappingSchema):
    doc_type = colander.SchemaNode(Text(), title=_("Loại văn bản"), missing=None)
    number = colander.SchemaNode(Text(), title=_("Số, ký hiệu"), validator=colander.Length(max=120))
    date = colander.SchemaNode(colander.Date(), title=_("Ngày ban hành"), missing=None,
                               widget=deform.widget.DateInputWidget())
    issuer = colander.SchemaNode(Text(), title=_("Cơ quan ban hành"), missing=None)
    title = colander.SchemaNode(Text(), title=_("Trích yếu"), missing=None, widget=_textarea(2))
    external_document = colander.SchemaNode(colander.Int(), missing=None, widget=deform.widget.HiddenWidget())


class References(colander.SequenceSchema):
    widget = _sequence_widget()
    reference = ReferenceSchema(title=_("Văn bản được viện dẫn"))


# -- tasks --------------------------------------------------------------------------


class TargetSchema(colander.MappingSchema):
    indicator = colander.SchemaNode(Text(), title=_("Chỉ tiêu"), widget=_textarea(2))
    unit = colander.SchemaNode(Text(), title=_("Đơn vị"), missing="%", default="%")
    value = colander.SchemaNode(colander.Float(), title=_("Giá trị"))
    by = colander.SchemaNode(colander.Date(), title=_("Thời hạn đạt"), missing=None,
                             widget=deform.widget.DateInputWidget())


class Targets(colander.SequenceSchema):
    widget = _sequence_widget()
    target = TargetSchema(title=_("Chỉ tiêu"))


class TaskSchema(colander.MappingSchema):
    paragraph = colander.SchemaNode(Text(), title=_("Mục, đoạn (như trong văn bản)"), missing="",
                                    validator=colander.Length(max=20))
    content = colander.SchemaNode(Text(), title=_("Nội dung nhiệm vụ"), widget=_textarea(4))
    lead = colander.SchemaNode(colander.String(), title=_("Cơ quan chủ trì (cơ quan hoặc nhóm)"),
                               widget=_select("lead_choices"), validator=_one_of("lead"))
    coordinating = colander.SchemaNode(
        colander.List(), title=_("Cơ quan phối hợp"), missing=(),
        widget=colander.deferred(lambda node, bind: deform.widget.SelectWidget(
            values=bind["coordinating_choices"], multiple=True, size=6)),
        validator=colander.deferred(lambda node, bind: colander.ContainsOnly(bind["recipient_codes"])),
    )
    report_to = colander.SchemaNode(colander.String(), title=_("Báo cáo qua (nếu khác cơ quan ban hành)"),
                                    missing=None, widget=_select("report_to_choices"),
                                    validator=_one_of("report_to"))
    deadline = DeadlineSchema(title=_("Thời hạn"), validator=deadline_validator)
    targets = Targets(title=_("Chỉ tiêu định lượng"), missing=())
    forwards = colander.SchemaNode(colander.Int(), missing=None, widget=deform.widget.HiddenWidget())


class Tasks(colander.SequenceSchema):
    widget = _sequence_widget()
    task = TaskSchema(title=_("Nhiệm vụ"))


# -- the directive ------------------------------------------------------------------


class DirectiveSchema(CSRFSchema):
    version = colander.SchemaNode(colander.Int(), missing=None, widget=deform.widget.HiddenWidget())
    type = colander.SchemaNode(colander.String(), title=_("Loại văn bản"), widget=_select("type_choices"),
                               validator=_one_of("type"))
    issuer = colander.SchemaNode(colander.String(), title=_("Cơ quan ban hành"), widget=_select("issuer_choices"),
                                 validator=_one_of("issuer"))
    symbol = colander.SchemaNode(Text(), title=_("Ký hiệu (sau số, ví dụ UBND-KGVX)"), missing=None,
                                 validator=colander.Length(max=60))
    urgency = colander.SchemaNode(colander.String(), title=_("Độ khẩn"), default="thuong",
                                  widget=deform.widget.SelectWidget(values=list(URGENCY_LABELS.items())),
                                  validator=colander.OneOf(URGENCIES))
    place = colander.SchemaNode(Text(), title=_("Địa danh"), missing=None, validator=colander.Length(max=120))
    subject = colander.SchemaNode(Text(), title=_("Trích yếu (V/v ...)"), widget=_textarea(2))
    addressees = Recipients(title=_("Kính gửi"), missing=())
    body = colander.SchemaNode(Text(), title=_("Nội dung văn bản"), missing="", widget=_textarea(14))
    references = References(title=_("Văn bản viện dẫn"), missing=())
    tasks = Tasks(title=_("Nhiệm vụ giao (mỗi cơ quan hoặc nhóm chủ trì một dòng)"), missing=())
    signer_capacity = colander.SchemaNode(
        Text(), title=_("Thẩm quyền ký"), missing=None, validator=colander.Length(max=200),
        widget=_textarea(3, placeholder="TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"),
    )
    signer_name = colander.SchemaNode(Text(), title=_("Người ký"), missing=None, validator=colander.Length(max=200))
    copy_to = Recipients(title=_("Nơi nhận"), missing=())


class AmendmentSchema(colander.MappingSchema):
    written_task = colander.SchemaNode(colander.Int(), title=_("Nhiệm vụ được sửa đổi thời hạn"),
                                       widget=_select("written_task_choices"),
                                       validator=colander.deferred(
                                           lambda node, bind: colander.OneOf([v for v, _l in bind["written_task_choices"]])))
    deadline = DeadlineSchema(title=_("Thời hạn mới"), validator=deadline_validator)


class Amendments(colander.SequenceSchema):
    widget = _sequence_widget()
    amendment = AmendmentSchema(title=_("Sửa đổi thời hạn"))


class AmendingDirectiveSchema(DirectiveSchema):
    amendments = Amendments(title=_("Sửa đổi thời hạn nhiệm vụ của văn bản được sửa đổi"), missing=())


def draft_from_appstruct(appstruct: dict, amends: int | None = None) -> dict:
    """The draft dict of drafting.save_draft from the validated form."""
    return {
        "type": appstruct["type"],
        "issuer": appstruct["issuer"],
        "symbol": appstruct.get("symbol"),
        "place": appstruct.get("place"),
        "urgency": appstruct.get("urgency") or "thuong",
        "subject": appstruct["subject"],
        "body": appstruct.get("body") or "",
        "signer": {"name": appstruct.get("signer_name"), "capacity": appstruct.get("signer_capacity")},
        "addressees": [_recipient(item) for item in appstruct.get("addressees", ())],
        "copy_to": [_recipient(item) for item in appstruct.get("copy_to", ())],
        "references": [
            {"number": r["number"], "type": r.get("doc_type"), "date": r.get("date"), "issuer": r.get("issuer"),
             "title": r.get("title"), "external_document": r.get("external_document")}
            for r in appstruct.get("references", ())
        ],
        "tasks": [
            {"paragraph": t.get("paragraph") or "", "content": t["content"], "lead": t["lead"],
             "coordinating": list(t.get("coordinating") or ()), "report_to": t.get("report_to"),
             "deadline": deadline_from_form(t["deadline"]), "targets": list(t.get("targets") or ()),
             "forwards": t.get("forwards")}
            for t in appstruct.get("tasks", ())
        ],
        "amends": amends,
        "amendments": [
            {"written_task": a["written_task"], "deadline": deadline_from_form(a["deadline"])}
            for a in appstruct.get("amendments", ())
        ],
    }


def _recipient(item: dict) -> dict:
    return {"code": item["code"]} if item.get("code") else {"text": item["text"]}


def appstruct_from_json(data: dict) -> dict:
    """Form values from a directive as the API writes it (payload.directive_json) or a cover draft."""

    def date(value):
        return dt.date.fromisoformat(value) if isinstance(value, str) else value

    def recipients(items):
        return [{"code": r["code"]} if r.get("code") else {"text": r.get("text")} for r in items or ()]

    signer = data.get("signer") or {}
    values = {
        "version": data.get("version"),
        "type": data.get("type"),
        "issuer": data.get("issuer"),
        "symbol": data.get("symbol"),
        "urgency": data.get("urgency") or "thuong",
        "place": data.get("place"),
        "subject": data.get("subject"),
        "addressees": recipients(data.get("addressees")),
        "body": data.get("body"),
        "references": [
            {"doc_type": r.get("type"), "number": r.get("number"), "date": date(r.get("date")),
             "issuer": r.get("issuer"), "title": r.get("title"), "external_document": r.get("external_document")}
            for r in data.get("references") or ()
        ],
        "tasks": [
            {"paragraph": t.get("paragraph"), "content": t.get("content"), "lead": t.get("lead"),
             "coordinating": list(t.get("coordinating") or ()), "report_to": t.get("report_to"),
             "deadline": deadline_to_form(Deadline.from_json(t["deadline"]) if isinstance(t.get("deadline"), dict)
                                          else t.get("deadline") or Deadline()),
             "targets": [{"indicator": g["indicator"], "unit": g.get("unit") or "%", "value": g["value"],
                          "by": date(g.get("by"))} for g in t.get("targets") or ()],
             "forwards": t.get("forwards")}
            for t in data.get("written_tasks", data.get("tasks")) or ()
        ],
        "signer_capacity": signer.get("capacity"),
        "signer_name": signer.get("name"),
        "copy_to": recipients(data.get("copy_to")),
        "amendments": [
            {"written_task": a["written_task"], "deadline": deadline_to_form(Deadline.from_json(a["deadline"]))}
            for a in data.get("amendments") or ()
        ],
    }
    return _drop_none(values)


def _drop_none(value):
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


# -- the leader's actions, incoming documents, attachments -----------------------------


class SignSchema(CSRFSchema):
    signer_capacity = colander.SchemaNode(Text(), title=_("Thẩm quyền ký"), widget=_textarea(3),
                                          validator=colander.Length(max=200))
    signer_name = colander.SchemaNode(Text(), title=_("Người ký"), validator=colander.Length(max=200))


class ReasonSchema(CSRFSchema):
    reason = colander.SchemaNode(Text(), title=_("Lý do"), widget=_textarea(3))


class ExternalDocumentSchema(CSRFSchema):
    doc_type = colander.SchemaNode(Text(), title=_("Loại văn bản"), default="Công văn")
    number = colander.SchemaNode(Text(), title=_("Số, ký hiệu"), validator=colander.Length(max=120))
    issued_on = colander.SchemaNode(colander.Date(), title=_("Ngày ban hành"), widget=deform.widget.DateInputWidget())
    issuer = colander.SchemaNode(Text(), title=_("Cơ quan ban hành"), validator=colander.Length(max=300))
    subject = colander.SchemaNode(Text(), title=_("Trích yếu"), widget=_textarea(2))
    summary = colander.SchemaNode(Text(), title=_("Tóm tắt nội dung"), missing="", widget=_textarea(6))
    received_on = colander.SchemaNode(colander.Date(), title=_("Ngày đến"), missing=None,
                                      widget=deform.widget.DateInputWidget())


class ForwardSchema(CSRFSchema):
    lead = colander.SchemaNode(colander.String(), title=_("Cơ quan chủ trì"), widget=_select("lead_choices"),
                               validator=_one_of("lead"))
    coordinating = colander.SchemaNode(
        colander.List(), title=_("Cơ quan phối hợp"), missing=(),
        widget=colander.deferred(lambda node, bind: deform.widget.SelectWidget(
            values=bind["coordinating_choices"], multiple=True, size=8)),
        validator=colander.deferred(lambda node, bind: colander.ContainsOnly(bind["recipient_codes"])),
    )


class UploadTempStore(dict):
    """deform's file widget wants a temporary store; an upload is not kept across a failed post."""

    def preview_url(self, uid):
        return None


class AttachmentSchema(CSRFSchema):
    upload = colander.SchemaNode(
        deform.FileData(), title=_("Tệp đính kèm (PDF, DOC, DOCX, XLS, XLSX; tối đa 20 MB)"),
        widget=colander.deferred(lambda node, bind: deform.widget.FileUploadWidget(
            UploadTempStore(), accept=".pdf,.doc,.docx,.xls,.xlsx")),
    )


def choices(directory, issuers, types, written_tasks=()) -> dict:
    """The bind keywords of the directive schemas: options for the selects and their valid codes."""
    groups = sorted((g for g in directory.groups.values() if g.active), key=lambda g: g.name)
    by_kind: dict[str, list] = {}
    for agency in sorted((a for a in directory.agencies.values() if a.active), key=lambda a: (a.kind.level, a.name)):
        by_kind.setdefault(agency.kind.name, []).append((agency.code, agency.name))
    agency_groups = [OptGroup(kind, *options) for kind, options in by_kind.items()]
    group_options = [(g.code, g.name) for g in groups]
    all_codes = [g.code for g in groups] + [a.code for a in directory.agencies.values() if a.active]
    return {
        "type_choices": [(t.code, t.name) for t in types],
        "type_codes": [t.code for t in types],
        "issuer_choices": [(a.code, a.name) for a in issuers],
        "issuer_codes": [a.code for a in issuers],
        "recipient_choices": [("", "—")] + [OptGroup(_("Nhóm cơ quan"), *group_options)] + agency_groups,
        "recipient_codes": all_codes,
        "lead_choices": [("", "—")] + [OptGroup(_("Nhóm cơ quan (mỗi cơ quan một nhiệm vụ)"), *group_options)]
        + agency_groups,
        "lead_codes": all_codes,
        "coordinating_choices": [OptGroup(_("Nhóm cơ quan"), *group_options)] + agency_groups,
        "report_to_choices": [("", "—")] + agency_groups,
        "report_to_codes": [a.code for a in directory.agencies.values() if a.active],
        "written_task_choices": [(t.id, f"{t.paragraph} — {t.lead_label}: {t.content[:80]}") for t in written_tasks],
    }
