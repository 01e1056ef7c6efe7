"""Pages of incoming documents and the cover directive that hands one down (seed 002)."""

from __future__ import annotations

import deform
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from ..forms import make_form
from ..paths import template
from ..security import DRAFT_DIRECTIVE, READ_ALL
from .. import attachments
from . import external, services
from .drafting import Directory, default_issuer, default_place, issuers
from .errors import DirectiveError, DraftInvalid
from .forms import AttachmentSchema, ExternalDocumentSchema, ForwardSchema, choices
from .presentation import STATUS_LABELS, describe_fields
from .resources import READ_DIRECTIVE
from .views import file_response


@view_config(route_name="external_documents", renderer=template("directives/external_list.pt"), permission=READ_ALL)
def list_view(request):
    return {"page_title": request.translate("Văn bản đến cần chuyển giao"),
            "documents": external.external_documents(request.dbsession)}


@view_config(route_name="external_document_new", renderer=template("form.pt"), permission=DRAFT_DIRECTIVE)
def new_view(request):
    form = make_form(request, ExternalDocumentSchema())
    title = request.translate("Vào sổ văn bản đến")
    if request.method == "POST":
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            return {"form": failure.render(), "page_title": title}
        try:
            document = external.register_external_document(request.dbsession, appstruct, request.identity)
        except DirectiveError as error:
            return {"form": form.render(appstruct), "page_title": title,
                    "intro": request.translate(error.message)}
        request.session.flash(request.translate("Đã vào sổ văn bản đến."), "success")
        return HTTPSeeOther(location=request.route_url("external_document_page", id=document.id))
    return {"form": form.render(), "page_title": title}


@view_config(route_name="external_document_page", renderer=template("directives/external_page.pt"),
             permission=READ_DIRECTIVE)
def page_view(request):
    document = request.context.document
    return {
        "page_title": f"{document.doc_type} {document.number}",
        "document": document,
        "reference_line": external.reference_line(document),
        "covers": external.cover_directives(request.dbsession, document) if request.has_permission(READ_ALL) else [],
        "status_labels": STATUS_LABELS,
        "can_draft": request.has_permission(DRAFT_DIRECTIVE),
        "upload_form": AttachmentSchema().bind(request=request),
    }


@view_config(route_name="external_document_forward", renderer=template("form.pt"), permission=DRAFT_DIRECTIVE)
def forward_view(request):
    """Start the cover directive: choose lead and coordinating agencies; the draft opens for the rest."""
    document = request.context.document
    dbsession = request.dbsession
    schema = ForwardSchema().bind(request=request, **choices(Directory(dbsession), issuers(dbsession), []))
    form = deform.Form(schema, buttons=(deform.Button(name="forward", title=request.translate("Tạo văn bản chuyển giao"),
                                                      css_class="btn-primary"),), formid="forward")
    title = request.translate("Chuyển giao ${number}", mapping={"number": document.number})
    intro = external.reference_line(document)
    if request.method == "POST":
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            return {"form": failure.render(), "page_title": title, "intro": intro}
        draft = external.cover_draft(document, appstruct["lead"], list(appstruct["coordinating"]))
        issuer = default_issuer(dbsession)
        draft.update(issuer=issuer.code if issuer else None, place=default_place(issuer), urgency="thuong")
        try:
            directive = services.create_draft(dbsession, draft, request.identity)
        except DirectiveError as error:
            details = describe_fields(request, error.fields)
            return {"form": form.render(appstruct), "page_title": title,
                    "intro": request.translate(error.message) + " " + "; ".join(details)}
        request.session.flash(request.translate("Đã tạo dự thảo văn bản chuyển giao; hãy hoàn thiện và trình ký."),
                              "success")
        return HTTPSeeOther(location=request.route_url("directive_edit", id=directive.id))
    return {"form": form.render(), "page_title": title, "intro": intro}


@view_config(route_name="external_attachment_add", request_method="POST", permission=DRAFT_DIRECTIVE)
def attachment_add_view(request):
    document = request.context.document
    upload = request.POST.get("upload")
    try:
        if upload is None or not hasattr(upload, "file"):
            raise DraftInvalid(request.translate("Chọn tệp cần đính kèm."), {"file": "required"})
        services.add_attachment(request.dbsession, request.registry.settings["attachments.dir"], document,
                                upload.filename, upload.file.read(attachments.MAX_BYTES + 1), request.identity)
    except DirectiveError as error:
        request.session.flash(request.translate(error.message), "error")
    else:
        request.session.flash(request.translate("Đã đính kèm tệp."), "success")
    return HTTPSeeOther(location=request.route_url("external_document_page", id=document.id))


@view_config(route_name="external_attachment", permission=READ_DIRECTIVE)
def attachment_view(request):
    return file_response(request, request.context.attachment)
