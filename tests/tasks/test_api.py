"""The JSON API: per-role checks, 403 with no data for strangers, 409 on stale versions, 400 on bad input."""

import base64
import datetime as dt

import pytest
from icalendar import Calendar

from coordination import clock
from coordination.accounts.services import create_api_token, revoke_api_token
from coordination.accounts.models import ApiToken

from . import factories


@pytest.fixture(autouse=True)
def _june():
    clock.set_now(dt.datetime(2025, 6, 1, 9, 0))


@pytest.fixture
def token(dbsession, people):
    def make(login, scope="api"):
        return create_api_token(dbsession, people[login], scope=scope)
    return make


@pytest.fixture
def api(testapp, token):
    class Client:
        def __init__(self, headers=None):
            self.headers = headers or {}

        def as_(self, login):
            """A client acting as ``login`` (each its own object)."""
            return Client({"Authorization": f"Bearer {token(login)}"})

        def get(self, path, params=None, status=200):
            return testapp.get(path, params=params, headers=self.headers, status=status).json

        def post(self, path, body, status=200):
            return testapp.post_json(path, body, headers=self.headers, status=status).json

    return Client()


@pytest.fixture
def task(dbsession, people):
    return factories.task(dbsession, deadline=dt.date(2025, 8, 31), targets=(("Tỷ lệ lao động được hỗ trợ", 80.0),))


def test_full_cycle_through_the_api(api, dbsession, task):
    base = f"/api/v1/tasks/{task.id}"
    officer = api.as_("canbo.sldtbxh")
    doc = officer.get(base)
    assert doc["version"] == task.version and doc["status"] == "assigned" and doc["timeliness"] == "open_within_deadline"
    v = officer.post(base + "/acknowledge", {"version": doc["version"]})["task"]["version"]
    target = task.directive_task.targets[0].id
    pdf = base64.b64encode(b"%PDF-1.4\n%%EOF\n").decode()
    out = officer.post(base + "/progress", {"version": v, "percent": 50, "text": "Một nửa", "target_values": {str(target): 41},
                                            "document_number": "12/BC-SLĐTBXH", "document_date": "2025-05-30",
                                            "attachments": [{"filename": "bc.pdf", "content_base64": pdf}]})
    v = out["task"]["version"]
    assert out["task"]["percent_done"] == 50 and out["task"]["status"] == "in_progress"
    v = officer.post(base + "/complete", {"version": v, "text": "Xong"})["task"]["version"]
    clerk = api.as_("chuyenvien")
    done = clerk.post(base + "/accept", {"version": v})["task"]
    assert done["status"] == "completed" and done["timeliness"] == "completed_on_time" and done["completed_on"] == "2025-06-01"
    history = clerk.get(base)["history"]
    assert [h["action"] for h in history] == ["acknowledge", "report_progress", "report_completion", "accept_completion"]
    report = clerk.get(base)["progress_reports"][-1]
    assert report["targets"] == {str(target): 41.0} and report["attachments"][0]["media_type"] == "application/pdf"


def test_stale_version_is_409_and_changes_nothing(api, task):
    officer = api.as_("canbo.sldtbxh")
    stale = task.version
    officer.post(f"/api/v1/tasks/{task.id}/acknowledge", {"version": stale})
    answer = officer.post(f"/api/v1/tasks/{task.id}/progress", {"version": stale, "percent": 10, "text": "cũ"}, status=409)
    assert answer["error"] == "conflict" and answer["version"] == task.version
    assert task.status == "acknowledged" and task.percent_done == 0


def test_a_write_without_version_is_400(api, task):
    answer = api.as_("canbo.sldtbxh").post(f"/api/v1/tasks/{task.id}/acknowledge", {}, status=400)
    assert "version" in answer["fields"]


def test_bad_values_are_400_with_fields(api, task):
    answer = api.as_("canbo.sldtbxh").post(f"/api/v1/tasks/{task.id}/progress", {"version": task.version, "percent": "abc", "text": ""}, status=400)
    assert answer["error"] == "invalid" and {"percent", "text"} <= set(answer["fields"])
    answer = api.as_("canbo.sldtbxh").post(f"/api/v1/tasks/{task.id}/progress", {
        "version": task.version, "percent": 5, "text": "x", "attachments": [{"filename": "a.pdf", "content_base64": base64.b64encode(b"MZ").decode()}]}, status=400)
    assert "attachments.0" in answer["fields"]
    assert task.percent_done == 0


def test_officer_of_another_agency_gets_403_and_nothing_about_the_task(api, task):
    stranger = api.as_("canbo.vanlam")
    for path in (f"/api/v1/tasks/{task.id}", "/api/v1/tasks/999999"):
        answer = stranger.get(path, status=403)
        assert answer == {"error": "forbidden", "fields": {}}
    answer = stranger.post(f"/api/v1/tasks/{task.id}/acknowledge", {"version": task.version}, status=403)
    assert answer == {"error": "forbidden", "fields": {}}
    assert stranger.get("/api/v1/tasks", {"agency": "SLDTBXH"}, status=403) == {"error": "forbidden", "fields": {}}
    assert task.status == "assigned"


@pytest.mark.parametrize("login,path,body,status", [
    ("canbo.stc", "complete", {"text": "x"}, 403),       # a coordinator never completes
    ("canbo.sldtbxh", "accept", {}, 403),                # nor does the lead accept its own work
    ("canbo.sldtbxh", "cancel", {"reason": "x"}, 403),
    ("chuyenvien", "acknowledge", {}, 403),
    ("canbo.stc", "comments", {"text": "Góp ý"}, 200),
    ("chuyenvien", "comments", {"text": "Đôn đốc"}, 200),
    ("giamdoc.sldtbxh", "escalate", {"matter": "Vượt thẩm quyền", "proposal": "Đề nghị"}, 200),
    ("giamdoc.sldtbxh", "subtasks", {"subtasks": [{"lead_agency": "__VANLAM__", "content": "Rà soát", "deadline": "2025-08-01"}]}, 200),
])
def test_each_action_checks_agency_and_role(api, dbsession, task, login, path, body, status):
    if "subtasks" in body:
        body["subtasks"][0]["lead_agency"] = factories.agency(dbsession, "H-VANLAM").id
    answer = api.as_(login).post(f"/api/v1/tasks/{task.id}/{path}", {"version": task.version, **body}, status=status)
    if status == 403:
        assert answer["error"] == "forbidden" and "content" not in answer


def test_extension_request_and_decision_keep_the_original_deadline(api, task):
    base = f"/api/v1/tasks/{task.id}"
    out = api.as_("canbo.sldtbxh").post(base + "/extension", {"version": task.version, "proposed_deadline": "2025-09-30", "reason": "Chờ kinh phí"})
    eid = out["id"]
    api.as_("chuyenvien").post(f"{base}/extension/{eid}/approve", {"version": out["task"]["version"]}, status=403)
    doc = api.as_("lanhdao").post(f"{base}/extension/{eid}/approve", {"version": out["task"]["version"]})["task"]
    assert doc["deadline_in_force"] == "2025-09-30" and doc["original_deadline"] == "2025-08-31"
    detail = api.as_("canbo.sldtbxh").get(base)
    assert [h["reason"] for h in detail["deadline_history"]] == ["original", "extension"]
    assert detail["extensions"][0]["status"] == "approved"


def test_escalation_decision_creates_a_task(api, dbsession, task):
    base = f"/api/v1/tasks/{task.id}"
    out = api.as_("giamdoc.sldtbxh").post(base + "/escalate", {"version": task.version, "matter": "Điều chỉnh dự toán", "proposal": "Giao STC"})
    stc = factories.agency(dbsession, "STC").id
    done = api.as_("lanhdao").post(f"{base}/escalations/{out['id']}/decide", {
        "version": out["task"]["version"], "decision": "Đồng ý", "create_task": True, "new_task_lead": stc,
        "new_task_content": "Bổ sung dự toán", "new_task_deadline": "2025-07-15"})
    leader = api.as_("lanhdao")
    new_id = leader.get(base)["escalations"][0]["new_task_id"]
    assert new_id and leader.get(f"/api/v1/tasks/{new_id}")["lead_agency"] == "STC"
    assert done["task"]["id"] == task.id


def test_list_filters_paginate_with_a_cursor(api, dbsession, people):
    directive = factories.directive(dbsession)
    tasks = [factories.task(dbsession, directive_obj=directive, deadline=dt.date(2025, 7, 1) + dt.timedelta(days=i)) for i in range(5)]
    tasks.append(factories.task(dbsession, directive_obj=directive, deadline=None))
    officer = api.as_("canbo.sldtbxh")
    seen, cursor = [], None
    while True:
        params = {"agency": "SLDTBXH", "role": "lead", "limit": "2", "directive": str(directive.id)}
        if cursor:
            params["after"] = cursor
        page = officer.get("/api/v1/tasks", params)
        seen += [t["id"] for t in page["tasks"]]
        cursor = page["next"]
        if not cursor:
            break
    assert seen == [t.id for t in tasks]
    overdue = officer.get("/api/v1/tasks", {"timeliness": "overdue", "directive": str(directive.id)})
    assert overdue["tasks"] == []
    assert officer.get("/api/v1/tasks", {"role": "coordinating", "directive": str(directive.id)})["tasks"] == []
    assert [t["id"] for t in api.as_("canbo.stc").get("/api/v1/tasks", {"role": "coordinating", "directive": str(directive.id)})["tasks"]] == [t.id for t in tasks]
    assert officer.get("/api/v1/tasks", {"status": "bogus"}, status=400)["fields"]["status"]
    assert officer.get("/api/v1/tasks", {"after": "garbage"}, status=400)["fields"]["after"]
    assert officer.get("/api/v1/tasks", {"due_before": "2025-07-02", "directive": str(directive.id)})["tasks"][-1]["deadline_in_force"] == "2025-07-02"


def test_icalendar_feed_is_valid_and_token_scoped(testapp, dbsession, people, token):
    task = factories.task(dbsession, deadline=dt.date(2025, 8, 31))
    recurring = factories.task(dbsession, deadline=None, rrule="FREQ=MONTHLY;BYMONTHDAY=10", rrule_start=dt.date(2025, 6, 1), coordinating=())
    from coordination.tasks.occurrences import create_due_occurrences

    create_due_occurrences(dbsession, horizon_days=45, today=dt.date(2025, 6, 1))
    secret = token("canbo.sldtbxh", scope="calendar")
    response = testapp.get("/agencies/SLDTBXH/deadlines.ics", {"token": secret})
    assert response.content_type == "text/calendar"
    cal = Calendar.from_ical(response.body)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert events[f"task-{task.id}-2025-08-31@example.com"].decoded("dtstart") == dt.date(2025, 8, 31)
    assert {e.decoded("dtstart") for uid, e in events.items() if uid.startswith(f"task-{recurring.id}-")} == {dt.date(2025, 6, 10), dt.date(2025, 7, 10)}
    assert "Chủ trì" in str(events[f"task-{task.id}-2025-08-31@example.com"]["summary"])
    # the coordinating agency sees the task too; another agency's token does not open this feed
    stc_cal = Calendar.from_ical(testapp.get("/agencies/STC/deadlines.ics", {"token": token("canbo.stc", scope="calendar")}).body)
    assert [str(e["uid"]) for e in stc_cal.walk("VEVENT")] == [f"task-{task.id}-2025-08-31@example.com"]
    testapp.get("/agencies/SLDTBXH/deadlines.ics", {"token": token("canbo.stc", scope="calendar")}, status=403)
    testapp.get("/agencies/SLDTBXH/deadlines.ics", {"token": token("canbo.sldtbxh", scope="api")}, status=403)  # an API token is not a calendar token
    testapp.get("/agencies/SLDTBXH/deadlines.ics", status=403)
    row = dbsession.query(ApiToken).filter(ApiToken.scope == "calendar", ApiToken.user_id == people["canbo.sldtbxh"].id).one()
    revoke_api_token(row)
    testapp.get("/agencies/SLDTBXH/deadlines.ics", {"token": secret}, status=403)


def test_a_calendar_token_opens_nothing_else(testapp, token, task):
    secret = token("canbo.sldtbxh", scope="calendar")
    testapp.get(f"/api/v1/tasks/{task.id}", headers={"Authorization": f"Bearer {secret}"}, status=401)


def test_openapi_documents_each_action_body_from_the_validating_schema(testapp, demo, dbsession):
    from coordination.accounts.services import create_api_token
    from coordination.accounts.models import User
    from sqlalchemy import select

    token = create_api_token(dbsession, dbsession.scalar(select(User).where(User.login == "canbo.sldtbxh")))
    document = testapp.get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {token}"}).json
    bodies = document["paths"]["/api/v1/tasks/{id}/{action}"]["post"]["x-action-bodies"]
    assert set(bodies) == {"acknowledge", "progress", "complete", "accept", "return", "extension", "escalate",
                           "subtasks", "comments", "cancel"}
    assert "version" in bodies["acknowledge"]["required"]
    assert {"percent", "text", "version", "target_values", "attachments"} <= set(bodies["progress"]["properties"])
    assert bodies["extension"]["properties"]["proposed_deadline"] == {"type": "string", "format": "date"}
    assert bodies["subtasks"]["properties"]["subtasks"]["type"] == "array"
