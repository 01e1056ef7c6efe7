"""Directive and incoming-document attachments: attached to drafts only, refused with a clear
message, downloaded by those who may read the directive. (What is accepted and how files are
stored: tests/test_attachments.py.)"""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from sqlalchemy import select

from coordination import attachments
from coordination.directives import services
from coordination.directives.errors import DraftInvalid, WrongState
from coordination.directives.models import Attachment
from coordination.directives.payload import draft_from_json
from tests.conftest import login
from tests.directives.conftest import user
from tests.directives.test_workflow import small

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def ooxml(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


XLSX = ooxml("xl/workbook.xml")  # built once: a zip records the time it was written


def test_a_stored_file_is_kept_once_by_its_hash_and_refused_after_signing(dbsession, demo, app_settings, tmp_path, frozen_day):
    clerk = user(dbsession, "chuyenvien")
    directive = services.create_draft(dbsession, draft_from_json(small()), clerk)
    first = services.add_attachment(dbsession, tmp_path, directive, "a.pdf", PDF, clerk)
    second = services.add_attachment(dbsession, tmp_path, directive, "b.pdf", PDF, clerk)
    digest = hashlib.sha256(PDF).hexdigest()
    assert first.sha256 == second.sha256 == digest and first.size == len(PDF)
    assert attachments.path_for(tmp_path, digest).read_bytes() == PDF
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [digest]
    with pytest.raises(DraftInvalid) as refused:
        services.add_attachment(dbsession, tmp_path, directive, "bad.pdf", b"GIF89a", clerk)
    assert refused.value.fields == {"file": "content is not pdf"}
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [digest]
    assert attachments.orphan_files(dbsession, tmp_path) == []
    services.submit_directive(dbsession, directive, clerk)
    with pytest.raises(WrongState):
        services.add_attachment(dbsession, tmp_path, directive, "late.pdf", PDF, clerk)


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
