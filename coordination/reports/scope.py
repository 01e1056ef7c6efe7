"""Which tasks a report counts (its scope, as SQL) and who may ask for which scope.

The rules, which every report, the dashboard and the task list share:

- A scope without an agency counts the tasks the directives assigned (top-level tasks, including
  those created when an escalation was decided); the subtasks an agency delegated to its units are
  the agency's own affair, so a split task counts once, for the agency the directive named.
- A scope with an agency counts the tasks that agency leads (at any level: a district counts what a
  department delegated to it) **and** the subtasks it delegated to others (the units appear with
  their own rows). This is what an agency head is answerable for.
- Directive filters (one or several directives, issuer, type, signer, issue-date range) narrow
  either further.

Officials of the issuing office (leader, clerk, admin) may ask for any scope; an agency head or
officer only for their own agency: :func:`restrict` forces it, :func:`allowed` tells whether a
scope someone asked for is theirs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from ..accounts.models import ADMIN, AGENCY_HEAD, AGENCY_OFFICER, CLERK, LEADER, User
from ..directives.models import Directive, DirectiveType
from ..tasks.models import Task
from .model import SCOPE_AGENCY, ReportScope

OFFICE_ROLES = (ADMIN, LEADER, CLERK)
AGENCY_ROLES = (AGENCY_HEAD, AGENCY_OFFICER)


@dataclass(frozen=True)
class Viewer:
    """What a user may see in reports: everything (the issuing office) or one agency's scope."""

    user: User
    all_agencies: bool
    agency_id: int | None

    @property
    def is_office(self) -> bool:
        return self.all_agencies


class NoReportAccess(Exception):
    """The user has no role that reads reports."""


def viewer_for(user: User | None) -> Viewer:
    """The report visibility of ``user``; raises :class:`NoReportAccess` when there is none."""
    if user is None or not user.active:
        raise NoReportAccess()
    if user.has_role(*OFFICE_ROLES):
        return Viewer(user=user, all_agencies=True, agency_id=None)
    if user.has_role(*AGENCY_ROLES):
        return Viewer(user=user, all_agencies=False, agency_id=user.agency_id)
    raise NoReportAccess()


def allowed(viewer: Viewer, scope: ReportScope) -> bool:
    """Whether ``viewer`` may read ``scope`` as asked (an agency user: only their agency)."""
    return viewer.all_agencies or scope.agency_id == viewer.agency_id


def restrict(viewer: Viewer, scope: ReportScope) -> ReportScope:
    """``scope`` narrowed to what ``viewer`` may see (an agency user's own agency)."""
    if viewer.all_agencies or scope.agency_id == viewer.agency_id:
        return scope
    kind = SCOPE_AGENCY if scope.kind == "all" else scope.kind
    return replace(scope, kind=kind, agency_id=viewer.agency_id)


def directive_conditions(scope: ReportScope) -> list:
    """Conditions on ``Directive`` for the scope's directive filters (empty: every directive)."""
    out = []
    if scope.directive_ids:
        out.append(Directive.id.in_(list(scope.directive_ids)))
    if scope.issuer_id is not None:
        out.append(Directive.issuer_id == scope.issuer_id)
    if scope.directive_type:
        out.append(Directive.type_id.in_(select(DirectiveType.id).where(DirectiveType.code == scope.directive_type)))
    if scope.signer:
        out.append(Directive.signer_name == scope.signer)
    if scope.date_from is not None:
        out.append(Directive.issued_on >= scope.date_from)
    if scope.date_to is not None:
        out.append(Directive.issued_on <= scope.date_to)
    return out


def task_conditions(scope: ReportScope, task=Task) -> list:
    """Conditions on ``task`` (the Task entity or an alias) selecting the scope's tasks."""
    out = []
    directive = directive_conditions(scope)
    if scope.directive_ids and len(directive) == 1:
        out.append(task.directive_id.in_(list(scope.directive_ids)))  # the index on tasks.directive_id alone
    elif directive:
        out.append(task.directive_id.in_(select(Directive.id).where(*directive)))
    if scope.agency_id is None:
        out.append(task.parent_id.is_(None))
    else:
        parent = aliased(Task, name="delegating")
        out.append(or_(
            task.lead_agency_id == scope.agency_id,
            task.parent_id.in_(select(parent.id).where(parent.lead_agency_id == scope.agency_id)),
        ))
    return out


def task_ids(scope: ReportScope):
    """``SELECT tasks.id`` of the scope, for ``IN`` filters."""
    return select(Task.id).where(*task_conditions(scope))
