"""Forms of the accounts domain."""

from __future__ import annotations

import colander
import deform

from ..forms import CSRFSchema, Text
from ..i18n import _
from .models import LANGUAGES, ROLES
from .services import MIN_PASSWORD_LENGTH, check_password

ROLE_LABELS = {
    "admin": _("Quản trị hệ thống"),
    "leader": _("Lãnh đạo (ký văn bản)"),
    "clerk": _("Chuyên viên văn phòng (soạn văn bản)"),
    "agency_head": _("Lãnh đạo cơ quan"),
    "agency_officer": _("Cán bộ đầu mối của cơ quan"),
}


class LoginSchema(CSRFSchema):
    login = colander.SchemaNode(Text(), title=_("Tên đăng nhập"), widget=deform.widget.TextInputWidget(autocomplete="username"))
    password = colander.SchemaNode(
        colander.String(), title=_("Mật khẩu"), widget=deform.widget.PasswordWidget(autocomplete="current-password")
    )
    came_from = colander.SchemaNode(colander.String(), widget=deform.widget.HiddenWidget(), missing="")


def _strong_enough(node, value):
    if len(value) < MIN_PASSWORD_LENGTH:
        raise colander.Invalid(node, _("Mật khẩu phải có ít nhất ${n} ký tự.", mapping={"n": MIN_PASSWORD_LENGTH}))


@colander.deferred
def deferred_current_password_validator(node, kw):
    user = kw["user"]

    def validator(node, value):
        if not check_password(user, value):
            raise colander.Invalid(node, _("Mật khẩu hiện tại không đúng."))

    return validator


class PasswordChangeSchema(CSRFSchema):
    current_password = colander.SchemaNode(
        colander.String(),
        title=_("Mật khẩu hiện tại"),
        validator=deferred_current_password_validator,
        widget=deform.widget.PasswordWidget(autocomplete="current-password"),
    )
    new_password = colander.SchemaNode(
        colander.String(),
        title=_("Mật khẩu mới"),
        validator=_strong_enough,
        widget=deform.widget.CheckedPasswordWidget(autocomplete="new-password"),
    )


@colander.deferred
def deferred_agency_widget(node, kw):
    return deform.widget.SelectWidget(values=kw["agency_choices"])


@colander.deferred
def deferred_login_validator(node, kw):
    taken = kw["taken_logins"]

    def validator(node, value):
        if value.lower() in taken:
            raise colander.Invalid(node, _("Tên đăng nhập này đã được dùng."))
        if not all(ch.isalnum() or ch in "._-" for ch in value):
            raise colander.Invalid(node, _("Chỉ dùng chữ, số và các ký tự . _ -"))

    return validator


class UserSchema(CSRFSchema):
    login = colander.SchemaNode(Text(), title=_("Tên đăng nhập"), validator=deferred_login_validator)
    full_name = colander.SchemaNode(Text(), title=_("Họ và tên"), validator=colander.Length(max=200))
    email = colander.SchemaNode(Text(), title=_("Thư điện tử"), validator=colander.Email(), missing=None)
    agency_id = colander.SchemaNode(colander.Integer(), title=_("Cơ quan"), widget=deferred_agency_widget)
    roles = colander.SchemaNode(
        colander.Set(),
        title=_("Vai trò"),
        widget=deform.widget.CheckboxChoiceWidget(values=[(r, ROLE_LABELS[r]) for r in ROLES]),
        validator=colander.Length(min=1, min_err=_("Chọn ít nhất một vai trò.")),
    )
    language = colander.SchemaNode(
        colander.String(),
        title=_("Ngôn ngữ"),
        widget=deform.widget.SelectWidget(values=[("vi", "Tiếng Việt"), ("en", "English")]),
        validator=colander.OneOf(LANGUAGES),
        default="vi",
    )
    active = colander.SchemaNode(colander.Boolean(), title=_("Đang hoạt động"), default=True, missing=False)
    password = colander.SchemaNode(
        colander.String(),
        title=_("Mật khẩu (để trống nếu không đổi)"),
        widget=deform.widget.CheckedPasswordWidget(autocomplete="new-password"),
        validator=_strong_enough,
        missing=None,
    )
