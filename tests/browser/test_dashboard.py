"""A real browser: a leader opens the dashboard, follows a chart segment to the tasks behind it,
downloads today's report as DOCX, and makes a report from the form."""

from __future__ import annotations

import io

import docx
import pytest

pytestmark = pytest.mark.browser


def _login(page, base, login):
    page.goto(f"{base}/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", f"{login}-password")
    page.click("button[name=sign_in]")
    page.wait_for_url(f"{base}/")


@pytest.fixture(scope="module")
def workload(isolated_live_server):
    from coordination.reports.demo_workload import load_demo_workload

    isolated_live_server.run(load_demo_workload)
    isolated_live_server.set_passwords()  # officers the workload created
    return isolated_live_server


def test_dashboard_chart_link_leads_to_its_tasks_and_the_docx_downloads(workload, browser_page, tmp_path):
    page, base = browser_page, workload.url
    page.set_viewport_size({"width": 1360, "height": 900})
    _login(page, base, "lanhdao")
    page.click("nav.main-nav >> text=Bảng điều hành")
    page.wait_for_url(f"{base}/dashboard")
    assert int(page.inner_text("#tile-overdue .kpi-value")) > 0
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)

    # the red (overdue) segment of the first agency that has one
    segment = page.locator("#chart-agencies svg a:has(rect[data-timeliness=overdue])").first
    count = int(segment.locator("rect").get_attribute("data-count"))
    segment.click()
    page.wait_for_url(f"{base}/reports/tasks?**")
    assert int(page.inner_text("#task-total")) == count
    assert page.locator("table.report-tasks tbody tr.is-overdue").count() == count

    page.go_back()
    page.wait_for_url(f"{base}/dashboard")
    with page.expect_download() as info:
        page.click("#download-docx")
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    document = docx.Document(io.BytesIO(target.read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "KẾT QUẢ THỰC HIỆN NHIỆM VỤ" in text and "ngày chốt số liệu" in text


def test_the_report_form_downloads_and_clears_its_wait_message(workload, browser_page, tmp_path):
    page, base = browser_page, workload.url
    _login(page, base, "chuyenvien")
    page.click("nav.main-nav >> text=Báo cáo")
    page.wait_for_url(f"{base}/reports")
    page.check(".item-format input[value=xlsx]")
    with page.expect_download() as info:
        page.click("#report-form button[name=submit]")
    assert info.value.suggested_filename.endswith(".xlsx")
    page.wait_for_selector("#download-wait", state="hidden")
    assert page.is_enabled("#report-form button[name=submit]")

    page.check(".item-format input[value=html]")
    page.click("#report-form button[name=submit]")
    page.wait_for_url(f"{base}/reports/consolidated?**")
    assert page.locator("#agency-figures tbody tr[data-agency]").count() > 1
