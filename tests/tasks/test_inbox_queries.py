"""The inbox's reads (``tasks.queries``): what they return and how many statements they take."""

import datetime as dt

import pytest
from sqlalchemy import event

from coordination.tasks.models import (
    ACKNOWLEDGED, CANCELLED, COMPLETED, COMPLETION_REPORTED, IN_PROGRESS, OVERDUE, RETURNED, TASK_STATUSES,
)
from coordination.tasks.inbox import COORDINATING, LEAD, InboxFilters, inbox_counts, inbox_page
from coordination.tasks.queries import classify

from . import factories

TODAY = dt.date(2025, 6, 1)


class Statements:
    def __init__(self, dbsession):
        self.connection = dbsession.connection()
        self.seen: list[str] = []

    def __enter__(self):
        event.listen(self.connection, "before_cursor_execute", self.count)
        return self.seen

    def __exit__(self, *exc):
        event.remove(self.connection, "before_cursor_execute", self.count)

    def count(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.startswith(("SAVEPOINT", "RELEASE")):
            self.seen.append(statement)


@pytest.fixture
def mixed(dbsession, demo):
    """Tasks led by SLDTBXH with STC coordinating, in every status and on both sides of today,
    including one reported complete after its deadline (overdue until accepted) and a cancelled
    one whose deadline has passed (never overdue)."""
    directive = factories.directive(dbsession)
    cases = [
        (ACKNOWLEDGED, dt.date(2025, 5, 1), None),          # overdue
        (IN_PROGRESS, dt.date(2025, 7, 1), None),           # within
        (RETURNED, dt.date(2025, 5, 31), None),             # overdue
        (COMPLETION_REPORTED, dt.date(2025, 5, 10), dt.date(2025, 5, 20)),  # reported late: overdue
        (COMPLETION_REPORTED, dt.date(2025, 5, 10), dt.date(2025, 5, 9)),   # reported in time
        (COMPLETED, dt.date(2025, 5, 10), dt.date(2025, 5, 30)),            # completed late, not overdue
        (CANCELLED, dt.date(2025, 4, 1), None),             # cancelled: never overdue
        ("assigned", None, None),                           # ongoing
        ("assigned", dt.date(2025, 5, 2), None),            # overdue
    ]
    tasks = []
    for status, deadline, completed_on in cases:
        task = factories.task(dbsession, directive_obj=directive, deadline=deadline)
        task.status, task.completed_on = status, completed_on
        tasks.append(task)
    dbsession.flush()  # copies status and deadline onto the coordinator rows
    return tasks


@pytest.mark.parametrize("role,agency", [(LEAD, "SLDTBXH"), (COORDINATING, "STC")])
def test_inbox_counts_match_the_statuses_and_the_classification_in_one_statement(dbsession, mixed, role, agency):
    agency_id = factories.agency(dbsession, agency).id
    with Statements(dbsession) as seen:
        counts, overdue = inbox_counts(dbsession, agency_id, role, TODAY)
    assert len(seen) == 1
    expected = {s: sum(1 for t in mixed if t.status == s) for s in TASK_STATUSES}
    assert counts == {s: n for s, n in expected.items() if n}
    expected_overdue = sum(1 for t in mixed if t.status != CANCELLED
                           and classify(t.status, t.deadline_in_force, t.completed_on, TODAY) == OVERDUE)
    assert overdue == expected_overdue == 4


def test_an_agency_with_nothing_has_no_counts(dbsession, mixed):
    assert inbox_counts(dbsession, factories.agency(dbsession, "SYT").id, LEAD, TODAY) == ({}, 0)


def dated_and_ongoing(dbsession):
    """Four dated tasks and three ongoing ones (SLDTBXH leads, STC coordinates): the directive, and
    their ids in inbox order (by deadline, then the ongoing ones by id)."""
    directive = factories.directive(dbsession)
    ongoing = [factories.task(dbsession, directive_obj=directive, deadline=None) for _ in range(3)]
    dated = [factories.task(dbsession, directive_obj=directive, deadline=dt.date(2025, 9, 1) - dt.timedelta(days=i))
             for i in range(4)]
    return directive, [t.id for t in sorted(dated, key=lambda t: (t.deadline_in_force, t.id))] + [t.id for t in ongoing]


@pytest.mark.parametrize("role,agency", [(LEAD, "SLDTBXH"), (COORDINATING, "STC")])
def test_a_page_reads_its_keys_in_one_statement_dated_first_then_ongoing(dbsession, demo, role, agency):
    directive, expected = dated_and_ongoing(dbsession)
    agency_id = factories.agency(dbsession, agency).id

    with Statements(dbsession) as seen:
        rows = inbox_page(dbsession, agency_id, InboxFilters(role=role), limit=5, today=TODAY, as_rows=True)
    assert len(seen) == 1  # the keys joined to the page's rows: one round trip
    assert [r.id for r in rows.tasks] == expected[:5]
    assert {r.number_symbol for r in rows.tasks} == {directive.number_symbol}
    with Statements(dbsession) as seen:
        first = inbox_page(dbsession, agency_id, InboxFilters(role=role), limit=5, today=TODAY)
    assert len(seen) == 3  # the keys, the tasks by id, their coordinators (the API's list)
    assert [t.id for t in first.tasks] == expected[:5] and rows.next_cursor == first.next_cursor
    assert first.next_cursor == f"none.{expected[4]}"

    second = inbox_page(dbsession, agency_id, InboxFilters(role=role), after=first.next_cursor, limit=5, today=TODAY)
    assert [t.id for t in second.tasks] == expected[5:] and second.next_cursor is None

    # a page that ends among the dated tasks: its cursor is a dated key and the next page goes on from there
    short = inbox_page(dbsession, agency_id, InboxFilters(role=role), limit=2, today=TODAY)
    assert [t.id for t in short.tasks] == expected[:2]
    rest = inbox_page(dbsession, agency_id, InboxFilters(role=role), after=short.next_cursor, limit=10, today=TODAY)
    assert [t.id for t in rest.tasks] == expected[2:]

    # a date range leaves the ongoing tasks out
    ranged = inbox_page(dbsession, agency_id, InboxFilters(role=role, due_after=dt.date(2025, 8, 30)), today=TODAY)
    assert [t.id for t in ranged.tasks] == expected[1:4]


@pytest.mark.parametrize("role,agency", [(LEAD, "SLDTBXH"), (COORDINATING, "STC")])
def test_the_page_reads_the_rows_of_one_page_only_when_it_may_reach_the_ongoing_tasks(dbsession, demo, role, agency):
    """A first page reads up to ``limit + 1`` keys of the dated tasks and as many of the ongoing
    ones; only the first ``limit + 1`` of them, dated first, are joined to the rows it shows."""
    from coordination.tasks import inbox

    directive, expected = dated_and_ongoing(dbsession)
    agency_id = factories.agency(dbsession, agency).id
    shape = inbox._Shape(coordinating=role == COORDINATING, statuses=False, directive=False, issuer=False, number=False,
                         due_before=False, due_after=False, timeliness=None, cursor=None, limit=2)
    read = dbsession.execute(inbox._page_rows_statement(shape), {"agency_id": agency_id}).all()
    assert sorted(row.id for row in read) == sorted(expected[:3])  # not the 3 + 3 keys of both parts
    shape = shape._replace(limit=5)
    read = dbsession.execute(inbox._page_rows_statement(shape), {"agency_id": agency_id}).all()
    assert sorted(row.id for row in read) == sorted(expected[:6])  # the page crosses into the ongoing ones

    short = inbox_page(dbsession, agency_id, InboxFilters(role=role), limit=2, today=TODAY, as_rows=True)
    assert [r.id for r in short.tasks] == expected[:2]
    rest = inbox_page(dbsession, agency_id, InboxFilters(role=role), after=short.next_cursor, limit=10, today=TODAY,
                      as_rows=True)
    assert [r.id for r in rest.tasks] == expected[2:] and rest.next_cursor is None


def test_pages_of_the_same_shape_share_one_statement_and_each_gets_its_own_values(dbsession, demo):
    """The keys' statement is built once per shape (``inbox._keys_statement``): agencies, cursors,
    statuses and dates are its parameters, never baked into it."""
    from coordination.tasks import inbox

    directive = factories.directive(dbsession)
    mine = [factories.task(dbsession, directive_obj=directive, lead="SLDTBXH", deadline=dt.date(2025, 7, i + 1))
            for i in range(3)]
    theirs = [factories.task(dbsession, directive_obj=directive, lead="SYT", deadline=dt.date(2025, 8, i + 1))
              for i in range(2)]
    theirs[0].status = IN_PROGRESS
    dbsession.flush()
    sldtbxh, syt = factories.agency(dbsession, "SLDTBXH").id, factories.agency(dbsession, "SYT").id
    built = inbox._keys_statement.cache_info().misses
    assert [t.id for t in inbox_page(dbsession, sldtbxh, InboxFilters(), limit=2, today=TODAY).tasks] == [t.id for t in mine[:2]]
    assert [t.id for t in inbox_page(dbsession, syt, InboxFilters(), limit=2, today=TODAY).tasks] == [t.id for t in theirs]
    first = inbox_page(dbsession, sldtbxh, InboxFilters(), limit=1, today=TODAY)
    after_one = inbox_page(dbsession, sldtbxh, InboxFilters(), after=first.next_cursor, limit=1, today=TODAY)
    after_two = inbox_page(dbsession, sldtbxh, InboxFilters(), after=after_one.next_cursor, limit=1, today=TODAY)
    assert [p.tasks[0].id for p in (first, after_one, after_two)] == [t.id for t in mine]
    in_progress = inbox_page(dbsession, syt, InboxFilters(statuses=(IN_PROGRESS,)), today=TODAY)
    assigned = inbox_page(dbsession, syt, InboxFilters(statuses=("assigned",)), today=TODAY)
    assert [t.id for t in in_progress.tasks] == [theirs[0].id] and [t.id for t in assigned.tasks] == [theirs[1].id]
    early = inbox_page(dbsession, sldtbxh, InboxFilters(due_before=dt.date(2025, 7, 1)), today=TODAY)
    late = inbox_page(dbsession, sldtbxh, InboxFilters(due_before=dt.date(2025, 7, 2)), today=TODAY)
    assert len(early.tasks) == 1 and len(late.tasks) == 2
    # shapes: (first page, limit 2), (first, 1), (after a dated key, 1), (statuses), (due_before): at most five built
    assert inbox._keys_statement.cache_info().misses - built <= 5
