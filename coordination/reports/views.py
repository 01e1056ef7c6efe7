"""Report pages: the report form, the report on screen or as a file, the dashboard, the tasks behind
a figure, and stored reports downloaded exactly as stored.

Who sees what (``scope.viewer_for``): the issuing office every scope; an agency head or officer only
their agency's (its tasks and the subtasks it delegated). Asking for another agency answers 403
without looking anything up.
"""

from __future__ import annotations

import logging
import re

import deform
from pyramid.httpexceptions import (
    HTTPBadRequest,
    HTTPForbidden,
    HTTPInternalServerError,
    HTTPNotFound,
    HTTPSeeOther,
)
from pyramid.renderers import render_to_response
from pyramid.response import Response
from pyramid.view import view_config

from .. import clock
from ..i18n import _
from ..paths import template
from ..security import READ_ALL
from ..tasks.labels import STATUS_LABELS, TIMELINESS_LABELS
from . import charts, choices, params, service, tasklist, words
from .dashboard import dashboard as dashboard_figures
from .docx import target_value
from .forms import ReportForm, query_from
from .links import Links
from .model import TIMELINESS
from .pdf import ConversionError
from .resources import READ_REPORTS
from .scope import NoReportAccess, Viewer, viewer_for
from .storage import StoredReportCorrupt, StoredReportNotFound, open_stored

log = logging.getLogger(__name__)

DOWNLOAD_COOKIE = "report_ready"
CHART_WIDTH = 600
OVERDUE_ON_SCREEN = 200  # the page lists the most overdue; the files and the task list have them all  # the dashboard shows its two charts side by side on a wide screen
_TOKEN = re.compile(r"^[A-Za-z0-9]{1,32}$")


def _viewer(request) -> Viewer:
    try:
        return viewer_for(request.identity)
    except NoReportAccess:
        raise HTTPForbidden() from None


def _labels(request) -> dict:
    # the task pages' words (translated), so a class reads the same in the inbox and in reports
    return {
        "timeliness_labels": {k: request.translate(v) for k, v in TIMELINESS_LABELS.items()},
        "status_labels": {k: request.translate(v) for k, v in STATUS_LABELS.items()},
        "timeliness_codes": TIMELINESS,
        "percent": words.percent,
        "decimal": words.decimal,
        "target_value": target_value,
    }


# -- the form --------------------------------------------------------------------------------------


def _form(request, viewer: Viewer) -> deform.Form:
    schema = ReportForm()
    if not viewer.all_agencies:
        del schema["agency"]
    schema = schema.bind(request=request, **choices.form_choices(request.dbsession, viewer))
    button = deform.Button("submit", request.translate(_("Lập báo cáo")), css_class="btn-primary")
    return deform.Form(schema, action=request.route_url("reports"), buttons=[button], formid="report-form")


def _form_page(request, viewer: Viewer, rendered: str, *, errors: dict | None = None) -> dict:
    return {
        "page_title": request.translate(_("Báo cáo tổng hợp tình hình thực hiện nhiệm vụ")),
        "form": rendered,
        "errors": {k: request.translate(v) for k, v in (errors or {}).items()},
        "stored": choices.stored_reports(request.dbsession) if viewer.all_agencies else [],
        "agency": None if viewer.all_agencies else viewer.user.agency,
    }


@view_config(route_name="reports", request_method="GET", renderer=template("reports/form.pt"), permission=READ_REPORTS)
def report_form(request):
    viewer = _viewer(request)
    return _form_page(request, viewer, _form(request, viewer).render())


@view_config(route_name="reports", request_method="POST", renderer=template("reports/form.pt"), permission=READ_REPORTS)
def report_form_submit(request):
    """Validate the form, then show or download the report at its own URL (bookmarkable, and the
    same URL the API answers)."""
    viewer = _viewer(request)
    form = _form(request, viewer)
    try:
        values = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        request.response.status = 400
        return _form_page(request, viewer, failure.render())
    return HTTPSeeOther(location=request.route_url("report_consolidated", _query=query_from(values)))


# -- the report ------------------------------------------------------------------------------------


def _parse(request, viewer: Viewer, **kw) -> params.ReportRequest:
    try:
        return params.parse(request.dbsession, viewer, request.GET, **kw)
    except params.NotYours:
        raise HTTPForbidden() from None


def _unavailable(request, message: str):
    return render_to_response(template("error.pt"), {
        "page_title": request.translate(_("Chưa tạo được tệp báo cáo")), "message": message}, request=request,
        response=Response(status=503))


@view_config(route_name="report_consolidated", request_method="GET", permission=READ_REPORTS)
def report_consolidated(request):
    """The report on screen (``format=html``) or as a download (docx, pdf, xlsx, csv, json)."""
    viewer = _viewer(request)
    try:
        rr = _parse(request, viewer)
    except params.BadRequest as bad:
        response = render_to_response(template("reports/form.pt"), _form_page(
            request, viewer, _form(request, viewer).render(), errors=bad.fields), request=request)
        response.status = 400
        return response
    if rr.format == "html":
        report = service.consolidated(request.dbsession, request.registry.settings, viewer, rr)
        links = Links(request, viewer, scope_query=rr.query, as_of=rr.as_of, today=clock.today())
        return render_to_response(template("reports/report.pt"), {
            "page_title": request.translate(_("Báo cáo tổng hợp")), "report": report, "rr": rr, "links": links,
            "overdue_shown": OVERDUE_ON_SCREEN,
            "chart": charts.timeliness_by_agency(report.agencies, links.segment, title=request.translate(
                _("Tình hình thực hiện nhiệm vụ theo cơ quan"))) if report.agencies else None,
            **_labels(request)}, request=request)
    try:
        response = service.export(request.dbsession, request.registry.settings, viewer, rr)
    except ConversionError as exc:
        log.error("PDF conversion failed: %s", exc)
        return _unavailable(request, request.translate(_(
            "Không tạo được tệp PDF (LibreOffice không chuyển đổi được). Hãy tải bản DOCX hoặc thử lại sau.")))
    token = request.GET.get("dl") or ""
    if _TOKEN.match(token):
        # tells the waiting form page (static/js/reports.js) that the file has arrived
        response.set_cookie(DOWNLOAD_COOKIE, token, max_age=120, path="/", samesite="Strict")
    return response


# -- the tasks behind a figure ---------------------------------------------------------------------


@view_config(route_name="report_tasks", request_method="GET", renderer=template("reports/tasks.pt"),
             permission=READ_REPORTS)
def report_tasks(request):
    viewer = _viewer(request)
    try:
        rr = _parse(request, viewer)
    except params.BadRequest as bad:
        raise HTTPBadRequest(detail="; ".join(request.translate(m) for m in bad.fields.values())) from None
    filters, errors = tasklist.parse_filters(request.dbsession, request.GET)
    try:
        page = tasklist.page(request.dbsession, rr.scope, rr.as_of, filters, after=request.GET.get("after"))
    except tasklist.BadCursor:
        page = tasklist.page(request.dbsession, rr.scope, rr.as_of, filters)
    query = {k: v for k, v in request.GET.items() if k != "after"}
    return {
        "page_title": request.translate(_("Danh sách nhiệm vụ")), "page": page, "rr": rr,
        "filter_errors": {k: request.translate(v) for k, v in errors.items()},
        "next_url": request.route_url("report_tasks", _query=[*query.items(), ("after", page.next_cursor)])
        if page.next_cursor else None,
        "links": Links(request, viewer, scope_query=rr.query, as_of=rr.as_of, today=clock.today()),
        "today": clock.today(), **_labels(request),
    }


# -- the dashboard ---------------------------------------------------------------------------------


@view_config(route_name="dashboard", request_method="GET", renderer=template("reports/dashboard.pt"),
             permission=READ_REPORTS)
def dashboard(request):
    viewer = _viewer(request)
    scope = params.parse(request.dbsession, viewer, {}).scope  # everything the viewer may see, today
    board = dashboard_figures(request.dbsession, scope, request.registry.settings)
    links = Links(request, viewer, scope_query={"agency": viewer.user.agency.code} if not viewer.all_agencies else {},
                  today=board.today)
    return {
        "page_title": request.translate(_("Bảng điều hành")), "d": board, "links": links, "viewer": viewer,
        "bars": charts.timeliness_by_agency(board.chart_agencies, links.segment, width=CHART_WIDTH, title=request.translate(
            _("Tình hình thực hiện nhiệm vụ theo cơ quan"))),
        "trend": charts.monthly_trend(board.trend, links.trend, width=CHART_WIDTH, title=request.translate(
            _("Nhiệm vụ hoàn thành và quá hạn theo tháng"))),
        **_labels(request),
    }


# -- stored reports --------------------------------------------------------------------------------


@view_config(route_name="report_stored_file", request_method="GET", permission=READ_ALL)
def stored_file(request):
    """The stored DOCX/XLSX/PDF, byte for byte, with its SHA-256 as the ETag."""
    report_id = int(request.matchdict["id"])
    try:
        stored = open_stored(request.dbsession, report_id, request.matchdict["format"], request.registry.settings)
    except StoredReportNotFound:
        raise HTTPNotFound() from None
    except StoredReportCorrupt as exc:
        log.error("%s", exc)
        raise HTTPInternalServerError(
            detail=request.translate("Tệp báo cáo đã lưu bị thiếu hoặc bị thay đổi; đề nghị liên hệ quản trị hệ thống.")
        ) from None
    response = Response(body=stored.data, content_type=stored.content_type)
    response.content_disposition = f'attachment; filename="{stored.filename}"'
    response.etag = stored.sha256
    response.headers["X-Content-SHA256"] = stored.sha256
    response.cache_control = "private, max-age=0, must-revalidate"
    response.conditional_response = True
    return response
