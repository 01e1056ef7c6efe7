"""Attachments: accepted by content (not by name), up to 20 MB, stored once by SHA-256; a bad file
gets a clear message and leaves nothing behind."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from sqlalchemy import select

from coordination.directives import attachments, services
from coordination.directives.attachments import AttachmentRejected, check_file, sniff
from coordination.directives.errors import WrongState
from coordination.directives.models import Attachment
from coordination.directives.payload import draft_from_json
from tests.conftest import login
from tests.directives.conftest import user
from tests.directives.test_workflow import small

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
OLE2 = attachments.OLE2_MAGIC


def ooxml(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


XLSX = ooxml("xl/workbook.xml")  # built once: a zip records the time it was written


def ole2(stream: str) -> bytes:
    return OLE2 + b"\x00" * 56 + stream.encode("utf-16-le") + b"\x00" * 64


@pytest.mark.parametrize("name, data, media_type", [
    ("Công văn 2558.pdf", PDF, "application/pdf"),
    ("bieu-mau.docx", ooxml("word/document.xml"), attachments.MEDIA_TYPES["docx"]),
    ("so-lieu.XLSX", ooxml("xl/workbook.xml"), attachments.MEDIA_TYPES["xlsx"]),
    ("cu.doc", ole2("WordDocument"), "application/msword"),
    ("cu.xls", ole2("Workbook"), "application/vnd.ms-excel"),
])
def test_accepted_types_are_recognised_by_content(name, data, media_type):
    assert check_file(name, data) == (name, media_type)


@pytest.mark.parametrize("name, data, field", [
    ("virus.pdf", b"MZ\x90\x00 executable", "content is not pdf"),
    ("bang.xlsx", ooxml("word/document.xml"), "content is not xlsx"),   # a Word file renamed
    ("notes.txt", b"plain text", "type not accepted"),
    ("no-extension", PDF, "type not accepted"),
    ("empty.pdf", b"", "empty"),
    ("zip.docx", b"PK\x03\x04 not really a zip", "content is not docx"),
])
def test_bad_files_are_refused_with_a_reason(name, data, field):
    with pytest.raises(AttachmentRejected) as error:
        check_file(name, data)
    assert error.value.fields == {"file": field}
    assert error.value.message


def test_files_over_20_mb_are_refused():
    with pytest.raises(AttachmentRejected) as error:
        check_file("big.pdf", PDF + b"0" * (20 * 1024 * 1024))
    assert error.value.fields == {"file": "larger than 20 MB"}
    assert sniff(PDF) == "pdf"


def test_paths_sent_by_browsers_are_reduced_to_the_file_name():
    assert attachments.safe_filename("C:\\Users\\Hà\\Công văn.pdf") == "Công văn.pdf"
    assert attachments.safe_filename("../../etc/passwd.pdf") == "passwd.pdf"


def test_a_stored_file_is_kept_once_by_its_hash_and_refused_after_signing(dbsession, demo, app_settings, tmp_path, frozen_day):
    clerk = user(dbsession, "chuyenvien")
    directive = services.create_draft(dbsession, draft_from_json(small()), clerk)
    first = attachments.add_attachment(dbsession, tmp_path, directive, "a.pdf", PDF, clerk)
    second = attachments.add_attachment(dbsession, tmp_path, directive, "b.pdf", PDF, clerk)
    digest = hashlib.sha256(PDF).hexdigest()
    assert first.sha256 == second.sha256 == digest and first.size == len(PDF)
    assert attachments.path_for(tmp_path, digest).read_bytes() == PDF
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [digest]
    with pytest.raises(AttachmentRejected):
        attachments.add_attachment(dbsession, tmp_path, directive, "bad.pdf", b"GIF89a", clerk)
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [digest]
    assert attachments.orphan_files(dbsession, tmp_path) == []
    services.submit_directive(dbsession, directive, clerk)
    with pytest.raises(WrongState):
        attachments.add_attachment(dbsession, tmp_path, directive, "late.pdf", PDF, clerk)


def test_uploading_through_the_page_and_downloading(testapp, dbsession, demo, app_settings, frozen_day):
    clerk = user(dbsession, "chuyenvien")
    directive = services.create_draft(dbsession, draft_from_json(small()), clerk)
    login(testapp, "chuyenvien")
    page = testapp.get(f"/directives/{directive.id}")
    form = next(f for f in page.forms.values() if f.action.endswith("/attachments"))
    form["upload"] = ("Công văn 2558.pdf", PDF, "application/pdf")
    result = form.submit().follow()
    assert "Đã đính kèm tệp." in result.text
    link = result.html.select_one("ul.attachments a")
    assert link.text == "Công văn 2558.pdf"
    download = testapp.get(link["href"])
    assert download.body == PDF and download.content_type == "application/pdf"
    assert "filename*=UTF-8''C%C3%B4ng%20v%C4%83n%202558.pdf" in download.headers["Content-Disposition"]

    form = next(f for f in result.forms.values() if f.action.endswith("/attachments"))
    form["upload"] = ("renamed.pdf", b"MZ\x90 not a pdf", "application/pdf")
    refused = form.submit().follow()
    assert "Nội dung tệp không đúng với định dạng" in refused.text
    assert dbsession.scalar(select(Attachment.filename).where(Attachment.filename == "renamed.pdf")) is None


def test_attaching_through_the_api_and_who_may_download(testapp, dbsession, api_for, frozen_day):
    clerk = api_for("chuyenvien")
    directive_id = clerk.post("/api/v1/directives", small(tasks=[{"content": "Xem tệp.", "lead": "SLDTBXH"}]),
                              status=201).json["id"]
    response = testapp.post(f"/api/v1/directives/{directive_id}/attachments", headers=clerk.headers,
                            upload_files=[("file", "so-lieu.xlsx", XLSX)], status="*")
    assert response.status_int == 201, response.text
    attachment_id = response.json["id"]
    bad = testapp.post(f"/api/v1/directives/{directive_id}/attachments", headers=clerk.headers,
                       upload_files=[("file", "so-lieu.xlsx", b"no")], status="*")
    assert bad.status_int == 400 and bad.json["fields"] == {"file": "content is not xlsx"}
    assert testapp.post(f"/api/v1/directives/{directive_id}/attachments", headers=clerk.headers,
                        status="*").status_int == 400
    clerk.post(f"/api/v1/directives/{directive_id}/submit", status=200)
    api_for("lanhdao").post(f"/api/v1/directives/{directive_id}/issue", status=200)
    url = f"/directives/{directive_id}/attachments/{attachment_id}"
    login(testapp, "canbo.sldtbxh")
    assert testapp.get(url).body == XLSX
    testapp.reset()
    login(testapp, "canbo.vanlam")
    assert testapp.get(url, status="*").status_int == 404
