"""A real browser: the officer acknowledges, reports 50% with an attachment, then completion; the
issuing office's clerk accepts it."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.browser


def _make_task(dbsession):
    from sqlalchemy import select

    from coordination.clock import today
    from coordination.directives.models import Directive, DirectiveTask, DirectiveType
    from coordination.organizations.models import Agency
    from coordination.tasks.models import Task

    agency = {a.code: a for a in dbsession.scalars(select(Agency))}
    directive = Directive(
        type=dbsession.scalar(select(DirectiveType).where(DirectiveType.code == "cong-van")), issuer=agency["UBND"],
        status="issued", symbol="UBND-KGVX", year=today().year, number=1324, issued_on=today(),
        subject="Tăng cường hỗ trợ người lao động", signer_name="Nguyễn Duy Hưng")
    item = DirectiveTask(directive=directive, paragraph="2", content="Hỗ trợ tiền thuê nhà cho người lao động",
                         lead_agency_id=agency["SLDTBXH"].id)
    deadline = today() + dt.timedelta(days=30)
    task = Task(directive=directive, directive_task=item, paragraph="2", content=item.content, lead_agency=agency["SLDTBXH"],
                coordinating_agencies=[agency["STC"]], original_deadline=deadline, deadline_in_force=deadline)
    dbsession.add(task)
    dbsession.flush()
    return task.id


def _login(page, base, login):
    page.goto(f"{base}/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", f"{login}-password")
    page.click("button[name=sign_in]")
    page.wait_for_url(f"{base}/")


def _logout(page, base):
    page.click("header .user-box button[type=submit]")
    page.wait_for_url(f"{base}/login")


def test_officer_reports_and_clerk_accepts(live_server, browser_page, tmp_path):
    page, base = browser_page, live_server.url
    task_id = live_server.run(_make_task)
    report = tmp_path / "bao-cao-tien-do.pdf"
    report.write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF\n")

    _login(page, base, "canbo.sldtbxh")
    page.click("nav.main-nav >> text=Nhiệm vụ của cơ quan")
    page.wait_for_url(f"{base}/inbox")
    # other tests share this server and may have issued similar tasks: follow this task's own link
    page.click(f"table.inbox a[href$='/tasks/{task_id}']")
    page.wait_for_url(f"{base}/tasks/{task_id}")
    page.click("#form-acknowledge button[name=submit]")
    page.wait_for_selector("text=Đã tiếp nhận nhiệm vụ.")
    assert page.inner_text("#task-status") == "Đã tiếp nhận"

    page.click("#action-progress summary")
    page.fill("#form-progress input[name=percent]", "50")
    page.fill("#form-progress textarea[name=text]", "Đã chi trả đợt 1 cho 1.200 người lao động")
    page.set_input_files("#form-progress input[type=file]", str(report))
    page.click("#form-progress button[name=submit]")
    page.wait_for_selector("text=Đã gửi báo cáo tiến độ.")
    assert page.inner_text("#task-percent") == "50%"
    assert page.is_visible("a:has-text('bao-cao-tien-do.pdf')")

    page.click("#action-complete summary")
    page.fill("#form-complete textarea[name=text]", "Đã hoàn thành chi trả cho toàn bộ người lao động")
    page.click("#form-complete button[name=submit]")
    page.wait_for_selector("text=Đã báo cáo hoàn thành")
    assert page.inner_text("#task-status") == "Chờ đánh giá"
    page.screenshot(path=str(tmp_path / "officer.png"), full_page=True)
    _logout(page, base)

    _login(page, base, "chuyenvien")
    page.click("nav.main-nav >> text=Theo dõi, đánh giá")
    page.wait_for_url(f"{base}/review")
    page.click(f"a[href$='/tasks/{task_id}'] >> nth=0")
    page.wait_for_url(f"{base}/tasks/{task_id}")
    page.click("#form-accept button[name=submit]")
    page.wait_for_selector("text=Đã công nhận hoàn thành nhiệm vụ.")
    assert page.inner_text("#task-status") == "Hoàn thành"
    assert page.inner_text("#task-timeliness") == "Hoàn thành đúng hạn"
    timeline = page.inner_text("ol.timeline")
    for step in ("Tiếp nhận", "Báo cáo tiến độ", "Báo cáo hoàn thành", "Công nhận hoàn thành"):
        assert step in timeline

    def status(dbsession):
        from coordination.tasks.models import Task

        return dbsession.get(Task, task_id).status

    assert live_server.run(status) == "completed"
