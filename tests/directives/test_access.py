"""Who may do what: every role against every directive action, on the pages and the API.

The office reads everything; clerks and leaders draft; only leaders sign, return and withdraw; an
agency reads an issued directive only when it is addressed to it, and learns nothing (404) otherwise.
"""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.directives.test_workflow import small

ROLES = ("admin", "lanhdao", "chuyenvien", "giamdoc.sldtbxh", "canbo.stc", "canbo.vanlam")


@pytest.mark.parametrize("login_name, create, register", [
    ("admin", 403, 200), ("lanhdao", 201, 200), ("chuyenvien", 201, 200),
    ("giamdoc.sldtbxh", 403, 403), ("canbo.sldtbxh", 403, 403), ("canbo.stc", 403, 403),
])
def test_who_drafts_and_who_reads_the_register(api_for, login_name, create, register):
    api = api_for(login_name)
    assert api.post("/api/v1/directives", small()).status_int == create
    assert api.get("/api/v1/directives").status_int == register


def test_only_leaders_sign_return_and_withdraw(api_for, frozen_day):
    clerk = api_for("chuyenvien")
    directive_id = clerk.post("/api/v1/directives", small(), status=201).json["id"]
    clerk.post(f"/api/v1/directives/{directive_id}/submit", status=200)
    for name, expected in (("chuyenvien", 403), ("admin", 403), ("giamdoc.sldtbxh", 404), ("canbo.stc", 404)):
        api = api_for(name)
        for action in ("issue", "return", "withdraw"):
            assert api.post(f"/api/v1/directives/{directive_id}/{action}", {"comment": "x", "reason": "x"}).status_int \
                == expected, (name, action)
    assert api_for("lanhdao").post(f"/api/v1/directives/{directive_id}/issue").status_int == 200
    assert api_for("giamdoc.sldtbxh").post(f"/api/v1/directives/{directive_id}/withdraw", {"reason": "x"}).status_int == 403


def test_agencies_read_only_the_issued_directives_addressed_to_them(api_for, frozen_day):
    clerk, leader = api_for("chuyenvien"), api_for("lanhdao")
    payload = small(tasks=[{"content": "Báo cáo.", "lead": "SLDTBXH", "coordinating": ["STC"]}])
    payload["copy_to"] = ["HUYEN", "Lưu: VT"]
    directive_id = clerk.post("/api/v1/directives", payload, status=201).json["id"]
    for name in ("giamdoc.sldtbxh", "canbo.stc", "canbo.vanlam"):
        assert api_for(name).get(f"/api/v1/directives/{directive_id}").status_int == 404  # a draft: nothing to see
    clerk.post(f"/api/v1/directives/{directive_id}/submit", status=200)
    leader.post(f"/api/v1/directives/{directive_id}/issue", status=200)
    assert api_for("giamdoc.sldtbxh").get(f"/api/v1/directives/{directive_id}").status_int == 200  # lead
    assert api_for("canbo.stc").get(f"/api/v1/directives/{directive_id}").status_int == 200        # coordinating
    assert api_for("canbo.vanlam").get(f"/api/v1/directives/{directive_id}").status_int == 200     # copy, via a group
    other = clerk.post("/api/v1/directives", small(tasks=[{"content": "Khác.", "lead": "SYT"}]) | {"addressees": ["SYT"]},
                       status=201).json["id"]
    clerk.post(f"/api/v1/directives/{other}/submit", status=200)
    leader.post(f"/api/v1/directives/{other}/issue", status=200)
    for name in ("giamdoc.sldtbxh", "canbo.stc", "canbo.vanlam"):
        response = api_for(name).get(f"/api/v1/directives/{other}")
        assert response.status_int == 404 and response.json == {"error": "not found", "fields": {}}


@pytest.mark.parametrize("login_name, pages", [
    ("chuyenvien", {"/directives": 200, "/directives/new": 200, "/directives/awaiting-signature": 403,
                    "/external-documents": 200, "/external-documents/new": 200}),
    ("lanhdao", {"/directives": 200, "/directives/new": 200, "/directives/awaiting-signature": 200}),
    ("admin", {"/directives": 200, "/directives/new": 403, "/directives/awaiting-signature": 403,
               "/external-documents/new": 403}),
    ("canbo.sldtbxh", {"/directives": 403, "/directives/new": 403, "/directives/awaiting-signature": 403,
                       "/external-documents": 403}),
])
def test_pages_by_role(testapp, demo, login_name, pages):
    login(testapp, login_name)
    for path, status in pages.items():
        assert testapp.get(path, status="*").status_int == status, (login_name, path)


def test_anonymous_visitors_are_sent_to_the_login_page(testapp, demo):
    response = testapp.get("/directives", status=302)
    assert "/login" in response.location


def test_an_incoming_document_is_read_by_the_agencies_it_is_handed_down_to(testapp, api_for, dbsession, frozen_day):
    from tests.directives.test_attachments import PDF

    clerk, leader = api_for("chuyenvien"), api_for("lanhdao")
    document = clerk.post("/api/v1/external-documents", {
        "type": "Công văn", "number": "3951/VPCP-KSTT", "date": "2020-05-20", "issuer": "Văn phòng Chính phủ",
        "subject": "V/v thực hiện dịch vụ công trực tuyến"}, status=201).json
    login(testapp, "chuyenvien")
    page = testapp.get(f"/external-documents/{document['id']}")
    form = next(f for f in page.forms.values() if f.action.endswith("/attachments"))
    form["upload"] = ("3951.pdf", PDF, "application/pdf")
    form.submit()
    testapp.reset()
    cover = clerk.post("/api/v1/directives", small(tasks=[{"content": "Triển khai.", "lead": "SLDTBXH", "coordinating": ["BHXH"],
                                                           "forwards": document["id"]}]), status=201).json["id"]
    path = f"/api/v1/external-documents/{document['id']}"
    assert api_for("canbo.sldtbxh").get(path).status_int == 404   # not handed down yet
    clerk.post(f"/api/v1/directives/{cover}/submit", status=200)
    leader.post(f"/api/v1/directives/{cover}/issue", status=200)
    fetched = api_for("canbo.sldtbxh").get(path, status=200).json
    assert fetched["number"] == "3951/VPCP-KSTT"
    assert api_for("canbo.stc").get(path).status_int == 404
    login(testapp, "canbo.sldtbxh")
    attachment = fetched["attachments"][0]
    assert testapp.get(f"/external-documents/{document['id']}/attachments/{attachment['id']}").body == PDF
