"""Small factories for the reminders tests: directives, tasks, users, holidays, rows of the outbox."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import select

from coordination.accounts.models import User, UserRole
from coordination.directives.models import ISSUED, Directive, DirectiveType
from coordination.organizations.models import Agency
from coordination.reminders.models import Holiday
from coordination.tasks.models import ASSIGNED, DATE, Task

_numbers = itertools.count(1000)
# before any frozen clock of the tests: creation date never hides a reminder unless a test says so
LONG_AGO = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)


def agency(dbsession, code: str) -> Agency:
    found = dbsession.scalar(select(Agency).where(Agency.code == code))
    assert found is not None, code
    return found


def user(dbsession, login: str) -> User:
    found = dbsession.scalar(select(User).where(User.login == login))
    assert found is not None, login
    return found


def add_user(dbsession, login: str, agency_code: str, roles, *, email: str | None = "", full_name: str | None = None,
             mode: str = "immediate") -> User:
    person = User(
        login=login, full_name=full_name or login, agency=agency(dbsession, agency_code),
        email=f"{login}@example.gov.vn" if email == "" else email, notification_mode=mode,
    )
    person.role_rows = [UserRole(role=role) for role in roles]
    dbsession.add(person)
    dbsession.flush()
    return person


def directive(dbsession, *, number: int | None = None, symbol: str = "UBND-KGVX",
              subject: str = "V/v hỗ trợ người lao động bị ảnh hưởng", issuer: str = "UBND",
              signer_name: str | None = "Nguyễn Duy Hưng", issued_on: dt.date = dt.date(2026, 11, 2)) -> Directive:
    kind = dbsession.scalar(select(DirectiveType).where(DirectiveType.code == "cong-van"))
    made = Directive(
        type_id=kind.id, issuer_id=agency(dbsession, issuer).id, status=ISSUED, register="UBND", symbol=symbol,
        year=issued_on.year, number=number if number is not None else next(_numbers), issued_on=issued_on,
        subject=subject, signer_name=signer_name, signer_capacity="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
    )
    dbsession.add(made)
    dbsession.flush()
    return made


def task(dbsession, *, deadline: dt.date | None, lead: str = "SLDTBXH", coordinating=(), status: str = ASSIGNED,
         kind: str = DATE, of: Directive | None = None, content: str = "Rà soát, thống kê số lao động mất việc làm",
         paragraph: str = "1.", created_at: dt.datetime | None = LONG_AGO, deadline_text: str | None = None) -> Task:
    made = Task(
        directive_id=(of or directive(dbsession)).id, paragraph=paragraph, content=content,
        lead_agency_id=agency(dbsession, lead).id, status=status, deadline_kind=kind,
        original_deadline=deadline, deadline_in_force=deadline, deadline_text=deadline_text,
    )
    if created_at is not None:
        made.created_at = created_at
    made.coordinating_agencies = [agency(dbsession, code) for code in coordinating]
    dbsession.add(made)
    dbsession.flush()
    return made


def holiday(dbsession, day: dt.date, name: str = "Nghỉ Tết Nguyên đán", *, working: bool = False) -> Holiday:
    made = Holiday(day=day, name=name, working=working)
    dbsession.add(made)
    dbsession.flush()
    return made


def at(text: str) -> dt.datetime:
    """A Vietnam local time ``2026-12-14T08:00`` as an aware datetime."""
    from coordination.clock import LOCAL_TZ

    return dt.datetime.fromisoformat(text).replace(tzinfo=LOCAL_TZ)
