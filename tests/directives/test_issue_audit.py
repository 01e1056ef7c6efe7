"""Issuing records the fan-out once, in the directive's "issued" audit event, and each new task's audit
trail starts from it: a "created" entry with who issued, the lead and coordinating agencies as
expanded that day, and the first deadline, on the task page and in the API."""

from sqlalchemy import func, select

from coordination.organizations.models import Agency, AgencyGroup
from coordination.tasks import lifecycle
from coordination.tasks.models import AuditEvent, Task
from coordination.tasks.services import detail, timeline
from tests.directives.conftest import user
from tests.directives.test_workflow import small


def agency_id(dbsession, code):
    return dbsession.scalar(select(Agency.id).where(Agency.code == code))


def test_the_issued_event_records_each_written_task_once(dbsession, issue, frozen_day):
    issued = issue(small())
    directive = issued.directive
    event = dbsession.scalar(select(AuditEvent).where(AuditEvent.entity == "directive", AuditEvent.entity_id == directive.id,
                                                      AuditEvent.action == "issued"))
    districts = dbsession.scalar(select(AgencyGroup).where(AgencyGroup.code == "HUYEN")).active_members()
    first, second = directive.tasks
    assert event.after["fan_out"] == [
        {"directive_task_id": first.id, "lead_agency_ids": [agency_id(dbsession, "SLDTBXH")],
         "coordinating_agency_ids": [agency_id(dbsession, "STC")], "deadline_in_force": "2022-06-30"},
        {"directive_task_id": second.id, "lead_agency_ids": [a.id for a in districts], "coordinating_agency_ids": [],
         "deadline_in_force": None},
    ]
    assert event.after["tasks"] == len(issued.task_ids) == 11
    # and nothing per task
    assert dbsession.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.entity == "task")) == 0


def test_each_task_trail_starts_with_its_creation_as_issued(dbsession, issue, frozen_day):
    leader = user(dbsession, "lanhdao")
    issued = issue(small(tasks=[
        {"paragraph": "1", "content": "Phối hợp rà soát.", "lead": "HUYEN", "coordinating": ["STC", "HUYEN"],
         "deadline": {"kind": "date", "date": "2022-07-15"}},
    ]))
    tasks = dbsession.scalars(select(Task).where(Task.id.in_(issued.task_ids)).order_by(Task.id)).all()
    districts = [a.id for a in dbsession.scalar(select(AgencyGroup).where(AgencyGroup.code == "HUYEN")).active_members()]
    for task in tasks:
        [created] = timeline(dbsession, task)
        assert (created.action, created.entity, created.entity_id, created.at) == ("created", "task", task.id, task.created_at)
        assert created.actor is leader and created.agency_id == task.lead_agency_id
        # a lead district is not listed among its own coordinators; the other districts are
        assert created.after == {
            "directive_id": issued.directive.id, "lead_agency_id": task.lead_agency_id,
            "coordinating_agency_ids": [agency_id(dbsession, "STC")] + [a for a in districts if a != task.lead_agency_id],
            "deadline_in_force": "2022-07-15",
        }


def test_later_events_follow_the_creation_and_nothing_is_written_by_reading(dbsession, issue, frozen_day, demo):
    issued = issue(small())
    task = dbsession.get(Task, issued.task_ids[0])
    officer = user(dbsession, "canbo.sldtbxh")
    lifecycle.acknowledge(dbsession, task, officer, expected_version=task.version)
    before = dbsession.scalar(select(func.count()).select_from(AuditEvent))
    events = detail(dbsession, task).events
    dbsession.flush()
    assert [e.action for e in events] == ["created", "acknowledge"]
    assert events[0].actor.login == "lanhdao" and events[1].actor is officer
    assert dbsession.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_a_task_with_its_own_created_row_is_not_given_a_second(dbsession, issue, frozen_day):
    """Tasks issued before the fan-out record existed have a "created" row each; it is shown as it is."""
    issued = issue(small())
    task = dbsession.get(Task, issued.task_ids[0])
    dbsession.add(AuditEvent(entity="task", entity_id=task.id, action="created", at=task.created_at,
                             after={"directive_id": task.directive_id, "note": "kept row"}))
    dbsession.flush()
    assert [(e.action, e.after.get("note")) for e in timeline(dbsession, task)] == [("created", "kept row")]


def test_a_directive_issued_without_the_record_gives_no_made_up_entry(dbsession, issue, frozen_day, monkeypatch):
    """A task issued by the earlier code, whose "issued" event kept no fan-out record: its trail is its
    own rows only (it has a "created" row of its own, which this test leaves out)."""
    from coordination.directives import services

    audit = services.audit

    def audit_without_record(dbsession, actor, directive, action, after=None, before=None):
        after = {k: v for k, v in (after or {}).items() if k != "fan_out"} or None
        return audit(dbsession, actor, directive, action, after=after, before=before)

    monkeypatch.setattr(services, "audit", audit_without_record)
    issued = issue(small())
    task = dbsession.get(Task, issued.task_ids[0])
    assert timeline(dbsession, task) == []


def test_the_api_history_of_an_issued_task_starts_with_its_creation(dbsession, issue, frozen_day, api_for):
    issued = issue(small())
    task = dbsession.get(Task, issued.task_ids[0])
    event = dbsession.scalar(select(AuditEvent).where(AuditEvent.entity == "directive", AuditEvent.action == "issued"))
    dbsession.flush()
    body = api_for("canbo.sldtbxh").get(f"/api/v1/tasks/{task.id}", status=200).json
    first = body["history"][0]
    assert (first["id"], first["action"], first["actor"]) == (event.id, "created", "lanhdao")
    assert first["after"]["coordinating_agency_ids"] == [agency_id(dbsession, "STC")]
    assert first["after"]["deadline_in_force"] == "2022-06-30"
    document = api_for("canbo.sldtbxh").get("/api/v1/openapi.json", status=200).json
    assert "`issued` audit event" in document["paths"]["/api/v1/tasks/{id}"]["get"]["description"]
