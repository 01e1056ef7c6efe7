"""The report pages: the form, the report on screen and as files, the tasks behind each figure,
and who may see what."""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import parse_qs, urlparse

import docx
import openpyxl
import pytest

from coordination import clock
from coordination.reports import pdf as pdf_format
from tests.conftest import login
from tests.tasks import factories

from . import dataset
from .dataset import AS_OF
from .helpers import FORMULA_PAYLOADS


@pytest.fixture
def data(dbsession, demo):
    return dataset.build(dbsession)


def _report_url(data, **extra):
    return "/reports/consolidated?" + "&".join(f"{k}={v}" for k, v in {
        "directive": data.directive.id, "as_of": AS_OF.isoformat(), **extra}.items())


DATE_FIELDS = ("date_from", "date_to", "as_of")  # deform's date widgets: one "date" input each, in this order


def fill(form, **values):
    """Set the report form's fields by their schema names."""
    for name, value in values.items():
        if name in DATE_FIELDS:
            form.set("date", value, index=DATE_FIELDS.index(name))
        elif name == "format":
            radio = next(n for n, field in form.field_order if n.startswith("deformField") and field.__class__.__name__ == "Radio")
            form[radio] = value
        else:
            form[name] = value
    return form


def date_value(form, name):
    return form.get("date", index=DATE_FIELDS.index(name)).value


# -- the form --------------------------------------------------------------------------------------


def test_the_form_offers_every_scope_to_the_office(testapp, data):
    login(testapp, "chuyenvien")
    page = testapp.get("/reports")
    form = page.forms["report-form"]
    assert {"directive", "issuer", "type", "signer", "agency", "date"} <= set(form.fields)
    assert str(data.directive.id) in [value for value, *_ in form["directive"].options]
    assert "SLDTBXH" in [value for value, *_ in form["agency"].options]
    assert date_value(form, "as_of") == clock.today().isoformat()


def test_submitting_the_form_redirects_to_the_report_url(testapp, data):
    login(testapp, "lanhdao")
    form = testapp.get("/reports").forms["report-form"]
    fill(form, directive=str(data.directive.id), as_of="2025-06-30", format="html")
    response = form.submit("submit", status=303)
    target = urlparse(response.location)
    assert target.path == "/reports/consolidated"
    assert parse_qs(target.query) == {"directive": [str(data.directive.id)], "as_of": ["2025-06-30"], "format": ["html"]}
    page = response.follow()
    assert "Số liệu tính đến hết ngày" in page.text and "30/06/2025" in page.text


@pytest.mark.parametrize("as_of,date_from,date_to,message", [
    ("2025-07-01", "", "", "không được sau ngày hôm nay"),
    ("2025-06-30", "2025-06-10", "2025-06-01", "kết thúc trước khi bắt đầu"),
], ids=["future-cutoff", "range-backwards"])
def test_bad_form_input_is_answered_in_the_form(testapp, data, as_of, date_from, date_to, message):
    login(testapp, "lanhdao")
    form = testapp.get("/reports").forms["report-form"]
    fill(form, as_of=as_of, date_from=date_from, date_to=date_to)
    page = form.submit("submit", status=400)
    assert message in page.text and page.forms["report-form"]


def test_a_bad_report_url_shows_the_form_with_the_reasons(testapp, data):
    login(testapp, "lanhdao")
    page = testapp.get("/reports/consolidated?as_of=31/02/2025&agency=NOPE&format=docx", status=400)
    assert "report-errors" in page.text and "Ngày không hợp lệ" in page.text
    page = testapp.get("/reports/consolidated?agency=NOPE", status=400)
    assert "Không có cơ quan mang mã này." in page.text


# -- the report and the tasks behind its figures ---------------------------------------------------


def test_the_report_page_shows_the_figures(testapp, data):
    login(testapp, "lanhdao")
    page = testapp.get(_report_url(data))
    row = page.html.find("tr", attrs={"data-agency": "STC"})
    cells = [td.get_text(strip=True) for td in row.find_all("td")]
    assert cells[:9] == ["Sở Tài chính", "3", "1", "0", "1", "1", "50%", "18", "0"]
    ranking = [tr.find_all("td")[1].get_text() for tr in page.html.find(id="ranking").find("tbody").find_all("tr")]
    assert ranking == ["Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Sở Lao động - Thương binh và Xã hội",
                       "Ủy ban nhân dân huyện Văn Lâm"]
    assert "Đã rà soát 50% hồ sơ" in page.text  # latest progress as of the cut-off
    assert "sau ngày chốt" not in page.text


def test_every_figure_links_to_exactly_the_tasks_it_counts(testapp, data):
    """Follow each figure of the per-agency table: the list behind it has as many tasks."""
    login(testapp, "lanhdao")
    page = testapp.get(_report_url(data))
    checked = 0
    for row in page.html.find(id="agency-figures").find("tbody").find_all("tr", attrs={"data-agency": True}):
        for cell in row.find_all("td")[1:6]:
            link = cell.find("a")
            listed = testapp.get(link["href"].replace("http://example.com", ""))
            assert listed.html.find(id="task-total").get_text() == link.get_text(), link["href"]
            assert len(listed.html.find("table", class_="report-tasks").find("tbody").find_all("tr")) == max(int(link.get_text()), 1)
            checked += 1
    assert checked == 4 * 5
    overdue_list = testapp.get(f"/reports/tasks?directive={data.directive.id}&as_of=2025-06-30&timeliness=overdue")
    assert overdue_list.html.find(id="task-total").get_text() == "5"
    assert "quá hạn 18 ngày" in overdue_list.text


def test_the_task_list_pages_by_keyset(testapp, data, monkeypatch):
    from coordination.reports import tasklist

    login(testapp, "lanhdao")
    original = tasklist.page
    monkeypatch.setattr(tasklist, "page", lambda *a, **kw: original(*a, **{**kw, "limit": 4}))
    url = f"/reports/tasks?directive={data.directive.id}&as_of=2025-06-30"
    seen = []
    while url:
        listed = testapp.get(url)
        seen += [a["href"] for a in listed.html.find("table", class_="report-tasks").find_all("a")]
        following = listed.html.find(id="next-page")
        url = following["href"].replace("http://example.com", "") if following else None
    assert len(seen) == len(set(seen)) == 14


# -- downloads ---------------------------------------------------------------------------------------


def test_docx_download_reads_back_with_vietnamese_intact(testapp, data):
    login(testapp, "lanhdao")
    response = testapp.get(_report_url(data, format="docx"))
    assert response.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert 'filename="bao-cao-2025-06-30.docx"' in response.headers["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.body))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Tính đến ngày 30/06/2025" in text and "ỦY BAN NHÂN DÂN" in cells
    assert "Ủy ban nhân dân huyện Văn Lâm" in cells and "Đã rà soát 50% hồ sơ" in cells
    assert "14 (mười bốn) nhiệm vụ" in text


def test_xlsx_download_holds_the_summary_and_every_task(testapp, data):
    login(testapp, "lanhdao")
    response = testapp.get(_report_url(data, format="xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(response.body))
    tasks = list(book["Danh sách nhiệm vụ"].iter_rows(min_row=2, values_only=True))
    assert len(tasks) == 14
    assert {row[6] for row in tasks} == {"Sở Lao động - Thương binh và Xã hội", "Sở Tài chính", "Sở Kế hoạch và Đầu tư",
                                         "Ủy ban nhân dân huyện Văn Lâm"}
    summary = [row for row in book["Tổng hợp"].iter_rows(values_only=True) if row and "Sở Tài chính" in row]
    assert summary and 18 in summary[0]


def test_csv_download_is_utf8_with_bom_and_complete(testapp, data):
    login(testapp, "lanhdao")
    response = testapp.get(_report_url(data, format="csv"))
    assert response.body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig"))))
    assert len(rows) == 15 and rows[0][0] == "STT"
    assert any("Ủy ban nhân dân huyện Văn Lâm" in row for row in rows)


def test_text_agencies_typed_is_escaped_against_formula_injection_in_csv_and_xlsx(testapp, dbsession, data):
    dataset.progress(dbsession, data.tasks["t3"], data.people["canbo.sldtbxh"], 82, FORMULA_PAYLOADS[0])
    for payload in FORMULA_PAYLOADS:
        factories.task(dbsession, directive_obj=data.directive, lead="STC", coordinating=(), deadline=None, content=payload)
    login(testapp, "lanhdao")
    today = clock.today().isoformat()
    rows = list(csv.reader(io.StringIO(testapp.get(_report_url(data, format="csv", as_of=today)).body.decode("utf-8-sig"))))
    contents = [row[5] for row in rows[1:]]
    for payload in FORMULA_PAYLOADS:
        assert "'" + payload in contents
    assert "'" + FORMULA_PAYLOADS[0] in [row[15] for row in rows[1:]]
    book = openpyxl.load_workbook(io.BytesIO(testapp.get(_report_url(data, format="xlsx", as_of=today)).body))
    values = [row[5] for row in book["Danh sách nhiệm vụ"].iter_rows(min_row=2, values_only=True)]
    for payload in FORMULA_PAYLOADS:
        assert "'" + payload in values


@pytest.mark.libreoffice
def test_pdf_download_text_is_extracted_with_diacritics(testapp, data, soffice):
    from .helpers import pdf_text

    login(testapp, "lanhdao")
    response = testapp.get(_report_url(data, format="pdf"))
    assert response.content_type == "application/pdf" and response.body.startswith(b"%PDF")
    text = pdf_text(response.body)
    assert "BÁO CÁO" in text and "Sở Lao động - Thương binh và Xã hội" in text


def test_a_pdf_libreoffice_cannot_make_answers_503(testapp, data, monkeypatch):
    def fail(*args, **kwargs):
        raise pdf_format.ConversionError("LibreOffice took too long")

    monkeypatch.setattr(pdf_format, "pdf_bytes", fail)
    login(testapp, "lanhdao")
    page = testapp.get(_report_url(data, format="pdf"), status=503)
    assert "Không tạo được tệp PDF" in page.text


def test_the_download_cookie_tells_the_waiting_form_the_file_has_come(testapp, data):
    login(testapp, "lanhdao")
    response = testapp.get(_report_url(data, format="docx", dl="abc123"))
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("report_ready=abc123;") and "SameSite=Strict" in cookie
    assert "Set-Cookie" not in testapp.get(_report_url(data, format="docx", dl="<script>")).headers


# -- who sees what -----------------------------------------------------------------------------------


def test_an_agency_head_reports_on_their_agency_only(testapp, data):
    login(testapp, "giamdoc.sldtbxh")
    form = testapp.get("/reports").forms["report-form"]
    assert "agency" not in form.fields
    page = testapp.get(f"/reports/consolidated?as_of={AS_OF.isoformat()}")
    codes = [tr["data-agency"] for tr in page.html.find(id="agency-figures").find_all("tr", attrs={"data-agency": True})]
    assert codes == ["SLDTBXH", "TTDVVL"]
    assert "Sở Tài chính</td>" not in page.text
    book = openpyxl.load_workbook(io.BytesIO(testapp.get(f"/reports/consolidated?as_of={AS_OF.isoformat()}&format=xlsx").body))
    leads = {row[6] for row in book["Danh sách nhiệm vụ"].iter_rows(min_row=2, values_only=True)}
    assert leads == {"Sở Lao động - Thương binh và Xã hội", "Trung tâm Dịch vụ việc làm tỉnh"}


@pytest.mark.parametrize("login_name", ["giamdoc.sldtbxh", "canbo.stc"])
@pytest.mark.parametrize("fmt", ["html", "csv", "docx"])
def test_another_agencys_report_is_refused_without_a_look(testapp, data, login_name, fmt):
    login(testapp, login_name)
    other = "H-VANLAM"
    page = testapp.get(f"/reports/consolidated?agency={other}&format={fmt}", status=403)
    assert "Văn Lâm" not in page.text
    testapp.get("/reports/consolidated?agency=NO-SUCH-AGENCY", status=403)  # no probing of codes either


def test_an_agency_cannot_name_a_directive_that_gave_it_nothing(testapp, dbsession, data):
    clock.set_now(dt.datetime(2025, 6, 20, 9))
    other = factories.directive(dbsession, issued_on=dt.date(2025, 6, 20), subject="Việc riêng của Sở Y tế")
    factories.task(dbsession, directive_obj=other, lead="SYT", coordinating=())
    clock.set_now(dt.datetime(2025, 6, 30, 18))
    login(testapp, "canbo.stc")
    page = testapp.get(f"/reports/consolidated?directive={other.id}", status=400)
    assert "Không tìm thấy văn bản chỉ đạo." in page.text and other.number_symbol not in page.text
    assert testapp.get(f"/reports/consolidated?directive={data.directive.id}").status_int == 200


def test_the_task_list_of_an_agency_user_stays_in_their_scope(testapp, data):
    login(testapp, "canbo.stc")
    mine = testapp.get(f"/reports/tasks?as_of={AS_OF.isoformat()}")
    assert mine.html.find(id="task-total").get_text() == "3"
    assert testapp.get(f"/reports/tasks?as_of={AS_OF.isoformat()}&lead=SLDTBXH").html.find(id="task-total").get_text() == "0"
    testapp.get("/reports/tasks?agency=SLDTBXH", status=403)


def test_people_without_a_reporting_role_and_strangers_are_kept_out(testapp, dbsession, data):
    from coordination.accounts import services

    services.create_user(dbsession, login="khach", full_name="Khách", agency=factories.agency(dbsession, "UBND"), roles=[],
                         password="khach-password")
    assert testapp.get("/dashboard", status=302).location.startswith("http://example.com/login")
    login(testapp, "khach")
    for url in ("/dashboard", "/reports", _report_url(data), "/reports/tasks"):
        testapp.get(url, status=403)


def test_stored_reports_are_listed_for_the_office(testapp, dbsession, data, app_settings):
    from coordination.reports.monthly import build_monthly_report

    build_monthly_report(dbsession, app_settings, AS_OF)
    login(testapp, "lanhdao")
    page = testapp.get("/reports")
    link = page.html.find(id="stored-reports").find("a", string="DOCX")["href"]
    assert testapp.get(link.replace("http://example.com", "")).body[:2] == b"PK"
    testapp.reset()
    login(testapp, "giamdoc.sldtbxh")
    assert "stored-reports" not in testapp.get("/reports").text


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt,suffix", [("docx", ".docx"), ("xlsx", ".xlsx"), ("csv", ".csv")])
def test_every_download_opens_in_libreoffice(testapp, data, soffice, fmt, suffix):
    """Proof each file opens: LibreOffice headless converts the downloaded bytes to PDF, and the
    Vietnamese text comes out intact."""
    from coordination.reports.pdf import convert

    from .helpers import pdf_text

    login(testapp, "lanhdao")
    body = testapp.get(_report_url(data, format=fmt)).body
    text = pdf_text(convert(body, suffix, "pdf", infilter=pdf_format.CSV_UTF8 if fmt == "csv" else None))
    assert "Ủy ban nhân dân huyện Văn Lâm" in " ".join(text.split())


def test_a_bad_task_list_url_is_a_400_not_a_500(testapp, data):
    login(testapp, "lanhdao")
    testapp.get("/reports/tasks?as_of=2099-01-01", status=400)
    page = testapp.get("/reports/tasks?timeliness=nonsense&due_after=31/02/2025&after=garbage")
    assert "Một số điều kiện lọc không hợp lệ" in page.text


def test_the_page_lists_the_most_overdue_and_links_to_the_rest(testapp, data, monkeypatch):
    from coordination.reports import views

    monkeypatch.setattr(views, "OVERDUE_ON_SCREEN", 2)
    login(testapp, "lanhdao")
    page = testapp.get(_report_url(data))
    assert len(page.html.find(id="overdue-tasks").find("tbody").find_all("tr")) == 2
    rest = page.html.find("a", string=lambda s: s and "Xem tất cả 5 nhiệm vụ quá hạn" in s)
    listed = testapp.get(rest["href"].replace("http://example.com", ""))
    assert listed.html.find(id="task-total").get_text() == "5"
