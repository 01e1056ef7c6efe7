"""Issuing fans a directive out: each written task becomes one ``Task`` per lead agency.

A lead group ("UBND các huyện, thị xã, thành phố") expands to its active members; coordinating
groups expand the same way, and a lead agency is never listed as its own coordinator. Rows are
added in one flush (a directive to 100 agencies with 20 tasks is 2,000 tasks; see bench/).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert
from sqlalchemy.orm import Session

from ..clock import now
from ..organizations.models import Agency
from ..tasks.models import ASSIGNED, AuditEvent, Task
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


def create_tasks(dbsession: Session, directive: Directive, issued_on: dt.date, actor_id: int | None) -> list[int]:
    """Create the directive's tasks with their coordinators and a 'created' audit event each;
    return the new task ids in the order of the written tasks and their lead agencies.

    Tasks are added as ORM objects (one flush, batched INSERTs) rather than with a Core bulk
    insert, so that flush-time hooks of the tasks domain (status history) see every new task.
    """
    created_at = now()
    tasks: list[Task] = []
    for directive_task in directive.tasks:
        deadline = Deadline.from_row(directive_task)
        due = deadline.first_due(issued_on)
        coordinating = coordinating_agencies(directive_task)
        text = deadline.describe()[:300]
        for lead in lead_agencies(directive_task):
            tasks.append(Task(
                directive=directive, directive_task=directive_task, paragraph=directive_task.paragraph,
                content=directive_task.content, lead_agency=lead, report_to_id=directive_task.report_to_id,
                status=ASSIGNED, deadline_kind=deadline.kind, deadline_text=text, original_deadline=due,
                deadline_in_force=due, rrule=deadline.rrule, rrule_start=deadline.start, rrule_end=deadline.end,
                created_at=created_at,
                coordinating_agencies=[agency for agency in coordinating if agency.id != lead.id],
            ))
    if not tasks:
        return []
    dbsession.add_all(tasks)
    dbsession.flush()
    dbsession.execute(
        insert(AuditEvent),
        [
            {
                "at": created_at, "actor_id": actor_id, "agency_id": task.lead_agency_id, "entity": "task",
                "entity_id": task.id, "action": "created", "before": None,
                "after": {
                    "directive_id": directive.id,
                    "lead_agency_id": task.lead_agency_id,
                    "coordinating_agency_ids": [agency.id for agency in task.coordinating_agencies],
                    "deadline_in_force": task.deadline_in_force.isoformat() if task.deadline_in_force else None,
                },
            }
            for task in tasks
        ],
    )
    return [task.id for task in tasks]
