"""Forms of the reminders domain: a holiday, a user's choice of immediate mails or a daily digest."""

from __future__ import annotations

import colander
import deform

from ..accounts.models import DIGEST, IMMEDIATE
from ..dates import format_date, parse_date
from ..forms import CSRFSchema, Text
from ..i18n import _


class VietnameseDate(colander.SchemaType):
    """A date typed ``dd/mm/yyyy`` (ISO ``yyyy-mm-dd`` accepted too), shown ``dd/mm/yyyy``."""

    def serialize(self, node, appstruct):
        if appstruct is colander.null or appstruct is None:
            return colander.null
        return format_date(appstruct)

    def deserialize(self, node, cstruct):
        if cstruct is colander.null or not str(cstruct).strip():
            return colander.null
        try:
            return parse_date(str(cstruct))
        except (ValueError, TypeError):
            raise colander.Invalid(node, _("Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 02/09/2026.")) from None


@colander.deferred
def deferred_day_validator(node, kw):
    taken = kw["day_taken"]

    def validator(node, value):
        if taken(value):
            raise colander.Invalid(node, _("Ngày này đã có trong danh sách."))

    return validator


class HolidaySchema(CSRFSchema):
    day = colander.SchemaNode(
        VietnameseDate(), title=_("Ngày"), validator=deferred_day_validator,
        widget=deform.widget.TextInputWidget(placeholder="dd/mm/yyyy"),
    )
    name = colander.SchemaNode(Text(), title=_("Tên ngày nghỉ (hoặc lý do làm bù)"), validator=colander.Length(max=200))
    working = colander.SchemaNode(
        colander.Boolean(), title=_("Ngày làm việc bù (thứ Bảy/Chủ nhật đi làm)"), default=False, missing=False,
    )


class NotificationSchema(CSRFSchema):
    notification_mode = colander.SchemaNode(
        colander.String(),
        title=_("Cách nhận thông báo nhắc việc"),
        validator=colander.OneOf((IMMEDIATE, DIGEST)),
        widget=deform.widget.RadioChoiceWidget(values=(
            (IMMEDIATE, _("Nhận ngay từng thư")),
            (DIGEST, _("Gộp thành một thư tổng hợp mỗi ngày")),
        )),
    )
