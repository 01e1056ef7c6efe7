"""The agency's workspace and the task page (HTML). Every change goes through ``actions.perform``."""

from __future__ import annotations

import datetime as dt
import itertools

import colander
import deform
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config

from .. import attachments as storage
from .. import clock
from ..dates import parse_date
from ..i18n import _
from ..organizations import services as organizations
from ..paths import template
from ..routes import url_maker
from ..security import READ_ALL, VIEW, WORK_ON_TASKS
from . import delegation, lifecycle, queries, services
from .inbox import COORDINATING, LEAD, BadCursor, InboxFilters, directive_issuers, inbox_counts, inbox_page
from .inbox_lines import inbox_lines
from .actions import SUCCESS, perform
from .errors import InvalidInput, NotAllowed, StaleVersion
from .forms import ACTION_FORMS, MemoryTmpStore
from .labels import ACTION_LABELS, DEADLINE_REASONS, FIELD_LABELS, STATUS_LABELS, TIMELINESS_LABELS
from .models import COMPLETION_REPORTED, OCC_OPEN, OPEN, PENDING, TASK_STATUSES, TIMELINESS, ProgressAttachment, ProgressReport
from .review import review_queue

CONFLICT = _("Nhiệm vụ vừa được người khác cập nhật trong lúc bạn thao tác. Nội dung bạn nhập chưa được lưu: "
             "hãy xem lại thông tin mới nhất bên dưới rồi gửi lại nếu vẫn cần.")


def _load(request):
    try:
        return services.task_for(request.dbsession, int(request.matchdict["id"]), request.identity)
    except NotAllowed:
        raise HTTPNotFound() from None


def _reporters(request):
    return services.completion_reporters(request.registry.settings)


def _agency_choices(request, task, action):
    agencies = organizations.agencies(request.dbsession, active_only=True)
    if action == "delegate":
        agencies = delegation.delegation_candidates(task, agencies)
    return [(str(a.id), a.name) for a in agencies]


def _occurrence_choices(detail, action):
    wanted = OCC_OPEN if action == "complete" else COMPLETION_REPORTED
    from ..dates import format_date

    return [(str(o.id), format_date(o.due_on)) for o in detail.occurrences if o.status == wanted]


def _form(request, task, detail, action, counter, *, item_id=None):
    rule, schema_cls, label = ACTION_FORMS[action]
    schema = schema_cls().bind(
        request=request, tmpstore=MemoryTmpStore(),
        targets=(task.directive_task.targets if task.directive_task and action in ("progress", "contribute") else ()),
        occurrence_choices=_occurrence_choices(detail, action) if task.is_recurring else [],
        agency_choices=_agency_choices(request, task, action) if action in ("delegate", "escalation_decision") else [],
    )
    if action == "extension_decision":
        buttons = [deform.Button("approve", request.translate(_("Đồng ý gia hạn")), css_class="btn-primary"),
                   deform.Button("refuse", request.translate(_("Không đồng ý")))]
    else:
        buttons = [deform.Button("submit", request.translate(label), css_class="btn-primary")]
    return deform.Form(schema, action=request.route_url("task_action", id=task.id, action=action),
                       formid=f"form-{action}{'-' + str(item_id) if item_id else ''}", buttons=buttons, counter=counter)


def _initial(task, action, item_id):
    values = {"version": task.version}
    if action == "extension_decision":
        values["extension_id"] = item_id
    if action == "escalation_decision":
        values["escalation_id"] = item_id
    if action in ("progress",):
        values["percent"] = task.percent_done
    return values


def _forms(request, task, detail, *, override=None):
    """Rendered forms of the actions the user may take now, keyed ``action`` or ``action:item``."""
    allowed = lifecycle.allowed_actions(task, request.identity, completion_reporters=_reporters(request))
    if task.is_recurring:  # completion goes by occurrence
        statuses = {o.status for o in detail.occurrences}
        allowed |= lifecycle.occurrence_actions(task, request.identity, statuses, completion_reporters=_reporters(request))
    counter = itertools.count()
    out = {}
    for action, (rule, _schema, _label) in ACTION_FORMS.items():
        if rule not in allowed:
            continue
        items = [None]
        if action == "extension_decision":
            items = [e.id for e in detail.extensions if e.status == PENDING]
        elif action == "escalation_decision":
            items = [e.id for e in detail.escalations if e.status == OPEN]
        for item in items:
            key = f"{action}:{item}" if item else action
            if override and key in override:
                out[key] = override[key]
                continue
            out[key] = _form(request, task, detail, action, counter, item_id=item).render(_initial(task, action, item))
    return out


def _changes(request, event) -> list[tuple[str, str, str]]:
    """(field, before, after) of an audit event in words, for the timeline; ``before`` is "" when the
    event did not change the field (the page then shows only its value, without an arrow)."""
    from ..dates import format_date

    def word(key, value):
        if value is None or value == "":
            return "—"
        if key in ("status", "occurrence_status"):
            return request.translate(STATUS_LABELS.get(value, value))
        if isinstance(value, list):
            return ", ".join(word(key, v) for v in value)
        if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                return format_date(dt.date.fromisoformat(value))
            except ValueError:
                return value
        return str(value)

    before, after = event.before or {}, event.after or {}
    out = []
    for k in FIELD_LABELS:
        if k in after:
            out.append((request.translate(FIELD_LABELS[k]), word(k, before[k]) if k in before else "", word(k, after[k])))
        elif k in before:  # the value when it happened, unchanged by it (the deadline an extension was asked of)
            out.append((request.translate(FIELD_LABELS[k]), "", word(k, before[k])))
    return out


def _form_title(request, key, detail):
    action, _sep, item = key.partition(":")
    if action == "extension_decision":
        ext = next(e for e in detail.extensions if str(e.id) == item)
        from ..dates import format_date

        return request.translate(_("Cho ý kiến đề nghị gia hạn đến ${date}", mapping={"date": format_date(ext.proposed_deadline)}))
    if action == "escalation_decision":
        return request.translate(_("Trả lời kiến nghị"))
    return request.translate(ACTION_FORMS[action][2])


def _page(request, task, *, override=None, message=None):
    detail = services.detail(request.dbsession, task, request.identity)
    parent = task.parent
    forms = _forms(request, task, detail, override=override)
    return {
        "forms": forms,
        "form_titles": {key: _form_title(request, key, detail) for key in forms},
        "open_keys": set(override or ()) | {k for k in forms if k in ("acknowledge", "accept")},
        "page_title": request.translate(_("Nhiệm vụ")),
        "task": task,
        "d": detail,
        "parent": parent,
        "message": message,
        "status_labels": STATUS_LABELS,
        "timeliness_labels": TIMELINESS_LABELS,
        "action_labels": ACTION_LABELS,
        "deadline_reasons": DEADLINE_REASONS,
        "occurrence_timeliness": queries.occurrence_timeliness,
        "changes": lambda event: _changes(request, event),
        "current_timeliness": queries.current_timeliness,
    }


@view_config(route_name="task_page", renderer=template("tasks/task.pt"), permission=VIEW, request_method="GET")
def task_page(request):
    return _page(request, _load(request))


def _uploaded(request, appstruct) -> list:
    upload = appstruct.get("attachment")
    if not upload:
        return []
    fp = upload.get("fp")
    data = fp.read(storage.MAX_BYTES + 1) if fp is not None else b""
    directory = request.registry.settings["attachments.dir"]
    return [storage.store(directory, data, upload.get("filename"), storage.REPORT_FILES)]


def _with_errors(form, appstruct, fields: dict[str, str], request):
    """Render ``form`` with the domain's field messages in place (fields not on the form go on top)."""
    error = colander.Invalid(form.schema, "")
    loose = []
    for name, message in fields.items():
        head = name.split(".")[0]
        if head in form.schema:
            node = form.schema[head]
            error.add(colander.Invalid(node, request.translate(message)), form.schema.children.index(node))
        else:
            loose.append(request.translate(message))
    if loose:
        error.msg = " ".join(loose)
    form.widget.handle_error(form, error)
    return form.render({k: v for k, v in appstruct.items() if k != "attachment"})


@view_config(route_name="task_action", renderer=template("tasks/task.pt"), permission=VIEW, request_method="POST")
def task_action(request):
    task = _load(request)
    action = request.matchdict["action"]
    if action not in ACTION_FORMS:
        raise HTTPNotFound()
    item = request.POST.get("extension_id") or request.POST.get("escalation_id")
    item = int(item) if item and item.isdigit() else None
    key = f"{action}:{item}" if item else action
    detail = services.detail(request.dbsession, task, request.identity)
    form = _form(request, task, detail, action, itertools.count(), item_id=item)
    try:
        appstruct = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        request.response.status = 400
        return _page(request, task, override={key: failure.render()})
    decision = "approve" if "approve" in request.POST else "refuse" if "refuse" in request.POST else None
    try:
        files = _uploaded(request, appstruct)
        perform(request.dbsession, task, request.identity, action, appstruct, completion_reporters=_reporters(request),
                attachments=files, decision=decision)
    except storage.AttachmentRejected as rejected:
        request.response.status = 400
        return _page(request, task, override={key: _with_errors(form, appstruct, {"attachment": rejected.message}, request)})
    except InvalidInput as bad:
        request.response.status = 400
        return _page(request, task, override={key: _with_errors(form, appstruct, bad.fields, request)})
    except StaleVersion as conflict:
        if conflict.current < 0:
            # lost a race at flush time: this transaction cannot go on; start again from a fresh page
            request.tm.doom()
            request.session.flash(request.translate(CONFLICT), "error")
            return HTTPSeeOther(location=request.route_url("task_page", id=task.id))
        request.response.status = 409
        fresh = _form(request, task, services.detail(request.dbsession, task, request.identity), action, itertools.count(), item_id=item)
        values = {k: v for k, v in appstruct.items() if k != "attachment"}
        values["version"] = task.version
        return _page(request, task, override={key: fresh.render(values)}, message=request.translate(CONFLICT))
    except NotAllowed as refused:
        if not refused.visible:
            raise HTTPNotFound() from None
        request.response.status = 403
        return _page(request, task, message=request.translate(refused.message))
    request.session.flash(request.translate(SUCCESS[action]), "success")
    return HTTPSeeOther(location=request.route_url("task_page", id=task.id))


@view_config(route_name="task_attachment", permission=VIEW)
def task_attachment(request):
    task = _load(request)
    row = request.dbsession.get(ProgressAttachment, int(request.matchdict["aid"]))
    if row is None or request.dbsession.get(ProgressReport, row.report_id).task_id != task.id:
        raise HTTPNotFound()
    try:
        data = storage.open_stored(request.registry.settings["attachments.dir"], row.sha256)
    except FileNotFoundError:
        raise HTTPNotFound() from None
    response = Response(body=data, content_type=row.media_type)
    response.content_disposition = f"attachment; filename*=UTF-8''{_quote(row.filename)}"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


# -- inbox ----------------------------------------------------------------------------------------


def parse_filters(params, fields: dict) -> InboxFilters:
    """Inbox filters from query parameters; unreadable values are reported in ``fields`` and ignored."""
    filters = InboxFilters()
    role = params.get("role") or LEAD
    filters.role = role if role in (LEAD, COORDINATING) else LEAD
    statuses = tuple(s for s in params.getall("status") if s) if hasattr(params, "getall") else ()
    bad = [s for s in statuses if s not in TASK_STATUSES]
    if bad:
        fields["status"] = "unknown status: " + ", ".join(bad)
    filters.statuses = tuple(s for s in statuses if s in TASK_STATUSES)
    for name, attr in (("directive", "directive_id"), ("issuer", "issuer_id"), ("number", "directive_number")):
        value = (params.get(name) or "").strip()
        if value:
            if value.isdigit():
                setattr(filters, attr, int(value))
            else:
                fields[name] = "not a number"
    for name in ("due_before", "due_after"):
        value = params.get(name)
        if value:
            try:
                setattr(filters, name, parse_date(value))
            except ValueError:
                fields[name] = "not a date (dd/mm/yyyy or yyyy-mm-dd)"
    timeliness = params.get("timeliness") or ("overdue" if params.get("overdue") else None)
    if timeliness:
        if timeliness in TIMELINESS:
            filters.timeliness = timeliness
        else:
            fields["timeliness"] = "unknown class"
    return filters


@view_config(route_name="task_inbox", renderer=template("tasks/inbox.pt"), permission=WORK_ON_TASKS)
def inbox(request):
    user = request.identity
    fields: dict[str, str] = {}
    filters = parse_filters(request.GET, fields)
    try:
        page = inbox_page(request.dbsession, user.agency_id, filters, after=request.GET.get("after"), as_rows=True)
    except BadCursor:
        page = inbox_page(request.dbsession, user.agency_id, filters, as_rows=True)
    counts, overdue = inbox_counts(request.dbsession, user.agency_id, filters.role)
    issuers = directive_issuers(request.dbsession)
    # the labels translated once, not once per row
    status_names = {code: request.translate(label) for code, label in STATUS_LABELS.items()}
    timeliness_names = {code: request.translate(label) for code, label in TIMELINESS_LABELS.items()}
    return {
        "page_title": request.translate(_("Nhiệm vụ của cơ quan")),
        "agency": user.agency,
        "filters": filters,
        "filter_errors": fields,
        "page": page,
        "lines": inbox_lines(page.tasks, today=clock.today(), task_url=url_maker(request, "task_page"),
                             status_names=status_names, timeliness_names=timeliness_names,
                             ongoing=request.translate(_("Thường xuyên"))),
        "counts": counts,
        "overdue": overdue,
        "issuers": issuers,
        "status_names": status_names,
        "timeliness_names": timeliness_names,
        "query": {k: v for k, v in request.GET.items() if k != "after"},
    }


@view_config(route_name="task_review", renderer=template("tasks/review.pt"), permission=READ_ALL)
def review(request):
    return {
        "page_title": request.translate(_("Theo dõi, đánh giá")),
        "q": review_queue(request.dbsession),
        "status_labels": STATUS_LABELS,
    }
