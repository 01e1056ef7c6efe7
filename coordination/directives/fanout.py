"""Issuing fans a directive out: each written task becomes one ``Task`` per lead agency.

A lead group ("UBND các huyện, thị xã, thành phố") expands to its active members; coordinating
groups expand the same way, and a lead agency is never listed as its own coordinator. Rows are
added in one flush (a directive to 100 agencies with 20 tasks is 2,000 tasks; see bench/).

The audit trail records the fan-out once, in the directive's "issued" event: for each written task
its lead and coordinating agencies as expanded that day, and its first deadline (``FanOut.record``).
The tasks' own trails start from it (``tasks.services.timeline``), as their history starts from the
task row: one row for the directive instead of one per task.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..clock import now
from ..organizations.models import Agency
from ..tasks.models import ASSIGNED, Task, task_coordinators
from .bulk import insert_rows
from .deadlines import Deadline
from .models import Directive, DirectiveTask


class EmptyLead(ValueError):
    """A lead group has no active member, so the task would reach no one."""

    def __init__(self, directive_task: DirectiveTask):
        super().__init__(directive_task.lead_code)
        self.directive_task = directive_task


def lead_agencies(directive_task: DirectiveTask) -> list[Agency]:
    if directive_task.lead_agency is not None:
        return [directive_task.lead_agency]
    return directive_task.lead_group.active_members()


def coordinating_agencies(directive_task: DirectiveTask) -> list[Agency]:
    """The coordinating agencies as written, groups expanded, in order, each once."""
    out: list[Agency] = []
    seen: set[int] = set()
    for row in directive_task.coordinators:
        members = [row.agency] if row.agency is not None else row.group.active_members()
        for agency in members:
            if agency.id not in seen:
                seen.add(agency.id)
                out.append(agency)
    return out


def check_leads(directive: Directive) -> None:
    """Raise EmptyLead for the first task whose lead group has no active member."""
    for directive_task in directive.tasks:
        if not lead_agencies(directive_task):
            raise EmptyLead(directive_task)


@dataclass(frozen=True)
class FanOut:
    """The new task ids, in the order of the written tasks and their lead agencies, and what the
    directive's "issued" audit event keeps of the fan-out: per written task, its lead agencies,
    its coordinating agencies (a lead is not its own coordinator) and its first deadline."""

    task_ids: list[int]
    record: list[dict]


def task_rows(directive: Directive, issued_on: dt.date) -> tuple[list[dict], list[list[int]], list[dict]]:
    """The Task rows issuing creates, for each its coordinating agency ids, and the fan-out record."""
    rows: list[dict] = []
    coordinators: list[list[int]] = []
    record: list[dict] = []
    created_at = now()
    for directive_task in directive.tasks:
        deadline = Deadline.from_row(directive_task)
        due = deadline.first_due(issued_on)
        text = deadline.describe()[:300]
        coordinating = [agency.id for agency in coordinating_agencies(directive_task)]
        leads = [agency.id for agency in lead_agencies(directive_task)]
        record.append({"directive_task_id": directive_task.id, "lead_agency_ids": leads,
                       "coordinating_agency_ids": coordinating, "deadline_in_force": due.isoformat() if due else None})
        common = {
            "directive_id": directive.id, "directive_task_id": directive_task.id,
            "paragraph": directive_task.paragraph, "content": directive_task.content,
            "report_to_id": directive_task.report_to_id, "status": ASSIGNED,
            "deadline_kind": deadline.kind, "deadline_text": text, "original_deadline": due,
            "deadline_in_force": due, "rrule": deadline.rrule, "rrule_start": deadline.start,
            "rrule_end": deadline.end, "created_at": created_at, "version": 1,
        }
        for lead_id in leads:
            rows.append({**common, "lead_agency_id": lead_id})
            coordinators.append([agency_id for agency_id in coordinating if agency_id != lead_id])
    return rows, coordinators, record


def create_tasks(dbsession: Session, directive: Directive, issued_on: dt.date) -> FanOut:
    """Insert the directive's tasks with their coordinators. The session holds no objects for the
    new rows (query them when needed); the caller writes ``record`` into the directive's audit event."""
    rows, coordinators, record = task_rows(directive, issued_on)
    if not rows:
        return FanOut([], record)
    # the new ids come back in no set order: (written task, lead agency) tells the rows apart
    returned = insert_rows(dbsession, Task.__table__, rows, returning=("id", "directive_task_id", "lead_agency_id"))
    id_of = {(directive_task_id, lead_id): task_id for task_id, directive_task_id, lead_id in returned}
    ids = [id_of[(row["directive_task_id"], row["lead_agency_id"])] for row in rows]
    # the coordinating tab pages through copies of status and deadline (see tasks.models)
    links = [{"task_id": task_id, "agency_id": agency_id, "status": ASSIGNED,
              "deadline_in_force": row["deadline_in_force"]}
             for task_id, row, agency_ids in zip(ids, rows, coordinators) for agency_id in agency_ids]
    insert_rows(dbsession, task_coordinators, links)
    # nothing is written per task to task_status_history / deadline_changes (the task row is the
    # history's starting point, see tasks.history) nor to audit_events (see the module's docstring)
    return FanOut(ids, record)
