"""The OpenAPI 3.1 document of the JSON API, served at ``/api/v1/openapi.json``.

tests/directives/test_openapi.py keeps it true: every API route and method is described, the draft
schema lists exactly the fields ``payload.DraftJson`` reads, and real responses carry the fields
the document promises. Other domains add their paths with ``add_api_paths(config, paths, schemas)``.
"""

from __future__ import annotations

import copy

from .deadlines import KINDS
from .models import DIRECTIVE_STATUSES, URGENCIES

REGISTRY_KEY = "openapi.contributions"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(item: dict) -> dict:
    return {"type": "array", "items": item}


STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
ID = {"type": "integer"}

SCHEMAS = {
    "Error": {
        "type": "object", "required": ["error", "fields"],
        "properties": {"error": STRING, "fields": {"type": "object", "additionalProperties": STRING}},
    },
    "Deadline": {
        "type": "object", "required": ["kind"],
        "description": "date: {date}; month: {month: YYYY-MM} (due the last day); recurring: {rrule, start, end?} "
                       "(RFC 5545 RRULE, FREQ=YEARLY|MONTHLY|WEEKLY); ongoing: {report?: {rrule, start, end?}}. "
                       "text: the deadline as written, optional.",
        "properties": {
            "kind": {"type": "string", "enum": list(KINDS)},
            "date": DATE, "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
            "rrule": STRING, "start": DATE, "end": NULLABLE_DATE,
            "report": {"type": "object", "properties": {"rrule": STRING, "start": DATE, "end": NULLABLE_DATE}},
            "text": STRING,
        },
    },
    "TaskDeadline": {
        "allOf": [_ref("Deadline"), {"type": "object", "properties": {"in_force": NULLABLE_DATE,
                                                                       "original": NULLABLE_DATE}}],
    },
    "RecipientInput": {
        "description": "An agency or group code, or free text (\"Lưu: VT\"); or explicitly {code} / {text}.",
        "oneOf": [STRING, {"type": "object", "properties": {"code": STRING}, "required": ["code"]},
                  {"type": "object", "properties": {"text": STRING}, "required": ["text"]}],
    },
    "Recipient": {
        "type": "object",
        "properties": {"code": STRING, "name": STRING, "text": STRING},
    },
    "Reference": {
        "type": "object", "required": ["number"],
        "properties": {"number": STRING, "type": NULLABLE_STRING, "date": NULLABLE_DATE, "issuer": NULLABLE_STRING,
                       "title": NULLABLE_STRING, "external_document": {"type": ["integer", "null"]}},
    },
    "Target": {
        "type": "object", "required": ["indicator", "value"],
        "properties": {"indicator": STRING, "unit": STRING, "value": {"type": "number"}, "by": NULLABLE_DATE},
    },
    "TaskInput": {
        "type": "object", "required": ["content", "lead"],
        "properties": {
            "paragraph": STRING, "content": STRING,
            "lead": {"type": "string", "description": "agency or group code; a group gives one task per member"},
            "coordinating": _array(STRING), "report_to": NULLABLE_STRING, "deadline": _ref("Deadline"),
            "targets": _array(_ref("Target")),
            "forwards": {"type": ["integer", "null"], "description": "id of the incoming document handed down"},
        },
    },
    "AmendmentInput": {
        "type": "object", "required": ["written_task", "deadline"],
        "properties": {"written_task": ID, "deadline": _ref("Deadline")},
    },
    "DraftInput": {
        "type": "object", "required": ["type", "subject"],
        "properties": {
            "type": {"type": "string", "description": "code from GET /api/v1/directive-types"},
            "issuer": NULLABLE_STRING, "symbol": NULLABLE_STRING, "place": NULLABLE_STRING,
            "urgency": {"type": "string", "enum": list(URGENCIES)},
            "subject": STRING, "body": STRING,
            "signer": {"type": "object", "properties": {"name": NULLABLE_STRING, "capacity": NULLABLE_STRING}},
            "addressees": _array(_ref("RecipientInput")), "copy_to": _array(_ref("RecipientInput")),
            "references": _array(_ref("Reference")), "tasks": _array(_ref("TaskInput")),
            "amends": {"type": ["integer", "null"], "description": "id of the issued directive this one amends"},
            "amendments": _array(_ref("AmendmentInput")),
        },
    },
    "WrittenTask": {
        "type": "object",
        "required": ["id", "paragraph", "content", "lead", "coordinating", "report_to", "deadline", "targets",
                     "forwards"],
        "properties": {
            "id": ID, "paragraph": STRING, "content": STRING, "lead": STRING, "coordinating": _array(STRING),
            "report_to": NULLABLE_STRING, "deadline": _ref("Deadline"), "targets": _array(_ref("Target")),
            "forwards": {"type": ["integer", "null"]},
        },
    },
    "Task": {
        "type": "object",
        "description": "Before issuing, the written tasks with status null; after, one per lead agency.",
        "required": ["id", "lead", "coordinating", "deadline", "status"],
        "properties": {
            "id": ID, "written_task": ID, "paragraph": STRING, "content": STRING, "lead": STRING,
            "coordinating": _array(STRING), "report_to": NULLABLE_STRING, "deadline": _ref("TaskDeadline"),
            "status": NULLABLE_STRING,
        },
    },
    "DirectiveSummary": {
        "type": "object", "required": ["id", "status", "type", "issuer", "number", "date", "subject", "signer"],
        "properties": {
            "id": ID, "status": {"type": "string", "enum": list(DIRECTIVE_STATUSES)}, "type": STRING,
            "issuer": STRING, "number": {"type": ["string", "null"], "description": "e.g. 1324/UBND-KGVX"},
            "date": NULLABLE_DATE, "subject": STRING,
            "signer": {"type": "object", "properties": {"name": NULLABLE_STRING, "capacity": NULLABLE_STRING}},
        },
    },
    "Directive": {
        "allOf": [_ref("DirectiveSummary"), {
            "type": "object",
            "required": ["register", "symbol", "place", "urgency", "body", "addressees", "copy_to", "references",
                         "attachments", "amends", "amendments", "written_tasks", "tasks"],
            "properties": {
                "register": STRING, "symbol": STRING, "place": STRING, "urgency": STRING, "body": STRING,
                "addressees": _array(_ref("Recipient")), "copy_to": _array(_ref("Recipient")),
                "references": _array(_ref("Reference")), "attachments": _array(_ref("Attachment")),
                "amends": {"type": ["integer", "null"]},
                "amendments": _array({"type": "object", "properties": {
                    "written_task": ID, "deadline": _ref("Deadline"), "applied": {"type": "boolean"}}}),
                "return_comment": NULLABLE_STRING, "withdrawal_reason": NULLABLE_STRING,
                "written_tasks": _array(_ref("WrittenTask")), "tasks": _array(_ref("Task")),
            },
        }],
    },
    "RegisterPage": {
        "type": "object", "required": ["items", "next_cursor", "prev_cursor"],
        "properties": {"items": _array(_ref("DirectiveSummary")), "next_cursor": NULLABLE_STRING,
                       "prev_cursor": NULLABLE_STRING},
    },
    "Attachment": {
        "type": "object", "required": ["id", "filename", "size", "sha256"],
        "properties": {"id": ID, "filename": STRING, "media_type": STRING, "size": ID, "sha256": STRING},
    },
    "DirectiveType": {
        "type": "object", "required": ["code", "name"],
        "properties": {"code": STRING, "name": STRING, "abbreviation": STRING, "register": STRING,
                       "active": {"type": "boolean"}},
    },
    "ExternalDocumentInput": {
        "type": "object", "required": ["type", "number", "date", "issuer", "subject"],
        "properties": {"type": STRING, "number": STRING, "date": DATE, "issuer": STRING, "subject": STRING,
                       "summary": STRING, "received_on": NULLABLE_DATE},
    },
    "ExternalDocument": {
        "type": "object", "required": ["id", "type", "number", "date", "issuer", "subject"],
        "properties": {"id": ID, "type": STRING, "number": STRING, "date": DATE, "issuer": STRING,
                       "subject": STRING, "summary": STRING, "received_on": NULLABLE_DATE,
                       "attachments": _array(_ref("Attachment"))},
    },
    "Agency": {
        "type": "object", "required": ["code", "name"],
        "properties": {"code": STRING, "name": STRING, "short_name": NULLABLE_STRING, "kind": STRING,
                       "parent": NULLABLE_STRING, "email": NULLABLE_STRING, "aliases": _array(STRING),
                       "active": {"type": "boolean"}},
    },
    "Group": {
        "type": "object", "required": ["code", "name", "members"],
        "properties": {"code": STRING, "name": STRING, "aliases": _array(STRING), "active": {"type": "boolean"},
                       "members": _array(STRING)},
    },
}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    words = {400: "bad input", 401: "no or bad token", 403: "not permitted", 404: "not found",
             409: "not in a state that allows it"}
    return {str(code): {"description": words[code], **_json(_ref("Error"))} for code in codes}


def _op(summary: str, ok: dict, *errors: int, body: dict | None = None, status: str = "200", params=None) -> dict:
    operation = {"summary": summary, "responses": {status: {"description": "OK", **_json(ok)}, **_errors(401, *errors)}}
    if body is not None:
        operation["requestBody"] = {"required": False, **body}
    if params:
        operation["parameters"] = params
    return operation


ID_PARAM = [{"name": "id", "in": "path", "required": True, "schema": ID}]
REGISTER_PARAMS = [
    {"name": name, "in": "query", "required": False, "schema": schema, "description": description}
    for name, schema, description in (
        ("q", STRING, "accent-insensitive phrase over number, subject and body"),
        ("type", STRING, "directive type code"), ("issuer", STRING, "agency code"),
        ("status", {"type": "string", "enum": list(DIRECTIVE_STATUSES)}, ""), ("signer", STRING, "signer's name"),
        ("from", DATE, "document date from"), ("to", DATE, "document date to"),
        ("sort", {"type": "string", "enum": ["newest", "oldest"]}, ""),
        ("cursor", STRING, "next_cursor or prev_cursor of a previous page"),
        ("limit", {"type": "integer", "minimum": 1, "maximum": 200}, "default 25"),
    )
]
REASON = {"type": "object", "properties": {"reason": STRING}}

PATHS = {
    "/api/v1/openapi.json": {"get": _op("This document", {"type": "object"})},
    "/api/v1/agencies": {"get": _op("Agencies of the province", _array(_ref("Agency")))},
    "/api/v1/groups": {"get": _op("Groups of agencies", _array(_ref("Group")))},
    "/api/v1/directive-types": {"get": _op("Document types", _array(_ref("DirectiveType")))},
    "/api/v1/directives": {
        "get": _op("The register: filter, sort, keyset pagination", _ref("RegisterPage"), 400, 403,
                   params=REGISTER_PARAMS),
        "post": _op("Create a draft with its tasks", _ref("Directive"), 400, 403, status="201",
                    body=_json(_ref("DraftInput"))),
    },
    "/api/v1/directives/{id}": {
        "get": _op("A directive with its tasks", _ref("Directive"), 404, params=ID_PARAM),
        "put": _op("Replace the content of a draft", _ref("Directive"), 400, 403, 404, 409, params=ID_PARAM,
                   body=_json(_ref("DraftInput"))),
    },
    "/api/v1/directives/{id}/submit": {
        "post": _op("Submit for signature", _ref("Directive"), 400, 403, 404, 409, params=ID_PARAM)},
    "/api/v1/directives/{id}/issue": {
        "post": _op("Sign and issue (leader): number, tasks, notifications", _ref("Directive"), 400, 403, 404, 409,
                    params=ID_PARAM, body=_json({"type": "object", "properties": {"signer": {
                        "type": "object", "properties": {"name": STRING, "capacity": STRING}}}}))},
    "/api/v1/directives/{id}/return": {
        "post": _op("Return to the clerk with a comment (leader)", _ref("Directive"), 400, 403, 404, 409,
                    params=ID_PARAM, body=_json({"type": "object", "properties": {"comment": STRING}}))},
    "/api/v1/directives/{id}/withdraw": {
        "post": _op("Withdraw (thu hồi) with a reason; open tasks are cancelled (leader)", _ref("Directive"),
                    400, 403, 404, 409, params=ID_PARAM, body=_json(REASON))},
    "/api/v1/directives/{id}/attachments": {
        "post": _op("Attach a PDF, DOC/DOCX or XLS/XLSX (≤ 20 MB) to a draft", _ref("Attachment"), 400, 403, 404,
                    409, status="201", params=ID_PARAM,
                    body={"content": {"multipart/form-data": {"schema": {
                        "type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}})},
    "/api/v1/external-documents": {
        "get": _op("Incoming documents", _array(_ref("ExternalDocument")), 403),
        "post": _op("Register an incoming document", _ref("ExternalDocument"), 400, 403, 409, status="201",
                    body=_json(_ref("ExternalDocumentInput"))),
    },
    "/api/v1/external-documents/{id}": {
        "get": _op("An incoming document", _ref("ExternalDocument"), 404, params=ID_PARAM)},
}


def add_api_paths(config, paths: dict, schemas: dict | None = None) -> None:
    """Let another domain describe its API routes in the same document."""
    contributions = config.registry.setdefault(REGISTRY_KEY, {"paths": {}, "schemas": {}})
    contributions["paths"].update(paths)
    contributions["schemas"].update(schemas or {})


def openapi_document(request) -> dict:
    contributions = request.registry.get(REGISTRY_KEY, {"paths": {}, "schemas": {}})
    return {
        "openapi": "3.1.0",
        "info": {"title": "coordination", "version": "1",
                 "description": "Directives and the tasks they assign. Authenticate with "
                                "'Authorization: Bearer <token>' (coordination create-token)."},
        "servers": [{"url": request.application_url}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {**copy.deepcopy(SCHEMAS), **contributions["schemas"]},
        },
        "security": [{"bearer": []}],
        "paths": {**copy.deepcopy(PATHS), **contributions["paths"]},
    }
