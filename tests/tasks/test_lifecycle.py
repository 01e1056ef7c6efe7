"""Every transition allowed and refused, per role and agency; version conflicts; what each leaves."""

import datetime as dt

import pytest
from sqlalchemy import select

from coordination import events
from coordination.tasks import delegation, escalations, extensions, lifecycle
from coordination.tasks.errors import InvalidInput, NotAllowed, StaleVersion
from coordination.tasks.models import (
    ACKNOWLEDGED,
    ASSIGNED,
    CANCELLED,
    COMPLETED,
    COMPLETION_REPORTED,
    IN_PROGRESS,
    RETURNED,
    AuditEvent,
    ProgressReport,
    Task,
)

from . import factories

pytestmark = pytest.mark.usefixtures("frozen_today")


def _audit(dbsession, task):
    return list(dbsession.scalars(select(AuditEvent).where(AuditEvent.entity == "task", AuditEvent.entity_id == task.id).order_by(AuditEvent.id)))


def _reach(dbsession, task, people, status):
    """Bring a task to ``status`` through the lifecycle."""
    officer = people["canbo.sldtbxh"]
    if status == ASSIGNED:
        return task
    if status == ACKNOWLEDGED:
        lifecycle.acknowledge(dbsession, task, officer, expected_version=task.version)
    elif status == IN_PROGRESS:
        lifecycle.report_progress(dbsession, task, officer, expected_version=task.version, percent=30, text="Đang làm")
    elif status == COMPLETION_REPORTED:
        lifecycle.report_completion(dbsession, task, officer, expected_version=task.version, text="Xong")
    elif status == COMPLETED:
        _reach(dbsession, task, people, COMPLETION_REPORTED)
        lifecycle.accept_completion(dbsession, task, people["chuyenvien"], expected_version=task.version)
    elif status == RETURNED:
        _reach(dbsession, task, people, COMPLETION_REPORTED)
        lifecycle.return_completion(dbsession, task, people["chuyenvien"], expected_version=task.version, reason="Thiếu số liệu")
    elif status == CANCELLED:
        lifecycle.cancel(dbsession, task, people["chuyenvien"], expected_version=task.version, reason="Không còn cần thiết")
    assert task.status == status
    return task


def _do(dbsession, task, actor, action):
    v = task.version
    if action == "acknowledge":
        return lifecycle.acknowledge(dbsession, task, actor, expected_version=v)
    if action == "report_progress":
        return lifecycle.report_progress(dbsession, task, actor, expected_version=v, percent=50, text="Một nửa")
    if action == "report_completion":
        return lifecycle.report_completion(dbsession, task, actor, expected_version=v, text="Hoàn thành")
    if action == "accept_completion":
        return lifecycle.accept_completion(dbsession, task, actor, expected_version=v)
    if action == "return_completion":
        return lifecycle.return_completion(dbsession, task, actor, expected_version=v, reason="Chưa đạt")
    if action == "request_extension":
        return extensions.request_extension(dbsession, task, actor, expected_version=v, proposed_deadline=dt.date(2025, 9, 30), reason="Chờ kinh phí")
    if action == "escalate":
        return escalations.escalate(dbsession, task, actor, expected_version=v, matter="Thiếu kinh phí", proposal="Đề nghị bổ sung")
    if action == "add_comment":
        return lifecycle.add_comment(dbsession, task, actor, expected_version=v, text="Ý kiến")
    if action == "cancel":
        return lifecycle.cancel(dbsession, task, actor, expected_version=v, reason="Thôi")
    if action == "delegate":
        return delegation.delegate(dbsession, task, actor, expected_version=v, subtasks=[
            {"lead_agency": factories.agency(dbsession, "H-VANLAM"), "content": "Rà soát", "deadline": dt.date(2025, 8, 15)}])
    raise AssertionError(action)


# (action, state the task is in, who, allowed?)
MATRIX = [
    ("acknowledge", ASSIGNED, "canbo.sldtbxh", True),
    ("acknowledge", ASSIGNED, "giamdoc.sldtbxh", True),
    ("acknowledge", ASSIGNED, "canbo.stc", False),          # coordinating agency
    ("acknowledge", ASSIGNED, "chuyenvien", False),         # issuer's clerk
    ("acknowledge", ACKNOWLEDGED, "canbo.sldtbxh", False),  # already
    ("report_progress", ASSIGNED, "canbo.sldtbxh", True),
    ("report_progress", RETURNED, "canbo.sldtbxh", True),
    ("report_progress", COMPLETED, "canbo.sldtbxh", False),
    ("report_progress", ACKNOWLEDGED, "lanhdao", False),
    ("report_completion", IN_PROGRESS, "canbo.sldtbxh", True),
    ("report_completion", IN_PROGRESS, "giamdoc.sldtbxh", True),
    ("report_completion", IN_PROGRESS, "canbo.stc", False),  # coordinators contribute, never complete
    ("report_completion", COMPLETION_REPORTED, "canbo.sldtbxh", False),
    ("report_completion", CANCELLED, "canbo.sldtbxh", False),
    ("accept_completion", COMPLETION_REPORTED, "chuyenvien", True),
    ("accept_completion", COMPLETION_REPORTED, "lanhdao", True),
    ("accept_completion", COMPLETION_REPORTED, "giamdoc.sldtbxh", False),  # no self-acceptance
    ("accept_completion", IN_PROGRESS, "chuyenvien", False),
    ("return_completion", COMPLETION_REPORTED, "chuyenvien", True),
    ("return_completion", COMPLETION_REPORTED, "canbo.sldtbxh", False),
    ("return_completion", COMPLETED, "chuyenvien", False),
    ("request_extension", IN_PROGRESS, "canbo.sldtbxh", True),
    ("request_extension", IN_PROGRESS, "canbo.stc", False),
    ("request_extension", COMPLETED, "canbo.sldtbxh", False),
    ("escalate", ACKNOWLEDGED, "giamdoc.sldtbxh", True),
    ("escalate", ACKNOWLEDGED, "chuyenvien", False),
    ("add_comment", IN_PROGRESS, "canbo.stc", True),
    ("add_comment", COMPLETED, "chuyenvien", True),
    ("add_comment", IN_PROGRESS, "canbo.vanlam", False),     # unrelated agency
    ("cancel", IN_PROGRESS, "chuyenvien", True),
    ("cancel", IN_PROGRESS, "giamdoc.sldtbxh", False),
    ("cancel", COMPLETED, "lanhdao", False),
    ("delegate", ACKNOWLEDGED, "giamdoc.sldtbxh", True),
    ("delegate", ACKNOWLEDGED, "canbo.stc", False),
    ("delegate", COMPLETION_REPORTED, "giamdoc.sldtbxh", False),
]


@pytest.mark.parametrize("action,state,login,allowed", MATRIX, ids=[f"{a}-{s}-{w}" for a, s, w, _ in MATRIX])
def test_transition_matrix(dbsession, people, action, state, login, allowed):
    task = _reach(dbsession, factories.task(dbsession), people, state)
    version, status, audits = task.version, task.status, len(_audit(dbsession, task))
    if allowed:
        _do(dbsession, task, people[login], action)
        assert task.version > version
        assert len(_audit(dbsession, task)) > audits
        rule = lifecycle.RULES[action]
        if rule.to_state and action != "delegate":
            assert task.status == rule.to_state
    else:
        with pytest.raises(NotAllowed):
            _do(dbsession, task, people[login], action)
        assert (task.version, task.status, len(_audit(dbsession, task))) == (version, status, audits)


def test_an_officer_of_an_unrelated_agency_is_told_nothing(dbsession, people):
    task = factories.task(dbsession)
    with pytest.raises(NotAllowed) as refused:
        lifecycle.acknowledge(dbsession, task, people["canbo.vanlam"], expected_version=task.version)
    assert refused.value.visible is False
    with pytest.raises(NotAllowed) as refused:
        lifecycle.acknowledge(dbsession, task, people["canbo.stc"], expected_version=task.version)
    assert refused.value.visible is True  # a coordinator may read the task, just not do this


def test_completion_reporters_setting_can_reserve_completion_to_the_head(dbsession, people):
    task = _reach(dbsession, factories.task(dbsession), people, IN_PROGRESS)
    with pytest.raises(NotAllowed):
        lifecycle.report_completion(dbsession, task, people["canbo.sldtbxh"], expected_version=task.version, text="Xong",
                                    completion_reporters=("agency_head",))
    lifecycle.report_completion(dbsession, task, people["giamdoc.sldtbxh"], expected_version=task.version, text="Xong",
                                completion_reporters=("agency_head",))
    assert task.status == COMPLETION_REPORTED
    assert "report_completion" not in lifecycle.allowed_actions(task, people["canbo.sldtbxh"], completion_reporters=("agency_head",))


def test_stale_version_is_refused_and_nothing_is_overwritten(dbsession, people):
    task = factories.task(dbsession)
    seen = task.version
    lifecycle.acknowledge(dbsession, task, people["giamdoc.sldtbxh"], expected_version=seen)
    with pytest.raises(StaleVersion) as conflict:
        lifecycle.report_progress(dbsession, task, people["canbo.sldtbxh"], expected_version=seen, percent=40, text="Cũ")
    assert conflict.value.current == task.version
    assert task.status == ACKNOWLEDGED and task.percent_done == 0
    assert dbsession.scalar(select(ProgressReport).where(ProgressReport.task_id == task.id)) is None


def test_bad_input_stores_nothing(dbsession, people):
    task = factories.task(dbsession)
    version = task.version
    with pytest.raises(InvalidInput) as bad:
        lifecycle.report_progress(dbsession, task, people["canbo.sldtbxh"], expected_version=version, percent=150, text="  ")
    assert set(bad.value.fields) == {"percent", "text"}
    assert task.version == version and task.status == ASSIGNED
    with pytest.raises(InvalidInput):
        lifecycle.return_completion(dbsession, _reach(dbsession, task, people, COMPLETION_REPORTED), people["chuyenvien"],
                                    expected_version=task.version, reason="")
    assert task.status == COMPLETION_REPORTED


def test_progress_report_carries_targets_document_and_moves_percent(dbsession, people):
    task = factories.task(dbsession, targets=(("Tỷ lệ lao động được hỗ trợ", 80.0),))
    target = task.directive_task.targets[0]
    report = lifecycle.report_progress(
        dbsession, task, people["canbo.sldtbxh"], expected_version=task.version, percent=50, text="Đã chi trả đợt 1",
        target_values={target.id: 42.5}, document_number="125/BC-SLĐTBXH", document_date=dt.date(2025, 5, 30))
    assert task.status == IN_PROGRESS and task.percent_done == 50
    assert [(v.target_id, v.value) for v in report.target_values] == [(target.id, 42.5)]
    assert report.document_number == "125/BC-SLĐTBXH" and not report.is_contribution
    with pytest.raises(InvalidInput):
        lifecycle.report_progress(dbsession, task, people["canbo.sldtbxh"], expected_version=task.version, percent=60,
                                  text="x", target_values={999999: 1})


def test_coordinating_agency_contributes_to_the_lead_without_moving_the_task(dbsession, people):
    task = _reach(dbsession, factories.task(dbsession), people, ACKNOWLEDGED)
    report = lifecycle.report_progress(dbsession, task, people["canbo.stc"], expected_version=task.version, percent=100,
                                       text="Đã bố trí kinh phí")
    assert report.is_contribution and report.agency_id == factories.agency(dbsession, "STC").id
    assert task.status == ACKNOWLEDGED and task.percent_done == 0
    assert _audit(dbsession, task)[-1].action == "contribute"


def test_completion_date_is_the_reported_date_not_the_acceptance_date(dbsession, people):
    from coordination import clock

    task = _reach(dbsession, factories.task(dbsession), people, IN_PROGRESS)
    clock.set_now(dt.datetime(2025, 8, 31, 16, 0))
    lifecycle.report_completion(dbsession, task, people["canbo.sldtbxh"], expected_version=task.version, text="Xong")
    clock.set_now(dt.datetime(2025, 9, 10, 9, 0))
    lifecycle.accept_completion(dbsession, task, people["chuyenvien"], expected_version=task.version)
    assert task.status == COMPLETED and task.completed_on == dt.date(2025, 8, 31)


def test_return_clears_the_completion_date_and_the_agency_works_on(dbsession, people):
    task = _reach(dbsession, factories.task(dbsession), people, RETURNED)
    assert task.completed_on is None
    lifecycle.report_progress(dbsession, task, people["canbo.sldtbxh"], expected_version=task.version, percent=90, text="Bổ sung")
    assert task.status == IN_PROGRESS
    event = _audit(dbsession, task)[-2]
    assert event.action == "return_completion" and event.after["reason"] == "Thiếu số liệu"


def test_every_transition_is_audited_with_before_and_after_and_published(dbsession, people):
    seen = []

    @events.subscriber(events.TaskEvent)
    def collect(db, event):
        seen.append((event.task_id, event.action))

    try:
        task = _reach(dbsession, factories.task(dbsession), people, COMPLETED)
    finally:
        events._handlers[events.TaskEvent].remove(collect)
    audit = _audit(dbsession, task)
    assert [e.action for e in audit] == ["report_completion", "accept_completion"]
    assert audit[0].before["status"] == ASSIGNED and audit[0].after["status"] == COMPLETION_REPORTED
    assert audit[1].actor_id == people["chuyenvien"].id
    assert seen == [(task.id, "report_completion"), (task.id, "accept_completion")]


def test_status_changed_outside_the_lifecycle_is_still_audited_and_historied(dbsession, people):
    from coordination.tasks.models import TaskStatusHistory

    task = factories.task(dbsession)
    task.status = CANCELLED  # e.g. the directive was withdrawn by another module
    dbsession.flush()
    event = _audit(dbsession, task)[-1]
    assert (event.action, event.before, event.after) == ("status_changed", {"status": ASSIGNED}, {"status": CANCELLED})
    statuses = dbsession.scalars(select(TaskStatusHistory.status).where(TaskStatusHistory.task_id == task.id).order_by(TaskStatusHistory.id)).all()
    assert statuses == [CANCELLED]  # the starting state (assigned) is the task row's, not a row


def test_cancel_cascades_to_open_subtasks(dbsession, people):
    task = _reach(dbsession, factories.task(dbsession), people, ACKNOWLEDGED)
    [child] = _do(dbsession, task, people["giamdoc.sldtbxh"], "delegate")
    lifecycle.cancel(dbsession, task, people["lanhdao"], expected_version=task.version, reason="Dừng")
    assert child.status == CANCELLED
    assert dbsession.get(Task, child.id).status == CANCELLED


def test_coordinator_rows_carry_the_tasks_status_and_deadline(dbsession, people):
    from coordination.tasks.models import task_coordinators

    task = factories.task(dbsession, coordinating=("STC", "SKHDT"))

    def copies():
        return set(dbsession.execute(select(task_coordinators.c.status, task_coordinators.c.deadline_in_force)
                                     .where(task_coordinators.c.task_id == task.id)))

    assert copies() == {(ASSIGNED, dt.date(2025, 8, 31))}
    ext = extensions.request_extension(dbsession, task, people["canbo.sldtbxh"], expected_version=task.version,
                                       proposed_deadline=dt.date(2025, 9, 30), reason="Chờ")
    extensions.approve_extension(dbsession, task, people["lanhdao"], expected_version=task.version, extension_id=ext.id)
    lifecycle.acknowledge(dbsession, task, people["canbo.sldtbxh"], expected_version=task.version)
    assert copies() == {(ACKNOWLEDGED, dt.date(2025, 9, 30))}
    task.coordinating_agencies.append(factories.agency(dbsession, "SNV"))
    dbsession.flush()
    assert len(dbsession.execute(select(task_coordinators.c.status).where(task_coordinators.c.task_id == task.id)).all()) == 3
    assert copies() == {(ACKNOWLEDGED, dt.date(2025, 9, 30))}


def test_only_the_issuing_committees_office_reviews_and_decides(dbsession, people):
    """Another People's Committee in the same database (a second province, or a district keeping its
    own directives) has clerks and leaders too: they neither review nor decide this one's tasks."""
    from coordination.accounts import services
    from coordination.organizations.models import Agency
    from coordination.tasks.access import APPROVER, REVIEWER, relations

    home = factories.agency(dbsession, "UBND")
    other = Agency(code="UBND-TB", name="Ủy ban nhân dân tỉnh Thái Bình", kind_id=home.kind_id,
                   name_key="uy ban nhan dan tinh thai binh")
    dbsession.add(other)
    dbsession.flush()
    leader = services.create_user(dbsession, login="lanhdao.tb", full_name="Lãnh đạo Thái Bình", agency=other,
                                  roles=["leader"], password="lanhdao.tb-password")
    clerk = services.create_user(dbsession, login="chuyenvien.tb", full_name="Chuyên viên Thái Bình", agency=other,
                                 roles=["clerk"], password="chuyenvien.tb-password")
    task = _reach(dbsession, factories.task(dbsession), people, COMPLETION_REPORTED)
    assert {REVIEWER, APPROVER} <= relations(people["lanhdao"], task)
    assert REVIEWER in relations(people["chuyenvien"], task)  # VP-UBND, directly under UBND
    for outsider in (leader, clerk):
        assert not relations(outsider, task) & {REVIEWER, APPROVER}
        with pytest.raises(NotAllowed):
            lifecycle.accept_completion(dbsession, task, outsider, expected_version=task.version)
    lifecycle.accept_completion(dbsession, task, people["chuyenvien"], expected_version=task.version)
    assert task.status == COMPLETED
