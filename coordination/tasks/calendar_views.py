"""The deadlines feed (token in the query string) and the page where a user makes and revokes tokens."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config

from ..i18n import _
from ..paths import template
from ..security import VIEW
from . import calendar


@view_config(route_name="agency_deadlines_ics", request_method="GET", permission=NO_PERMISSION_REQUIRED)
def deadlines_ics(request):
    # the token is the credential: no session, and a refusal says nothing about the agency
    agency = calendar.reader(request.dbsession, request.matchdict["code"], request.GET.get("token"))
    if agency is None:
        # answered here, not by the forbidden view, which would send a calendar program to the login form
        return Response(status=403, body=b"forbidden\n", content_type="text/plain")
    body = calendar.feed(request.dbsession, agency, base_url=request.application_url, host=request.host.split(":")[0])
    response = Response(body=body, content_type="text/calendar", charset="utf-8")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@view_config(route_name="task_calendar", renderer=template("tasks/calendar.pt"), permission=VIEW)
def calendar_page(request):
    user = request.identity
    new_url = None
    if request.method == "POST":
        if "revoke" in request.POST:
            value = request.POST.get("token_id", "")
            if value.isdigit() and calendar.revoke(request.dbsession, user, int(value)):
                request.session.flash(request.translate(_("Đã thu hồi đường dẫn lịch.")), "success")
            return HTTPSeeOther(location=request.route_url("task_calendar"))
        token = calendar.new_token(request.dbsession, user)
        new_url = request.route_url("agency_deadlines_ics", code=user.agency.code, _query={"token": token})
    return {
        "page_title": request.translate(_("Lịch hạn nhiệm vụ (iCalendar)")),
        "tokens": calendar.tokens_of(request.dbsession, user),
        "new_url": new_url,
    }
