"""Admin pages (holidays, outbox) and a user's notification preference."""

from __future__ import annotations

import deform
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from ..clock import today
from ..forms import make_form
from ..i18n import _
from ..paths import template
from ..security import ADMINISTER, VIEW
from . import holidays, outbox, preferences
from .forms import HolidaySchema, NotificationSchema
from .models import OUTBOX_STATUSES, Holiday, OutboxMessage

STATUS_LABELS = {
    "held": _("Chờ thư tổng hợp"),
    "pending": _("Chờ gửi"),
    "sending": _("Đang gửi"),
    "sent": _("Đã gửi"),
    "failed": _("Gửi lỗi"),
    "cancelled": _("Đã hủy (không còn phù hợp)"),
    "digested": _("Đã gộp vào thư tổng hợp"),
}


def _holiday_form(request, holiday: Holiday | None):
    schema = HolidaySchema().bind(
        request=request,
        day_taken=lambda day: holidays.day_taken(request.dbsession, day, except_id=holiday.id if holiday else None),
    )
    return make_form(request, schema)


def _year(request) -> int:
    try:
        return int(request.params.get("year", ""))
    except ValueError:
        return today().year


@view_config(route_name="admin_holidays", renderer=template("reminders/holidays.pt"), permission=ADMINISTER)
def holidays_page(request):
    """The holidays of a year, and a form to add one."""
    year = _year(request)
    form = _holiday_form(request, None)
    rendered = None
    if request.method == "POST":
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            rendered = failure.render()
        else:
            holiday = holidays.save_holiday(request.dbsession, None, appstruct)
            request.session.flash(
                request.translate("Đã thêm ngày ${day}.", mapping={"day": holiday.day.strftime("%d/%m/%Y")}), "success"
            )
            return HTTPSeeOther(location=request.route_url("admin_holidays", _query={"year": holiday.day.year}))
    years = sorted(set(holidays.years_with_holidays(request.dbsession)) | {today().year, today().year + 1, year})
    return {
        "page_title": request.translate("Ngày nghỉ lễ, ngày làm bù"),
        "year": year,
        "years": years,
        "holidays": holidays.holidays_of_year(request.dbsession, year),
        "form": rendered or form.render(),
    }


def _holiday(request) -> Holiday:
    holiday = request.dbsession.get(Holiday, int(request.matchdict["id"]))
    if holiday is None:
        raise HTTPNotFound()
    return holiday


@view_config(route_name="admin_holiday_edit", renderer=template("form.pt"), permission=ADMINISTER)
def holiday_edit(request):
    holiday = _holiday(request)
    form = _holiday_form(request, holiday)
    title = request.translate("Sửa ngày nghỉ")
    if request.method == "POST":
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            return {"form": failure.render(), "page_title": title}
        holidays.save_holiday(request.dbsession, holiday, appstruct)
        request.session.flash(request.translate("Đã lưu."), "success")
        return HTTPSeeOther(location=request.route_url("admin_holidays", _query={"year": holiday.day.year}))
    return {"form": form.render({"day": holiday.day, "name": holiday.name, "working": holiday.working}), "page_title": title}


@view_config(route_name="admin_holiday_delete", request_method="POST", permission=ADMINISTER)
def holiday_delete(request):
    holiday = _holiday(request)
    year = holiday.day.year
    holidays.delete_holiday(request.dbsession, holiday)
    request.session.flash(request.translate("Đã xóa."), "success")
    return HTTPSeeOther(location=request.route_url("admin_holidays", _query={"year": year}))


@view_config(route_name="admin_outbox", renderer=template("reminders/outbox.pt"), permission=ADMINISTER)
def outbox_page(request):
    """Counts per state and the latest messages (failed first by default)."""
    status = request.params.get("status", "failed")
    statuses = [status] if status in OUTBOX_STATUSES else []
    return {
        "page_title": request.translate("Hộp thư đi"),
        "counts": outbox.counts(request.dbsession),
        "status": status if statuses else "",
        "messages": outbox.messages(request.dbsession, statuses, limit=200),
        "status_labels": STATUS_LABELS,
    }


def _message(request) -> OutboxMessage:
    message = request.dbsession.get(OutboxMessage, int(request.matchdict["id"]))
    if message is None:
        raise HTTPNotFound()
    return message


@view_config(route_name="admin_outbox_message", renderer=template("reminders/outbox_message.pt"), permission=ADMINISTER)
def outbox_message_page(request):
    message = _message(request)
    return {
        "page_title": request.translate("Thư số ${id}", mapping={"id": message.id}),
        "message": message,
        "status_labels": STATUS_LABELS,
    }


@view_config(route_name="admin_outbox_requeue", request_method="POST", permission=ADMINISTER)
def outbox_requeue(request):
    message = _message(request)
    try:
        outbox.requeue(request.dbsession, message)
    except outbox.CannotRequeue:
        request.session.flash(request.translate("Chỉ gửi lại được thư lỗi hoặc đã hủy."), "error")
    else:
        request.session.flash(request.translate("Thư sẽ được gửi lại trong lượt gửi tới."), "success")
    return HTTPSeeOther(location=request.route_url("admin_outbox_message", id=message.id))


@view_config(route_name="notification_settings", renderer=template("form.pt"), permission=VIEW)
def notification_settings(request):
    """A user chooses immediate mails or one daily digest (overdue notices always come at once)."""
    user = request.identity
    form = make_form(request, NotificationSchema())
    title = request.translate("Nhận thông báo")
    intro = request.translate(
        "Thông báo quá hạn và thông báo báo cáo lãnh đạo luôn được gửi ngay, không gộp vào thư tổng hợp."
    )
    if request.method == "POST":
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            return {"form": failure.render(), "page_title": title, "intro": intro}
        preferences.set_notification_mode(user, appstruct["notification_mode"])
        request.session.flash(request.translate("Đã lưu cách nhận thông báo."), "success")
        return HTTPSeeOther(location=request.route_url("notification_settings"))
    return {"form": form.render({"notification_mode": user.notification_mode}), "page_title": title, "intro": intro}
