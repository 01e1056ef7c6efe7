"""The pages: the document rendered like the official one, its task table, the leader's actions,
the register, the amending and forwarding flows, and a form page the CSP lets work."""

from __future__ import annotations

import re

from pyramid.interfaces import IRoutesMapper
from sqlalchemy import select

from coordination.directives.models import Directive, ExternalDocument
from coordination.tasks.models import Task
from tests.conftest import login
from tests.directives.conftest import seed
from tests.directives.test_seeds import _codes
from tests.directives.test_workflow import small
from tests.directives.formdata import directive_fields


def _text(node) -> str:
    return " ".join(node.get_text(" ").split())


def test_an_issued_directive_reads_like_the_official_document(testapp, issue, frozen_day):
    directive = issue(seed("seed_001")).directive
    login(testapp, "chuyenvien")
    page = testapp.get(f"/directives/{directive.id}")
    document = page.html.select_one("article.official-document")
    header = _text(document.select_one(".doc-header"))
    for line in ("ỦY BAN NHÂN DÂN", "TỈNH HƯNG YÊN", "Số: 1/UBND-KGVX", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "Hưng Yên, ngày 25 tháng 5 năm 2022", "V/v tăng cường các biện pháp"):
        assert line in header, line
    assert _text(document.select_one(".doc-addressees")) == (
        "Kính gửi: Các sở, ban, ngành tỉnh; UBND các huyện, thị xã, thành phố.")
    assert _text(document.select_one(".doc-body p")).startswith("Thực hiện Công điện số 431/CD-TTg")
    assert [_text(li) for li in document.select(".doc-copy li")] == [
        "- Như trên;", "- Chủ tịch, các PCT UBND tỉnh;", "- Lãnh đạo VP UBND tỉnh;", "- Lưu: VT, KGVX."]
    assert [_text(c) for c in document.select(".doc-signer .capacity")] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH",
                                                                            "PHÓ CHỦ TỊCH"]
    assert _text(document.select_one(".signer-name")) == "Nguyễn Duy Hưng"
    rows = page.html.select("table.tasks tr.task-row")
    assert len(rows) == 24
    first = rows[0]
    assert first.select_one(".badge")["class"] == ["badge", "status-assigned"]
    assert _text(first.select_one(".badge")) == "Đã giao"
    assert _text(first.select_one(".progress")) == "0%"
    has_task_page = testapp.app.registry.queryUtility(IRoutesMapper).get_route("task_page") is not None
    assert bool(first.select_one("a[href*='/tasks/']")) == has_task_page
    housing = next(r for r in rows if "Trong tháng" in _text(r) or "tháng 8/2022" in _text(r))
    assert "31/08/2022" in _text(housing)


def test_a_plan_has_its_type_as_title_and_no_addressee_line(testapp, issue, frozen_day):
    directive = issue(seed("seed_004")).directive
    login(testapp, "lanhdao")
    document = testapp.get(f"/directives/{directive.id}").html.select_one("article.official-document")
    assert _text(document.select_one(".doc-title .doc-type")) == "KẾ HOẠCH"
    assert _text(document.select_one(".doc-number")) == "Số: 1/KH-UBND"
    assert document.select_one(".doc-addressees") is None and document.select_one(".doc-vv") is None


def test_the_leader_returns_with_a_comment_from_the_page_and_the_clerk_sees_it(testapp, api_for, dbsession, frozen_day):
    directive_id = api_for("chuyenvien").post("/api/v1/directives", small(), status=201).json["id"]
    api_for("chuyenvien").post(f"/api/v1/directives/{directive_id}/submit", status=200)
    login(testapp, "lanhdao")
    queue = testapp.get("/directives/awaiting-signature")
    assert f"/directives/{directive_id}" in queue.text
    page = testapp.get(f"/directives/{directive_id}")
    form = next(f for f in page.forms.values() if f.action.endswith("/return"))
    form["comment"] = "Ghi rõ thời hạn mục 2."
    form.submit().follow()
    testapp.reset()
    login(testapp, "chuyenvien")
    page = testapp.get(f"/directives/{directive_id}")
    assert "Ghi rõ thời hạn mục 2." in _text(page.html.select_one(".flash-error"))
    assert page.html.select_one(f'a[href$="/directives/{directive_id}/edit"]') is not None
    edit = testapp.get(f"/directives/{directive_id}/edit")
    assert edit.forms["directive"]["subject"].value == "V/v thử nghiệm"


def test_withdrawing_from_the_page_needs_a_reason_and_cancels_the_tasks(testapp, issue, dbsession, frozen_day):
    directive = issue(small()).directive
    login(testapp, "lanhdao")
    form = testapp.get(f"/directives/{directive.id}/withdraw").forms["withdraw"]
    assert form.submit("withdraw").status_int == 200  # no reason: the form again
    form["reason"] = "Ban hành nhầm."
    page = form.submit("withdraw").follow()
    assert "Ban hành nhầm." in page.text
    assert {t.status for t in dbsession.scalars(select(Task).where(Task.directive_id == directive.id))} == {"cancelled"}


def test_the_edit_form_refuses_a_stale_version(testapp, api_for, dbsession, frozen_day):
    directive_id = api_for("chuyenvien").post("/api/v1/directives", small(), status=201).json["id"]
    login(testapp, "chuyenvien")
    form = testapp.get(f"/directives/{directive_id}/edit").forms["directive"]
    api_for("lanhdao").put(f"/api/v1/directives/{directive_id}", small(subject="V/v bản của lãnh đạo"), status=200)
    response = form.submit("save")
    assert response.status_int == 200 and "Văn bản vừa được người khác sửa" in response.text
    assert dbsession.get(Directive, directive_id).subject == "V/v bản của lãnh đạo"


def test_an_amending_directive_through_the_form(testapp, issue, dbsession, frozen_day):
    original = issue(small()).directive
    login(testapp, "chuyenvien")
    page = testapp.get(f"/directives/{original.id}/amend")
    csrf = page.forms["directive"]["csrf_token"].value
    payload = small(subject="V/v sửa đổi thời hạn", tasks=[])
    payload["amendments"] = [{"written_task": original.tasks[0].id, "deadline": {"kind": "month", "month": "2022-09"}}]
    response = testapp.post(f"/directives/{original.id}/amend", directive_fields(payload, csrf, _codes(dbsession), "submit"))
    assert response.status_int == 303, response.text[:2000]
    amending = dbsession.scalar(select(Directive).where(Directive.amends_id == original.id))
    assert amending.status == "submitted" and amending.amendments[0].deadline_date.isoformat() == "2022-09-30"
    testapp.reset()
    login(testapp, "lanhdao")
    testapp.get(f"/directives/{amending.id}/issue").forms["issue"].submit("issue")
    page = testapp.get(f"/directives/{original.id}")
    assert amending.number_symbol in _text(page.html.select_one(".flash-info"))
    assert {t.deadline_in_force.isoformat() for t in dbsession.scalars(
        select(Task).where(Task.directive_task_id == original.tasks[0].id))} == {"2022-09-30"}


def test_forwarding_an_incoming_document_from_the_pages(testapp, dbsession, demo, frozen_day):
    login(testapp, "chuyenvien")
    form = testapp.get("/external-documents/new").forms["deform"]
    form["number"] = "3951/VPCP-KSTT"
    form.set("date", "2020-05-20", index=0)  # the issue date (the date widget posts a mapping)
    form["issuer"] = "Văn phòng Chính phủ"
    form["subject"] = "V/v thực hiện dịch vụ công trực tuyến hỗ trợ đối tượng gặp khó khăn do dịch Covid-19"
    document_page = form.submit("save").follow()
    document = dbsession.scalar(select(ExternalDocument))
    forward = testapp.get(f"/external-documents/{document.id}/forward").forms["forward"]
    forward["lead"] = "SLDTBXH"
    forward["coordinating"] = ["BHXH", "SO-NGANH"]
    edit = forward.submit("forward").follow()
    assert edit.forms["directive"]["subject"].value.startswith("V/v thực hiện dịch vụ công trực tuyến")
    cover = dbsession.scalar(select(Directive))
    assert cover.tasks[0].forwarded_document == document
    assert sorted(c.code for c in cover.tasks[0].coordinators) == ["BHXH", "SO-NGANH"]
    assert "Giao cơ quan thực hiện" in document_page.text


def test_the_register_page_pages_forward(testapp, issue, frozen_day):
    ids = [issue(small(subject=f"V/v số {i}")).directive.id for i in range(3)]
    login(testapp, "lanhdao")
    first = testapp.get("/directives", params={"limit": 2})
    assert [a["href"].rsplit("/", 1)[1] for a in first.html.select("table.register td:first-child a")] == [
        str(ids[2]), str(ids[1])]
    second = first.click(description="Trang sau")
    assert [a["href"].rsplit("/", 1)[1] for a in second.html.select("table.register td:first-child a")] == [str(ids[0])]


def test_the_form_page_has_no_inline_script_for_the_csp_to_block(testapp, demo):
    login(testapp, "chuyenvien")
    page = testapp.get("/directives/new")
    assert "script-src 'self' 'nonce-" in page.headers["Content-Security-Policy"]
    scripts = page.html.select("script")
    assert scripts and all(script.get("src") for script in scripts)
    assert not re.search(r"\son[a-z]+=", page.text)
    sources = [script["src"] for script in scripts]
    assert any("jquery-4" in src for src in sources) and any("deform.js" in src for src in sources)
    assert not any("jquery-2.0.3" in src for src in sources)
    for src in sources:
        testapp.get(src.replace("http://example.com", ""), status=200)
