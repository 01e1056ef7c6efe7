"""JSON API of directives (token auth). The same services as the pages; errors are
``{"error": ..., "fields": {...}}`` with 400, 403, 404 or 409, never a 500 for bad input."""

from __future__ import annotations

import functools

import colander
from pyramid.view import view_config
from sqlalchemy import select

from ..security import API, DRAFT_DIRECTIVE, READ_ALL, SIGN_DIRECTIVE
from .. import attachments
from . import external, queries, services
from .errors import DirectiveError
from .guard import DirectiveImmutable
from .models import FINAL_STATUSES, DirectiveType
from .openapi import openapi_document
from .payload import directive_json, directive_summary_json, draft_from_json, invalid_fields
from .presentation import register_filter
from .resources import READ_DIRECTIVE


def _error(request, status: int, message: str, fields: dict | None = None) -> dict:
    request.response.status = status
    return {"error": message, "fields": fields or {}}


def _body(request) -> dict:
    if not request.body:
        return {}
    try:
        body = request.json_body
    except ValueError:
        raise DirectiveError("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise DirectiveError("expected a JSON object")
    return body


def api_errors(view):
    """Map domain errors to JSON: DirectiveError by its status, DirectiveImmutable to 409."""

    @functools.wraps(view)
    def wrapper(request):
        try:
            return view(request)
        except DirectiveError as error:
            return _error(request, error.status, request.localizer.translate(error.message), error.fields)
        except DirectiveImmutable as error:
            return _error(request, 409, str(error))

    return wrapper


def _full(request, directive) -> dict:
    tasks = queries.tasks_of(request.dbsession, directive) if directive.status in FINAL_STATUSES else None
    return directive_json(directive, tasks)


@view_config(route_name="api_openapi", request_method="GET", renderer="json", permission=API)
def api_openapi(request):
    return openapi_document(request)


@view_config(route_name="api_directive_types", request_method="GET", renderer="json", permission=API)
def api_directive_types(request):
    types = request.dbsession.scalars(select(DirectiveType).order_by(DirectiveType.id))
    return [{"code": t.code, "name": t.name, "abbreviation": t.abbreviation, "register": t.register_name,
             "active": t.active} for t in types]


@view_config(route_name="api_directives", request_method="GET", renderer="json", permission=READ_ALL)
@api_errors
def api_register(request):
    wanted, problems = register_filter(request.GET)
    if problems:
        return _error(request, 400, "invalid query parameters", {name: "invalid" for name in problems})
    try:
        page = queries.register(request.dbsession, wanted)
    except queries.BadCursor:
        return _error(request, 400, "invalid cursor", {"cursor": "not a cursor of this register"})
    return {"items": [directive_summary_json(d) for d in page.items], "next_cursor": page.next_cursor,
            "prev_cursor": page.prev_cursor}


@view_config(route_name="api_directives", request_method="POST", renderer="json", permission=DRAFT_DIRECTIVE)
@api_errors
def api_create(request):
    draft = draft_from_json(_body(request))
    directive = services.create_draft(request.dbsession, draft, request.identity)
    request.response.status = 201
    request.response.location = request.route_url("api_directive", id=directive.id)
    return _full(request, directive)


@view_config(route_name="api_directive", request_method="GET", renderer="json", permission=READ_DIRECTIVE)
def api_get(request):
    return _full(request, request.context.directive)


@view_config(route_name="api_directive", request_method="PUT", renderer="json", permission=DRAFT_DIRECTIVE)
@api_errors
def api_update(request):
    directive = services.update_draft(request.dbsession, request.context.directive, draft_from_json(_body(request)),
                                      request.identity)
    return _full(request, directive)


@view_config(route_name="api_directive_submit", request_method="POST", renderer="json", permission=DRAFT_DIRECTIVE)
@api_errors
def api_submit(request):
    return _full(request, services.submit_directive(request.dbsession, request.context.directive, request.identity))


@view_config(route_name="api_directive_issue", request_method="POST", renderer="json", permission=SIGN_DIRECTIVE)
@api_errors
def api_issue(request):
    signer = _body(request).get("signer") or {}
    if not isinstance(signer, dict):
        return _error(request, 400, "invalid signer", {"signer": "an object with name and capacity"})
    name, capacity = signer.get("name"), signer.get("capacity")
    if not all(value is None or isinstance(value, str) for value in (name, capacity)):
        return _error(request, 400, "invalid signer", {"signer": "name and capacity are strings"})
    issued = services.issue_directive(request.dbsession, request.context.directive, request.identity,
                                      signer_name=name, signer_capacity=capacity)
    return _full(request, issued.directive)


def _reason(request, key: str) -> str:
    value = _body(request).get(key)
    if value is not None and not isinstance(value, str):
        raise DirectiveError("invalid input", {key: "a string"})
    return value or ""


@view_config(route_name="api_directive_return", request_method="POST", renderer="json", permission=SIGN_DIRECTIVE)
@api_errors
def api_return(request):
    directive = services.return_directive(request.dbsession, request.context.directive, request.identity,
                                          _reason(request, "comment"))
    return _full(request, directive)


@view_config(route_name="api_directive_withdraw", request_method="POST", renderer="json", permission=SIGN_DIRECTIVE)
@api_errors
def api_withdraw(request):
    directive = request.context.directive
    services.withdraw_directive(request.dbsession, directive, request.identity, _reason(request, "reason"))
    return _full(request, directive)


@view_config(route_name="api_directive_attachments", request_method="POST", renderer="json",
             permission=DRAFT_DIRECTIVE)
@api_errors
def api_attach(request):
    upload = request.POST.get("file")
    if upload is None or not hasattr(upload, "file"):
        return _error(request, 400, "send the file as multipart/form-data field 'file'", {"file": "required"})
    attachment = services.add_attachment(
        request.dbsession, request.registry.settings["attachments.dir"], request.context.directive, upload.filename,
        upload.file.read(attachments.MAX_BYTES + 1), request.identity,
    )
    request.response.status = 201
    return {"id": attachment.id, "filename": attachment.filename, "media_type": attachment.media_type,
            "size": attachment.size, "sha256": attachment.sha256}


class ExternalJson(colander.MappingSchema):
    type = colander.SchemaNode(colander.String())
    number = colander.SchemaNode(colander.String())
    date = colander.SchemaNode(colander.Date())
    issuer = colander.SchemaNode(colander.String())
    subject = colander.SchemaNode(colander.String())
    summary = colander.SchemaNode(colander.String(), missing="")
    received_on = colander.SchemaNode(colander.Date(), missing=None)


@view_config(route_name="api_external_documents", request_method="GET", renderer="json", permission=READ_ALL)
def api_external_list(request):
    return [external.external_json(d) for d in external.external_documents(request.dbsession)]


@view_config(route_name="api_external_documents", request_method="POST", renderer="json",
             permission=DRAFT_DIRECTIVE)
@api_errors
def api_external_create(request):
    try:
        values = ExternalJson().deserialize(_body(request))
    except colander.Invalid as error:
        return _error(request, 400, "invalid external document", invalid_fields(error))
    document = external.register_external_document(
        request.dbsession,
        {"doc_type": values["type"], "number": values["number"], "issued_on": values["date"],
         "issuer": values["issuer"], "subject": values["subject"], "summary": values["summary"],
         "received_on": values["received_on"]},
        request.identity,
    )
    request.response.status = 201
    return external.external_json(document)


@view_config(route_name="api_external_document", request_method="GET", renderer="json", permission=READ_DIRECTIVE)
def api_external_get(request):
    return external.external_json(request.context.document)
