"""The proposal as directive-form values (no database): deadlines of the four kinds, agencies the
registry does not know, the number left out, the symbol and urgency; and the marked source text."""

from __future__ import annotations

import datetime as dt

import pytest

from coordination.directives.deadline_form import deadline_from_form
from coordination.directives.deadlines import DeadlineError
from coordination.importing.marks import Piece, collect, nested, render
from coordination.importing.parser import Deadline, parse_directive
from coordination.importing.proposal import Defaults, deadline_values, proposal_to_form

DEFAULTS = Defaults(types={"cong van": "cong-van", "ke hoach": "ke-hoach"},
                    issuers={"uy ban nhan dan tinh hung yen": "UBND"}, issuer="UBND", place="Hưng Yên")

TEXT = """ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN
Số: 15/UBND-KGVX
KHẨN
Hưng Yên, ngày 10 tháng 6 năm 2022
V/v phát triển du lịch cộng đồng
Kính gửi: Các sở, ban, ngành tỉnh.
Để phát triển du lịch cộng đồng, UBND tỉnh chỉ đạo như sau:
1. Sở Văn hóa, Thể thao và Du lịch chủ trì, phối hợp với Sở Tài chính, Sở Xây dựng xây dựng kế hoạch phát triển du lịch cộng đồng, hoàn thành trước ngày 30/9/2022.
2. Sở Tài chính bố trí kinh phí thực hiện, khẩn trương hoàn thành trong tháng 10/2022.
3. Sở Lao động - Thương binh và Xã hội hằng năm báo cáo kết quả trước ngày 15/12.
Nơi nhận:
- Như trên;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Duy Hưng
"""


@pytest.fixture(scope="module")
def values(registry):
    return proposal_to_form(parse_directive(TEXT, registry), TEXT, DEFAULTS)


def test_the_header_fills_the_form_but_not_the_number(values):
    assert values["type"] == "cong-van" and values["issuer"] == "UBND"
    assert values["subject"] == "V/v phát triển du lịch cộng đồng"  # a Công văn's subject line
    assert values["symbol"] == "UBND-KGVX"
    assert "15" not in values["symbol"] and "number" not in values
    assert values["urgency"] == "khan"  # stamped in the header; "khẩn trương" in the body is not a stamp
    assert values["place"] == "Hưng Yên"
    assert values["addressees"] == [{"code": "SO-NGANH"}]
    assert values["signer_name"] == "Nguyễn Duy Hưng" and values["signer_capacity"].startswith("KT. CHỦ TỊCH")
    assert values["body"].startswith("Để phát triển du lịch") and values["body"].endswith("trước ngày 15/12.")


def test_an_unknown_lead_is_left_empty_with_the_text_in_a_note(values):
    first = values["tasks"][0]
    assert "lead" not in first  # the select stays empty: the form will not save until the clerk picks
    assert "Sở Văn hóa, Thể thao và Du lịch" in first["import_note"]
    assert first["coordinating"] == ["STC"]  # the known one is selected, the unknown one is in the note
    assert "Sở Xây dựng" in first["import_note"]
    assert [t["import_ref"] for t in values["tasks"]] == [0, 1, 2]


def test_deadlines_of_the_text_map_to_the_form_with_the_words_kept(values):
    first, second, third = (t["deadline"] for t in values["tasks"])
    assert first == {"kind": "date", "date": dt.date(2022, 9, 30), "text": "hoàn thành trước ngày 30/9/2022"}
    assert second == {"kind": "month", "month": "2022-10", "text": "hoàn thành trong tháng 10/2022"}
    assert third == {"kind": "recurring", "recurrence": "yearly", "day": 15, "month_of_year": 12,
                     "start": dt.date(2022, 12, 15), "text": "hằng năm báo cáo kết quả trước ngày 15/12"}
    # and the form turns them into the deadlines the directive stores
    assert deadline_from_form(third).rrule == "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15"
    assert deadline_from_form(second).date == dt.date(2022, 10, 31)


def test_ongoing_missing_and_incomplete_deadlines():
    assert deadline_values(Deadline(kind="ongoing", text="thường xuyên")) == {"kind": "ongoing",
                                                                             "text": "thường xuyên"}
    assert deadline_values(Deadline()) == {"kind": "ongoing"}
    # "hằng năm" without a day: the recurrence is proposed, the day left for the clerk, and the form
    # refuses to save without it rather than guess a day
    incomplete = deadline_values(Deadline(kind="recurring", recurrence="yearly", rrule="FREQ=YEARLY", text="Hàng năm"))
    assert incomplete == {"kind": "recurring", "recurrence": "yearly", "text": "Hàng năm"}
    with pytest.raises(DeadlineError) as error:
        deadline_from_form(incomplete)
    assert "day" in error.value.fields


def test_a_task_without_deadline_words_says_so(registry):
    text = TEXT.replace(", hoàn thành trước ngày 30/9/2022", "")
    first = proposal_to_form(parse_directive(text, registry), text, DEFAULTS)["tasks"][0]
    assert first["deadline"] == {"kind": "ongoing"}
    assert "không ghi thời hạn" in first["import_note"]


def test_a_symbol_of_another_issuer_is_not_copied(registry):
    text = TEXT.replace("15/UBND-KGVX", "5438/VPCP-KSTT")
    values = proposal_to_form(parse_directive(text, registry), text, DEFAULTS)
    assert "symbol" not in values  # the drafting default applies


def test_marks_escape_the_text_merge_shared_words_and_nest():
    text = "<b>Sở A</b> & Sở B"
    pieces = [
        Piece((0, 10), "lead", "Chủ trì", "tasks.0.lead", 0),
        Piece((0, 10), "lead", "Chủ trì", "tasks.1.lead", 1),      # the same words lead two tasks
        Piece((3, 6), "paragraph", "Mục", "tasks.0.paragraph", 0),  # inside: nested
        Piece((8, 14), "deadline", "Thời hạn", None, None),         # crosses the first mark's edge: dropped
        Piece((50, 60), "number", "Số", None, None),                # outside the text: dropped
    ]
    marks = collect(pieces, len(text))
    assert len(marks) == 3 and len(nested(marks)) == 2
    html = str(render(text, marks))
    assert "<b>" not in html and "&lt;b&gt;" in html and "&amp;" in html
    assert html.count("<mark ") == 2 and html.count("</mark>") == 2
    assert 'data-fields="tasks.0.lead tasks.1.lead"' in html and 'data-tasks="0 1"' in html
    assert 'title="Chủ trì · NV 1, 2"' in html
    # the visible text is the input, character for character
    from bs4 import BeautifulSoup

    assert BeautifulSoup(html, "html.parser").get_text() == text
