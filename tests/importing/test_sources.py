"""Reading uploaded directives: text, DOCX, PDF with a text layer; bad files get a clear reason."""

import io
import os
import shutil
import subprocess

import docx
import pytest

from coordination.importing.sources import UnreadableDocument, extract_text

LINES = ["Số: 1324/UBND-KGVX", "Hưng Yên, ngày 25 tháng 5 năm 2022",
         "2. Sở Lao động - Thương binh và Xã hội chủ trì, phối hợp với Sở Tài chính"]


def _docx_bytes() -> bytes:
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN"
    table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    for line in LINES:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_plain_text_in_utf8_with_or_without_bom_and_utf16():
    text = "\n".join(LINES)
    assert extract_text(text.encode("utf-8")) == text
    assert extract_text(text.encode("utf-8-sig")) == text
    assert extract_text(text.encode("utf-16")) == text


def test_docx_paragraphs_and_header_table_cells():
    text = extract_text(_docx_bytes(), "cong-van.docx")
    for line in LINES:
        assert line in text
    assert "ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN" in text


def test_the_kind_is_read_from_the_content_not_the_name():
    assert "1324/UBND-KGVX" in extract_text(_docx_bytes(), "renamed.txt")
    with pytest.raises(UnreadableDocument, match="Word 97-2003"):
        extract_text(b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "old.docx")


def test_broken_files_get_a_reason():
    with pytest.raises(UnreadableDocument):
        extract_text(b"PK\x03\x04 not really a zip", "x.docx")
    with pytest.raises(UnreadableDocument):
        extract_text(b"%PDF-1.4 garbage", "x.pdf")
    with pytest.raises(UnreadableDocument):
        extract_text(bytes(range(256)) * 10, "x.bin")


def test_pdf_with_a_text_layer(tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice is required in CI")
        pytest.skip("LibreOffice not installed")
    source = tmp_path / "cong-van.docx"
    source.write_bytes(_docx_bytes())
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=120,
    )
    text = extract_text((tmp_path / "cong-van.pdf").read_bytes(), "cong-van.pdf")
    assert "1324/UBND-KGVX" in text
    assert "Thương binh và Xã hội" in " ".join(text.split())
