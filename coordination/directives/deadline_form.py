"""The deadline part of the directive form: one kind chosen, the fields of that kind filled in.

``deadline_from_form`` and ``deadline_to_form`` convert between these fields and ``Deadline``; the
form offers yearly / quarterly / monthly recurrences with a day (and month), or a raw RRULE.
"""

from __future__ import annotations

import colander
import deform

from ..clock import today
from ..forms import Text
from ..i18n import _
from . import deadlines as dl
from .deadlines import Deadline, DeadlineError

KIND_LABELS = {
    dl.DATE: _("Ngày cụ thể"), dl.MONTH: _("Trong tháng"), dl.RECURRING: _("Định kỳ"),
    dl.ONGOING: _("Thường xuyên"),
}
RECURRENCE_LABELS = {
    dl.YEARLY: _("Hằng năm"), dl.QUARTERLY: _("Hằng quý (tháng cuối quý)"), dl.MONTHLY: _("Hằng tháng"),
    dl.CUSTOM: _("Quy tắc RRULE tự nhập"),
}


def deadline_from_form(values: dict) -> Deadline:
    """Build the Deadline from the deadline fields; DeadlineError keyed by field name if incomplete."""
    kind = values.get("kind") or dl.ONGOING
    text = values.get("text")
    if kind == dl.DATE:
        if not values.get("date"):
            raise DeadlineError({"date": _("Nhập ngày hết hạn.")})
        return Deadline(kind=dl.DATE, date=values["date"], text=text)
    if kind == dl.MONTH:
        try:
            year, month = dl.parse_month(values.get("month") or "")
        except ValueError:
            raise DeadlineError({"month": _("Nhập tháng dạng MM/YYYY, ví dụ 08/2022.")}) from None
        return Deadline(kind=dl.MONTH, date=dl.last_day_of_month(year, month), text=text)
    recurrence = values.get("recurrence")
    if kind == dl.ONGOING and not recurrence:
        return Deadline(kind=dl.ONGOING, text=text)
    if not recurrence:
        raise DeadlineError({"recurrence": _("Chọn chu kỳ.")})
    day, month = values.get("day"), values.get("month_of_year")
    if recurrence in (dl.YEARLY, dl.QUARTERLY, dl.MONTHLY) and not day:
        raise DeadlineError({"day": _("Nhập ngày trong tháng.")})
    if recurrence == dl.YEARLY and not month:
        raise DeadlineError({"month_of_year": _("Nhập tháng.")})
    try:
        rule = dl.build_rrule(recurrence, day, month, values.get("rrule"))
    except ValueError:
        raise DeadlineError({"rrule": _("Quy tắc RRULE không hợp lệ (FREQ=YEARLY, MONTHLY hoặc WEEKLY).")}) from None
    periodic = Deadline.recurring(rule, values.get("start") or today(), values.get("end"), text)
    if kind == dl.ONGOING:
        return Deadline(kind=dl.ONGOING, rrule=periodic.rrule, start=periodic.start, end=periodic.end, text=text)
    return periodic


def deadline_to_form(deadline: Deadline) -> dict:
    values: dict = {"kind": deadline.kind}
    if deadline.kind == dl.DATE:
        values["date"] = deadline.date
    elif deadline.kind == dl.MONTH:
        values["month"] = f"{deadline.date.year:04d}-{deadline.date.month:02d}"
    if deadline.rrule:
        parts = dl.split_rrule(deadline.rrule)
        values.update(
            recurrence=parts["recurrence"], day=parts.get("day"), month_of_year=parts.get("month"),
            rrule=parts.get("custom"), start=deadline.start, end=deadline.end,
        )
    if deadline.text:
        values["text"] = deadline.text
    return {k: v for k, v in values.items() if v is not None}


def deadline_validator(node, value):
    try:
        deadline_from_form(value)
    except DeadlineError as error:
        invalid = colander.Invalid(node, _("Thời hạn chưa hợp lệ."))
        for key, message in error.fields.items():
            invalid[key if key in ("date", "month", "recurrence", "day", "month_of_year", "rrule", "start", "end")
                    else "kind"] = message
        raise invalid from None


def _item(css: str):
    return {"item_css_class": f"deadline-part {css}"}


class DeadlineSchema(colander.MappingSchema):
    kind = colander.SchemaNode(
        colander.String(), title=_("Loại thời hạn"), default=dl.ONGOING,
        widget=deform.widget.SelectWidget(values=list(KIND_LABELS.items()), css_class="deadline-kind"),
        validator=colander.OneOf(dl.KINDS),
    )
    date = colander.SchemaNode(colander.Date(), title=_("Hạn (ngày)"), missing=None,
                               widget=deform.widget.DateInputWidget(**_item("for-date")))
    month = colander.SchemaNode(
        Text(), title=_("Tháng (MM/YYYY)"), missing=None,
        widget=deform.widget.TextInputWidget(attributes={"type": "month", "placeholder": "08/2022"},
                                             **_item("for-month")),
    )
    recurrence = colander.SchemaNode(
        colander.String(), title=_("Chu kỳ (định kỳ; với việc thường xuyên: chu kỳ báo cáo, nếu có)"),
        missing=None,
        widget=deform.widget.SelectWidget(values=[("", "—")] + list(RECURRENCE_LABELS.items()),
                                          **_item("for-recurring for-ongoing")),
        validator=colander.OneOf(list(RECURRENCE_LABELS)),
    )
    day = colander.SchemaNode(colander.Int(), title=_("Ngày trong tháng"), missing=None,
                              validator=colander.Range(1, 31), widget=deform.widget.TextInputWidget(
                                  attributes={"type": "number", "min": "1", "max": "31"},
                                  **_item("for-recurring for-ongoing")))
    month_of_year = colander.SchemaNode(colander.Int(), title=_("Tháng trong năm (hằng năm)"), missing=None,
                                        validator=colander.Range(1, 12), widget=deform.widget.TextInputWidget(
                                            attributes={"type": "number", "min": "1", "max": "12"},
                                            **_item("for-recurring for-ongoing")))
    rrule = colander.SchemaNode(Text(), title=_("RRULE (tự nhập)"), missing=None,
                                widget=deform.widget.TextInputWidget(**_item("for-recurring for-ongoing")))
    start = colander.SchemaNode(colander.Date(), title=_("Từ ngày"), missing=None,
                                widget=deform.widget.DateInputWidget(**_item("for-recurring for-ongoing")))
    end = colander.SchemaNode(colander.Date(), title=_("Đến ngày"), missing=None,
                              widget=deform.widget.DateInputWidget(**_item("for-recurring for-ongoing")))
    text = colander.SchemaNode(Text(), title=_("Thời hạn như ghi trong văn bản (không bắt buộc)"), missing=None,
                               validator=colander.Length(max=300))
