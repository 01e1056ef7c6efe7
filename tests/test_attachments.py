"""Uploads (coordination/attachments.py): typed by their bytes, capped at 20 MB, stored once by
SHA-256; official documents must also be what their names say."""

import datetime as dt
import hashlib
import io
import zipfile

import pytest

from coordination import attachments
from coordination.attachments import OFFICIAL_DOCUMENTS, REPORT_FILES, AttachmentRejected, check

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _zip(*names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("[Content_Types].xml",) + names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def ole2(stream: str = "") -> bytes:
    """An OLE2 container whose directory names ``stream`` (as Word and Excel files do)."""
    return attachments.OLE2_MAGIC + b"\x00" * 56 + stream.encode("utf-16-le") + b"\x00" * 64


DOCX = _zip("word/document.xml")
XLSX = _zip("xl/workbook.xml")


# -- progress reports: the bytes decide -------------------------------------------


@pytest.mark.parametrize("data,name,expected", [
    (b"%PDF-1.7\n...", "bc.pdf", attachments.PDF),
    (b"\x89PNG\r\n\x1a\n....", "anh.png", attachments.PNG),
    (b"\xff\xd8\xff\xe0....", "anh.jpg", attachments.JPEG),
    (DOCX, "bao-cao.docx", attachments.DOCX),
    (XLSX, "so-lieu.xlsx", attachments.XLSX),
    (ole2("WordDocument"), "cu.doc", attachments.DOC),
    (ole2("Workbook"), "cu.xls", attachments.XLS),
    (DOCX, "renamed.pdf", attachments.DOCX),  # the bytes decide, not the name
])
def test_report_files_are_recognised_by_content(data, name, expected):
    assert check(data, name, REPORT_FILES) == expected


@pytest.mark.parametrize("data,name", [
    (b"MZ\x90\x00", "setup.pdf"),
    (b"<html><script>", "trang.png"),
    (_zip("other/file.txt"), "x.docx"),
    (b"PK\x03\x04 broken zip", "x.xlsx"),
    (ole2("PowerPoint Document"), "macro.ppt"),
    (ole2(), "installer-renamed.doc"),  # an OLE2 file that is neither Word nor Excel
    (b"", "empty.pdf"),
])
def test_other_report_files_are_refused(data, name):
    with pytest.raises(AttachmentRejected) as error:
        check(data, name, REPORT_FILES)
    assert "PNG/JPEG" in str(error.value) or error.value.reason == "empty"


def test_size_limit_is_20_mb():
    data = b"%PDF-" + b"0" * (attachments.MAX_BYTES - 5)
    assert check(data, "big.pdf") == attachments.PDF
    for accept in (REPORT_FILES, OFFICIAL_DOCUMENTS):
        with pytest.raises(AttachmentRejected) as error:
            check(data + b"0", "too-big.pdf", accept)
        assert error.value.fields == {"file": "larger than 20 MB"}


# -- official documents: the name must tell the truth -------------------------------


@pytest.mark.parametrize("name, data, media_type", [
    ("Công văn 2558.pdf", PDF, "application/pdf"),
    ("bieu-mau.docx", DOCX, attachments.DOCX),
    ("so-lieu.XLSX", XLSX, attachments.XLSX),
    ("cu.doc", ole2("WordDocument"), "application/msword"),
    ("cu.xls", ole2("Workbook"), "application/vnd.ms-excel"),
])
def test_official_documents_are_recognised_by_content(name, data, media_type):
    assert check(data, name, OFFICIAL_DOCUMENTS) == media_type


@pytest.mark.parametrize("name, data, reason", [
    ("virus.pdf", b"MZ\x90\x00 executable", "content is not pdf"),
    ("bang.xlsx", DOCX, "content is not xlsx"),   # a Word file renamed
    ("notes.txt", b"plain text", "type not accepted"),
    ("no-extension", PDF, "type not accepted"),
    ("anh.png", b"\x89PNG\r\n\x1a\n....", "type not accepted"),  # photos go with reports, not directives
    ("empty.pdf", b"", "empty"),
    ("zip.docx", b"PK\x03\x04 not really a zip", "content is not docx"),
    ("cu.doc", ole2(), "content is not doc"),
])
def test_bad_official_documents_are_refused_with_a_reason(name, data, reason):
    with pytest.raises(AttachmentRejected) as error:
        check(data, name, OFFICIAL_DOCUMENTS)
    assert error.value.fields == {"file": reason}
    assert error.value.message


# -- names and storage ---------------------------------------------------------------


def test_paths_sent_by_browsers_are_reduced_to_a_safe_file_name():
    assert attachments.safe_filename("C:\\Users\\Hà\\Công văn.pdf") == "Công văn.pdf"
    assert attachments.safe_filename("../../etc/passwd.pdf") == "passwd.pdf"
    assert attachments.safe_filename('báo "cáo"\x00?.pdf') == "báo cáo.pdf"
    assert attachments.safe_filename("Ba\u0301o ca\u0301o.pdf") == "Báo cáo.pdf"  # NFD in, NFC out
    assert attachments.safe_filename("x" * 300 + ".docx").endswith("x.docx")
    assert len(attachments.safe_filename("x" * 300 + ".docx")) == 200
    assert attachments.safe_filename("../") == attachments.safe_filename(None) == "tep-dinh-kem"


def test_stored_once_by_sha256_with_a_safe_name(tmp_path):
    data = b"%PDF-1.4 report"
    first = attachments.store(tmp_path, data, "../../etc/Báo cáo.pdf")
    second = attachments.store(tmp_path, data, "copy.pdf", OFFICIAL_DOCUMENTS)
    assert first.sha256 == second.sha256 == hashlib.sha256(data).hexdigest()
    assert (first.filename, first.media_type, first.size) == ("Báo cáo.pdf", attachments.PDF, len(data))
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [first.sha256]
    assert attachments.open_stored(tmp_path, first.sha256) == data
    with pytest.raises(FileNotFoundError):
        attachments.open_stored(tmp_path, "../" + first.sha256[3:])


def test_a_refused_file_leaves_nothing_behind(tmp_path):
    with pytest.raises(AttachmentRejected):
        attachments.store(tmp_path, b"GIF89a", "bad.pdf", OFFICIAL_DOCUMENTS)
    assert list(tmp_path.rglob("*")) == []


def test_a_truncated_stored_file_is_written_again(tmp_path):
    first = attachments.store(tmp_path, PDF, "a.pdf")
    attachments.path_for(tmp_path, first.sha256).write_bytes(PDF[:10])
    attachments.store(tmp_path, PDF, "a.pdf")
    assert attachments.open_stored(tmp_path, first.sha256) == PDF


def test_orphans_are_files_no_directive_or_report_refers_to(dbsession, demo, tmp_path):
    from coordination import clock
    from coordination.directives import services
    from coordination.directives.payload import draft_from_json
    from coordination.tasks import lifecycle
    from tests.directives.test_workflow import small
    from tests.tasks import factories

    clock.set_now(dt.datetime(2025, 6, 1, 10, 0))
    clerk, officer = factories.user(dbsession, "chuyenvien"), factories.user(dbsession, "canbo.sldtbxh")
    directive = services.create_draft(dbsession, draft_from_json(small()), clerk)
    services.add_attachment(dbsession, tmp_path, directive, "cong-van.pdf", PDF, clerk)
    task = factories.task(dbsession)
    photo = attachments.store(tmp_path, b"\x89PNG\r\n\x1a\n photo", "anh.png")
    lifecycle.report_progress(dbsession, task, officer, expected_version=task.version, percent=10, text="Ảnh hiện trường",
                              attachments=[photo])
    stray = attachments.store(tmp_path, b"%PDF-1.4 left by an aborted upload", "x.pdf")
    assert attachments.orphan_files(dbsession, tmp_path) == [attachments.path_for(tmp_path, stray.sha256)]
