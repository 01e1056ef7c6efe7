"""Forms of the task page, one schema per action. The API deserialises JSON through the same schemas
(without the CSRF and file nodes), so the UI and the API accept exactly the same values."""

from __future__ import annotations

import colander
import deform

from ..forms import CSRFSchema, Text
from ..i18n import _


class MemoryTmpStore(dict):
    """deform's upload widget keeps a file between a failed submit and its re-display; one request
    is all we need (the user picks the file again after an error elsewhere on the form)."""

    def preview_url(self, uid):
        return None


def _textarea(rows=3):
    return deform.widget.TextAreaWidget(rows=rows)


class VersionedSchema(CSRFSchema):
    # the version of the task the form was built from: a stale form is refused with a conflict
    version = colander.SchemaNode(colander.Int(), widget=deform.widget.HiddenWidget())


class AcknowledgeSchema(VersionedSchema):
    pass


@colander.deferred
def deferred_upload_widget(node, kw):
    return deform.widget.FileUploadWidget(kw.get("tmpstore", MemoryTmpStore()))


class _Evidence(VersionedSchema):
    document_number = colander.SchemaNode(
        Text(), title=_("Số, ký hiệu văn bản báo cáo của cơ quan"), missing=None,
        validator=colander.Length(max=80), description=_("Ví dụ: 125/BC-SLĐTBXH (không bắt buộc)"))
    document_date = colander.SchemaNode(
        colander.Date(), title=_("Ngày văn bản báo cáo"), missing=None, widget=deform.widget.DateInputWidget())
    attachment = colander.SchemaNode(
        deform.FileData(), title=_("Tệp đính kèm"), missing=None, widget=deferred_upload_widget,
        description=_("PDF, Word, Excel hoặc ảnh PNG/JPEG, tối đa 20 MB."))


class ProgressSchema(_Evidence):
    percent = colander.SchemaNode(colander.Int(), title=_("Tỷ lệ hoàn thành (%)"), validator=colander.Range(0, 100))
    text = colander.SchemaNode(Text(), title=_("Nội dung báo cáo"), widget=_textarea(5))

    def after_bind(self, node, kw):
        # one field per quantitative target of the task
        for target in kw.get("targets", ()):
            node.add(colander.SchemaNode(
                colander.Float(), name=f"target_{target.id}", missing=None,
                title=_("Chỉ tiêu: ${indicator} (mục tiêu ${value} ${unit})",
                        mapping={"indicator": target.indicator, "value": f"{target.value:g}", "unit": target.unit})))
        # order: what was done first, evidence after
        order = ["csrf_token", "version", "percent", "text"] + [c.name for c in node.children if c.name.startswith("target_")] + [
            "document_number", "document_date", "attachment"]
        node.children.sort(key=lambda c: order.index(c.name) if c.name in order else len(order))


@colander.deferred
def deferred_occurrence_widget(node, kw):
    choices = kw.get("occurrence_choices") or []
    return deform.widget.SelectWidget(values=choices) if choices else deform.widget.HiddenWidget()


class _OccurrenceChoice(VersionedSchema):
    occurrence_id = colander.SchemaNode(colander.Int(), title=_("Kỳ báo cáo"), missing=None, widget=deferred_occurrence_widget)


class CompletionSchema(_Evidence, _OccurrenceChoice):
    text = colander.SchemaNode(Text(), title=_("Kết quả thực hiện"), widget=_textarea(5))


class AcceptSchema(_OccurrenceChoice):
    note = colander.SchemaNode(Text(), title=_("Nhận xét"), missing=None, widget=_textarea(2))


class ReturnSchema(_OccurrenceChoice):
    reason = colander.SchemaNode(Text(), title=_("Lý do trả lại"), widget=_textarea(3))


class ExtensionRequestSchema(VersionedSchema):
    proposed_deadline = colander.SchemaNode(colander.Date(), title=_("Thời hạn đề nghị"), widget=deform.widget.DateInputWidget())
    reason = colander.SchemaNode(Text(), title=_("Lý do xin gia hạn"), widget=_textarea(3))


class ExtensionDecisionSchema(VersionedSchema):
    extension_id = colander.SchemaNode(colander.Int(), widget=deform.widget.HiddenWidget())
    note = colander.SchemaNode(Text(), title=_("Ý kiến (bắt buộc khi không đồng ý)"), missing=None, widget=_textarea(2))


class EscalateSchema(VersionedSchema):
    matter = colander.SchemaNode(Text(), title=_("Vấn đề vượt thẩm quyền"), widget=_textarea(3))
    proposal = colander.SchemaNode(Text(), title=_("Đề xuất, kiến nghị"), widget=_textarea(3))


@colander.deferred
def deferred_agency_widget(node, kw):
    return deform.widget.SelectWidget(values=[("", _("— Chọn cơ quan —"))] + list(kw.get("agency_choices", [])))


class EscalationDecisionSchema(VersionedSchema):
    escalation_id = colander.SchemaNode(colander.Int(), widget=deform.widget.HiddenWidget())
    decision = colander.SchemaNode(Text(), title=_("Ý kiến chỉ đạo"), widget=_textarea(3))
    create_task = colander.SchemaNode(colander.Boolean(), title=_("Giao nhiệm vụ mới theo ý kiến chỉ đạo"), missing=False)
    new_task_lead = colander.SchemaNode(colander.Int(), title=_("Cơ quan chủ trì nhiệm vụ mới"), missing=None, widget=deferred_agency_widget)
    new_task_content = colander.SchemaNode(Text(), title=_("Nội dung nhiệm vụ mới"), missing=None, widget=_textarea(2))
    new_task_deadline = colander.SchemaNode(colander.Date(), title=_("Thời hạn nhiệm vụ mới"), missing=None, widget=deform.widget.DateInputWidget())


class SubtaskSchema(colander.MappingSchema):
    lead_agency = colander.SchemaNode(colander.Int(), title=_("Giao cho"), widget=deferred_agency_widget)
    content = colander.SchemaNode(Text(), title=_("Nội dung"), widget=_textarea(2))
    deadline = colander.SchemaNode(colander.Date(), title=_("Thời hạn"), missing=None, widget=deform.widget.DateInputWidget())


class SubtaskList(colander.SequenceSchema):
    subtask = SubtaskSchema(title=_("Nhiệm vụ con"))


@colander.deferred
def deferred_agency_checkboxes(node, kw):
    return deform.widget.SelectWidget(values=list(kw.get("agency_choices", [])), multiple=True, size=10)


class DelegateSchema(VersionedSchema):
    """The page's form: the same content and deadline for each chosen unit ("to each district")."""

    lead_agencies = colander.SchemaNode(
        colander.Set(), title=_("Giao cho (chọn một hoặc nhiều đơn vị)"), widget=deferred_agency_checkboxes,
        validator=colander.Length(min=1, min_err=_("Chọn ít nhất một đơn vị.")))
    content = colander.SchemaNode(Text(), title=_("Nội dung"), widget=_textarea(3))
    deadline = colander.SchemaNode(colander.Date(), title=_("Thời hạn (không sau thời hạn của nhiệm vụ này)"), missing=None,
                                   widget=deform.widget.DateInputWidget())


class SubtasksSchema(VersionedSchema):
    """The API's body: a list of subtasks, each with its own agency, content and deadline."""

    subtasks = SubtaskList(validator=colander.Length(min=1))


class CommentSchema(VersionedSchema):
    text = colander.SchemaNode(Text(), title=_("Ý kiến trao đổi"), widget=_textarea(2))


class CancelSchema(VersionedSchema):
    reason = colander.SchemaNode(Text(), title=_("Lý do hủy"), widget=_textarea(2))


# action name (URL segment) → (lifecycle rule it needs, schema, button label)
ACTION_FORMS = {
    "acknowledge": ("acknowledge", AcknowledgeSchema, _("Tiếp nhận nhiệm vụ")),
    "progress": ("report_progress", ProgressSchema, _("Gửi báo cáo tiến độ")),
    "contribute": ("contribute", ProgressSchema, _("Gửi ý kiến phối hợp cho cơ quan chủ trì")),
    "complete": ("report_completion", CompletionSchema, _("Báo cáo hoàn thành")),
    "accept": ("accept_completion", AcceptSchema, _("Công nhận hoàn thành")),
    "return": ("return_completion", ReturnSchema, _("Trả lại")),
    "extension": ("request_extension", ExtensionRequestSchema, _("Gửi đề nghị gia hạn")),
    "extension_decision": ("approve_extension", ExtensionDecisionSchema, None),
    "escalate": ("escalate", EscalateSchema, _("Gửi kiến nghị")),
    "escalation_decision": ("decide_escalation", EscalationDecisionSchema, _("Trả lời kiến nghị")),
    "delegate": ("delegate", DelegateSchema, _("Giao nhiệm vụ con")),
    "comment": ("add_comment", CommentSchema, _("Gửi ý kiến")),
    "cancel": ("cancel", CancelSchema, _("Hủy nhiệm vụ")),
}
