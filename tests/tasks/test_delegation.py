"""Subtasks: to whom a lead agency may delegate, within which deadlines, and who reviews them."""

import datetime as dt

import pytest

from coordination import clock
from coordination.tasks import delegation, lifecycle
from coordination.tasks.errors import InvalidInput, NotAllowed
from coordination.tasks.models import COMPLETED, IN_PROGRESS, ON_TIME, OVERDUE
from coordination.tasks.services import rollup

from . import factories


@pytest.fixture(autouse=True)
def _june():
    clock.set_now(dt.datetime(2025, 6, 1, 9, 0))


def _delegate(dbsession, task, people, specs):
    return delegation.delegate(dbsession, task, people["giamdoc.sldtbxh"], expected_version=task.version, subtasks=[
        {"lead_agency": factories.agency(dbsession, code), "content": f"Triển khai tại {code}", "deadline": deadline}
        for code, deadline in specs])


def test_lead_splits_to_districts_and_own_units_with_deadlines_no_later_than_the_parent(dbsession, people):
    task = factories.task(dbsession, deadline=dt.date(2025, 8, 31))
    children = _delegate(dbsession, task, people, [("H-VANLAM", dt.date(2025, 8, 15)), ("TTDVVL", dt.date(2025, 8, 31))])
    assert [c.parent_id for c in children] == [task.id, task.id]
    assert all(c.report_to_id == task.lead_agency_id and c.original_deadline == c.deadline_in_force for c in children)
    assert task.status == IN_PROGRESS
    with pytest.raises(InvalidInput) as bad:
        _delegate(dbsession, task, people, [("H-MYHAO", dt.date(2025, 9, 1))])
    assert "subtasks.0.deadline" in bad.value.fields
    with pytest.raises(InvalidInput) as bad:
        _delegate(dbsession, task, people, [("STC", dt.date(2025, 8, 1))])  # a peer department is not below it
    assert "subtasks.0.lead_agency" in bad.value.fields


def test_parent_shows_the_rollup_and_the_delegator_reviews_subtasks(dbsession, people):
    task = factories.task(dbsession, deadline=dt.date(2025, 8, 31))
    vanlam, unit = _delegate(dbsession, task, people, [("H-VANLAM", dt.date(2025, 6, 15)), ("TTDVVL", dt.date(2025, 8, 31))])
    lifecycle.report_progress(dbsession, unit, people["canbo.ttdvvl"], expected_version=unit.version, percent=40, text="Đang làm")
    lifecycle.report_completion(dbsession, vanlam, people["canbo.vanlam"], expected_version=vanlam.version, text="Xong")
    # the province's clerk does not review a department's subtask: the department does
    with pytest.raises(NotAllowed):
        lifecycle.accept_completion(dbsession, vanlam, people["chuyenvien"], expected_version=vanlam.version)
    lifecycle.accept_completion(dbsession, vanlam, people["canbo.sldtbxh"], expected_version=vanlam.version)
    assert vanlam.status == COMPLETED
    summary = rollup(task, dt.date(2025, 9, 2))
    assert summary.count == 2 and summary.percent == 70
    assert summary.by_status == {"completed": 1, "in_progress": 1}
    assert summary.by_timeliness[ON_TIME] == 1 and summary.by_timeliness[OVERDUE] == 1
    assert rollup(vanlam) is None


def test_the_delegation_form_offers_the_leads_units_and_lower_agencies_only(dbsession, people):
    from coordination.organizations import services as organizations

    task = factories.task(dbsession, deadline=dt.date(2025, 8, 31))
    codes = {a.code for a in delegation.delegation_candidates(task, organizations.agencies(dbsession, active_only=True))}
    assert {"H-VANLAM", "TTDVVL"} <= codes  # a district, the department's own centre
    assert task.lead_agency.code not in codes and "STC" not in codes  # not itself, not a peer department
