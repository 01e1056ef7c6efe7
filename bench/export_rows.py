"""A stand-in for ``coordination.reports.queries.task_rows`` while the report queries are not on
this branch: the task sheet of a province's directives of one year, streamed from a server-side
cursor in batches (never a list of 100,000 rows), with today's state of each task. ``export_child``
uses the real function when it can import it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from sqlalchemy import Integer, any_, cast, literal, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from coordination.directives.models import Directive
from coordination.organizations.models import Agency
from coordination.reports.model import LATE, OVERDUE, TaskRow
from coordination.tasks.models import ProgressReport, Task, task_coordinators
from coordination.tasks.queries import classify

BATCH = 2000


def task_rows(dbsession: Session, issuer_id: int, year: int, as_of: dt.date) -> Iterator[TaskRow]:
    query = (
        select(Task.id, Task.paragraph, Task.content, Task.status, Task.original_deadline, Task.deadline_in_force,
               Task.completed_on, Task.percent_done, Directive.number, Directive.symbol, Directive.issued_on,
               Agency.name.label("lead"))
        .join(Directive, Directive.id == Task.directive_id).join(Agency, Agency.id == Task.lead_agency_id)
        .where(Directive.issuer_id == issuer_id, Directive.issued_on >= dt.date(year, 1, 1),
               Directive.issued_on <= dt.date(year, 12, 31), Task.status != "cancelled")
        .order_by(Directive.issued_on, Directive.id, Task.id)
        .execution_options(yield_per=BATCH)
    )
    postgresql = dbsession.get_bind().dialect.name == "postgresql"

    def among(column, ids):
        # one array parameter on PostgreSQL: 2,000 placeholders cost more to send than the query
        return column == any_(cast(literal(ids, ARRAY(Integer)), ARRAY(Integer))) if postgresql else column.in_(ids)

    result = dbsession.execute(query)
    try:
        for batch in result.partitions():
            ids = [r.id for r in batch]
            names: dict[int, list[str]] = defaultdict(list)
            for task_id, name in dbsession.execute(
                    select(task_coordinators.c.task_id, Agency.name).join(Agency, Agency.id == task_coordinators.c.agency_id)
                    .where(among(task_coordinators.c.task_id, ids)).order_by(Agency.name)):
                names[task_id].append(name)
            progress: dict[int, str] = {}
            for task_id, text in dbsession.execute(
                    select(ProgressReport.task_id, ProgressReport.text)
                    .where(among(ProgressReport.task_id, ids), ProgressReport.is_contribution.is_(False))
                    .order_by(ProgressReport.task_id, ProgressReport.id)):
                progress[task_id] = text
            for r in batch:
                klass = classify(r.status, r.deadline_in_force, r.completed_on, as_of)
                late = klass in (LATE, OVERDUE) and r.deadline_in_force is not None
                end = r.completed_on if klass == LATE else as_of
                yield TaskRow(
                    task_id=r.id, directive_number=f"{r.number}/{r.symbol}", directive_date=r.issued_on,
                    paragraph=r.paragraph or "", content=r.content, lead=r.lead, coordinating=tuple(names.get(r.id, ())),
                    status=r.status, timeliness=klass, original_deadline=r.original_deadline,
                    deadline_in_force=r.deadline_in_force, completed_on=r.completed_on,
                    days_overdue=(end - r.deadline_in_force).days if late and end else None,
                    progress_percent=r.percent_done, progress_text=progress.get(r.id),
                )
    finally:
        result.close()
