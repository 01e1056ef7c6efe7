"""A clerk drafts seed 001 in a real browser (deform sequences, deadline fields shown by kind,
all under the strict CSP), a leader signs it, and its 24 tasks appear on the directive page."""

from __future__ import annotations

import pytest

from tests.directives.conftest import seed

pytestmark = pytest.mark.browser


def _log_in(page, base: str, login: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", f"{login}-password")
    page.click("button[name=sign_in]")
    page.wait_for_url(f"{base}/")


def _sequence(page, title: str):
    """The deform sequence whose card header reads ``title`` (top level of the form)."""
    header = page.locator(".deform-seq > .card > .card-header", has_text=title).first
    return header.locator("xpath=ancestor::div[contains(@class, 'deform-seq')][1]")


def _add(sequence):
    """Click the sequence's own "add" button and return the new item."""
    items = sequence.locator(":scope > .card > .card-body > .deform-seq-container > .deform-seq-item")
    before = items.count()
    sequence.locator(":scope > .card > .card-footer > .deform-seq-add").click()
    assert items.count() == before + 1
    return items.nth(before)


def test_clerk_drafts_seed_001_leader_signs_and_the_tasks_appear(live_server, browser_page):
    page, base = browser_page, live_server.url
    blocked = []
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: blocked.append(str(error)))
    payload = seed("seed_001")

    _log_in(page, base, "chuyenvien")
    page.click("nav.main-nav >> text=Soạn văn bản")
    page.wait_for_url(f"{base}/directives/new")
    page.select_option("select[name=type]", "cong-van")
    page.fill("input[name=symbol]", payload["symbol"])
    page.fill("textarea[name=subject]", payload["subject"])
    page.fill("textarea[name=body]", payload["body"])
    page.fill("textarea[name=signer_capacity]", payload["signer"]["capacity"])
    page.fill("input[name=signer_name]", payload["signer"]["name"])

    addressees = _sequence(page, "Kính gửi")
    for code in payload["addressees"]:
        _add(addressees).locator("select[name=code]").select_option(code)
    copies = _sequence(page, "Nơi nhận")
    for text in payload["copy_to"]:
        _add(copies).locator("input[name=text]").fill(text)
    reference = _add(_sequence(page, "Văn bản viện dẫn"))
    ref = payload["references"][0]
    reference.locator("input[name=doc_type]").fill(ref["type"])
    reference.locator("input[name=number]").fill(ref["number"])
    reference.locator("input[type=date]").fill(ref["date"])
    reference.locator("input[name=issuer]").fill(ref["issuer"])

    tasks = _sequence(page, "Nhiệm vụ giao")
    for written in payload["tasks"]:
        item = _add(tasks)
        item.locator("input[name=paragraph]").fill(written["paragraph"])
        item.locator("textarea[name=content]").fill(written["content"])
        item.locator("select[name=lead]").select_option(written["lead"])
        if written["coordinating"]:
            item.locator("select[name=coordinating]").select_option(written["coordinating"])
        month = item.locator("input[name=month]")
        assert not month.is_visible()  # ongoing by default: no month field shown
        deadline = written["deadline"]
        item.locator("select[name=kind]").select_option(deadline["kind"])
        if deadline["kind"] == "month":
            assert month.is_visible()
            month.fill(deadline["month"])
        if deadline.get("text"):
            item.locator("input[name=text]").last.fill(deadline["text"])

    # a task added by mistake and removed again
    _add(tasks).locator(".deform-close-button").first.click()
    page.click("button[name=submit]")
    page.wait_for_url(f"{base}/directives/*")
    assert "Đã trình ký văn bản." in page.inner_text(".flash-messages")
    assert page.inner_text(".directive-status .badge") == "Chờ ký"
    assert page.locator("table.written-tasks tbody tr").count() == 8

    page.click("button:has-text('Đăng xuất')")
    _log_in(page, base, "lanhdao")
    page.click("nav.main-nav >> text=Chờ ký")
    page.click(f"text={payload['subject'][:40]}")
    page.click("a.button:has-text('Ký ban hành')")
    assert page.input_value("input[name=signer_name]") == payload["signer"]["name"]
    page.click("button[name=issue]")
    page.wait_for_url(f"{base}/directives/*")
    assert "đã giao 24 nhiệm vụ" in page.inner_text(".flash-messages")
    assert page.inner_text(".doc-number") == "Số: 1/UBND-KGVX"
    assert page.locator("table.tasks tr.task-row").count() == 24
    housing = page.locator("table.tasks tr.task-row", has_text="31/08/2022")
    assert housing.count() == 1 and "Sở LĐTBXH" in housing.inner_text()
    assert blocked == []
