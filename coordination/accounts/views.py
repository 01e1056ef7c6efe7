"""Login, logout, password change, the user's own sessions and the users admin pages."""

from __future__ import annotations

import deform
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.security import NO_PERMISSION_REQUIRED, forget, remember
from pyramid.view import view_config
from sqlalchemy import select

from ..dates import format_datetime
from ..forms import make_form
from ..organizations.models import Agency
from ..paths import template
from ..security import ADMINISTER, VIEW, current_session, session_rules
from . import services
from . import sessions as user_sessions
from .forms import ROLE_LABELS, LoginSchema, PasswordChangeSchema, UserSchema
from .models import User, UserSession


def _safe_came_from(request, value: str | None) -> str:
    # only local paths: never an open redirect to another site
    if value and value.startswith("/") and not value.startswith("//"):
        return request.application_url + value
    return request.route_url("home")


@view_config(route_name="login", renderer=template("accounts/login.pt"), permission=NO_PERMISSION_REQUIRED)
def login(request):
    form = make_form(request, LoginSchema(), buttons=("sign_in",))
    error = None
    if request.method == "POST":
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            return {"form": failure.render(), "error": None, "page_title": request.translate("Đăng nhập")}
        policy = services.ThrottlePolicy.from_settings(request.registry.settings)
        try:
            user = services.authenticate(
                request.dbsession, appstruct["login"], appstruct["password"], request.client_addr, policy
            )
        except services.LoginLocked as locked:
            user = None
            error = request.translate(
                "Tài khoản tạm khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau ${time}.",
                mapping={"time": format_datetime(locked.until)},
            )
        if user is not None:
            headers = remember(request, user.id)
            return HTTPSeeOther(location=_safe_came_from(request, appstruct["came_from"]), headers=headers)
        if error is None:
            error = request.translate("Tên đăng nhập hoặc mật khẩu không đúng.")
        appstruct = {"login": appstruct["login"], "came_from": appstruct["came_from"]}
        return {"form": form.render(appstruct), "error": error, "page_title": request.translate("Đăng nhập")}
    if request.identity is not None:
        return HTTPSeeOther(location=request.route_url("home"))
    return {
        "form": form.render({"came_from": request.params.get("came_from", "")}),
        "error": None,
        "page_title": request.translate("Đăng nhập"),
    }


@view_config(route_name="logout", request_method="POST", permission=NO_PERMISSION_REQUIRED)
def logout(request):
    # ends this browser's session only; the user's other browsers stay signed in
    headers = forget(request)
    request.session.flash(request.translate("Bạn đã đăng xuất."), "success")
    return HTTPSeeOther(location=request.route_url("login"), headers=headers)


@view_config(route_name="account_password", renderer=template("form.pt"), permission=VIEW)
def change_password(request):
    user = request.identity
    form = make_form(request, PasswordChangeSchema().bind(request=request, user=user))
    title = request.translate("Đổi mật khẩu")
    if request.method == "POST":
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            return {"form": failure.render(), "page_title": title}
        services.change_password(user, appstruct["new_password"])
        # every session of the user has just ended, this one too: start a fresh one for this browser
        headers = remember(request, user.id)
        request.session.flash(request.translate("Đã đổi mật khẩu. Các phiên đăng nhập khác đã bị đóng."), "success")
        return HTTPSeeOther(location=request.route_url("home"), headers=headers)
    return {"form": form.render(), "page_title": title}


@view_config(route_name="account_sessions", renderer=template("accounts/sessions.pt"), permission=VIEW,
             request_method="GET")
def my_sessions(request):
    current = current_session(request)
    return {
        "sessions": user_sessions.live_sessions(request.dbsession, request.identity, session_rules(request)),
        "current_id": current.id if current is not None else None,
        "describe": user_sessions.describe_user_agent,
        "page_title": request.translate("Phiên đăng nhập"),
    }


@view_config(route_name="account_session_end", request_method="POST", permission=VIEW)
def end_my_session(request):
    user = request.identity
    row = request.dbsession.get(UserSession, int(request.matchdict["id"]))
    if row is None or row.user_id != user.id:
        raise HTTPNotFound()
    current = current_session(request)
    if current is not None and row.id == current.id:
        # ending the session in use is logging out
        headers = forget(request)
        request.session.flash(request.translate("Bạn đã đăng xuất."), "success")
        return HTTPSeeOther(location=request.route_url("login"), headers=headers)
    user_sessions.end(row, user_sessions.ENDED_BY_USER)
    request.session.flash(request.translate("Đã kết thúc phiên đăng nhập."), "success")
    return HTTPSeeOther(location=request.route_url("account_sessions"))


@view_config(route_name="account_sessions_end_others", request_method="POST", permission=VIEW)
def end_my_other_sessions(request):
    current = current_session(request)
    if current is None:  # a token client has no browser session to keep
        raise HTTPNotFound()
    count = user_sessions.end_all(request.dbsession, request.identity, user_sessions.ENDED_BY_USER, keep=current)
    request.session.flash(request.translate("Đã kết thúc ${count} phiên khác.", mapping={"count": count}), "success")
    return HTTPSeeOther(location=request.route_url("account_sessions"))


# -- administration -----------------------------------------------------------


@view_config(route_name="admin_user_sessions_end", request_method="POST", permission=ADMINISTER)
def admin_end_sessions(request):
    user = request.dbsession.get(User, int(request.matchdict["id"]))
    if user is None:
        raise HTTPNotFound()
    count = services.end_sessions(user, user_sessions.ADMIN)
    request.session.flash(
        request.translate("Đã kết thúc ${count} phiên đăng nhập của ${login}.", mapping={"count": count, "login": user.login}),
        "success",
    )
    return HTTPSeeOther(location=request.route_url("admin_users"))


@view_config(route_name="admin_users", renderer=template("admin/users.pt"), permission=ADMINISTER)
def users_list(request):
    users = request.dbsession.scalars(select(User).join(User.agency).order_by(Agency.name, User.full_name)).all()
    return {
        "users": users,
        "role_labels": ROLE_LABELS,
        "open_sessions": user_sessions.live_counts(request.dbsession, session_rules(request)),
        "page_title": request.translate("Người dùng"),
    }


def _user_form(request, user: User | None):
    agencies = request.dbsession.scalars(select(Agency).where(Agency.active).order_by(Agency.name)).all()
    taken = set(request.dbsession.scalars(select(User.login)).all())
    if user is not None:
        taken.discard(user.login)
    schema = UserSchema().bind(
        request=request, agency_choices=[(a.id, a.name) for a in agencies], taken_logins=taken
    )
    return make_form(request, schema)


@view_config(route_name="admin_user_new", renderer=template("form.pt"), permission=ADMINISTER)
@view_config(route_name="admin_user_edit", renderer=template("form.pt"), permission=ADMINISTER)
def user_edit(request):
    user = None
    if "id" in request.matchdict:
        user = request.dbsession.get(User, int(request.matchdict["id"]))
        if user is None:
            raise HTTPNotFound()
    form = _user_form(request, user)
    title = request.translate("Sửa người dùng") if user else request.translate("Thêm người dùng")
    if request.method == "POST":
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            return {"form": failure.render(), "page_title": title}
        agency = request.dbsession.get(Agency, appstruct["agency_id"])
        if user is None:
            user = services.create_user(
                request.dbsession,
                login=appstruct["login"],
                full_name=appstruct["full_name"],
                email=appstruct["email"],
                agency=agency,
                roles=appstruct["roles"],
                password=appstruct["password"],
                language=appstruct["language"],
            )
            user.active = appstruct["active"]
        else:
            services.update_user(user, appstruct, agency)
        request.session.flash(request.translate("Đã lưu người dùng ${login}.", mapping={"login": user.login}), "success")
        return HTTPSeeOther(location=request.route_url("admin_users"))
    if user is None:
        return {"form": form.render(), "page_title": title}
    appstruct = {
        "login": user.login,
        "full_name": user.full_name,
        "email": user.email,
        "agency_id": user.agency_id,
        "roles": user.roles,
        "language": user.language,
        "active": user.active,
    }
    return {"form": form.render(appstruct), "page_title": title}
