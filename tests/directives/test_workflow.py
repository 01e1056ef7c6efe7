"""The life of a directive: draft → submitted → issued or returned; numbering; immutability;
withdrawal; amendment; the events the reminders listen to; the history kept."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from sqlalchemy import select

from coordination import clock, events
from coordination.directives import services
from coordination.directives.errors import DraftInvalid, NotPermitted, WrongState
from coordination.directives.guard import DirectiveImmutable
from coordination.directives.models import Directive
from coordination.directives.payload import draft_from_json
from coordination.organizations.models import AgencyGroup
from coordination.tasks.models import AuditEvent, Task
from tests.directives.conftest import seed, user


def small(subject="V/v thử nghiệm", type_="cong-van", tasks=None) -> dict:
    return {
        "type": type_, "subject": subject, "body": "Nội dung.", "signer": {"capacity": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"},
        "addressees": ["SLDTBXH"],
        "tasks": tasks if tasks is not None else [
            {"paragraph": "1", "content": "Báo cáo tình hình.", "lead": "SLDTBXH", "coordinating": ["STC"],
             "deadline": {"kind": "date", "date": "2022-06-30"}},
            {"paragraph": "2", "content": "Rà soát đối tượng.", "lead": "HUYEN", "deadline": {"kind": "ongoing"}},
        ],
    }


@pytest.fixture
def published():
    seen = []

    def on_issued(dbsession, event):
        # the handler runs inside the issuing transaction: the tasks are there to read
        seen.append((event, sorted(dbsession.scalars(select(Task.id).where(Task.directive_id == event.directive_id)))))

    def on_withdrawn(dbsession, event):
        seen.append((event, None))

    events.subscriber(events.DirectiveIssued)(on_issued)
    events.subscriber(events.DirectiveWithdrawn)(on_withdrawn)
    yield seen
    events._handlers[events.DirectiveIssued].remove(on_issued)
    events._handlers[events.DirectiveWithdrawn].remove(on_withdrawn)


def test_issuing_numbers_creates_the_tasks_and_publishes_the_event_in_one_go(dbsession, demo, issue, frozen_day, published):
    issued = issue(small())
    directive = issued.directive
    assert (directive.status, directive.number, directive.year, directive.issued_on) == ("issued", 1, 2022, frozen_day)
    assert directive.number_symbol == "1/UBND"
    assert directive.signed_by_id == user(dbsession, "lanhdao").id
    assert len(issued.task_ids) == 1 + 10
    event, tasks_seen = published[0]
    assert event == events.DirectiveIssued(directive_id=directive.id, task_ids=issued.task_ids,
                                           actor_id=user(dbsession, "lanhdao").id)
    assert tasks_seen == sorted(issued.task_ids)
    # the fan-out is recorded once, in the directive's "issued" event (tests/directives/test_issue_audit.py)
    assert dbsession.scalars(select(AuditEvent).where(AuditEvent.entity == "task")).all() == []
    issued_event = dbsession.scalar(select(AuditEvent).where(AuditEvent.entity == "directive", AuditEvent.action == "issued"))
    assert [w["directive_task_id"] for w in issued_event.after["fan_out"]] == [t.id for t in directive.tasks]


def test_numbers_are_sequential_per_register_and_calendar_year(dbsession, demo, issue):
    clock.set_now(dt.datetime(2022, 12, 30, 10, 0))
    first, second = issue(small()), issue(small())
    plan = issue(small(type_="ke-hoach"))
    clock.set_now(dt.datetime(2023, 1, 2, 8, 0))
    next_year = issue(small())
    assert [first.directive.number, second.directive.number] == [1, 2]
    assert plan.directive.number_symbol == "1/KH-UBND"  # plans have a register of their own
    assert (next_year.directive.number, next_year.directive.year) == (1, 2023)


def test_only_a_leader_issues_returns_and_withdraws(dbsession, demo, frozen_day):
    clerk = user(dbsession, "chuyenvien")
    directive = services.create_draft(dbsession, draft_from_json(small()), clerk)
    services.submit_directive(dbsession, directive, clerk)
    for action in (lambda: services.issue_directive(dbsession, directive, clerk),
                   lambda: services.return_directive(dbsession, directive, clerk, "Sửa lại"),
                   lambda: services.withdraw_directive(dbsession, directive, clerk, "Sai")):
        with pytest.raises(NotPermitted):
            action()
    assert directive.status == "submitted" and directive.number is None


def test_a_returned_draft_goes_back_to_the_clerk_with_the_comment_and_can_be_resubmitted(dbsession, demo, frozen_day):
    clerk, leader = user(dbsession, "chuyenvien"), user(dbsession, "lanhdao")
    directive = services.create_draft(dbsession, draft_from_json(small()), clerk)
    services.submit_directive(dbsession, directive, clerk)
    with pytest.raises(DraftInvalid):
        services.return_directive(dbsession, directive, leader, "  ")
    services.return_directive(dbsession, directive, leader, "Bổ sung thời hạn cho mục 2.")
    assert (directive.status, directive.return_comment) == ("returned", "Bổ sung thời hạn cho mục 2.")
    with pytest.raises(WrongState):
        services.issue_directive(dbsession, directive, leader)
    payload = small()
    payload["tasks"][1]["deadline"] = {"kind": "month", "month": "2022-07"}
    services.update_draft(dbsession, directive, draft_from_json(payload), clerk)
    services.submit_directive(dbsession, directive, clerk)
    issued = services.issue_directive(dbsession, directive, leader)
    months = {t.deadline_in_force for t in dbsession.scalars(select(Task).where(Task.directive_id == directive.id))}
    assert months == {dt.date(2022, 6, 30), dt.date(2022, 7, 31)}
    actions = [e.action for e in dbsession.scalars(
        select(AuditEvent).where(AuditEvent.entity == "directive", AuditEvent.entity_id == directive.id)
        .order_by(AuditEvent.id))]
    assert actions == ["created", "submitted", "returned", "updated", "submitted", "issued"]
    assert len(issued.task_ids) == 11


def test_submitting_checks_what_signing_needs(dbsession, demo):
    clerk = user(dbsession, "chuyenvien")
    payload = small()
    payload["signer"] = {}
    payload["body"] = ""
    directive = services.create_draft(dbsession, draft_from_json(payload), clerk)
    with pytest.raises(DraftInvalid) as error:
        services.submit_directive(dbsession, directive, clerk)
    assert set(error.value.fields) == {"body", "signer.capacity"}
    assert directive.status == "draft"


def test_a_lead_group_without_active_members_cannot_be_submitted(dbsession, demo):
    clerk = user(dbsession, "chuyenvien")
    empty = AgencyGroup(code="TRONG", name="Nhóm trống", members=[])
    dbsession.add(empty)
    dbsession.flush()
    directive = services.create_draft(dbsession, draft_from_json(small(tasks=[
        {"content": "Việc cho nhóm trống.", "lead": "TRONG"}])), clerk)
    with pytest.raises(DraftInvalid) as error:
        services.submit_directive(dbsession, directive, clerk)
    assert error.value.fields == {"tasks.0.lead": "the group has no active member"}


def test_unknown_codes_are_reported_by_path_and_nothing_is_stored(dbsession, demo):
    payload = small()
    payload["tasks"][0]["lead"] = "NOPE"
    payload["tasks"][1]["coordinating"] = ["STC", "ALSO-NOPE"]
    payload["addressees"] = [{"code": "MISSING"}]
    with pytest.raises(DraftInvalid) as error:
        services.create_draft(dbsession, draft_from_json(payload), user(dbsession, "chuyenvien"))
    assert set(error.value.fields) == {"tasks.0.lead", "tasks.1.coordinating.1", "addressees.0"}
    assert dbsession.scalar(select(Directive.id)) is None


def test_an_issued_directive_is_immutable(dbsession, demo, issue, frozen_day):
    directive = issue(small()).directive
    clerk = user(dbsession, "chuyenvien")
    with pytest.raises(WrongState):
        services.update_draft(dbsession, directive, draft_from_json(small(subject="V/v khác")), clerk)
    with pytest.raises(WrongState):
        services.submit_directive(dbsession, directive, clerk)
    with pytest.raises(WrongState):
        services.delete_draft(dbsession, directive, clerk)
    # and below the services: the flush itself refuses, for the header and the written tasks alike
    for change in (lambda d: setattr(d, "subject", "V/v sửa lén"), lambda d: setattr(d.tasks[0], "content", "Khác"),
                   lambda d: d.tasks.pop(), lambda d: setattr(d, "number", 99)):
        savepoint = dbsession.begin_nested()
        change(directive)
        with pytest.raises(DirectiveImmutable):
            dbsession.flush()
        savepoint.rollback()
    dbsession.refresh(directive)
    assert directive.subject == "V/v thử nghiệm" and directive.number == 1


def test_withdrawal_cancels_the_open_tasks_with_the_reason_and_keeps_the_completed(dbsession, demo, issue, frozen_day, published):
    issued = issue(small())
    tasks = dbsession.scalars(select(Task).where(Task.id.in_(issued.task_ids)).order_by(Task.id)).all()
    tasks[0].status = "completed"
    dbsession.flush()
    leader = user(dbsession, "lanhdao")
    with pytest.raises(DraftInvalid):
        services.withdraw_directive(dbsession, issued.directive, leader, "")
    cancelled = services.withdraw_directive(dbsession, issued.directive, leader, "Ban hành nhầm đối tượng.")
    assert cancelled == [t.id for t in tasks[1:]]
    assert {t.status for t in tasks[1:]} == {"cancelled"} and tasks[0].status == "completed"
    directive = issued.directive
    assert (directive.status, directive.withdrawal_reason, directive.number) == ("withdrawn", "Ban hành nhầm đối tượng.", 1)
    assert published[-1][0] == events.DirectiveWithdrawn(directive_id=directive.id, cancelled_task_ids=tuple(cancelled),
                                                         actor_id=leader.id)
    audit = dbsession.scalars(select(AuditEvent).where(AuditEvent.entity == "task", AuditEvent.action == "cancelled")).all()
    assert {e.entity_id for e in audit} == set(cancelled)
    assert {e.after["reason"] for e in audit} == {"Ban hành nhầm đối tượng."}
    with pytest.raises(WrongState):
        services.withdraw_directive(dbsession, directive, leader, "Lần nữa")


def test_an_amendment_moves_a_deadline_and_adds_a_task_keeping_the_history(dbsession, demo, issue, frozen_day):
    original = issue(small()).directive
    report_task = original.tasks[0]
    amendment = small(subject="V/v sửa đổi thời hạn", tasks=[
        {"paragraph": "3", "content": "Bổ sung: tổng hợp số liệu.", "lead": "SKHDT", "deadline": {"kind": "date", "date": "2022-07-15"}}])
    amendment.update(amends=original.id, amendments=[{"written_task": report_task.id,
                                                      "deadline": {"kind": "date", "date": "2022-07-31"}}])
    result = issue(amendment)
    changed = dbsession.scalars(select(Task).where(Task.directive_task_id == report_task.id)).all()
    assert [(t.original_deadline, t.deadline_in_force) for t in changed] == [(dt.date(2022, 6, 30), dt.date(2022, 7, 31))]
    assert result.amended_task_ids == (changed[0].id,)
    added = dbsession.scalars(select(Task).where(Task.directive_id == result.directive.id)).all()
    assert [(t.lead_agency.code, t.deadline_in_force) for t in added] == [("SKHDT", dt.date(2022, 7, 15))]
    trail = dbsession.scalars(select(AuditEvent).where(AuditEvent.entity_id == changed[0].id,
                                                        AuditEvent.action == "deadline_amended")).one()
    assert trail.before["deadline_in_force"] == "2022-06-30"
    assert trail.after == {"deadline_kind": "date", "deadline_in_force": "2022-07-31", "deadline_text": "Hạn 31/07/2022",
                           "rrule": None, "amending_directive_id": result.directive.id}
    # the amended directive itself is untouched
    dbsession.refresh(report_task)
    assert report_task.deadline_date == dt.date(2022, 6, 30)
    assert result.directive.amendments[0].applied_at is not None


def test_an_amendment_may_only_name_tasks_of_an_issued_directive(dbsession, demo, issue, frozen_day):
    clerk = user(dbsession, "chuyenvien")
    draft = services.create_draft(dbsession, draft_from_json(small()), clerk)
    other = issue(small()).directive
    payload = small()
    payload.update(amends=draft.id)
    with pytest.raises(DraftInvalid) as error:
        services.create_draft(dbsession, draft_from_json(payload), clerk)
    assert "amends" in error.value.fields
    payload.update(amends=other.id, amendments=[{"written_task": draft.tasks[0].id, "deadline": {"kind": "ongoing"}}])
    with pytest.raises(DraftInvalid) as error:
        services.create_draft(dbsession, draft_from_json(payload), clerk)
    assert set(error.value.fields) == {"amendments.0.written_task"}


def test_forwarding_an_incoming_document_links_the_tasks_to_it(dbsession, demo, issue, frozen_day):
    from coordination.directives.external import cover_draft, register_external_document

    document = register_external_document(dbsession, {
        "doc_type": "Công văn", "number": "3951/VPCP-KSTT", "issued_on": dt.date(2020, 5, 20),
        "issuer": "Văn phòng Chính phủ",
        "subject": "V/v thực hiện dịch vụ công trực tuyến hỗ trợ đối tượng gặp khó khăn do dịch Covid-19"},
        user(dbsession, "chuyenvien"))
    draft = cover_draft(document, "SLDTBXH", ["BHXH", "SO-NGANH"])
    draft.update(signer={"name": "Đỗ Thanh Bình", "capacity": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"}, addressees=[{"code": "SLDTBXH"}])
    clerk, leader = user(dbsession, "chuyenvien"), user(dbsession, "lanhdao")
    directive = services.create_draft(dbsession, draft, clerk)
    services.submit_directive(dbsession, directive, clerk)
    issued = services.issue_directive(dbsession, directive, leader)
    task = dbsession.get(Task, issued.task_ids[0])
    assert task.directive_task.forwarded_document == document
    assert {a.code for a in task.coordinating_agencies} == {"BHXH", "STC", "SKHDT", "STTTT", "SNV", "SYT", "SGDDT", "BQLKCN"}
    assert directive.references[0].external_document == document
    assert "Công văn số 3951/VPCP-KSTT ngày 20/5/2020 của Văn phòng Chính phủ" in directive.body
    from coordination.directives.errors import Conflict

    with pytest.raises(Conflict):
        register_external_document(dbsession, {"doc_type": "Công văn", "number": "3951/VPCP-KSTT",
                                               "issued_on": dt.date(2020, 5, 20), "issuer": "Văn phòng Chính phủ",
                                               "subject": "Trùng"}, clerk)


def test_a_draft_can_be_deleted_but_not_once_submitted(dbsession, demo):
    clerk = user(dbsession, "chuyenvien")
    directive = services.create_draft(dbsession, draft_from_json(copy.deepcopy(seed("seed_001"))), clerk)
    directive_id = directive.id
    services.delete_draft(dbsession, directive, clerk)
    assert dbsession.get(Directive, directive_id) is None
    again = services.create_draft(dbsession, draft_from_json(small()), clerk)
    services.submit_directive(dbsession, again, clerk)
    with pytest.raises(WrongState):
        services.delete_draft(dbsession, again, clerk)


def test_bulk_inserts_fill_python_side_defaults_like_the_orm(dbsession, demo, issue, frozen_day):
    from coordination.directives.bulk import insert_rows

    directive = issue(small()).directive
    agency_id = directive.tasks[0].lead_agency_id
    returned = insert_rows(dbsession, Task.__table__, [
        {"directive_id": directive.id, "content": "Không ghi trạng thái.", "lead_agency_id": agency_id},
    ], returning=("id", "status", "version", "paragraph"))
    assert [row[1:] for row in returned] == [("assigned", 1, "")]
    assert dbsession.get(Task, returned[0][0]).created_at is not None


def test_bulk_inserts_keep_every_value_as_given(dbsession, demo, issue, frozen_day):
    """Text with quotes, backslashes, newlines and Vietnamese, None, dates, aware times and JSON
    documents come back as they were sent (PostgreSQL reads them from one JSON document)."""
    import datetime as dt

    from sqlalchemy import select

    from coordination.directives.bulk import insert_rows
    from coordination.tasks.models import AuditEvent

    directive = issue(small()).directive
    agency_id = directive.tasks[0].lead_agency_id
    at = dt.datetime(2026, 12, 7, 1, 2, 3, 456789, tzinfo=dt.timezone.utc)
    content = 'Rà soát "hộ nghèo"\\ và cận nghèo;\nbáo cáo trước 30/6 — 100% \' xã'
    rows = [{"directive_id": directive.id, "content": content, "lead_agency_id": agency_id, "paragraph": str(n),
             "original_deadline": dt.date(2027, 3, 31) if n else None, "deadline_in_force": dt.date(2027, 3, 31) if n else None,
             "created_at": at} for n in range(3)]
    returned = insert_rows(dbsession, Task.__table__, rows, returning=("id", "paragraph"))
    assert sorted(p for _, p in returned) == ["0", "1", "2"]
    tasks = {t.paragraph: t for t in dbsession.scalars(select(Task).where(Task.id.in_([i for i, _ in returned])))}
    assert {t.content for t in tasks.values()} == {content}
    assert tasks["0"].deadline_in_force is None and tasks["1"].deadline_in_force == dt.date(2027, 3, 31)
    assert tasks["2"].created_at == at
    after = {"coordinating_agency_ids": [1, 2], "note": 'nháy "kép"', "deadline_in_force": None}
    # the same document in every row (sent once) and one per row (in the rows' document)
    insert_rows(dbsession, AuditEvent.__table__, [{"at": at, "entity": "task", "entity_id": task_id, "action": "bulk-test",
                                                   "before": None, "after": after} for task_id, _ in returned])
    insert_rows(dbsession, AuditEvent.__table__, [{"at": at, "entity": "task", "entity_id": task_id, "action": "bulk-each",
                                                   "before": {"paragraph": paragraph}, "after": after}
                                                  for task_id, paragraph in returned])
    events = dbsession.scalars(select(AuditEvent).where(AuditEvent.action == "bulk-test")).all()
    assert len(events) == 3 and all((e.before, e.after, e.at) == (None, after, at) for e in events)
    each = dbsession.scalars(select(AuditEvent).where(AuditEvent.action == "bulk-each")).all()
    assert sorted(e.before["paragraph"] for e in each) == ["0", "1", "2"] and all(e.after == after for e in each)


def test_bulk_inserts_tell_equal_values_of_different_types_apart():
    from coordination.directives.bulk import _one_value

    assert _one_value([1, 1, 1]) and _one_value([{"a": 1}, {"a": 1}]) and _one_value([None, None])
    assert not _one_value([1, True]) and not _one_value([0, 0.0]) and not _one_value([1, 2])
    assert not _one_value([{"a": 1}, {"a": 2}]) and not _one_value([None, 0])
