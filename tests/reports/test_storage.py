"""Stored reports: written once, recorded with their SHA-256, downloaded later byte for byte."""

import dataclasses
import hashlib
import io
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from coordination.reports import storage
from coordination.reports.models import StoredReport
from coordination.reports.sample import synthetic_task_rows
from coordination.reports.storage import StoredReportCorrupt, StoredReportNotFound, open_stored, store_report
from tests.conftest import login


@pytest.fixture
def settings(app_settings):
    return app_settings


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_storing_writes_the_files_and_records_their_hashes(dbsession, report, settings):
    stored = store_report(dbsession, report, settings, task_rows=synthetic_task_rows(20))
    root = Path(settings["attachments.dir"])
    for fmt in ("docx", "xlsx"):
        path, digest, size = stored.file_info(fmt)
        assert path.startswith("reports/2026/11/") and path.endswith(f".{fmt}")
        data = (root / path).read_bytes()
        assert sha(data) == digest and len(data) == size
    assert stored.pdf_path is None and stored.task_count == 20
    assert stored.scope == report.scope.to_json() and stored.as_of == report.as_of
    wb = openpyxl.load_workbook(root / stored.xlsx_path)
    assert wb["Danh sách nhiệm vụ"].max_row == 21


def test_opening_gives_back_exactly_the_stored_bytes(dbsession, report, settings):
    stored = store_report(dbsession, report, settings)
    for fmt in ("docx", "xlsx"):
        opened = open_stored(dbsession, stored.id, fmt, settings)
        assert sha(opened.data) == getattr(stored, f"{fmt}_sha256") == opened.sha256
        assert opened.filename == f"bao-cao-monthly-2026-11-30.{fmt}"
    assert open_stored(dbsession, stored.id, "docx", settings).content_type.endswith("wordprocessingml.document")


def test_the_same_kind_scope_and_date_is_stored_once(dbsession, report, settings):
    first = store_report(dbsession, report, settings)
    # the monthly job ran again, even with a reworded scope: the stored report is returned unchanged
    reworded = dataclasses.replace(report, scope=dataclasses.replace(report.scope, description="khác"))
    again = store_report(dbsession, reworded, settings)
    assert again.id == first.id and again.docx_sha256 == first.docx_sha256
    assert dbsession.scalar(select(func.count()).select_from(StoredReport)) == 1
    other_day = store_report(dbsession, dataclasses.replace(report, as_of=report.as_of.replace(day=29)), settings)
    assert other_day.id != first.id


def test_an_altered_or_missing_file_is_refused(dbsession, report, settings):
    stored = store_report(dbsession, report, settings)
    path = Path(settings["attachments.dir"]) / stored.docx_path
    original = path.read_bytes()
    try:
        path.write_bytes(original + b"tampered")
        with pytest.raises(StoredReportCorrupt, match="SHA-256"):
            open_stored(dbsession, stored.id, "docx", settings)
        path.unlink()
        with pytest.raises(StoredReportCorrupt, match="missing"):
            open_stored(dbsession, stored.id, "docx", settings)
    finally:
        path.write_bytes(original)


def test_a_path_outside_the_reports_folder_is_never_read(dbsession, report, settings):
    stored = store_report(dbsession, report, settings)
    stored.xlsx_path = "../../etc/passwd"
    dbsession.flush()
    with pytest.raises(StoredReportCorrupt, match="leaves the reports folder"):
        open_stored(dbsession, stored.id, "xlsx", settings)


def test_unknown_report_or_format(dbsession, report, settings):
    stored = store_report(dbsession, report, settings)
    with pytest.raises(StoredReportNotFound):
        open_stored(dbsession, stored.id, "pdf", settings)  # stored without a PDF
    with pytest.raises(StoredReportNotFound):
        open_stored(dbsession, stored.id + 1000, "docx", settings)
    with pytest.raises(StoredReportNotFound):
        open_stored(dbsession, stored.id, "exe", settings)


@pytest.mark.libreoffice
def test_a_report_stored_with_its_pdf(dbsession, report, settings, soffice):
    stored = store_report(dbsession, report, settings, with_pdf=True)
    opened = open_stored(dbsession, stored.id, "pdf", settings)
    assert opened.data.startswith(b"%PDF") and sha(opened.data) == stored.pdf_sha256


def test_a_leader_downloads_the_stored_bytes(testapp, demo, dbsession, report, settings):
    stored = store_report(dbsession, report, settings, task_rows=synthetic_task_rows(5))
    login(testapp, "lanhdao")
    for fmt in ("docx", "xlsx"):
        response = testapp.get(f"/reports/stored/{stored.id}/{fmt}", status=200)
        assert sha(response.body) == getattr(stored, f"{fmt}_sha256")
        assert response.etag == getattr(stored, f"{fmt}_sha256")
        assert response.content_disposition == f'attachment; filename="bao-cao-monthly-2026-11-30.{fmt}"'
    assert openpyxl.load_workbook(io.BytesIO(response.body))["Danh sách nhiệm vụ"].max_row == 6
    testapp.get(f"/reports/stored/{stored.id}/pdf", status=404)
    testapp.get(f"/reports/stored/{stored.id + 1000}/docx", status=404)


def test_an_agency_officer_may_not_download_province_reports(testapp, demo, dbsession, report, settings):
    stored = store_report(dbsession, report, settings)
    login(testapp, "canbo.stc")
    response = testapp.get(f"/reports/stored/{stored.id}/docx", status=403)
    assert "Sở Lao động" not in response.text


def test_anonymous_visitors_are_sent_to_log_in(testapp, dbsession, report, settings):
    stored = store_report(dbsession, report, settings)
    response = testapp.get(f"/reports/stored/{stored.id}/docx", status=(302, 303, 403))
    assert response.body[:2] != b"PK"  # no file content leaks


def test_scope_key_ignores_the_wording_only():
    from coordination.reports.sample import sample_report

    scope = sample_report().scope
    assert storage.scope_key(scope) == storage.scope_key(dataclasses.replace(scope, description="x"))
    assert storage.scope_key(scope) != storage.scope_key(dataclasses.replace(scope, issuer_id=3))
