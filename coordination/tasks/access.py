"""Who stands where with respect to a task: the relations the lifecycle's rules are written in.

An agency, not a person, is assigned a task: every officer (and the head) of the lead agency acts
for it. The issuer side is the issuing office's clerks and leaders for a task of a directive (those of the
issuing agency or an agency directly under it), and the delegating (parent's lead) agency for a
subtask.
"""

from __future__ import annotations

from ..accounts.models import ADMIN, AGENCY_HEAD, AGENCY_OFFICER, CLERK, LEADER, User
from .models import Task

LEAD_HEAD = "lead_head"          # the head of the lead agency
LEAD_OFFICER = "lead_officer"    # an officer of the lead agency
COORDINATOR = "coordinator"      # a head or officer of a coordinating agency
REVIEWER = "reviewer"            # accepts or returns completion reports, cancels
APPROVER = "approver"            # decides extensions and escalations (a leader of the issuer)
OBSERVER = "observer"            # may read (the issuing office sees every task)

LEAD = frozenset({LEAD_HEAD, LEAD_OFFICER})
AGENCY_ROLES = (AGENCY_HEAD, AGENCY_OFFICER)


def relations(actor: User | None, task: Task) -> frozenset[str]:
    """The relations ``actor`` has to ``task`` (empty: the actor may not even know it exists)."""
    if actor is None or not actor.active:
        return frozenset()
    out: set[str] = set()
    roles = actor.roles
    agency_id = actor.agency_id
    if agency_id == task.lead_agency_id:
        if AGENCY_HEAD in roles:
            out.add(LEAD_HEAD)
        if AGENCY_OFFICER in roles:
            out.add(LEAD_OFFICER)
    if roles & set(AGENCY_ROLES) and any(a.id == agency_id for a in task.coordinating_agencies):
        out.add(COORDINATOR)
    if task.parent_id is None:
        if roles & {CLERK, LEADER} and in_issuing_office(actor, task):
            out.add(REVIEWER)
            if LEADER in roles:
                out.add(APPROVER)
    elif task.parent is not None and task.parent.lead_agency_id == agency_id:
        if roles & set(AGENCY_ROLES):
            out |= {REVIEWER, OBSERVER}
        if AGENCY_HEAD in roles:
            out.add(APPROVER)
    if roles & {CLERK, LEADER, ADMIN}:
        out.add(OBSERVER)
    return frozenset(out)


def in_issuing_office(actor: User, task: Task) -> bool:
    """Whether ``actor`` works in the agency that issued the task's directive or directly under it
    (its office): the clerks and leaders of another People's Committee, a province or a district
    keeping its own directives in the same database, do not review or decide this one's tasks."""
    issuer_id = task.directive.issuer_id
    if actor.agency_id == issuer_id:
        return True
    return actor.agency is not None and actor.agency.parent_id == issuer_id


def can_read(actor: User | None, task: Task) -> bool:
    return bool(relations(actor, task))
