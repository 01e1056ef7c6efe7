"""Plain text out of what a clerk uploads: .txt, .docx, or a PDF with a text layer."""

from __future__ import annotations

import io
import zipfile

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class UnreadableDocument(ValueError):
    """The upload is not a text, DOCX or text-layer PDF file we can read; the message says why."""


def extract_text(data: bytes, filename: str = "") -> str:
    """The document's text, paragraphs separated by newlines, as NFC-agnostic Unicode.

    The kind is decided by content, not by the file name: ``%PDF`` → PDF, a ZIP holding
    ``word/document.xml`` → DOCX, otherwise UTF-8 (with or without BOM) or UTF-16 text.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise UnreadableDocument("Tệp lớn hơn 20 MB.")
    if data.startswith(b"%PDF"):
        return _pdf_text(data)
    if data.startswith(b"PK\x03\x04"):
        return _docx_text(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableDocument("Tệp .doc (Word 97-2003) chưa đọc được; hãy lưu thành .docx hoặc PDF.")
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise UnreadableDocument("Không đọc được tệp: cần văn bản UTF-8, .docx hoặc PDF có lớp chữ.")


def _docx_text(data: bytes) -> str:
    import docx

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise UnreadableDocument("Tệp nén không phải văn bản Word (.docx).")
        document = docx.Document(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise UnreadableDocument("Tệp .docx bị hỏng.") from exc
    lines: list[str] = [paragraph.text for paragraph in document.paragraphs]
    # header blocks of official documents are often two-column tables (issuer | national motto)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.extend(p.text for p in cell.paragraphs)
    return "\n".join(lines)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError) as exc:
        raise UnreadableDocument("Tệp PDF bị hỏng hoặc được mã hóa.") from exc
    if not text.strip():
        raise UnreadableDocument("PDF không có lớp chữ (bản quét): cần nhận dạng ký tự (OCR) trước khi nhập.")
    return text
