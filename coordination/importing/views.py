"""Pages of the directive import: paste or upload a text, review the proposal in the directive form
beside the source with what was recognised marked, save a draft. Nothing is stored before the
clerk saves, and saving makes a draft: numbering and issuing stay with the leader."""

from __future__ import annotations

import colander
import deform
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from ..directives.presentation import describe_fields
from ..directives.views import after_save, directive_form, save_directive_form
from ..i18n import _
from ..paths import template
from ..security import DRAFT_DIRECTIVE
from .forms import MAX_TEXT_CHARS, ImportedDirectiveSchema, ImportSchema
from .review import Review, review_directive
from .sources import MAX_UPLOAD_BYTES, UnreadableDocument, extract_text

REVIEW_TEMPLATE = template("importing/review.pt")


def _import_form(request) -> deform.Form:
    schema = ImportSchema().bind(request=request)
    button = deform.Button(name="read", title=request.translate(_("Đọc văn bản")), css_class="btn-primary")
    return deform.Form(schema, buttons=(button,), formid="import")


def _review_form(request) -> deform.Form:
    """The directive form of /directives/new, with the import's hidden fields, saving a draft only."""
    form = directive_form(request, ImportedDirectiveSchema)
    form.buttons = [button for button in form.buttons if button.name == "save"]
    form.action = request.route_url("directive_import_save")
    return form


def submitted_text(appstruct: dict) -> str:
    """The uploaded file's text if a file was chosen, else the pasted text; UnreadableDocument if
    the file cannot be read (its message says why)."""
    upload = appstruct.get("upload")
    if upload:
        data = upload["fp"].read(MAX_UPLOAD_BYTES + 1)
        text = extract_text(data, upload.get("filename") or "")
        if not text.strip():
            raise UnreadableDocument(_("Tệp không có chữ nào để đọc."))
        if len(text) > MAX_TEXT_CHARS:
            raise UnreadableDocument(_("Văn bản quá dài để nhập (hơn 2 triệu ký tự)."))
        return text
    return appstruct["text"]


def _with_error(form: deform.Form, appstruct: dict, name: str, message: str) -> str:
    """The form again with ``message`` under field ``name`` (the file is not kept: choose it again)."""
    error = colander.Invalid(form.schema)
    error[name] = message
    form.widget.handle_error(form, error)
    return form.render({k: v for k, v in appstruct.items() if k != "upload" and v is not None})


def review_page(request, review: Review, rendered_form: str, error=None, fields=None) -> dict:
    tasks = len(review.parsed.tasks)
    return {
        "page_title": request.translate(_("Kiểm tra văn bản nhập")),
        "form": rendered_form,
        "review": review,
        "number": review.parsed.number,
        "task_count": tasks,
        "summary": request.translate(_("Đã đọc văn bản: nhận ra ${count} nhiệm vụ.", mapping={"count": tasks})),
        "error": error,
        "error_fields": describe_fields(request, fields or {}),
    }


@view_config(route_name="directive_import", renderer=template("importing/upload.pt"), permission=DRAFT_DIRECTIVE)
def import_view(request):
    form = _import_form(request)
    page = {"page_title": request.translate(_("Nhập văn bản chỉ đạo từ văn bản có sẵn")),
            "new_url": request.route_url("directive_new"), "error": None}
    if request.method != "POST":
        return {**page, "form": form.render()}
    try:
        appstruct = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        return {**page, "form": failure.render()}
    try:
        text = submitted_text(appstruct)
    except UnreadableDocument as error:
        message = request.translate(error.args[0])
        return {**page, "form": _with_error(form, appstruct, "upload", message), "error": message}
    review = review_directive(request.dbsession, text, request.translate)
    request.override_renderer = REVIEW_TEMPLATE
    return review_page(request, review, _review_form(request).render(review.values))


@view_config(route_name="directive_import_save", request_method="POST", renderer=REVIEW_TEMPLATE,
             permission=DRAFT_DIRECTIVE)
def save_view(request):
    form = _review_form(request)
    directive, rendered, error, fields = save_directive_form(request, form)
    if directive is not None:
        return after_save(request, directive)
    # the same review again (the source travels in the form), with the clerk's values and the errors
    review = review_directive(request.dbsession, request.POST.get("source", ""), request.translate)
    return review_page(request, review, rendered, error, fields)


@view_config(route_name="directive_import_save", request_method="GET", permission=DRAFT_DIRECTIVE)
def save_get_view(request):
    return HTTPSeeOther(location=request.route_url("directive_import"))
