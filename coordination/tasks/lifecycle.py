"""The task state machine. Views, the API and the scheduler all come through here.

``RULES`` says, for each action, from which states it may be taken, the state it leads to and who
may take it (relations from ``access``). Each action function takes ``(dbsession, task, actor, *,
expected_version, ...)``, checks role, version and state in that order (``_check``), changes the
task, writes an ``AuditEvent`` (before → after), publishes ``events.TaskEvent`` and flushes
(``_finish``). It raises ``NotAllowed``, ``StaleVersion`` or ``InvalidInput`` and then has changed
nothing.

The task's own steps are here: the agency acknowledges, reports progress and completion and
comments; the issuer accepts or returns a completion and cancels. The other actions have modules of
their own, ruled in ``RULES`` and taken through the same ``_check`` and ``_finish``: ``delegation``
(subtasks for the lead agency's units or lower agencies), ``extensions`` (a later deadline asked of
the issuer) and ``escalations`` (a matter beyond the agency's authority, raised to the issuer).

Every action bumps the task's ``version`` (comments too), so a form or API call based on an older
version is refused with a conflict instead of overwriting what someone else did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from .. import events
from ..accounts.models import AGENCY_HEAD, AGENCY_OFFICER, User
from ..clock import now, today
from ..i18n import _
from . import access
from .access import APPROVER, COORDINATOR, LEAD, LEAD_HEAD, LEAD_OFFICER, OBSERVER, REVIEWER
from .errors import InvalidInput, NotAllowed, StaleVersion
from .history import AUDITED_ATTR
from .models import (
    ACKNOWLEDGED,
    ASSIGNED,
    CANCELLED,
    COMPLETED,
    COMPLETION_REPORTED,
    IN_PROGRESS,
    OCC_OPEN,
    OPEN_STATUSES,
    RETURNED,
    TASK_STATUSES,
    AuditEvent,
    Comment,
    ProgressAttachment,
    ProgressReport,
    Task,
    TaskOccurrence,
    TargetValue,
)
from .occurrences import refresh_next_deadline

DEFAULT_COMPLETION_REPORTERS = (AGENCY_HEAD, AGENCY_OFFICER)
ACTIVE = OPEN_STATUSES + (COMPLETION_REPORTED,)
ISSUER_SIDE = frozenset({REVIEWER, APPROVER, OBSERVER})


@dataclass(frozen=True)
class Rule:
    from_states: tuple[str, ...]
    to_state: str | None  # None: the state does not change
    who: frozenset[str]


RULES: dict[str, Rule] = {
    "acknowledge": Rule((ASSIGNED,), ACKNOWLEDGED, LEAD),
    "report_progress": Rule(OPEN_STATUSES, IN_PROGRESS, LEAD),
    "contribute": Rule(ACTIVE, None, frozenset({COORDINATOR})),
    "report_completion": Rule(OPEN_STATUSES, COMPLETION_REPORTED, LEAD),
    "accept_completion": Rule((COMPLETION_REPORTED,), COMPLETED, frozenset({REVIEWER})),
    "return_completion": Rule((COMPLETION_REPORTED,), RETURNED, frozenset({REVIEWER})),
    "request_extension": Rule(OPEN_STATUSES, None, LEAD),
    "approve_extension": Rule(ACTIVE, None, frozenset({APPROVER})),
    "refuse_extension": Rule(ACTIVE, None, frozenset({APPROVER})),
    "escalate": Rule(OPEN_STATUSES, None, LEAD),
    "decide_escalation": Rule(TASK_STATUSES, None, frozenset({APPROVER})),
    "delegate": Rule(OPEN_STATUSES, IN_PROGRESS, LEAD),
    "add_comment": Rule(TASK_STATUSES, None, LEAD | {COORDINATOR} | ISSUER_SIDE),
    "cancel": Rule(ACTIVE, CANCELLED, frozenset({REVIEWER})),
}
# for recurring tasks, completion is reported per occurrence and the task itself stays open
OCCURRENCE_ACTIONS = {"report_completion", "accept_completion", "return_completion"}


def who_may(action: str, completion_reporters: Collection[str]) -> frozenset[str]:
    """The relations to a task that may take ``action`` (completion: as the province configured)."""
    who = RULES[action].who
    if action == "report_completion":
        who = frozenset(
            r for r in who
            if (r == LEAD_HEAD and AGENCY_HEAD in completion_reporters)
            or (r == LEAD_OFFICER and AGENCY_OFFICER in completion_reporters)
        )
    return who


def allowed_actions(task: Task, actor: User | None, *, completion_reporters=DEFAULT_COMPLETION_REPORTERS) -> set[str]:
    """The actions ``actor`` may take on ``task`` now (for showing buttons and forms)."""
    rel = access.relations(actor, task)
    out = set()
    for action, rule in RULES.items():
        if rel & who_may(action, completion_reporters) and task.status in rule.from_states:
            out.add(action)
    if task.is_recurring:
        # the occurrence, not the task, carries completion; see occurrence_actions
        out -= OCCURRENCE_ACTIONS
        out.discard("request_extension")
    return out


def occurrence_actions(task: Task, actor: User | None, occurrence_statuses: Collection[str], *,
                       completion_reporters=DEFAULT_COMPLETION_REPORTERS) -> set[str]:
    """For a recurring task, the completion actions ``actor`` may take now, given the statuses of
    its occurrences: report when one is open, accept or return when one has been reported."""
    if not task.is_recurring:
        return set()
    rel = access.relations(actor, task)
    out = set()
    if (rel & who_may("report_completion", completion_reporters)
            and task.status in RULES["report_completion"].from_states and OCC_OPEN in occurrence_statuses):
        out.add("report_completion")
    if rel & {REVIEWER} and COMPLETION_REPORTED in occurrence_statuses:
        out |= {"accept_completion", "return_completion"}
    return out


def _gate(task: Task, actor: User | None, action: str, completion_reporters=DEFAULT_COMPLETION_REPORTERS) -> None:
    """Role check alone, before anything about the task (such as its occurrences) is looked at."""
    rel = access.relations(actor, task)
    if not rel:
        raise NotAllowed(_("Không tìm thấy nhiệm vụ."), visible=False)
    if not rel & who_may(action, completion_reporters):
        raise NotAllowed(_("Bạn không có quyền thực hiện thao tác này đối với nhiệm vụ."))


def _check(task: Task, actor: User | None, action: str, expected_version: int | None, *,
           completion_reporters=DEFAULT_COMPLETION_REPORTERS, state: str | None = None) -> frozenset[str]:
    _gate(task, actor, action, completion_reporters)
    rel = access.relations(actor, task)
    if expected_version is None or int(expected_version) != task.version:
        raise StaleVersion(expected_version, task.version)
    if (state or task.status) not in RULES[action].from_states:
        raise NotAllowed(_("Thao tác không thực hiện được ở trạng thái hiện tại của nhiệm vụ."))
    return rel


def _jsonable(values: dict | None) -> dict | None:
    if values is None:
        return None
    return {k: (v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v) for k, v in values.items()}


def _finish(dbsession: Session, task: Task, actor: User | None, action: str, before: dict | None,
            after: dict | None, details: dict | None = None) -> None:
    """Audit, bump the version, flush (a concurrent write surfaces as StaleVersion), publish."""
    task.last_activity_at = now()
    flag_modified(task, "last_activity_at")  # always an UPDATE, so the version moves even within one clock tick
    dbsession.add(AuditEvent(
        entity="task", entity_id=task.id, action=action,
        actor_id=actor.id if actor else None, agency_id=actor.agency_id if actor else None,
        before=_jsonable(before), after=_jsonable(after),
    ))
    try:
        dbsession.flush()
    except StaleDataError:
        raise StaleVersion(None, -1) from None
    events.publish(dbsession, events.TaskEvent(task.id, action, actor.id if actor else None, _jsonable(details or after or {})))


def _set_status(task: Task, new: str) -> dict:
    old = task.status
    task.status = new
    setattr(task, AUDITED_ATTR, True)  # this module writes the audit event itself
    return {"status": old}


def _require_text(value: str | None, field: str, fields: dict) -> str:
    if not value or not str(value).strip():
        fields[field] = _("Bắt buộc nhập.")
        return ""
    return str(value).strip()


# -- the agency's side --------------------------------------------------------------------------


def acknowledge(dbsession: Session, task: Task, actor: User, *, expected_version: int) -> Task:
    """Mark the task received by the lead agency (đã tiếp nhận)."""
    _check(task, actor, "acknowledge", expected_version)
    before = _set_status(task, ACKNOWLEDGED)
    _finish(dbsession, task, actor, "acknowledge", before, {"status": ACKNOWLEDGED})
    return task


def _attach(report: ProgressReport, attachments: Iterable) -> None:
    for stored in attachments or ():
        report.attachments.append(ProgressAttachment(
            sha256=stored.sha256, filename=stored.filename, media_type=stored.media_type, size=stored.size,
        ))


def _target_values(task: Task, values: dict | None, fields: dict) -> list[TargetValue]:
    if not values:
        return []
    known = {t.id for t in (task.directive_task.targets if task.directive_task else [])}
    out = []
    for target_id, value in values.items():
        try:
            target_id = int(target_id)
            value = float(value)
        except (TypeError, ValueError):
            fields[f"target_{target_id}"] = _("Giá trị chỉ tiêu phải là số.")
            continue
        if target_id not in known:
            fields[f"target_{target_id}"] = _("Chỉ tiêu không thuộc nhiệm vụ này.")
            continue
        out.append(TargetValue(target_id=target_id, value=value))
    return out


def report_progress(dbsession: Session, task: Task, actor: User, *, expected_version: int, percent: int,
                    text: str, target_values: dict | None = None, attachments: Iterable = (),
                    document_number: str | None = None, document_date: dt.date | None = None) -> ProgressReport:
    """Record a progress report. From the lead agency it moves the task to in progress and sets its
    percent; from a coordinating agency it is a contribution to the lead (the task is unchanged)."""
    rel = access.relations(actor, task)
    contribution = bool(rel & {COORDINATOR}) and not rel & LEAD
    _check(task, actor, "contribute" if contribution else "report_progress", expected_version)
    fields: dict[str, str] = {}
    text = _require_text(text, "text", fields)
    try:
        percent = int(percent)
        if not 0 <= percent <= 100:
            raise ValueError
    except (TypeError, ValueError):
        fields["percent"] = _("Tỷ lệ hoàn thành là số nguyên từ 0 đến 100.")
    values = _target_values(task, target_values, fields)
    if document_date is not None and document_date > today():
        fields["document_date"] = _("Ngày văn bản không được sau ngày hôm nay.")
    if fields:
        raise InvalidInput(fields)
    report = ProgressReport(
        task_id=task.id, agency_id=actor.agency_id, author_id=actor.id, percent=percent, text=text,
        is_contribution=contribution, document_number=(document_number or None), document_date=document_date,
        target_values=values,
    )
    _attach(report, attachments)
    dbsession.add(report)
    before: dict = {"percent_done": task.percent_done}
    after: dict = {"percent": percent, "text": text, "contribution": contribution,
                   "attachments": [a.filename for a in attachments or ()]}
    if not contribution:
        if task.status != IN_PROGRESS:
            before.update(_set_status(task, IN_PROGRESS))
            after["status"] = IN_PROGRESS
        task.percent_done = percent
        after["percent_done"] = percent
    dbsession.flush()
    after["report_id"] = report.id
    _finish(dbsession, task, actor, "contribute" if contribution else "report_progress", before, after)
    return report


def report_completion(dbsession: Session, task: Task, actor: User, *, expected_version: int, text: str,
                      occurrence_id: int | None = None, attachments: Iterable = (),
                      document_number: str | None = None, document_date: dt.date | None = None,
                      completion_reporters: Collection[str] = DEFAULT_COMPLETION_REPORTERS) -> Task:
    """Report the task (or one occurrence of a recurring task) done. The completion date is today,
    the day reported; it stands if the issuer accepts, and is cleared if the report is returned."""
    _gate(task, actor, "report_completion", completion_reporters)
    occurrence = _occurrence(dbsession, task, occurrence_id)
    _check(task, actor, "report_completion", expected_version, completion_reporters=completion_reporters)
    if occurrence is not None and occurrence.status != OCC_OPEN:
        raise NotAllowed(_("Kỳ báo cáo này không ở trạng thái đang thực hiện."))
    fields: dict[str, str] = {}
    text = _require_text(text, "text", fields)
    if fields:
        raise InvalidInput(fields)
    report = ProgressReport(
        task_id=task.id, agency_id=actor.agency_id, author_id=actor.id, percent=100, text=text,
        document_number=document_number or None, document_date=document_date,
    )
    _attach(report, attachments)
    dbsession.add(report)
    reported_on = today()
    if occurrence is not None:
        before = {"occurrence": occurrence.due_on, "status": occurrence.status}
        occurrence.status, occurrence.completed_on = COMPLETION_REPORTED, reported_on
        after = {"occurrence": occurrence.due_on, "occurrence_status": COMPLETION_REPORTED, "completed_on": reported_on}
        before = {"occurrence": before["occurrence"], "occurrence_status": before["status"]}
        refresh_next_deadline(dbsession, task)
    else:
        before = _set_status(task, COMPLETION_REPORTED)
        before["completed_on"] = task.completed_on
        task.completed_on = reported_on
        task.percent_done = 100
        after = {"status": COMPLETION_REPORTED, "completed_on": reported_on}
    _finish(dbsession, task, actor, "report_completion", before, {**after, "text": text})
    return task


def add_comment(dbsession: Session, task: Task, actor: User, *, expected_version: int, text: str) -> Comment:
    """A remark seen by the issuer, the lead and the coordinating agencies."""
    _check(task, actor, "add_comment", expected_version)
    fields: dict[str, str] = {}
    text = _require_text(text, "text", fields)
    if fields:
        raise InvalidInput(fields)
    comment = Comment(task_id=task.id, author_id=actor.id, agency_id=actor.agency_id, text=text)
    dbsession.add(comment)
    dbsession.flush()
    _finish(dbsession, task, actor, "comment", None, {"comment_id": comment.id, "text": text})
    return comment


# -- the issuer's side --------------------------------------------------------------------------


def _occurrence(dbsession: Session, task: Task, occurrence_id: int | None) -> TaskOccurrence | None:
    if task.is_recurring and occurrence_id is None:
        raise InvalidInput({"occurrence_id": _("Chọn kỳ báo cáo.")})
    if occurrence_id is None:
        return None
    occurrence = dbsession.get(TaskOccurrence, int(occurrence_id))
    if occurrence is None or occurrence.task_id != task.id:
        raise InvalidInput({"occurrence_id": _("Kỳ báo cáo không thuộc nhiệm vụ này.")})
    return occurrence


def accept_completion(dbsession: Session, task: Task, actor: User, *, expected_version: int,
                      occurrence_id: int | None = None, note: str | None = None) -> Task:
    """Accept the reported completion: the task (or occurrence) is completed as of the reported date."""
    _gate(task, actor, "accept_completion")
    occurrence = _occurrence(dbsession, task, occurrence_id)
    if occurrence is not None:
        _check(task, actor, "accept_completion", expected_version, state=COMPLETION_REPORTED)
        if occurrence.status != COMPLETION_REPORTED:
            raise NotAllowed(_("Kỳ báo cáo này chưa được báo cáo hoàn thành."))
        occurrence.status = COMPLETED
        _finish(dbsession, task, actor, "accept_completion",
                {"occurrence": occurrence.due_on, "occurrence_status": COMPLETION_REPORTED},
                {"occurrence": occurrence.due_on, "occurrence_status": COMPLETED, "note": note})
        return task
    _check(task, actor, "accept_completion", expected_version)
    before = _set_status(task, COMPLETED)
    _finish(dbsession, task, actor, "accept_completion", before,
            {"status": COMPLETED, "completed_on": task.completed_on, "note": note})
    return task


def return_completion(dbsession: Session, task: Task, actor: User, *, expected_version: int, reason: str,
                      occurrence_id: int | None = None) -> Task:
    """Send the completion report back with a reason; the agency works on (state: returned)."""
    _gate(task, actor, "return_completion")
    occurrence = _occurrence(dbsession, task, occurrence_id)
    fields: dict[str, str] = {}
    if occurrence is not None:
        _check(task, actor, "return_completion", expected_version, state=COMPLETION_REPORTED)
        if occurrence.status != COMPLETION_REPORTED:
            raise NotAllowed(_("Kỳ báo cáo này chưa được báo cáo hoàn thành."))
        reason = _require_text(reason, "reason", fields)
        if fields:
            raise InvalidInput(fields)
        before = {"occurrence": occurrence.due_on, "occurrence_status": occurrence.status, "completed_on": occurrence.completed_on}
        occurrence.status, occurrence.completed_on = OCC_OPEN, None
        refresh_next_deadline(dbsession, task)
        _finish(dbsession, task, actor, "return_completion", before,
                {"occurrence": occurrence.due_on, "occurrence_status": OCC_OPEN, "reason": reason})
        return task
    _check(task, actor, "return_completion", expected_version)
    reason = _require_text(reason, "reason", fields)
    if fields:
        raise InvalidInput(fields)
    before = _set_status(task, RETURNED)
    before["completed_on"] = task.completed_on
    task.completed_on = None
    _finish(dbsession, task, actor, "return_completion", before, {"status": RETURNED, "completed_on": None, "reason": reason})
    return task


def cancel(dbsession: Session, task: Task, actor: User | None, *, expected_version: int, reason: str) -> Task:
    """Cancel the task and its open subtasks; cancelled tasks leave every statistic."""
    _check(task, actor, "cancel", expected_version)
    fields: dict[str, str] = {}
    reason = _require_text(reason, "reason", fields)
    if fields:
        raise InvalidInput(fields)
    before = _set_status(task, CANCELLED)
    for occurrence in dbsession.scalars(select(TaskOccurrence).where(
            TaskOccurrence.task_id == task.id, TaskOccurrence.status.in_((OCC_OPEN, COMPLETION_REPORTED)))):
        occurrence.status = CANCELLED
    _finish(dbsession, task, actor, "cancel", before, {"status": CANCELLED, "reason": reason})
    for child in task.subtasks:
        if child.status in ACTIVE:
            old = _set_status(child, CANCELLED)
            _finish(dbsession, child, actor, "cancel", old, {"status": CANCELLED, "reason": reason, "parent_id": task.id})
    return task
