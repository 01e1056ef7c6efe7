"""What a report row shows of a task beyond its unit: the coordinating agencies and the lead's
latest progress by the cut-off. Two forms of each, giving the same answers (tested):

- **lookups** by task id, for a page of rows or a single task (``coordinating_names``,
  ``latest_progress``), by batches of ids;
- **subqueries** to join into a statement over a whole scope (``coordinators``,
  ``latest_progress_of``), grouped by task id: one hash join each instead of two lookups per
  thousand rows. The task sheet reads them this way (the overdue list, a sixth of the scope, is
  quicker with the lookups). Their coordinating agencies come as ids ("12,40"), named and ordered
  by :class:`AgencyNames`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from ..db import among
from ..organizations.models import Agency
from ..tasks.models import ProgressReport, task_coordinators
from ..tasks.queries import end_of_day
from .ranking import vietnamese_key

BATCH = 1000


def batches(values: Iterable, size: int = BATCH) -> Iterator[list]:
    batch = []
    for value in values:
        batch.append(value)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# -- lookups, by batches of task ids --------------------------------------------------------------


def coordinating_names(dbsession: Session, task_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """Task id → the coordinating agencies' names in Vietnamese alphabetical order."""
    out: dict[int, list[str]] = defaultdict(list)
    for batch in batches(set(task_ids)):
        rows = dbsession.execute(
            select(task_coordinators.c.task_id, Agency.name).join(Agency, Agency.id == task_coordinators.c.agency_id)
            .where(among(dbsession, task_coordinators.c.task_id, batch)))
        for task_id, name in rows:
            out[task_id].append(name)
    return {task_id: tuple(sorted(names, key=vietnamese_key)) for task_id, names in out.items()}


def latest_progress(dbsession: Session, task_ids: Iterable[int], as_of: dt.date) -> dict[int, tuple[int, str, dt.datetime]]:
    """Task id → (percent, text, reported_at) of the lead's latest report made by the end of
    ``as_of``. Contributions of coordinating agencies are addressed to the lead, not counted."""
    out = {}
    for batch in batches(set(task_ids)):
        ranked = _ranked_progress(among(dbsession, ProgressReport.task_id, batch), as_of)
        for row in dbsession.execute(select(ranked).where(ranked.c.rn == 1)):
            out[row.task_id] = (row.percent, row.text, row.reported_at)
    return out


def _ranked_progress(which_tasks, as_of: dt.date):
    p = ProgressReport
    return (
        select(p.task_id, p.percent, p.text, p.reported_at,
               func.row_number().over(partition_by=p.task_id, order_by=(p.reported_at.desc(), p.id.desc())).label("rn"))
        .where(which_tasks, p.is_contribution.is_(False), p.reported_at < end_of_day(as_of))
        .subquery("ranked_progress")
    )


# -- subqueries over a scope, to join by task id ---------------------------------------------------


def coordinators(task_ids):
    """``task_id, agency_ids`` for the tasks of ``task_ids`` (a select of ids) that have
    coordinating agencies; ``agency_ids`` is their ids joined by commas, in no particular order."""
    tc = task_coordinators
    return (
        select(tc.c.task_id, func.aggregate_strings(cast(tc.c.agency_id, String), ",").label("agency_ids"))
        .where(tc.c.task_id.in_(task_ids))
        .group_by(tc.c.task_id)
        .subquery("coordinators")
    )


def latest_progress_of(task_ids, as_of: dt.date):
    """``task_id, percent, text`` of the lead's latest report by the end of ``as_of``, for the
    tasks of ``task_ids`` (a select of ids) that have one (the rule of :func:`latest_progress`)."""
    ranked = _ranked_progress(ProgressReport.task_id.in_(task_ids), as_of)
    return select(ranked.c.task_id, ranked.c.percent, ranked.c.text).where(ranked.c.rn == 1).subquery("latest_progress")


class AgencyNames:
    """Coordinating agencies' ids ("12,40", as ``coordinators`` gives them) → their names in
    Vietnamese alphabetical order. The names are read on first need, every agency at once (a few
    thousand short rows, one query); each distinct set is named and sorted once."""

    def __init__(self, dbsession: Session):
        self.dbsession = dbsession
        self.names: dict[int, str] = {}
        self.sets: dict[str | None, tuple[str, ...]] = {None: ()}

    def __call__(self, agency_ids: str | None) -> tuple[str, ...]:
        named = self.sets.get(agency_ids)
        if named is None:
            if not self.names:
                self.names.update(self.dbsession.execute(select(Agency.id, Agency.name)).all())
            ids = [int(part) for part in agency_ids.split(",")]
            named = self.sets[agency_ids] = tuple(sorted((self.names[i] for i in ids), key=vietnamese_key))
        return named
