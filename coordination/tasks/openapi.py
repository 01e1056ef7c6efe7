"""The task API's part of /api/v1/openapi.json, derived from the very schemas the API validates with."""

from __future__ import annotations

import colander

from ..directives.openapi import add_api_paths
from .forms import ACTION_FORMS, SubtasksSchema

_ERROR = {"$ref": "#/components/schemas/Error"}


def _json_schema(node: colander.SchemaNode) -> dict:
    typ = node.typ
    if isinstance(typ, colander.Mapping):
        props = {child.name: _json_schema(child) for child in node.children}
        required = [child.name for child in node.children if child.required]
        return {"type": "object", "properties": props, "required": required}
    if isinstance(typ, colander.Sequence):
        return {"type": "array", "items": _json_schema(node.children[0])}
    if isinstance(typ, colander.Int):
        return {"type": "integer"}
    if isinstance(typ, colander.Boolean):
        return {"type": "boolean"}
    if isinstance(typ, colander.Date):
        return {"type": "string", "format": "date"}
    if isinstance(typ, colander.Set):
        return {"type": "array", "items": {"type": "integer"}}
    return {"type": "string"}


def action_schema(form_key: str) -> dict:
    """The JSON body of one write action: the form's fields without the CSRF token and upload widget."""
    schema = (SubtasksSchema if form_key == "delegate" else ACTION_FORMS[form_key][1])()
    for name in ("csrf_token", "attachment"):
        if name in schema:
            del schema[name]
    body = _json_schema(schema)
    if form_key in ("progress", "complete"):
        body["properties"]["target_values"] = {
            "type": "object", "additionalProperties": {"type": "number"},
            "description": "values reached for the task's quantitative targets, by target id"}
        body["properties"]["attachments"] = {"type": "array", "items": {
            "type": "object", "required": ["filename", "content_base64"],
            "properties": {"filename": {"type": "string"}, "content_base64": {"type": "string"}}}}
    return body


def _op(summary: str, body: dict | None = None, params: list | None = None) -> dict:
    op = {
        "summary": summary,
        "responses": {
            "200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}},
            **{str(code): {"description": text, "content": {"application/json": {"schema": _ERROR}}}
               for code, text in ((400, "invalid input"), (401, "not authenticated"),
                                  (403, "not allowed (nothing is told about a task the caller cannot see)"),
                                  (409, "the task changed since the given version"))},
        },
    }
    if params:
        op["parameters"] = params
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return op


def _path_param(name: str, schema: dict) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema}


def paths() -> dict:
    from .api import API_ACTIONS

    actions = {name: action_schema(form_key) for name, form_key in API_ACTIONS.items()}
    query = [{"name": n, "in": "query", "required": False, "schema": {"type": "string"}}
             for n in ("agency", "role", "status", "timeliness", "directive", "issuer", "due_before", "due_after",
                       "overdue", "after", "limit")]
    return {
        "/api/v1/tasks": {"get": _op("An agency's tasks (lead or coordinating), keyset-paginated with `after`", params=query)},
        "/api/v1/tasks/{id}": {"get": _op("A task with its reports, extensions, escalations and history",
                                          params=[_path_param("id", {"type": "integer"})]) | {"description": (
            "`history` is the task's audit trail, oldest first. For a task made by issuing a directive its "
            "first entry, `created`, is read from the fan-out that the directive's `issued` audit event "
            "records once for all its tasks, and carries that event's `id`.")}},
        "/api/v1/tasks/{id}/{action}": {"post": _op(
            "A lifecycle action; every body carries the task `version` it was based on. "
            "The body schema of each action is in `x-action-bodies`.",
            body={"oneOf": list(actions.values())},
            params=[_path_param("id", {"type": "integer"}),
                    _path_param("action", {"type": "string", "enum": sorted(actions)})],
        ) | {"x-action-bodies": actions}},
        "/api/v1/tasks/{id}/extension/{eid}/{decision}": {"post": _op(
            "A leader of the issuer approves or refuses an extension request",
            body=action_schema("extension_decision"),
            params=[_path_param("id", {"type": "integer"}), _path_param("eid", {"type": "integer"}),
                    _path_param("decision", {"type": "string", "enum": ["approve", "refuse"]})],
        )},
        "/api/v1/tasks/{id}/escalations/{sid}/decide": {"post": _op(
            "The leadership answers an escalation, optionally assigning a new task",
            body=action_schema("escalation_decision"),
            params=[_path_param("id", {"type": "integer"}), _path_param("sid", {"type": "integer"})],
        )},
    }


def includeme(config):
    add_api_paths(config, paths())
