"""Views that belong to no domain: home, health check, error pages."""

from __future__ import annotations

from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPFound, HTTPSeeOther
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import forbidden_view_config, notfound_view_config, view_config
from sqlalchemy import text

from .navigation import navigation
from .paths import STATIC, template
from .security import VIEW


def is_api(request) -> bool:
    return request.path.startswith("/api/")


@view_config(route_name="home", renderer=template("home.pt"), permission=VIEW)
def home(request):
    return {"page_title": request.translate("Trang chủ")}


@view_config(route_name="healthz", renderer="json", permission=NO_PERMISSION_REQUIRED, require_csrf=False)
def healthz(request):
    request.dbsession.execute(text("SELECT 1"))
    return {"status": "ok"}


@view_config(route_name="set_language", request_method="POST", permission=NO_PERMISSION_REQUIRED)
def set_language(request):
    """Choose the interface language; a logged-in user's choice is saved on their account."""
    language = request.POST.get("language")
    if language not in ("vi", "en"):
        language = "vi"
    user = request.identity
    if user is not None:
        user.language = language
    came_from = request.POST.get("came_from") or request.route_url("home")
    if not came_from.startswith(request.application_url):
        came_from = request.route_url("home")
    response = HTTPSeeOther(location=came_from)
    response.set_cookie("_LOCALE_", language, max_age=365 * 24 * 3600, httponly=True, samesite="Lax")
    return response


@forbidden_view_config(renderer=template("error.pt"))
def forbidden(request):
    if is_api(request):
        request.response.status = 403 if request.identity is not None else 401
        request.override_renderer = "json"
        reason = "forbidden" if request.identity is not None else "authentication required"
        return {"error": reason, "fields": {}}
    if request.identity is None and request.method == "GET":
        return HTTPFound(location=request.route_url("login", _query={"came_from": request.path_qs}))
    request.response.status = 403
    detail = getattr(request.exception, "detail", None) or ""
    message = request.translate("Bạn không có quyền thực hiện thao tác này.")
    if "CSRF" in str(detail) or type(request.exception).__name__ == "BadCSRFToken":
        message = request.translate("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử lại.")
    return {"page_title": request.translate("Không có quyền truy cập"), "message": message}


@notfound_view_config(renderer=template("error.pt"))
def notfound(request):
    request.response.status = 404
    if is_api(request):
        request.override_renderer = "json"
        return {"error": "not found", "fields": {}}
    return {"page_title": request.translate("Không tìm thấy"), "message": request.translate("Không tìm thấy trang hoặc dữ liệu yêu cầu.")}


def add_layout_globals(event):
    request = event.get("request")
    if request is None or "nav" in event:
        return
    event["nav"] = navigation(request)
    event["current_user"] = request.identity
    event["get_csrf_token"] = lambda: get_csrf_token(request)
    event["static_path"] = lambda path: str(STATIC / path)
    event.setdefault("page_title", "")


def includeme(config):
    from pyramid.events import BeforeRender

    config.add_subscriber(add_layout_globals, BeforeRender)
    config.scan(".views")
