"""JSON shapes of tasks for the API (dates ISO 8601, times UTC)."""

from __future__ import annotations

import datetime as dt

from . import queries
from .models import Task
from .services import TaskDetail


def _d(value):
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def task_json(task: Task) -> dict:
    directive = task.directive
    return {
        "id": task.id,
        "version": task.version,
        "directive": {"id": directive.id, "number": directive.number_symbol, "subject": directive.subject,
                      "issued_on": _d(directive.issued_on), "issuer": directive.issuer.code},
        "paragraph": task.paragraph,
        "content": task.content,
        "lead_agency": task.lead_agency.code,
        "coordinating_agencies": [a.code for a in task.coordinating_agencies],
        "parent_id": task.parent_id,
        "status": task.status,
        "timeliness": None if task.is_recurring else queries.current_timeliness(task),
        "deadline_kind": task.deadline_kind,
        "deadline_text": task.deadline_text,
        "original_deadline": _d(task.original_deadline),
        "deadline_in_force": _d(task.deadline_in_force),
        "rrule": task.rrule,
        "completed_on": _d(task.completed_on),
        "percent_done": task.percent_done,
        "created_at": _d(task.created_at),
    }


def detail_json(d: TaskDetail) -> dict:
    out = task_json(d.task)
    out["progress_reports"] = [{
        "id": r.id, "agency": r.agency.code, "author": r.author.login if r.author else None, "percent": r.percent,
        "text": r.text, "reported_at": _d(r.reported_at), "contribution": r.is_contribution,
        "document_number": r.document_number, "document_date": _d(r.document_date),
        "targets": {str(v.target_id): v.value for v in r.target_values},
        "attachments": [{"id": a.id, "filename": a.filename, "media_type": a.media_type, "size": a.size} for a in r.attachments],
    } for r in d.reports]
    out["extensions"] = [{
        "id": e.id, "status": e.status, "current_deadline": _d(e.current_deadline), "proposed_deadline": _d(e.proposed_deadline),
        "reason": e.reason, "requested_at": _d(e.requested_at), "decided_at": _d(e.decided_at), "note": e.decision_note,
    } for e in d.extensions]
    out["escalations"] = [{
        "id": e.id, "status": e.status, "matter": e.matter, "proposal": e.proposal, "decision": e.decision,
        "raised_at": _d(e.raised_at), "decided_at": _d(e.decided_at), "new_task_id": e.new_task_id,
    } for e in d.escalations]
    out["comments"] = [{"id": c.id, "agency": c.agency.code, "author": c.author.login if c.author else None,
                        "text": c.text, "created_at": _d(c.created_at)} for c in d.comments]
    out["deadline_history"] = [{"deadline_in_force": _d(h.deadline_in_force), "valid_from": _d(h.valid_from),
                                "reason": h.reason, "extension_id": h.extension_id} for h in d.deadlines]
    out["occurrences"] = [{"id": o.id, "period_start": _d(o.period_start), "due_on": _d(o.due_on), "status": o.status,
                           "completed_on": _d(o.completed_on), "timeliness": queries.occurrence_timeliness(o)}
                          for o in d.occurrences]
    out["subtasks"] = [{"id": c.id, "lead_agency": c.lead_agency.code, "status": c.status,
                        "deadline_in_force": _d(c.deadline_in_force), "percent_done": c.percent_done}
                       for c in d.task.subtasks]
    out["rollup"] = None if d.rollup is None else {"count": d.rollup.count, "by_status": d.rollup.by_status,
                                                    "by_timeliness": d.rollup.by_timeliness, "percent": d.rollup.percent}
    out["history"] = [{"id": e.id, "at": _d(e.at), "actor": e.actor.login if e.actor else None, "action": e.action,
                       "before": e.before, "after": e.after} for e in d.events]
    return out
