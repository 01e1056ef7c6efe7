"""The kept counts of each agency's tasks (``agency_task_counts``), checked against a recount.

Triggers keep the counts whatever writes the tasks (migration 0012); what they do not see is a
``TRUNCATE``, a restore of one table without the other, or triggers disabled by hand. ``coordination
task-counts`` compares the kept counts with a recount and, with ``--repair``, writes the recount.
"""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from .inbox import COORDINATING, LEAD
from .models import Task, agency_task_counts, task_coordinators

Key = tuple[int, str, str]  # (agency id, role, status)


def recount(dbsession: Session) -> dict[Key, int]:
    """The counts as a GROUP BY over the tasks and the coordinator rows finds them."""
    found = {(agency, LEAD, status): n for agency, status, n in dbsession.execute(
        select(Task.lead_agency_id, Task.status, func.count()).group_by(Task.lead_agency_id, Task.status))}
    tc = task_coordinators.c
    found.update({(agency, COORDINATING, status): n for agency, status, n in dbsession.execute(
        select(tc.agency_id, tc.status, func.count()).where(tc.status.is_not(None)).group_by(tc.agency_id, tc.status))})
    return found


def kept(dbsession: Session) -> dict[Key, int]:
    """The kept counts, leaving out the rows at zero."""
    c = agency_task_counts.c
    return {(agency, role, status): n for agency, role, status, n in dbsession.execute(
        select(c.agency_id, c.role, c.status, c.task_count).where(c.task_count != 0))}


def differences(dbsession: Session) -> list[tuple[Key, int, int]]:
    """(key, kept, recounted) for every count that differs, in key order."""
    dbsession.flush()
    return _compare(kept(dbsession), recount(dbsession))


def _compare(have: dict[Key, int], actual: dict[Key, int]) -> list[tuple[Key, int, int]]:
    return [(key, have.get(key, 0), actual.get(key, 0)) for key in sorted(set(have) | set(actual))
            if have.get(key, 0) != actual.get(key, 0)]


def repair(dbsession: Session) -> list[tuple[Key, int, int]]:
    """Write the recount over the kept counts, in the caller's transaction; return what differed.

    On PostgreSQL the tasks and coordinator rows are locked against writes (not reads) until the
    transaction ends, so that no change slips in between the recount and the rewrite."""
    dbsession.flush()
    if dbsession.get_bind().dialect.name == "postgresql":
        dbsession.execute(text("LOCK TABLE tasks, task_coordinators IN SHARE MODE"))
    actual = recount(dbsession)
    found = _compare(kept(dbsession), actual)
    if found:
        dbsession.execute(delete(agency_task_counts))
        rows = [{"agency_id": agency, "role": role, "status": status, "task_count": n}
                for (agency, role, status), n in sorted(actual.items())]
        if rows:
            dbsession.execute(insert(agency_task_counts), rows)
    return found
