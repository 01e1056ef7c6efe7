"""Small factories for task tests: an issued directive and its tasks, made directly through the
models (no dependency on the directives module's services)."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import func, insert, select

from coordination.accounts.models import User
from coordination.directives.models import Directive, DirectiveTask, DirectiveType, Target
from coordination.organizations.models import Agency
from coordination.tasks.models import ASSIGNED, DATE, ONGOING, RECURRING, Task

_numbers = itertools.count(1000)


def agency(dbsession, code: str) -> Agency:
    return dbsession.scalar(select(Agency).where(Agency.code == code))


def user(dbsession, login: str) -> User:
    return dbsession.scalar(select(User).where(User.login == login))


def directive(dbsession, *, issued_on: dt.date = dt.date(2025, 5, 25), subject: str = "Hỗ trợ người lao động",
              signer_name: str = "Nguyễn Duy Hưng") -> Directive:
    """An issued Công văn of UBND tỉnh, signed by the chairman."""
    kind = dbsession.scalar(select(DirectiveType).where(DirectiveType.code == "cong-van"))
    obj = Directive(
        type=kind, issuer=agency(dbsession, "UBND"), status="issued", register="UBND", symbol="UBND-KGVX",
        year=issued_on.year, number=next(_numbers), place="Hưng Yên", issued_on=issued_on, subject=subject,
        signer_name=signer_name, signer_capacity="KT. CHỦ TỊCH, PHÓ CHỦ TỊCH",
    )
    dbsession.add(obj)
    dbsession.flush()
    return obj


def task(dbsession, *, lead: str = "SLDTBXH", coordinating: tuple[str, ...] = ("STC",), deadline: dt.date | None = dt.date(2025, 8, 31),
         directive_obj: Directive | None = None, content: str = "Tổ chức thực hiện chính sách hỗ trợ tiền thuê nhà",
         targets: tuple[tuple[str, float], ...] = (), rrule: str | None = None, rrule_start: dt.date | None = None,
         rrule_end: dt.date | None = None) -> Task:
    """A task as issuing creates it: status assigned, original deadline = deadline in force."""
    directive_obj = directive_obj or directive(dbsession)
    # the written task goes in with plain INSERTs: the directives module's guard (rightly) refuses
    # ORM changes under an issued directive, and these factories model "as issuing left it"
    position = dbsession.scalar(select(func.count()).select_from(DirectiveTask).where(
        DirectiveTask.directive_id == directive_obj.id))
    dtask_id = dbsession.execute(insert(DirectiveTask).values(
        directive_id=directive_obj.id, position=position, paragraph="2", content=content,
        lead_agency_id=agency(dbsession, lead).id,
    ).returning(DirectiveTask.id)).scalar_one()
    for indicator, value in targets:
        dbsession.execute(insert(Target).values(directive_task_id=dtask_id, indicator=indicator, unit="%", value=value))
    dtask = dbsession.get(DirectiveTask, dtask_id)
    kind = RECURRING if rrule else (DATE if deadline else ONGOING)
    obj = Task(
        directive=directive_obj, directive_task=dtask, paragraph="2", content=content, lead_agency=agency(dbsession, lead),
        status=ASSIGNED, deadline_kind=kind, original_deadline=deadline, deadline_in_force=deadline,
        coordinating_agencies=[agency(dbsession, c) for c in coordinating], rrule=rrule, rrule_start=rrule_start,
        rrule_end=rrule_end,
    )
    dbsession.add(obj)
    dbsession.flush()
    return obj
