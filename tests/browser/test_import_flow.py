"""A clerk imports seed 001 in a real browser: from the new-directive page to "Nhập từ văn bản",
pastes the text, reviews the filled form beside the marked source (a mark leads to its field, the
task being edited lights its marks up), corrects a task and saves a draft that lists the tasks.
All under the strict CSP: no inline script may run, none is needed."""

from __future__ import annotations

import re

import pytest

from tests.importing.test_views import seed_text

pytestmark = pytest.mark.browser


def _log_in(page, base: str, login: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", f"{login}-password")
    page.click("button[name=sign_in]")
    page.wait_for_url(f"{base}/")


def test_clerk_imports_seed_001_reviews_and_saves_a_draft(live_server, browser_page):
    page, base = browser_page, live_server.url
    blocked = []
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: blocked.append(str(error)))

    _log_in(page, base, "chuyenvien")
    page.click("nav.main-nav >> text=Soạn văn bản")
    page.wait_for_url(f"{base}/directives/new")
    page.click("a:has-text('Nhập từ văn bản')")
    page.wait_for_url(f"{base}/directives/import")
    page.fill("textarea[name=text]", seed_text("001"))
    page.click("button[name=read]")
    page.wait_for_selector("pre#import-source mark.mark-number")
    assert "nhận ra 8 nhiệm vụ" in page.inner_text(".import-summary")
    assert "1324" in page.inner_text("pre#import-source mark.mark-number")

    tasks = page.locator("#directive .deform-seq-item:has(> .col-md-10 input[name=import_ref])")
    assert tasks.count() == 8
    housing = tasks.nth(2)
    assert housing.locator("select[name=kind]").input_value() == "month"
    assert housing.locator("input[name=month]").is_visible()  # the deadline fields of its kind only
    assert housing.locator("input[name=month]").input_value() == "2022-08"
    assert not housing.locator("input[name=day]").is_visible()

    # a mark leads to the field it filled: the lead written once for three bullets visits each
    lead_mark = page.locator("#import-source mark[data-fields~='tasks.2.lead']")
    lead_mark.click()
    assert page.evaluate("document.activeElement.name") == "lead"
    assert page.evaluate("document.activeElement.value") == "SLDTBXH"
    assert tasks.nth(2).locator("select[name=lead]").evaluate("e => e === document.activeElement")
    lead_mark.click()
    assert tasks.nth(3).locator("select[name=lead]").evaluate("e => e === document.activeElement")

    # editing a task lights its marks up in the source
    tasks.nth(6).locator("textarea[name=content]").focus()
    current = page.locator("#import-source mark.is-current")
    assert current.count() >= 2
    assert "Báo Hưng Yên" in " ".join(current.all_inner_texts())

    # the clerk corrects the wording of the press's task and saves the draft
    tasks.nth(6).locator("textarea[name=content]").fill("Đăng tải tin, bài tuyên truyền về chính sách bảo hiểm xã hội.")
    page.click("#directive button[name=save]")
    page.wait_for_url(re.compile(r".*/directives/\d+$"))
    assert "Đã lưu dự thảo." in page.inner_text(".flash-messages")
    rows = page.locator("table.written-tasks tbody tr")
    assert rows.count() == 8
    assert "Đăng tải tin, bài tuyên truyền" in rows.nth(6).inner_text()
    assert "31/08/2022" in rows.nth(2).inner_text() or "8/2022" in rows.nth(2).inner_text()
    assert page.locator(".doc-number").count() == 0 or "1324" not in page.inner_text(".doc-number")
    assert blocked == []
