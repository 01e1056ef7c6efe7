"""The agency workspace through the web: inbox, task page, forms, review, conflicts, 404 for strangers."""

import datetime as dt

import pytest
import webtest

from coordination import clock
from tests.conftest import login

from . import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _june():
    clock.set_now(dt.datetime(2025, 6, 1, 9, 0))


@pytest.fixture
def task(dbsession, people):
    return factories.task(dbsession, deadline=dt.date(2025, 8, 31), targets=(("Tỷ lệ lao động được hỗ trợ", 80.0),))


def _form(page, action):
    return page.forms[f"form-{action}"]


def test_officer_acknowledges_reports_progress_with_attachment_then_completion_and_clerk_accepts(testapp, dbsession, people, task):
    login(testapp, "canbo.sldtbxh")
    inbox = testapp.get("/inbox")
    assert task.content[:40] in inbox.text
    page = testapp.get(f"/tasks/{task.id}")
    page = _form(page, "acknowledge").submit("submit").follow()
    assert "Đã tiếp nhận" in page.text
    form = _form(page, "progress")
    form["percent"] = "50"
    form["text"] = "Đã chi trả đợt 1 cho 1.200 lao động"
    target = task.directive_task.targets[0]
    form[f"target_{target.id}"] = "42.5"
    form["document_number"] = "125/BC-SLĐTBXH"
    form["upload"] = webtest.Upload("bao-cao.pdf", PDF, "application/pdf")
    page = form.submit("submit").follow()
    assert "Đã gửi báo cáo tiến độ." in page.text and "bao-cao.pdf" in page.text and "42.5" in page.text
    link = page.html.find("a", string="bao-cao.pdf")["href"]
    assert testapp.get(link).body == PDF
    form = _form(page, "complete")
    form["text"] = "Hoàn thành chi trả"
    page = form.submit("submit").follow()
    assert "Chờ đánh giá" in page.text
    assert "form-accept" not in page.forms  # the agency does not accept its own report
    testapp.post("/logout", {"csrf_token": page.forms["form-comment"]["csrf_token"].value})

    login(testapp, "chuyenvien")
    review = testapp.get("/review")
    assert task.content[:40] in review.text
    page = testapp.get(f"/tasks/{task.id}")
    page = _form(page, "accept").submit("submit").follow()
    assert "Hoàn thành đúng hạn" in page.text
    assert task.status == "completed" and task.completed_on == dt.date(2025, 6, 1)


def test_invalid_input_is_shown_in_the_form_and_nothing_is_stored(testapp, dbsession, people, task):
    login(testapp, "canbo.sldtbxh")
    page = testapp.get(f"/tasks/{task.id}")
    form = _form(page, "progress")
    form["percent"] = "150"
    form["text"] = ""
    response = form.submit("submit", status=400)
    assert "form-progress" in response.forms
    assert task.status == "assigned" and task.percent_done == 0


def test_a_file_that_is_not_what_it_claims_is_refused_in_the_form(testapp, dbsession, people, task):
    login(testapp, "canbo.sldtbxh")
    form = _form(testapp.get(f"/tasks/{task.id}"), "progress")
    form["percent"] = "10"
    form["text"] = "Kèm tệp"
    form["upload"] = webtest.Upload("virus.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = form.submit("submit", status=400)
    assert "Chỉ chấp nhận tệp PDF" in response.text
    assert task.percent_done == 0


def test_a_stale_form_gets_a_conflict_message_and_overwrites_nothing(testapp, dbsession, people, task):
    from coordination.tasks import lifecycle

    login(testapp, "canbo.sldtbxh")
    page = testapp.get(f"/tasks/{task.id}")
    form = _form(page, "progress")
    # meanwhile the head reports progress
    lifecycle.report_progress(dbsession, task, people["giamdoc.sldtbxh"], expected_version=task.version, percent=70, text="Giám đốc báo cáo")
    form["percent"] = "20"
    form["text"] = "Báo cáo cũ"
    response = form.submit("submit", status=409)
    assert "vừa được người khác cập nhật" in response.text
    assert task.percent_done == 70
    assert "Báo cáo cũ" in response.text  # what the officer typed is still there to resend
    assert response.forms["form-progress"]["version"].value == str(task.version)


def test_an_officer_of_another_agency_gets_404_on_the_page_and_its_forms(testapp, dbsession, people, task):
    login(testapp, "canbo.vanlam")
    response = testapp.get(f"/tasks/{task.id}", status=404)
    assert task.content[:30] not in response.text
    assert testapp.get("/tasks/999999", status=404).text.count("Không tìm thấy") >= 1
    page = testapp.get("/inbox")
    token = page.html.find("input", {"name": "csrf_token"})["value"]
    response = testapp.post(f"/tasks/{task.id}/do/acknowledge", {"csrf_token": token, "version": task.version}, status=404)
    assert task.content[:30] not in response.text
    assert task.status == "assigned"


def test_coordinating_agency_sees_the_task_in_its_tab_and_contributes_but_cannot_complete(testapp, dbsession, people, task):
    login(testapp, "canbo.stc")
    assert task.content[:40] not in testapp.get("/inbox").text
    assert task.content[:40] in testapp.get("/inbox", {"role": "coordinating"}).text
    page = testapp.get(f"/tasks/{task.id}")
    assert "form-complete" not in page.forms and "form-progress" not in page.forms
    form = _form(page, "contribute")
    form["percent"] = "100"
    form["text"] = "Sở Tài chính đã thẩm định kinh phí"
    page = form.submit("submit").follow()
    assert "Ý kiến phối hợp gửi cơ quan chủ trì" in page.text
    assert task.percent_done == 0


def test_inbox_filters_counts_highlights_and_pages(testapp, dbsession, people):
    directive = factories.directive(dbsession)
    overdue = factories.task(dbsession, directive_obj=directive, deadline=dt.date(2025, 5, 20), content="Nhiệm vụ quá hạn A")
    soon = factories.task(dbsession, directive_obj=directive, deadline=dt.date(2025, 6, 5), content="Nhiệm vụ sắp đến hạn B")
    for i in range(55):
        factories.task(dbsession, directive_obj=directive, deadline=dt.date(2025, 9, 1) + dt.timedelta(days=i), content=f"Nhiệm vụ số {i:02d}")
    ongoing = factories.task(dbsession, directive_obj=directive, deadline=None, content="Nhiệm vụ thường xuyên C")
    login(testapp, "canbo.sldtbxh")
    first = testapp.get("/inbox")
    rows = first.html.select("table.inbox tbody tr")
    assert len(rows) == 50
    assert "Nhiệm vụ quá hạn A" in rows[0].text and "is-overdue" in rows[0]["class"]
    assert "Nhiệm vụ sắp đến hạn B" in rows[1].text and "is-due-soon" in rows[1]["class"]
    counts = " ".join(first.html.select_one("ul.counts").text.split())
    assert "Mới giao: 58" in counts and "Quá hạn: 1" in counts
    second = first.click(href="after=")
    texts = [r.text for r in second.html.select("table.inbox tbody tr")]
    assert len(texts) == 8 and "Nhiệm vụ thường xuyên C" in texts[-1]
    only_overdue = testapp.get("/inbox", {"timeliness": "overdue"})
    assert len(only_overdue.html.select("table.inbox tbody tr")) == 1
    bounded = testapp.get("/inbox", {"due_before": "10/06/2025", "due_after": "2025-06-01"})
    assert [r.text.count("Nhiệm vụ sắp đến hạn B") for r in bounded.html.select("table.inbox tbody tr")] == [1]
    assert testapp.get("/inbox", {"due_before": "hôm qua"}).status_int == 200  # a bad filter is ignored, not a 500
    by_number = testapp.get("/inbox", {"number": str(directive.number), "timeliness": "overdue"})
    assert "Nhiệm vụ quá hạn A" in by_number.text
    assert "Không có nhiệm vụ nào" in testapp.get("/inbox", {"number": "999999"}).text
    del overdue, soon, ongoing


def test_extension_request_then_leader_approval_through_the_page(testapp, dbsession, people, task):
    login(testapp, "canbo.sldtbxh")
    form = _form(testapp.get(f"/tasks/{task.id}"), "extension")
    form["date"] = "2025-09-30"
    form["reason"] = "Chờ Bộ hướng dẫn"
    requested = form.submit("submit").follow()
    # the request's entry: the deadline it was asked of (no arrow: the request changed nothing), the date asked for
    entry = [li for li in requested.html.select("ol.timeline li") if "Đề nghị gia hạn" in li.get_text()][0]
    lines = [" ".join(div.get_text().split()) for div in entry.select(".change div")]
    assert "Thời hạn: 31/08/2025" in lines and "Thời hạn đề nghị: 30/09/2025" in lines
    assert not any(line.endswith("→") for line in lines)
    testapp.reset()
    login(testapp, "lanhdao")
    page = testapp.get(f"/tasks/{task.id}")
    ext_form = [f for name, f in page.forms.items() if str(name).startswith("form-extension_decision")][0]
    page = ext_form.submit("approve").follow()
    assert task.deadline_in_force == dt.date(2025, 9, 30) and task.original_deadline == dt.date(2025, 8, 31)
    assert "30/09/2025" in page.text and "Gia hạn" in page.text


def test_calendar_token_page_creates_and_revokes(testapp, dbsession, people):
    login(testapp, "canbo.sldtbxh")
    page = testapp.get("/inbox/calendar")
    page = [f for f in page.forms.values() if "create" in f.fields][0].submit("create")
    url = page.html.select_one("#feed-url").text.strip()
    assert "/agencies/SLDTBXH/deadlines.ics?token=" in url
    path = url.replace("http://example.com", "")
    assert testapp.get(path).content_type == "text/calendar"
    page = testapp.get("/inbox/calendar")
    revoke = [f for f in page.forms.values() if "token_id" in f.fields][0]
    revoke.submit("revoke").follow()
    testapp.get(path, status=403)


def test_contributions_go_to_the_lead_not_to_the_issuer(testapp, dbsession, people, task):
    from coordination.tasks import lifecycle

    lifecycle.report_progress(dbsession, task, people["canbo.stc"], expected_version=task.version, percent=100,
                              text="Ý kiến riêng của Sở Tài chính gửi Sở LĐTBXH")
    login(testapp, "canbo.sldtbxh")
    assert "Ý kiến riêng của Sở Tài chính" in testapp.get(f"/tasks/{task.id}").text
    testapp.reset()
    login(testapp, "chuyenvien")
    assert "Ý kiến riêng của Sở Tài chính" not in testapp.get(f"/tasks/{task.id}").text


def test_the_lead_delegates_to_several_districts_at_once_and_sees_the_rollup(testapp, dbsession, people, task):
    login(testapp, "giamdoc.sldtbxh")
    form = _form(testapp.get(f"/tasks/{task.id}"), "delegate")
    vanlam, myhao = factories.agency(dbsession, "H-VANLAM"), factories.agency(dbsession, "H-MYHAO")
    form["lead_agencies"] = [str(vanlam.id), str(myhao.id)]
    form["content"] = "Rà soát đối tượng được hỗ trợ trên địa bàn"
    form["date"] = "2025-09-15"  # later than the parent's 31/8
    response = form.submit("submit", status=400)
    assert "Thời hạn không được sau thời hạn của nhiệm vụ cấp trên." in response.text
    form = _form(response, "delegate")
    form["date"] = "2025-08-15"
    page = form.submit("submit").follow()
    assert sorted(c.lead_agency.code for c in task.subtasks) == ["H-MYHAO", "H-VANLAM"]
    assert "Nhiệm vụ con" in page.text and "tiến độ chung" in page.text
    assert all(c.deadline_in_force == dt.date(2025, 8, 15) for c in task.subtasks)


def test_the_inbox_issuer_filter_lists_the_agencies_that_issued_directives(dbsession, demo):
    """``inbox.directive_issuers``: issuing agencies with at least one directive, by name; the
    office (an issuing kind) appears only once it has issued one, a department never."""
    from coordination.directives.models import Directive
    from coordination.tasks.inbox import directive_issuers

    from . import factories

    assert directive_issuers(dbsession) == []
    factories.directive(dbsession)
    assert [a.code for a in directive_issuers(dbsession)] == ["UBND"]
    office_directive = factories.directive(dbsession, subject="Thông báo của Văn phòng")
    office_directive_id = office_directive.id
    dbsession.execute(Directive.__table__.update().where(Directive.__table__.c.id == office_directive_id)
                      .values(issuer_id=factories.agency(dbsession, "VP-UBND").id))
    dbsession.expire_all()
    assert [a.code for a in directive_issuers(dbsession)] == ["VP-UBND", "UBND"]  # by name: Văn phòng, Ủy ban


def test_a_recurring_task_is_completed_and_reviewed_by_occurrence_on_its_page(testapp, dbsession, people):
    from coordination.tasks import lifecycle
    from coordination.tasks.occurrences import create_due_occurrences, occurrences

    task = factories.task(dbsession, deadline=None, rrule="FREQ=MONTHLY;BYMONTHDAY=10", rrule_start=dt.date(2025, 5, 1), coordinating=())
    lifecycle.acknowledge(dbsession, task, people["canbo.sldtbxh"], expected_version=task.version)
    create_due_occurrences(dbsession, horizon_days=40, today=dt.date(2025, 6, 1))
    may, *later = occurrences(dbsession, task)
    assert later
    login(testapp, "canbo.sldtbxh")
    page = testapp.get(f"/tasks/{task.id}")
    form = _form(page, "complete")
    assert [value for value, _selected, _text in form["occurrence_id"].options] == [str(o.id) for o in (may, *later)]
    assert "form-accept" not in page.forms
    form["occurrence_id"] = str(may.id)
    form["text"] = "Báo cáo tháng 5"
    page = form.submit("submit").follow()
    assert may.status == "completion_reported"
    assert [value for value, _s, _t in _form(page, "complete")["occurrence_id"].options] == [str(o.id) for o in later]
    testapp.post("/logout", {"csrf_token": page.forms["form-comment"]["csrf_token"].value})

    login(testapp, "chuyenvien")
    page = testapp.get(f"/tasks/{task.id}")
    assert "form-complete" not in page.forms
    page = _form(page, "accept").submit("submit").follow()
    assert may.status == "completed" and {o.status for o in later} == {"open"}
    assert "form-accept" not in page.forms  # nothing else is waiting for review
