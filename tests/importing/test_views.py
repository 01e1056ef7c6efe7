"""The import pages: a clerk pastes or uploads a directive, reviews the proposal in the directive
form beside the marked source, and saves a draft; nothing is stored before that."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from sqlalchemy import func, select

from coordination.directives.models import Directive
from tests.conftest import login
from tests.importing.conftest import SEEDS as SEEDS_FALLBACK

# the seeds live in shared/ beside the repository (in a worktree, where the conftest says)
SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
if not SEEDS.is_dir():
    SEEDS = SEEDS_FALLBACK


def seed_text(prefix: str) -> str:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not found:
        pytest.skip(f"seed {prefix} not found in {SEEDS}")
    return found[0].read_text(encoding="utf-8")


UNKNOWN = """ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN
Số: 15/UBND-KGVX
Hưng Yên, ngày 10 tháng 6 năm 2022
V/v phát triển du lịch cộng đồng
Kính gửi: Các sở, ban, ngành tỉnh.
Để phát triển du lịch cộng đồng, UBND tỉnh chỉ đạo như sau:
1. Sở Văn hóa, Thể thao và Du lịch chủ trì, phối hợp với Sở Tài chính xây dựng kế hoạch <script>alert(1)</script> phát triển du lịch cộng đồng, hoàn thành trước ngày 30/9/2022.
2. Sở Tài chính bố trí kinh phí thực hiện, hoàn thành trong tháng 10/2022.
Nơi nhận:
- Như trên;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Duy Hưng
"""


def _directives(dbsession) -> int:
    return dbsession.scalar(select(func.count()).select_from(Directive))


def _read(testapp, text=None, upload=None, status=200):
    page = testapp.get("/directives/import")
    form = page.forms["import"]
    if text is not None:
        form["text"] = text
    if upload is not None:
        form["upload"] = upload
    return form.submit("read", status=status)


def _values(form, name):
    return [field.value for field in form.fields.get(name, [])]


def _source(page):
    return page.html.select_one("pre#import-source")


def _lead_marks(page, index: int):
    return [m for m in _source(page).select("mark") if f"tasks.{index}.lead" in m.get("data-fields", "").split()]


def test_the_new_directive_page_leads_to_the_import(testapp, demo):
    login(testapp, "chuyenvien")
    page = testapp.get("/directives/new")
    link = page.html.select_one("a.button[href$='/directives/import']")
    assert link is not None and link.get_text(strip=True) == "Nhập từ văn bản"
    assert "import" in page.click(href="/directives/import").forms


def test_seed_001_fills_the_directive_form_and_marks_the_source(testapp, demo, dbsession):
    login(testapp, "chuyenvien")
    before = _directives(dbsession)
    page = _read(testapp, seed_text("001"))
    form = page.forms["directive"]
    assert form.action.endswith("/directives/import/save")
    leads = _values(form, "lead")
    assert len(leads) == 8 and leads.count("SLDTBXH") == 3
    assert leads == ["SO-NGANH", "HUYEN", "SLDTBXH", "SLDTBXH", "SLDTBXH", "STTTT", "BAO", "DAI"]
    assert _values(form, "paragraph") == ["1", "1", "2", "2", "2", "3", "3", "3"]
    # the first bullet of paragraph 2: "đảm bảo hoàn thành trong tháng 8/2022"
    assert _values(form, "kind")[2] == "month" and _values(form, "month")[2] == "2022-08"
    deadline_words = [v for v in _values(form, "text") if v]
    assert "hoàn thành trong tháng 8/2022" in deadline_words and "thường xuyên" in deadline_words
    assert set(_values(form, "coordinating")[2]) == {"STC", "SKHDT", "BQLKCN", "HUYEN"}
    assert _values(form, "content")[2].startswith("Tổ chức thực hiện hiệu quả Quyết định số 08/2022/QĐ-TTg")
    # the header: subject, symbol, addressees, signer; the number is not copied anywhere
    assert form["subject"].value.startswith("V/v tăng cường các biện pháp triển khai hỗ trợ người lao động")
    assert form["type"].value == "cong-van" and _values(form, "issuer")[0] == "UBND"
    assert form["symbol"].value == "UBND-KGVX"
    assert _values(form, "code")[:2] == ["SO-NGANH", "HUYEN"]
    assert form["signer_name"].value == "Nguyễn Duy Hưng"
    assert "PHÓ CHỦ TỊCH" in form["signer_capacity"].value
    assert any(v == "431/CD-TTg" for v in _values(form, "number"))
    assert not any("1324" in (field.value or "") for name, field in form.field_order if name != "source")
    assert "1324/UBND-KGVX" in page.html.select_one(".import-number").get_text()
    # the source: a mark on the number (not copied) and on each task's lead
    number = _source(page).select_one("mark.mark-number")
    assert number is not None and "1324" in number.get_text()
    for index in range(8):
        assert _lead_marks(page, index), index
    assert "Sở Lao động - Thương binh và Xã hội" in _lead_marks(page, 2)[0].get_text()
    assert _lead_marks(page, 2) == _lead_marks(page, 4)  # written once, leads three bullets
    assert page.html.select_one(".import-unknown") is None
    assert _directives(dbsession) == before  # reading stores nothing


def test_saving_the_reviewed_form_creates_a_draft_whose_tasks_match(testapp, demo, dbsession):
    login(testapp, "chuyenvien")
    page = _read(testapp, seed_text("001"))
    saved = page.forms["directive"].submit("save", status=303)
    directive = dbsession.get(Directive, int(saved.location.rsplit("/", 1)[1]))
    assert directive.status == "draft" and directive.number is None and directive.issued_on is None
    assert directive.symbol == "UBND-KGVX" and directive.subject.startswith("V/v tăng cường")
    tasks = directive.tasks
    assert [t.lead_code for t in tasks] == ["SO-NGANH", "HUYEN", "SLDTBXH", "SLDTBXH", "SLDTBXH", "STTTT", "BAO",
                                            "DAI"]
    housing = tasks[2]
    assert housing.deadline_kind == "month" and housing.deadline_date.isoformat() == "2022-08-31"
    assert housing.deadline_text == "hoàn thành trong tháng 8/2022"
    assert {row.code for row in housing.coordinators} == {"STC", "SKHDT", "BQLKCN", "HUYEN"}
    assert [t.deadline_kind for t in tasks[5:]] == ["ongoing"] * 3
    assert [r.code for r in directive.addressees] == ["SO-NGANH", "HUYEN"]
    assert directive.references[0].number == "431/CD-TTg"
    draft_page = saved.follow()
    assert "Đã lưu dự thảo." in draft_page.text
    assert len(draft_page.html.select("table.written-tasks tbody tr")) == 8


def test_seed_000_with_pdf_spacing_fills_its_five_tasks(testapp, demo):
    login(testapp, "chuyenvien")
    page = _read(testapp, seed_text("000"))
    form = page.forms["directive"]
    assert _values(form, "paragraph") == ["1", "2", "3", "4", "5"]
    assert _values(form, "lead") == ["SLDTBXH", "", "STTTT", "STC", "HUYEN"]
    for index in range(5):
        assert _lead_marks(page, index), index
    # task 2's lead ("the agencies assigned to lead the policies of KH 111") names no registry agency
    unknown = page.html.select_one(".import-unknown")
    assert "Các cơ quan được giao chủ trì" in unknown.get_text()
    notes = [n.get_text(" ", strip=True) for n in page.html.select(".import-note")]
    assert any("Các cơ quan được giao chủ trì" in note and "chưa có trong danh mục" in note for note in notes)


def test_seed_004_a_plan_with_targets_and_a_yearly_report(testapp, demo, dbsession):
    login(testapp, "chuyenvien")
    before = _directives(dbsession)
    page = _read(testapp, seed_text("004"))
    form = page.forms["directive"]
    assert form["type"].value == "ke-hoach"
    assert form["subject"].value.startswith("Triển khai Quyết định số 2269/QĐ-TTg")  # a plan: no "V/v"
    # the plan's targets go on the task of the agency results are reported to
    assert _values(form, "indicator")[0].startswith("người lao động đang đóng bảo hiểm thất nghiệp")
    assert _values(form, "value")[:2] == ["100.0", "80.0"]
    by = page.html.select_one("input[name=__start__][value='by:mapping']").find_next("input")
    assert by["value"] == "2025-12-31"
    # "định kỳ hàng năm báo cáo … trước ngày 15/12": yearly on 15/12, words kept
    kinds, days, months = _values(form, "kind"), _values(form, "day"), _values(form, "month_of_year")
    assert kinds[-1] == "recurring" and (days[-1], months[-1]) == ("15", "12")
    assert _values(form, "recurrence")[-1] == "yearly"
    assert "định kỳ hàng năm báo cáo kết quả thực hiện về Sở Lao động - Thương binh và Xã hội trước ngày 15/12" in (
        _values(form, "text"))
    # "Hàng năm" without a day: yearly proposed, the day left for the clerk
    assert kinds[1] == "recurring" and days[1] == "" and _values(form, "recurrence")[1] == "yearly"
    unknown = page.html.select_one(".import-unknown").get_text()
    for name in ("Ban Quản lý Khu Kinh tế Đông Nam", "Đài Phát thanh - Truyền hình Nghệ An", "Báo Nghệ An"):
        assert f"«{name}»" in unknown
    refused = form.submit("save", status=200)
    assert "Nhập ngày trong tháng." in refused.text and _directives(dbsession) == before


def test_an_unknown_agency_is_listed_as_written_and_must_be_chosen_before_saving(testapp, demo, dbsession):
    login(testapp, "chuyenvien")
    before = _directives(dbsession)
    page = _read(testapp, UNKNOWN)
    unknown = page.html.select_one(".import-unknown")
    assert "Cơ quan chưa có trong danh mục" in unknown.get_text()
    item = unknown.select_one("li")
    assert "«Sở Văn hóa, Thể thao và Du lịch»" in item.get_text() and "chủ trì: nhiệm vụ 1" in item.get_text()
    mark = _source(page).select_one(item.select_one("a")["href"])
    assert "mark-lead-new" in mark["class"] and mark.get_text() == "Sở Văn hóa, Thể thao và Du lịch"
    form = page.forms["directive"]
    assert _values(form, "lead") == ["", "STC"]
    assert "Sở Văn hóa, Thể thao và Du lịch" in page.html.select(".import-note")[0].get_text()
    # the input's markup is shown as text, never as markup
    assert _source(page).select("script") == [] and "<script>alert(1)</script>" in _source(page).get_text()

    form["source"] = UNKNOWN.replace("\n", "\r\n")  # what a browser posts back
    refused = form.submit("save", status=200)
    assert _directives(dbsession) == before
    assert _lead_marks(refused, 0)[0].get_text() == "Sở Văn hóa, Thể thao và Du lịch"
    assert refused.html.select_one(".invalid-feedback") is not None
    assert refused.html.select_one(".import-unknown") is not None and _lead_marks(refused, 0)
    assert "Sở Văn hóa, Thể thao và Du lịch" in refused.html.select(".import-note")[0].get_text()
    again = refused.forms["directive"]
    again.fields["lead"][0].value = "SLDTBXH"
    saved = again.submit("save", status=303)
    directive = dbsession.get(Directive, int(saved.location.rsplit("/", 1)[1]))
    assert [t.lead_code for t in directive.tasks] == ["SLDTBXH", "STC"]
    assert directive.tasks[0].deadline_date.isoformat() == "2022-09-30"


def test_a_docx_upload_is_read_like_pasted_text(testapp, demo):
    document = docx.Document()
    for line in seed_text("001").splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    login(testapp, "chuyenvien")
    page = _read(testapp, upload=("cong-van-1324.docx", buffer.getvalue()))
    leads = _values(page.forms["directive"], "lead")
    assert len(leads) == 8 and leads.count("SLDTBXH") == 3


@pytest.mark.parametrize("filename, content, message", [
    ("scan.pdf", b"%PDF-1.4 garbage", "PDF bị hỏng"),
    ("old.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 512, "Word 97-2003"),
    ("huge.txt", b"a" * (20 * 1024 * 1024 + 1), "lớn hơn 20 MB"),
    ("empty.txt", b"   \n", "không có chữ"),
    ("long.txt", b"a" * 2_000_001, "quá dài"),
])
def test_a_bad_upload_gets_a_clear_message_and_nothing_is_stored(testapp, demo, dbsession, filename, content,
                                                                  message):
    login(testapp, "chuyenvien")
    before = _directives(dbsession)
    page = _read(testapp, upload=(filename, content))
    assert message in page.html.select_one(".import-upload-error").get_text()
    assert message in page.html.select_one("form#import .invalid-feedback").get_text()
    assert page.forms["import"]["text"].value == ""
    assert "directive" not in page.forms and _directives(dbsession) == before


def test_nothing_pasted_nothing_chosen(testapp, demo):
    login(testapp, "chuyenvien")
    page = _read(testapp)
    assert "Dán nội dung văn bản hoặc chọn tệp." in page.html.select_one("form#import").get_text()


@pytest.mark.parametrize("login_name", ["canbo.sldtbxh", "giamdoc.sldtbxh"])
def test_agencies_may_not_import(testapp, demo, login_name):
    login(testapp, login_name)
    testapp.get("/directives/import", status=403)
    token = testapp.get("/").html.select_one("input[name=csrf_token]")["value"]
    testapp.post("/directives/import", {"csrf_token": token, "text": UNKNOWN}, status=403)
    testapp.post("/directives/import/save", {"csrf_token": token, "source": UNKNOWN}, status=403)


def test_the_save_address_opened_directly_leads_back_to_the_import(testapp, demo):
    login(testapp, "chuyenvien")
    assert testapp.get("/directives/import/save", status=303).location.endswith("/directives/import")


def test_the_source_reads_the_same_whatever_the_line_ends(dbsession, demo):
    from coordination.importing.review import review_directive

    unix, windows = review_directive(dbsession, UNKNOWN), review_directive(dbsession, UNKNOWN.replace("\n", "\r\n"))
    assert "\r" not in windows.source and windows.values["source"] == UNKNOWN
    assert [(m.start, m.end, m.fields) for m in windows.marks] == [(m.start, m.end, m.fields) for m in unix.marks]
    assert windows.source_html == unix.source_html
