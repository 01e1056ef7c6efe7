"""The import forms: the text or file to read, and the directive form as the review shows it.

The review form is the directive form of /directives/new (the same schema, widgets and choices)
with three additions that are never saved: the source text (hidden, so a failed save can show the
same highlighted source again) and, on each task, the index of the proposed task it came from
(``import_ref``, which the source view points at) and the notes the clerk must check (``import_note``).
"""

from __future__ import annotations

import colander
import deform

from ..directives.forms import DirectiveSchema, TaskSchema, UploadTempStore
from ..forms import CSRFSchema, Text
from ..i18n import _
from ..paths import TEMPLATES

MAX_TEXT_CHARS = 2_000_000  # a directive with its appendices is tens of thousands of characters
ACCEPTED_FILES = ".txt,.docx,.pdf"


class ImportSchema(CSRFSchema):
    text = colander.SchemaNode(
        Text(), title=_("Dán nội dung văn bản"), missing=None, validator=colander.Length(max=MAX_TEXT_CHARS),
        widget=deform.widget.TextAreaWidget(rows=12, attributes={
            "placeholder": _("Dán toàn bộ văn bản: số, ngày, trích yếu, nội dung, nơi nhận, người ký…")}),
    )
    upload = colander.SchemaNode(
        deform.FileData(), title=_("hoặc chọn tệp (.txt, .docx, PDF có lớp chữ; tối đa 20 MB)"), missing=None,
        widget=colander.deferred(lambda node, bind: deform.widget.FileUploadWidget(
            UploadTempStore(), accept=ACCEPTED_FILES)),
    )

    def validator(self, node, value):
        if not value.get("text") and not value.get("upload"):
            error = colander.Invalid(node, _("Dán nội dung văn bản hoặc chọn tệp."))
            error["text"] = _("Dán nội dung văn bản hoặc chọn tệp.")
            raise error


class ImportNoteWidget(deform.widget.HiddenWidget):
    """Posted back like a hidden field, shown as a list of notes (templates/importing/deform/)."""

    template = str(TEMPLATES / "importing" / "deform" / "import_note.pt")


class ImportedTaskSchema(TaskSchema):
    import_ref = colander.SchemaNode(colander.Int(), missing=None, widget=deform.widget.HiddenWidget())
    import_note = colander.SchemaNode(colander.String(), missing=None, widget=ImportNoteWidget())

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        # the notes open the task, above the fields they are about
        for name in ("import_note", "import_ref"):
            node = self[name]
            self.children.remove(node)
            self.children.insert(0, node)


class ImportedTasks(colander.SequenceSchema):
    widget = deform.widget.SequenceWidget(add_subitem_text_template=_("Thêm ${subitem_title}"))
    task = ImportedTaskSchema(title=_("Nhiệm vụ"))


class ImportedDirectiveSchema(DirectiveSchema):
    source = colander.SchemaNode(colander.String(), missing="", widget=deform.widget.HiddenWidget(),
                                 validator=colander.Length(max=MAX_TEXT_CHARS))
    tasks = ImportedTasks(title=_("Nhiệm vụ giao (mỗi cơ quan hoặc nhóm chủ trì một dòng)"), missing=())
