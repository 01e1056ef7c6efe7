"""JSON API of tasks: the inbox, a task with its history, and every lifecycle action.

A write carries the ``version`` it was based on (409 when stale). An officer of an agency the task
does not concern gets 403 with no task data, whether or not the task exists.
"""

from __future__ import annotations

import base64
import binascii

import colander
from pyramid.view import view_config

from .. import attachments as storage
from ..organizations.services import agency_by_code
from ..security import API
from . import services
from .actions import perform
from .errors import InvalidInput, NotAllowed, StaleVersion
from .forms import ACTION_FORMS, SubtasksSchema
from .inbox import BadCursor, inbox_page, status_counts
from .serialize import detail_json, task_json
from .views import parse_filters

# URL segment → form key in ACTION_FORMS
API_ACTIONS = {
    "acknowledge": "acknowledge", "progress": "progress", "complete": "complete", "accept": "accept",
    "return": "return", "extension": "extension", "escalate": "escalate", "subtasks": "delegate",
    "comments": "comment", "cancel": "cancel",
}


def _error(request, status: int, error: str, fields: dict | None = None, **extra):
    request.response.status = status
    return {"error": error, "fields": {k: request.translate(v) for k, v in (fields or {}).items()}, **extra}


def _forbidden(request):
    return _error(request, 403, "forbidden")


def _task(request):
    try:
        return services.task_for(request.dbsession, int(request.matchdict["id"]), request.identity)
    except NotAllowed:
        return None


@view_config(route_name="api_tasks", request_method="GET", renderer="json", permission=API)
def api_tasks(request):
    user = request.identity
    fields: dict[str, str] = {}
    code = request.GET.get("agency")
    agency = agency_by_code(request.dbsession, code) if code else user.agency
    if agency is None:
        return _error(request, 400, "invalid", {"agency": "unknown agency"})
    if agency.id != user.agency_id and not user.has_role("clerk", "leader", "admin"):
        return _forbidden(request)
    filters = parse_filters(request.GET, fields)
    limit = request.GET.get("limit", "50")
    if not limit.isdigit() or not 1 <= int(limit) <= 200:
        fields["limit"] = "1..200"
    if fields:
        return _error(request, 400, "invalid", fields)
    try:
        page = inbox_page(request.dbsession, agency.id, filters, after=request.GET.get("after"), limit=int(limit))
    except BadCursor:
        return _error(request, 400, "invalid", {"after": "bad cursor"})
    return {
        "agency": agency.code,
        "role": filters.role,
        "counts": status_counts(request.dbsession, agency.id, filters.role),
        "tasks": [task_json(t) for t in page.tasks],
        "next": page.next_cursor,
    }


@view_config(route_name="api_task", request_method="GET", renderer="json", permission=API)
def api_task(request):
    task = _task(request)
    if task is None:
        return _forbidden(request)
    return detail_json(services.detail(request.dbsession, task, request.identity))


def _schema(form_key: str, task):
    """The form's schema for JSON: no CSRF token (a bearer request has no session), no upload node."""
    schema = (SubtasksSchema if form_key == "delegate" else ACTION_FORMS[form_key][1])()
    for name in ("csrf_token", "attachment"):
        if name in schema:
            del schema[name]
    return schema.bind(request=None, targets=task.directive_task.targets if task.directive_task else (),
                       occurrence_choices=[], agency_choices=[])


def _files(request, body) -> list:
    out = []
    for i, item in enumerate(body.get("attachments") or []):
        try:
            data = base64.b64decode(item.get("content_base64", ""), validate=True)
        except (binascii.Error, AttributeError, TypeError):
            raise InvalidInput({f"attachments.{i}": "content_base64 is not base64"}) from None
        try:
            out.append(storage.store(request.registry.settings["attachments.dir"], data,
                                     str(item.get("filename") or ""), storage.REPORT_FILES))
        except storage.AttachmentRejected as rejected:
            raise InvalidInput({f"attachments.{i}": str(rejected)}) from None
    return out


def _write(request, form_key: str, extra: dict | None = None, decision: str | None = None):
    task = _task(request)
    if task is None:
        return _forbidden(request)
    try:
        body = request.json_body
    except ValueError:
        return _error(request, 400, "invalid", {"body": "not JSON"})
    if not isinstance(body, dict):
        return _error(request, 400, "invalid", {"body": "a JSON object is expected"})
    body = {**body, **(extra or {})}
    targets = body.pop("target_values", None) or {}
    if not isinstance(targets, dict):
        return _error(request, 400, "invalid", {"target_values": "an object {target_id: value} is expected"})
    for key, value in targets.items():
        body[f"target_{key}"] = value
    try:
        values = _schema(form_key, task).deserialize({k: v for k, v in body.items() if k != "attachments"})
    except colander.Invalid as invalid:
        return _error(request, 400, "invalid", invalid.asdict())
    try:
        files = _files(request, body)
        result = perform(request.dbsession, task, request.identity, form_key, values,
                         completion_reporters=services.completion_reporters(request.registry.settings),
                         attachments=files, decision=decision)
    except InvalidInput as bad:
        return _error(request, 400, "invalid", bad.fields)
    except StaleVersion as conflict:
        if conflict.current < 0:
            request.tm.doom()  # lost a race at flush time: nothing of this request is kept
        return _error(request, 409, "conflict", {"version": "Nhiệm vụ đã thay đổi; tải lại và thử lại."},
                      version=conflict.current if conflict.current >= 0 else None)
    except NotAllowed as refused:
        return _forbidden(request) if not refused.visible else _error(request, 403, "forbidden", {"action": refused.message})
    out = {"task": task_json(task)}
    if hasattr(result, "id") and result is not task:
        out["id"] = result.id
    if isinstance(result, list):
        out["subtasks"] = [task_json(t) for t in result]
    return out


@view_config(route_name="api_task_action", request_method="POST", renderer="json", permission=API)
def api_task_action(request):
    return _write(request, API_ACTIONS[request.matchdict["action"]])


@view_config(route_name="api_extension_decision", request_method="POST", renderer="json", permission=API)
def api_extension_decision(request):
    return _write(request, "extension_decision", {"extension_id": request.matchdict["eid"]}, decision=request.matchdict["decision"])


@view_config(route_name="api_escalation_decision", request_method="POST", renderer="json", permission=API)
def api_escalation_decision(request):
    return _write(request, "escalation_decision", {"escalation_id": request.matchdict["sid"]})
