"""The per-agency iCalendar feed of deadlines, and the revocable read-only tokens that open it.

A calendar program cannot log in, so the feed URL carries a token (an ``ApiToken`` of scope
"calendar"): it reads this one feed and nothing else, and the user can revoke it at any time.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.models import ApiToken, User
from ..accounts.services import create_api_token, revoke_api_token
from ..clock import now
from ..organizations.models import Agency
from ..security import hash_token
from .models import ACTIVE_FOR_CALENDAR, OCC_OPEN, Task, TaskOccurrence, task_coordinators

SCOPE = "calendar"


def tokens_of(dbsession: Session, user: User) -> list[ApiToken]:
    return list(dbsession.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.scope == SCOPE,
                                                         ApiToken.revoked_at.is_(None)).order_by(ApiToken.id)))


def new_token(dbsession: Session, user: User) -> str:
    """A new calendar token for ``user``; shown once (only its hash is kept)."""
    return create_api_token(dbsession, user, scope=SCOPE, label="iCalendar")


def revoke(dbsession: Session, user: User, token_id: int) -> bool:
    row = dbsession.get(ApiToken, token_id)
    if row is None or row.user_id != user.id or row.scope != SCOPE or row.revoked_at is not None:
        return False
    revoke_api_token(row)
    return True


def reader(dbsession: Session, agency_code: str, token: str | None) -> Agency | None:
    """The agency whose feed ``token`` may read, or None: the token must be a live calendar token of
    an active user of that agency (or of the issuing office, which sees every agency)."""
    if not token:
        return None
    row = dbsession.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token), ApiToken.scope == SCOPE))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    agency = dbsession.scalar(select(Agency).where(Agency.code == agency_code))
    if agency is None:
        return None
    if row.user.agency_id != agency.id and not row.user.has_role("clerk", "leader", "admin"):
        return None
    row.last_used_at = now()
    return agency


def feed(dbsession: Session, agency: Agency, *, base_url: str, host: str) -> bytes:
    """VCALENDAR with one all-day VEVENT per open deadline the agency leads or coordinates (each open
    occurrence of a recurring task is its own event)."""
    cal = Calendar()
    cal.add("prodid", "-//coordination//deadlines//VI")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Hạn nhiệm vụ — {agency.short_name or agency.name}")
    coordinated = select(task_coordinators.c.task_id).where(task_coordinators.c.agency_id == agency.id)
    tasks = dbsession.scalars(
        select(Task).where((Task.lead_agency_id == agency.id) | Task.id.in_(coordinated),
                           Task.status.in_(ACTIVE_FOR_CALENDAR), Task.deadline_in_force.is_not(None))
        .order_by(Task.deadline_in_force, Task.id)
    ).all()
    stamp = now()
    for task in tasks:
        role = "Chủ trì" if task.lead_agency_id == agency.id else "Phối hợp"
        dues = [task.deadline_in_force]
        if task.is_recurring:
            dues = list(dbsession.scalars(select(TaskOccurrence.due_on).where(
                TaskOccurrence.task_id == task.id, TaskOccurrence.status == OCC_OPEN).order_by(TaskOccurrence.due_on)))
        for due in dues:
            event = Event()
            event.add("uid", f"task-{task.id}-{due.isoformat()}@{host}")
            event.add("dtstamp", stamp)
            event.add("dtstart", due)
            event.add("dtend", due + dt.timedelta(days=1))
            number = task.directive.number_symbol or ""
            event.add("summary", f"[{role}] {number}: {task.content[:120]}")
            event.add("description", f"{task.directive.subject}\n{task.content}")
            event.add("url", f"{base_url}/tasks/{task.id}")
            cal.add_component(event)
    return cal.to_ical()
