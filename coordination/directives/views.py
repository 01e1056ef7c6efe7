"""Pages of directives: the register, the form, the document page and the leader's actions."""

from __future__ import annotations

import deform
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.interfaces import IRoutesMapper
from pyramid.response import FileResponse
from pyramid.view import view_config
from sqlalchemy import select

from ..dates import long_date
from ..paths import template
from ..security import DRAFT_DIRECTIVE, READ_ALL, SIGN_DIRECTIVE
from .. import attachments
from . import queries, services
from .drafting import Directory, default_issuer, default_place, issuers
from .errors import DirectiveError, DraftInvalid, WrongState
from .forms import (
    URGENCY_LABELS,
    AmendingDirectiveSchema,
    DirectiveSchema,
    ReasonSchema,
    SignSchema,
    appstruct_from_json,
    choices,
    draft_from_appstruct,
)
from .guard import DirectiveImmutable
from .models import ISSUED, SUBMITTED, DirectiveType
from .payload import directive_json
from .presentation import (
    HISTORY_LABELS,
    STATUS_LABELS,
    TASK_STATUS_CLASSES,
    TASK_STATUS_LABELS,
    body_paragraphs,
    deadline_words,
    group_by_written_task,
    describe_fields,
    issuer_lines,
    register_filter,
)
from .resources import READ_DIRECTIVE

FORM_ID = "directive"


def _directive_form(request, schema_class=DirectiveSchema, written_tasks=()) -> deform.Form:
    dbsession = request.dbsession
    types = list(dbsession.scalars(select(DirectiveType).where(DirectiveType.active.is_(True)).order_by(DirectiveType.id)))
    schema = schema_class().bind(request=request, **choices(Directory(dbsession), issuers(dbsession), types,
                                                            written_tasks))
    buttons = (
        deform.Button(name="save", title=request.translate("Lưu dự thảo"), css_class="btn-primary"),
        deform.Button(name="submit", title=request.translate("Lưu và trình ký")),
    )
    return deform.Form(schema, buttons=buttons, formid=FORM_ID)


def _form_page(request, form, rendered, title, error=None, fields=None):
    return {"form": rendered, "page_title": title, "error": error,
            "error_fields": describe_fields(request, fields or {})}


def _save(request, form, directive=None, amends=None):
    """Validate and save (and maybe submit) in a savepoint: on any error nothing stays stored."""
    try:
        appstruct = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        return None, failure.render(), None, None
    draft = draft_from_appstruct(appstruct, amends=amends)
    actor = request.identity
    dbsession = request.dbsession
    savepoint = dbsession.begin_nested()
    try:
        if directive is None:
            directive = services.create_draft(dbsession, draft, actor)
        else:
            if appstruct.get("version") is not None and appstruct["version"] != directive.version:
                raise WrongState(request.translate(
                    "Văn bản vừa được người khác sửa. Hãy mở lại văn bản để xem bản mới nhất."))
            directive = services.update_draft(dbsession, directive, draft, actor)
        if "submit" in request.POST:
            services.submit_directive(dbsession, directive, actor)
        savepoint.commit()
    except (DirectiveError, DirectiveImmutable) as error:
        savepoint.rollback()
        message = request.translate(error.message) if isinstance(error, DirectiveError) else str(error)
        return None, form.render(appstruct), message, getattr(error, "fields", {})
    return directive, None, None, None


def _after_save(request, directive):
    if directive.status == SUBMITTED:
        request.session.flash(request.translate("Đã trình ký văn bản."), "success")
    else:
        request.session.flash(request.translate("Đã lưu dự thảo."), "success")
    return HTTPSeeOther(location=request.route_url("directive_page", id=directive.id))


@view_config(route_name="directive_register", renderer=template("directives/register.pt"), permission=READ_ALL)
def register_view(request):
    wanted, problems = register_filter(request.GET)
    try:
        page = queries.register(request.dbsession, wanted)
    except queries.BadCursor:
        wanted.cursor = None
        page = queries.register(request.dbsession, wanted)
    dbsession = request.dbsession
    return {
        "page_title": request.translate("Sổ văn bản chỉ đạo"),
        "page": page,
        "wanted": wanted,
        "problems": problems,
        "types": list(dbsession.scalars(select(DirectiveType).order_by(DirectiveType.id))),
        "issuers": issuers(dbsession),
        "signers": queries.signers(dbsession),
        "status_labels": STATUS_LABELS,
        "query_without_cursor": {k: v for k, v in request.GET.items() if k != "cursor" and v},
    }


@view_config(route_name="directive_awaiting_signature", renderer=template("directives/awaiting.pt"),
             permission=SIGN_DIRECTIVE)
def awaiting_view(request):
    return {"page_title": request.translate("Văn bản chờ ký"),
            "directives": queries.awaiting_signature(request.dbsession)}


@view_config(route_name="directive_new", renderer=template("directives/form.pt"), permission=DRAFT_DIRECTIVE)
def new_view(request):
    form = _directive_form(request)
    title = request.translate("Soạn văn bản chỉ đạo")
    if request.method == "POST":
        directive, rendered, error, fields = _save(request, form)
        if directive is None:
            return _form_page(request, form, rendered, title, error, fields)
        return _after_save(request, directive)
    issuer = default_issuer(request.dbsession)
    initial = {"type": "cong-van", "urgency": "thuong"}
    if issuer is not None:
        initial.update(issuer=issuer.code, place=default_place(issuer))
    return {**_form_page(request, form, form.render(initial), title),
            "import_url": request.route_url("directive_import")}


@view_config(route_name="directive_edit", renderer=template("directives/form.pt"), permission=DRAFT_DIRECTIVE)
def edit_view(request):
    directive = request.context.directive
    if not directive.editable:
        request.session.flash(request.translate("Văn bản đã trình ký hoặc đã ban hành, không thể sửa."), "error")
        return HTTPSeeOther(location=request.route_url("directive_page", id=directive.id))
    amended = directive.amends
    schema = AmendingDirectiveSchema if amended is not None else DirectiveSchema
    form = _directive_form(request, schema, amended.tasks if amended is not None else ())
    title = request.translate("Sửa dự thảo")
    if request.method == "POST":
        saved, rendered, error, fields = _save(request, form, directive, amends=directive.amends_id)
        if saved is None:
            return _form_page(request, form, rendered, title, error, fields)
        return _after_save(request, saved)
    values = appstruct_from_json({**directive_json(directive, None), "version": directive.version})
    return _form_page(request, form, form.render(values), title)


@view_config(route_name="directive_amend", renderer=template("directives/form.pt"), permission=DRAFT_DIRECTIVE)
def amend_view(request):
    amended = request.context.directive
    if amended.status != ISSUED:
        request.session.flash(request.translate("Chỉ sửa đổi, bổ sung được văn bản đã ban hành."), "error")
        return HTTPSeeOther(location=request.route_url("directive_page", id=amended.id))
    form = _directive_form(request, AmendingDirectiveSchema, amended.tasks)
    title = request.translate("Văn bản sửa đổi, bổ sung văn bản số ${number}",
                              mapping={"number": amended.number_symbol})
    if request.method == "POST":
        directive, rendered, error, fields = _save(request, form, amends=amended.id)
        if directive is None:
            return _form_page(request, form, rendered, title, error, fields)
        return _after_save(request, directive)
    initial = {
        "type": amended.type.code, "issuer": amended.issuer.code, "place": amended.place, "urgency": "thuong",
        "subject": f"V/v sửa đổi, bổ sung {amended.type.name} số {amended.number_symbol} "
                   f"ngày {amended.issued_on:%d/%m/%Y}",
        "references": [{"doc_type": amended.type.name, "number": amended.number_symbol, "date": amended.issued_on,
                        "issuer": amended.issuer.name, "title": amended.subject}],
    }
    return _form_page(request, form, form.render(initial), title)


def _task_page_exists(request) -> bool:
    mapper = request.registry.queryUtility(IRoutesMapper)
    return mapper is not None and mapper.get_route("task_page") is not None


@view_config(route_name="directive_page", renderer=template("directives/page.pt"), permission=READ_DIRECTIVE)
def page_view(request):
    directive = request.context.directive
    dbsession = request.dbsession
    tasks = queries.tasks_of(dbsession, directive) if directive.status in (ISSUED, "withdrawn") else []
    amendments = queries.amendments_of(dbsession, directive)
    added_tasks = [(amending, queries.tasks_of(dbsession, amending)) for amending in amendments]
    progress = queries.latest_progress(dbsession, [t.id for t in tasks] + [t.id for _a, ts in added_tasks for t in ts])
    office = request.has_permission(READ_ALL)
    return {
        "page_title": directive.number_symbol or request.translate("Dự thảo văn bản"),
        "directive": directive,
        "tasks": tasks,
        "task_groups": group_by_written_task(directive, tasks),
        "amendments": amendments,
        "added_tasks": added_tasks,
        "progress": progress,
        "history": queries.history(dbsession, directive) if office else [],
        "date_line": long_date(directive.place, directive.issued_on) if directive.issued_on else
        f"{directive.place}, ngày … tháng … năm {directive.dated_on.year}",
        "status_labels": STATUS_LABELS,
        "task_status_labels": TASK_STATUS_LABELS,
        "task_status_classes": TASK_STATUS_CLASSES,
        "urgency_labels": URGENCY_LABELS,
        "task_links": _task_page_exists(request),
        "can_draft": request.has_permission(DRAFT_DIRECTIVE),
        "can_sign": request.has_permission(SIGN_DIRECTIVE),
        "issuer_lines": issuer_lines(directive.issuer),
        "body_paragraphs": body_paragraphs(directive.body),
        "deadline_words": deadline_words,
        "history_labels": HISTORY_LABELS,
    }


def _act(request, action, success_message):
    directive = request.context.directive
    try:
        action(directive)
    except DirectiveError as error:
        message = request.translate(error.message)
        details = describe_fields(request, error.fields)
        request.session.flash(message + (" " + "; ".join(details) if details else ""), "error")
    except DirectiveImmutable as error:
        request.session.flash(str(error), "error")
    else:
        request.session.flash(request.translate(success_message), "success")
    return HTTPSeeOther(location=request.route_url("directive_page", id=directive.id))


@view_config(route_name="directive_submit", request_method="POST", permission=DRAFT_DIRECTIVE)
def submit_view(request):
    return _act(request, lambda d: services.submit_directive(request.dbsession, d, request.identity),
                "Đã trình ký văn bản.")


@view_config(route_name="directive_return", request_method="POST", permission=SIGN_DIRECTIVE)
def return_view(request):
    comment = request.POST.get("comment", "")
    return _act(request, lambda d: services.return_directive(request.dbsession, d, request.identity, comment),
                "Đã trả lại văn bản cho chuyên viên.")


@view_config(route_name="directive_delete", request_method="POST", permission=DRAFT_DIRECTIVE)
def delete_view(request):
    directive = request.context.directive
    try:
        services.delete_draft(request.dbsession, directive, request.identity)
    except DirectiveError as error:
        request.session.flash(request.translate(error.message), "error")
        return HTTPSeeOther(location=request.route_url("directive_page", id=directive.id))
    request.session.flash(request.translate("Đã xóa dự thảo."), "success")
    return HTTPSeeOther(location=request.route_url("directive_register"))


def _small_form(request, schema, button, title):
    return deform.Form(schema.bind(request=request), buttons=(deform.Button(name=button, title=title,
                                                                           css_class="btn-primary"),),
                       formid=button)


@view_config(route_name="directive_issue", renderer=template("directives/action.pt"), permission=SIGN_DIRECTIVE)
def issue_view(request):
    directive = request.context.directive
    form = _small_form(request, SignSchema(), "issue", request.translate("Ký ban hành"))
    title = request.translate("Ký ban hành văn bản")
    page = {"page_title": title, "directive": directive, "error": None}
    if request.method == "POST":
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            return {**page, "form": failure.render()}
        try:
            issued = services.issue_directive(
                request.dbsession, directive, request.identity,
                signer_name=appstruct["signer_name"], signer_capacity=appstruct["signer_capacity"],
            )
        except DirectiveError as error:
            details = describe_fields(request, error.fields)
            return {**page, "form": form.render(appstruct),
                    "error": request.translate(error.message) + (" " + "; ".join(details) if details else "")}
        request.session.flash(request.translate(
            "Đã ban hành văn bản số ${number}; đã giao ${count} nhiệm vụ.",
            mapping={"number": directive.number_symbol, "count": len(issued.task_ids)}), "success")
        return HTTPSeeOther(location=request.route_url("directive_page", id=directive.id))
    if directive.status != SUBMITTED:
        request.session.flash(request.translate("Chỉ ký ban hành được văn bản đang chờ ký."), "error")
        return HTTPSeeOther(location=request.route_url("directive_page", id=directive.id))
    values = {"signer_capacity": directive.signer_capacity or "",
              "signer_name": directive.signer_name or request.identity.full_name}
    return {**page, "form": form.render(values)}


@view_config(route_name="directive_withdraw", renderer=template("directives/action.pt"), permission=SIGN_DIRECTIVE)
def withdraw_view(request):
    directive = request.context.directive
    form = _small_form(request, ReasonSchema(), "withdraw", request.translate("Thu hồi văn bản"))
    page = {"page_title": request.translate("Thu hồi văn bản"), "directive": directive, "error": None}
    if request.method == "POST":
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            return {**page, "form": failure.render()}
        try:
            cancelled = services.withdraw_directive(request.dbsession, directive, request.identity,
                                                    appstruct["reason"])
        except DirectiveError as error:
            return {**page, "form": form.render(appstruct), "error": request.translate(error.message)}
        request.session.flash(request.translate("Đã thu hồi văn bản; đã hủy ${count} nhiệm vụ chưa hoàn thành.",
                                                mapping={"count": len(cancelled)}), "success")
        return HTTPSeeOther(location=request.route_url("directive_page", id=directive.id))
    return {**page, "form": form.render()}


@view_config(route_name="directive_attachment_add", request_method="POST", permission=DRAFT_DIRECTIVE)
def attachment_add_view(request):
    directive = request.context.directive
    upload = request.POST.get("upload")
    try:
        if upload is None or not hasattr(upload, "file"):
            raise DraftInvalid(request.translate("Chọn tệp cần đính kèm."), {"file": "required"})
        data = upload.file.read(attachments.MAX_BYTES + 1)
        services.add_attachment(request.dbsession, request.registry.settings["attachments.dir"], directive,
                                upload.filename, data, request.identity)
    except DirectiveError as error:
        request.session.flash(request.translate(error.message), "error")
    else:
        request.session.flash(request.translate("Đã đính kèm tệp."), "success")
    return HTTPSeeOther(location=request.route_url("directive_page", id=directive.id))


@view_config(route_name="directive_attachment", permission=READ_DIRECTIVE)
def attachment_view(request):
    return file_response(request, request.context.attachment)


@view_config(route_name="directive_attachment_delete", request_method="POST", permission=DRAFT_DIRECTIVE)
def attachment_delete_view(request):
    directive = request.context.directive
    try:
        services.remove_attachment(request.dbsession, request.context.attachment)
    except DirectiveError as error:
        request.session.flash(request.translate(error.message), "error")
    return HTTPSeeOther(location=request.route_url("directive_page", id=directive.id))


def file_response(request, attachment):
    from urllib.parse import quote

    path = attachments.path_for(request.registry.settings["attachments.dir"], attachment.sha256)
    if not path.is_file():
        # the row outlived its file (restored database, lost volume): say so rather than fail
        raise HTTPNotFound()
    response = FileResponse(str(path), request=request, content_type=attachment.media_type)
    ascii_name = attachment.filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(attachment.filename)}"
    )
    return response


# The import review (coordination.importing.views) shows this same form pre-filled from a text a
# clerk pasted, and saves it the same way.
directive_form = _directive_form
save_directive_form = _save
after_save = _after_save
