"""The JSON API: bad input is a 400 with the fields at fault, never a 500; states give 409;
unknown or hidden directives 404; the register filters and pages."""

from __future__ import annotations

import pytest

from tests.directives.conftest import seed
from tests.directives.test_workflow import small


def test_a_draft_round_trips_through_get_and_put(api_for, frozen_day):
    clerk = api_for("chuyenvien")
    created = clerk.post("/api/v1/directives", seed("seed_001"), status=201)
    assert created.location.endswith(f"/api/v1/directives/{created.json['id']}")
    body = created.json
    assert (body["status"], body["number"]) == ("draft", None)
    assert [t["status"] for t in body["tasks"]] == [None] * 8  # written tasks, not issued yet
    assert body["tasks"][0]["lead"] == "SO-NGANH"
    fetched = clerk.get(f"/api/v1/directives/{body['id']}", status=200).json
    assert fetched == body
    changed = dict(seed("seed_001"), subject="V/v đã sửa")
    assert clerk.put(f"/api/v1/directives/{body['id']}", changed, status=200).json["subject"] == "V/v đã sửa"


@pytest.mark.parametrize("body, fields", [
    ({}, {"type", "subject"}),
    ({"type": "cong-van", "subject": "S", "tasks": [{"content": "x", "lead": "NOPE"}]}, {"tasks.0.lead"}),
    ({"type": "cong-van", "subject": "S", "tasks": [{"content": "x"}]}, {"tasks.0.lead"}),
    ({"type": "cong-van", "subject": "S", "tasks": [{"content": "x", "lead": "STC", "deadline": {"kind": "month", "month": "8/22"}}]},
     {"tasks.0.deadline"}),
    ({"type": "cong-van", "subject": "S", "tasks": [{"content": "x", "lead": "STC", "deadline": "2022-08-31"}]},
     {"tasks.0.deadline"}),
    ({"type": "cong-van", "subject": "S", "tasks": "not a list"}, {"tasks"}),
    ({"type": "cong-van", "subject": "S", "tasks": [{"content": "x", "lead": "STC", "targets": [{"indicator": "i", "value": "lots"}]}]},
     {"tasks.0.targets.0.value"}),
    ({"type": "no-such-type", "subject": "S"}, {"type"}),
    ({"type": "cong-van", "subject": "S", "urgency": "gap"}, {"urgency"}),
    ({"type": "cong-van", "subject": "S", "addressees": [42]}, {"addressees.0"}),
    ({"type": "cong-van", "subject": "S", "references": [{"number": "1/QĐ", "date": "hôm qua"}]}, {"references.0.date"}),
    ({"type": "cong-van", "subject": "S", "amends": 999999}, {"amends"}),
    ({"type": "cong-van", "subject": "S", "tasks": [{"content": "x", "lead": "STC", "forwards": 424242}]}, {"tasks.0.forwards"}),
])
def test_bad_drafts_get_a_400_naming_the_fields(api_for, body, fields):
    response = api_for("chuyenvien").post("/api/v1/directives", body)
    assert response.status_int == 400, response.text
    assert set(response.json["fields"]) == fields
    assert response.json["error"]


def test_bodies_that_are_not_json_objects_are_400s(api_for, testapp):
    clerk = api_for("chuyenvien")
    for raw in (b"not json", b"[1, 2]", b'"text"'):
        response = testapp.post("/api/v1/directives", raw, headers={**clerk.headers, "Content-Type": "application/json"},
                                status="*")
        assert response.status_int == 400, raw
        assert set(response.json) == {"error", "fields"}


def test_workflow_through_the_api_with_409s_for_the_wrong_state(api_for, frozen_day):
    clerk, leader = api_for("chuyenvien"), api_for("lanhdao")
    directive_id = clerk.post("/api/v1/directives", small(), status=201).json["id"]
    assert leader.post(f"/api/v1/directives/{directive_id}/issue").status_int == 409
    clerk.post(f"/api/v1/directives/{directive_id}/submit", status=200)
    assert clerk.post(f"/api/v1/directives/{directive_id}/submit").status_int == 409
    returned = leader.post(f"/api/v1/directives/{directive_id}/return", {"comment": "Xem lại mục 2"}, status=200).json
    assert (returned["status"], returned["return_comment"]) == ("returned", "Xem lại mục 2")
    clerk.post(f"/api/v1/directives/{directive_id}/submit", status=200)
    issued = leader.post(f"/api/v1/directives/{directive_id}/issue",
                         {"signer": {"name": "Nguyễn Duy Hưng", "capacity": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"}}, status=200).json
    assert issued["number"] == "1/UBND" and len(issued["tasks"]) == 11
    assert issued["tasks"][0]["deadline"] == {"kind": "date", "date": "2022-06-30", "in_force": "2022-06-30",
                                              "original": "2022-06-30", "text": "Hạn 30/06/2022"}
    assert clerk.put(f"/api/v1/directives/{directive_id}", small()).status_int == 409
    assert leader.post(f"/api/v1/directives/{directive_id}/withdraw", {"reason": ""}).status_int == 400
    assert leader.post(f"/api/v1/directives/{directive_id}/withdraw", {"reason": 5}).status_int == 400
    withdrawn = leader.post(f"/api/v1/directives/{directive_id}/withdraw", {"reason": "Nhầm"}, status=200).json
    assert withdrawn["status"] == "withdrawn"
    assert {t["status"] for t in withdrawn["tasks"]} == {"cancelled"}


def test_unknown_directives_are_404_json(api_for):
    clerk = api_for("chuyenvien")
    for method, path in (("get", "/api/v1/directives/999999"), ("post", "/api/v1/directives/999999/submit")):
        response = getattr(clerk, method)(path)
        assert response.status_int == 404
        assert response.json == {"error": "not found", "fields": {}}


def test_without_a_token_the_api_answers_401(testapp, demo):
    assert testapp.get("/api/v1/directives", status=401).json["error"]
    assert testapp.post_json("/api/v1/directives", small(), status=401).json["error"]


def test_directive_types_come_from_the_registry(api_for):
    types = api_for("canbo.stc").get("/api/v1/directive-types", status=200).json
    assert [t["code"] for t in types] == ["cong-van", "ke-hoach", "chi-thi", "cong-dien", "quyet-dinh", "thong-bao"]


def test_the_register_filters_sorts_and_pages_with_cursors(api_for, issue, frozen_day):
    leader = api_for("lanhdao")
    ids = [issue(small(subject=f"V/v số {i}")).directive.id for i in range(5)]
    plan = issue(small(type_="ke-hoach", subject="Kế hoạch riêng")).directive.id
    first = leader.get("/api/v1/directives", {"limit": 2, "type": "cong-van"}, status=200).json
    assert [d["id"] for d in first["items"]] == [ids[4], ids[3]] and first["prev_cursor"] is None
    second = leader.get("/api/v1/directives", {"limit": 2, "type": "cong-van", "cursor": first["next_cursor"]}).json
    assert [d["id"] for d in second["items"]] == [ids[2], ids[1]]
    back = leader.get("/api/v1/directives", {"limit": 2, "type": "cong-van", "cursor": second["prev_cursor"]}).json
    assert [d["id"] for d in back["items"]] == [ids[4], ids[3]] and back["prev_cursor"] is None
    oldest = leader.get("/api/v1/directives", {"sort": "oldest", "limit": 10}).json
    assert [d["id"] for d in oldest["items"]] == ids + [plan] and oldest["next_cursor"] is None
    assert [d["id"] for d in leader.get("/api/v1/directives", {"type": "ke-hoach"}).json["items"]] == [plan]
    assert leader.get("/api/v1/directives", {"status": "draft"}).json["items"] == []
    assert leader.get("/api/v1/directives", {"from": "2022-05-26"}).json["items"] == []
    assert len(leader.get("/api/v1/directives", {"from": "25/05/2022", "to": "2022-05-25"}).json["items"]) == 6
    assert leader.get("/api/v1/directives", {"cursor": "garbage!"}).status_int == 400
    assert leader.get("/api/v1/directives", {"status": "lost"}).status_int == 400
    assert leader.get("/api/v1/directives", {"from": "yesterday"}).status_int == 400


def test_incoming_documents_through_the_api(api_for):
    clerk = api_for("chuyenvien")
    body = {"type": "Công văn", "number": "3951/VPCP-KSTT", "date": "2020-05-20", "issuer": "Văn phòng Chính phủ",
            "subject": "V/v thực hiện dịch vụ công trực tuyến"}
    created = clerk.post("/api/v1/external-documents", body, status=201).json
    assert clerk.get(f"/api/v1/external-documents/{created['id']}", status=200).json == created
    assert clerk.post("/api/v1/external-documents", body).status_int == 409
    bad = clerk.post("/api/v1/external-documents", {"type": "Công văn", "date": "20/5/2020"})
    assert bad.status_int == 400 and {"number", "date", "issuer", "subject"} <= set(bad.json["fields"])
    cover = clerk.post("/api/v1/directives", dict(small(tasks=[{"content": "Triển khai.", "lead": "SLDTBXH",
                                                              "forwards": created["id"]}])), status=201).json
    assert cover["references"][-1]["external_document"] == created["id"]
    assert cover["written_tasks"][0]["forwards"] == created["id"]
