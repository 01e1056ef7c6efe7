"""The report form: scope, cut-off date, format. Choices come from the database at bind time."""

from __future__ import annotations

import colander
import deform

from ..clock import today as clock_today
from ..forms import CSRFSchema, Text
from ..i18n import _

FORMAT_CHOICES = (
    ("html", _("Xem trên màn hình")),
    ("docx", _("Văn bản Word (DOCX, theo thể thức Nghị định 30/2020)")),
    ("pdf", _("PDF (tạo bằng LibreOffice, mất vài giây)")),
    ("xlsx", _("Bảng tính Excel (XLSX, kèm danh sách nhiệm vụ)")),
    ("csv", _("CSV (danh sách nhiệm vụ)")),
)


def _select(key: str, blank):
    @colander.deferred
    def widget(node, kw):
        return deform.widget.SelectWidget(values=[("", blank)] + list(kw.get(key, ())))

    return widget


@colander.deferred
def _today(node, kw):
    return clock_today()


def _not_in_future(node, value):
    if value > clock_today():
        raise colander.Invalid(node, _("Ngày chốt số liệu không được sau ngày hôm nay."))


class ReportForm(CSRFSchema):
    """What a report covers and as of when. An agency user's form has no agency field: their
    reports cover their agency (the view removes it)."""

    directive = colander.SchemaNode(colander.Int(), title=_("Văn bản chỉ đạo"), missing=None,
                                    widget=_select("directive_choices", _("— Tất cả văn bản —")))
    issuer = colander.SchemaNode(colander.String(), title=_("Cơ quan ban hành"), missing=None,
                                 widget=_select("issuer_choices", _("— Tất cả —")))
    type = colander.SchemaNode(colander.String(), title=_("Loại văn bản"), missing=None,
                               widget=_select("type_choices", _("— Tất cả —")))
    signer = colander.SchemaNode(Text(), title=_("Người ký"), missing=None,
                                 widget=_select("signer_choices", _("— Tất cả —")))
    date_from = colander.SchemaNode(colander.Date(), title=_("Văn bản ban hành từ ngày"), missing=None,
                                    widget=deform.widget.DateInputWidget())
    date_to = colander.SchemaNode(colander.Date(), title=_("đến ngày"), missing=None,
                                  widget=deform.widget.DateInputWidget())
    agency = colander.SchemaNode(colander.String(), title=_("Cơ quan chủ trì"), missing=None,
                                 description=_("Để trống: tất cả cơ quan được giao nhiệm vụ."),
                                 widget=_select("agency_choices", _("— Tất cả cơ quan —")))
    as_of = colander.SchemaNode(colander.Date(), title=_("Ngày chốt số liệu"), default=_today,
                                validator=_not_in_future, widget=deform.widget.DateInputWidget(),
                                description=_("Số liệu được tính đúng như tại cuối ngày này; "
                                              "chạy lại báo cáo cho cùng ngày cho cùng kết quả."))
    format = colander.SchemaNode(colander.String(), title=_("Định dạng"), default="html",
                                 validator=colander.OneOf([code for code, _label in FORMAT_CHOICES]),
                                 widget=deform.widget.RadioChoiceWidget(values=FORMAT_CHOICES))
    dl = colander.SchemaNode(colander.String(), missing=None, widget=deform.widget.HiddenWidget(),
                             validator=colander.Regex(r"^[A-Za-z0-9]{1,32}$"))

    def validator(self, node, value):
        if value.get("date_from") and value.get("date_to") and value["date_from"] > value["date_to"]:
            error = colander.Invalid(node)
            error["date_to"] = _("Khoảng thời gian kết thúc trước khi bắt đầu.")
            raise error


def query_from(values: dict) -> dict[str, str]:
    """The form's values as the report URL's query parameters (see ``params``)."""
    names = {"directive": "directive", "issuer": "issuer", "type": "type", "signer": "signer",
             "date_from": "from", "date_to": "to", "agency": "agency", "as_of": "as_of", "format": "format", "dl": "dl"}
    out = {}
    for field, param in names.items():
        value = values.get(field)
        if value in (None, "", colander.null):
            continue
        out[param] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return out
