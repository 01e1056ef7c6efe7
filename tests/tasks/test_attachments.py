"""Attachments are typed by their bytes, capped at 20 MB and stored once by SHA-256."""

import hashlib
import io
import zipfile

import pytest

from coordination import attachments


def _zip(*names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("[Content_Types].xml",) + names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64


@pytest.mark.parametrize("data,name,expected", [
    (b"%PDF-1.7\n...", "bc.pdf", attachments.PDF),
    (b"\x89PNG\r\n\x1a\n....", "anh.png", attachments.PNG),
    (b"\xff\xd8\xff\xe0....", "anh.jpg", attachments.JPEG),
    (_zip("word/document.xml"), "bao-cao.docx", attachments.DOCX),
    (_zip("xl/workbook.xml"), "so-lieu.xlsx", attachments.XLSX),
    (OLE2, "cu.doc", attachments.DOC),
    (OLE2, "cu.xls", attachments.XLS),
    (_zip("word/document.xml"), "renamed.pdf", attachments.DOCX),  # the bytes decide, not the name
])
def test_accepted_types_are_recognised_by_content(data, name, expected):
    assert attachments.check(data, name) == expected


@pytest.mark.parametrize("data,name", [
    (b"MZ\x90\x00", "setup.pdf"),
    (b"<html><script>", "trang.png"),
    (_zip("other/file.txt"), "x.docx"),
    (b"PK\x03\x04 broken zip", "x.xlsx"),
    (OLE2, "macro.ppt"),
    (b"", "empty.pdf"),
])
def test_other_files_are_refused(data, name):
    with pytest.raises(attachments.AttachmentRejected):
        attachments.check(data, name)


def test_size_limit_is_20_mb():
    data = b"%PDF-" + b"0" * (attachments.MAX_BYTES - 5)
    assert attachments.check(data, "big.pdf") == attachments.PDF
    with pytest.raises(attachments.AttachmentRejected):
        attachments.check(data + b"0", "too-big.pdf")


def test_stored_once_by_sha256_with_a_safe_name(tmp_path):
    data = b"%PDF-1.4 report"
    first = attachments.store(tmp_path, data, "../../etc/Báo cáo.pdf")
    second = attachments.store(tmp_path, data, "copy.pdf")
    assert first.sha256 == second.sha256 == hashlib.sha256(data).hexdigest()
    assert first.filename == "Báo cáo.pdf"
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 1
    assert attachments.open_stored(tmp_path, first.sha256) == data
    with pytest.raises(FileNotFoundError):
        attachments.open_stored(tmp_path, "../" + first.sha256[3:])
