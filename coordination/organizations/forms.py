"""Admin forms for agencies and groups."""

from __future__ import annotations

import colander
import deform

from ..forms import CSRFSchema, Text
from ..text import clean
from ..i18n import _


@colander.deferred
def deferred_code_validator(node, kw):
    taken = kw["taken_codes"]

    def validator(node, value):
        if value in taken:
            raise colander.Invalid(node, _("Mã này đã được dùng."))
        if not all(ch.isalnum() or ch in "-_." for ch in value) or not value.isascii():
            raise colander.Invalid(node, _("Mã chỉ gồm chữ cái không dấu, số và các ký tự - _ ."))

    return validator


class Lines(colander.String):
    """A textarea read as a list: one entry per line, NFC, blank lines dropped."""

    def serialize(self, node, appstruct):
        if appstruct in (colander.null, None):
            return colander.null
        return "\n".join(appstruct)

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, None, ""):
            return []
        return [line for line in (clean(raw) for raw in str(cstruct).splitlines()) if line]


def aliases_node():
    return colander.SchemaNode(
        Lines(),
        title=_("Tên gọi khác (mỗi dòng một tên; dùng để nhận diện trong văn bản)"),
        widget=deform.widget.TextAreaWidget(rows=3),
        missing=[],
    )


class AgencySchema(CSRFSchema):
    code = colander.SchemaNode(Text(), title=_("Mã cơ quan"), validator=deferred_code_validator)
    name = colander.SchemaNode(Text(), title=_("Tên đầy đủ"), validator=colander.Length(max=300))
    short_name = colander.SchemaNode(Text(), title=_("Tên viết tắt"), missing=None, validator=colander.Length(max=120))
    aliases = aliases_node()
    kind_id = colander.SchemaNode(
        colander.Integer(),
        title=_("Loại cơ quan"),
        widget=colander.deferred(lambda node, kw: deform.widget.SelectWidget(values=kw["kind_choices"])),
    )
    parent_id = colander.SchemaNode(
        colander.Integer(),
        title=_("Cơ quan cấp trên"),
        missing=None,
        widget=colander.deferred(
            lambda node, kw: deform.widget.SelectWidget(values=[("", "—")] + kw["parent_choices"])
        ),
        validator=colander.deferred(lambda node, kw: kw["parent_validator"]),
    )
    email = colander.SchemaNode(Text(), title=_("Thư điện tử"), validator=colander.Email(), missing=None)
    active = colander.SchemaNode(colander.Boolean(), title=_("Đang hoạt động"), default=True, missing=False)


class GroupSchema(CSRFSchema):
    code = colander.SchemaNode(Text(), title=_("Mã nhóm"), validator=deferred_code_validator)
    name = colander.SchemaNode(Text(), title=_("Tên nhóm"), validator=colander.Length(max=300))
    aliases = aliases_node()
    member_ids = colander.SchemaNode(
        colander.Set(),
        title=_("Thành viên"),
        missing=(),
        widget=colander.deferred(
            lambda node, kw: deform.widget.CheckboxChoiceWidget(values=kw["agency_choices"], inline=False)
        ),
        preparer=lambda values: {int(v) for v in values} if values not in (colander.null, None) else values,
    )
    active = colander.SchemaNode(colander.Boolean(), title=_("Đang hoạt động"), default=True, missing=False)
