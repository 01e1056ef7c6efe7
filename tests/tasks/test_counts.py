"""``agency_task_counts``: the per-agency counts the inbox reads, kept by database triggers
(migration 0012), must equal a count of the tasks after whatever wrote them: issuing (bulk
INSERTs), the lifecycle, delegation, coordinators and lead agencies changed, plain SQL."""

from __future__ import annotations

import copy
import threading
import datetime as dt

from sqlalchemy import delete, insert, select, update

from coordination.tasks import counts, delegation, lifecycle
from coordination.tasks.inbox import COORDINATING, LEAD, inbox_counts
from coordination.tasks.models import CANCELLED, COMPLETED, Task, agency_task_counts, task_coordinators

from . import factories


def recounted(dbsession) -> dict[tuple[int, str, str], int]:
    """The counts as a GROUP BY over the tasks finds them."""
    dbsession.flush()
    return counts.recount(dbsession)


def kept(dbsession) -> dict[tuple[int, str, str], int]:
    dbsession.flush()
    return counts.kept(dbsession)


def test_issuing_a_directive_counts_its_tasks_for_every_lead_and_coordinating_agency(dbsession, demo):
    from coordination.accounts.models import User
    from coordination.directives import services
    from coordination.directives.payload import draft_from_json
    from tests.directives.conftest import seed

    before = kept(dbsession)
    clerk = dbsession.scalar(select(User).where(User.login == "chuyenvien"))
    leader = dbsession.scalar(select(User).where(User.login == "lanhdao"))
    directive = services.create_draft(dbsession, draft_from_json(copy.deepcopy(seed("seed_004"))), clerk)
    services.submit_directive(dbsession, directive, clerk)
    issued = services.issue_directive(dbsession, directive, leader)

    after = kept(dbsession)
    assert after == recounted(dbsession)
    assert sum(n for (_a, role, _s), n in after.items() if role == LEAD) - sum(
        n for (_a, role, _s), n in before.items() if role == LEAD) == len(issued.task_ids) > 10
    assert any(role == COORDINATING for _a, role, _s in after)


def test_the_lifecycle_delegation_and_plain_sql_keep_the_counts(dbsession, people, frozen_today):
    leader, officer, head = people["lanhdao"], people["canbo.sldtbxh"], people["giamdoc.sldtbxh"]
    directive = factories.directive(dbsession)
    tasks = [factories.task(dbsession, directive_obj=directive, coordinating=("STC", "SYT")) for _ in range(4)]
    sldtbxh, stc = factories.agency(dbsession, "SLDTBXH").id, factories.agency(dbsession, "STC").id
    assert kept(dbsession) == recounted(dbsession)
    assert kept(dbsession)[(sldtbxh, LEAD, "assigned")] == 4
    assert kept(dbsession)[(stc, COORDINATING, "assigned")] == 4

    first, second, third, fourth = tasks
    lifecycle.acknowledge(dbsession, first, officer, expected_version=first.version)
    lifecycle.report_progress(dbsession, second, officer, expected_version=second.version, percent=30, text="Đang làm")
    lifecycle.report_completion(dbsession, third, officer, expected_version=third.version, text="Đã xong")
    assert kept(dbsession) == recounted(dbsession)
    assert kept(dbsession)[(stc, COORDINATING, "completion_reported")] == 1  # the copy the coordinators carry
    lifecycle.accept_completion(dbsession, third, leader, expected_version=third.version)
    lifecycle.cancel(dbsession, fourth, leader, expected_version=fourth.version, reason="Không còn cần thiết")
    assert third.status == COMPLETED and fourth.status == CANCELLED
    assert kept(dbsession) == recounted(dbsession)

    children = delegation.delegate(dbsession, first, head, expected_version=first.version, subtasks=[
        {"lead_agency": factories.agency(dbsession, "H-VANLAM"), "content": "Triển khai tại huyện",
         "deadline": dt.date(2025, 8, 15)}])
    assert kept(dbsession)[(children[0].lead_agency_id, LEAD, "assigned")] == 1
    assert kept(dbsession) == recounted(dbsession)

    # coordinators and the lead agency changed through the ORM, then rows written by plain SQL
    second.coordinating_agencies.remove(factories.agency(dbsession, "STC"))
    second.lead_agency = factories.agency(dbsession, "SYT")
    assert kept(dbsession) == recounted(dbsession)
    dbsession.execute(update(Task).where(Task.directive_id == directive.id, Task.status == "acknowledged")
                      .values(status="in_progress"))
    dbsession.execute(delete(task_coordinators).where(task_coordinators.c.agency_id == stc))
    assert kept(dbsession) == recounted(dbsession)
    assert (stc, COORDINATING, "assigned") not in kept(dbsession)


def test_the_inbox_counts_read_the_kept_counts(dbsession, people):
    """The inbox's counts come from the kept rows: a count set by hand (as a drifted one would be)
    is what the inbox shows, which is why the triggers above must keep them exact."""
    directive = factories.directive(dbsession)
    for _ in range(3):
        factories.task(dbsession, directive_obj=directive)
    sldtbxh = factories.agency(dbsession, "SLDTBXH").id
    assert inbox_counts(dbsession, sldtbxh, LEAD, dt.date(2025, 6, 1))[0] == {"assigned": 3}
    c = agency_task_counts.c
    dbsession.execute(update(agency_task_counts).where(c.agency_id == sldtbxh, c.role == LEAD).values(task_count=7))
    assert inbox_counts(dbsession, sldtbxh, LEAD, dt.date(2025, 6, 1))[0] == {"assigned": 7}


def test_concurrent_changes_to_one_agencys_tasks_lose_no_count(pg_engine):
    """Sixteen transactions change tasks of the same agency at once: every change is counted (the
    upsert adds to the row it locks, so none overwrites another's count; the others wait for it)."""
    from coordination.db import get_session_factory
    from coordination.demo import load_demo

    factory = get_session_factory(pg_engine)
    with factory.begin() as session:
        load_demo(session)
        directive = factories.directive(session)
        ids = [factories.task(session, directive_obj=directive, coordinating=("STC",)).id for _ in range(16)]
    ready = threading.Barrier(16, timeout=20)
    errors: list[BaseException] = []

    def change(task_id: int) -> None:
        try:
            with factory.begin() as session:
                task = session.get(Task, task_id)
                ready.wait()
                task.status = "acknowledged" if task_id % 2 else "in_progress"
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=change, args=(task_id,)) for task_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with factory() as session:
        counts = kept(session)
        assert counts == recounted(session)
        sldtbxh = factories.agency(session, "SLDTBXH").id
        assert counts[(sldtbxh, LEAD, "acknowledged")] + counts[(sldtbxh, LEAD, "in_progress")] == 16
        assert (sldtbxh, LEAD, "assigned") not in counts


def test_a_drifted_count_is_found_and_repaired(dbsession, people):
    """What the triggers cannot see (a TRUNCATE, triggers disabled by hand) is found by comparing the
    kept counts with a recount, and ``repair`` writes the recount."""
    directive = factories.directive(dbsession)
    for _ in range(3):
        factories.task(dbsession, directive_obj=directive, coordinating=("STC",))
    sldtbxh, stc = factories.agency(dbsession, "SLDTBXH").id, factories.agency(dbsession, "STC").id
    assert counts.differences(dbsession) == []
    c = agency_task_counts.c
    dbsession.execute(update(agency_task_counts).where(c.agency_id == sldtbxh, c.role == LEAD).values(task_count=7))
    dbsession.execute(delete(agency_task_counts).where(c.agency_id == stc))
    dbsession.execute(insert(agency_task_counts).values(agency_id=stc, role=LEAD, status="completed", task_count=2))
    expected = [((sldtbxh, LEAD, "assigned"), 7, 3), ((stc, COORDINATING, "assigned"), 0, 3),
                ((stc, LEAD, "completed"), 2, 0)]
    assert counts.differences(dbsession) == sorted(expected)
    assert counts.repair(dbsession) == sorted(expected)
    assert counts.differences(dbsession) == [] and kept(dbsession) == recounted(dbsession)
    assert counts.repair(dbsession) == []
