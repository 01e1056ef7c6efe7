"""Attached files: checked by content (not by name), stored once under ``attachments.dir`` by SHA-256.

Accepted: PDF, Word (DOC/DOCX), Excel (XLS/XLSX), PNG and JPEG images, at most 20 MB. A file whose
bytes do not match one of these is refused with a message the form can show, whatever its name says.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 20 * 1024 * 1024

PDF = "application/pdf"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = "image/png"
JPEG = "image/jpeg"

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of legacy .doc and .xls alike


class AttachmentRejected(ValueError):
    """The file is empty, too large or not of an accepted type; ``str()`` is a Vietnamese message."""


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    filename: str
    media_type: str
    size: int


def sniff(data: bytes, filename: str) -> str | None:
    """The media type the bytes really are, among the accepted ones, or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(_OLE2):
        # both legacy formats share the OLE2 container: the name decides between them
        ext = Path(filename).suffix.lower()
        return {".doc": DOC, ".xls": XLS}.get(ext)
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" not in names:
            return None
        if any(name.startswith("word/") for name in names):
            return DOCX
        if any(name.startswith("xl/") for name in names):
            return XLSX
    return None


def safe_filename(filename: str) -> str:
    """The last path component, without control characters, at most 200 characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?')
    return (name.strip() or "tep-dinh-kem")[-200:]


def check(data: bytes, filename: str) -> str:
    """The media type of an acceptable file; raises AttachmentRejected otherwise."""
    if not data:
        raise AttachmentRejected("Tệp đính kèm rỗng.")
    if len(data) > MAX_BYTES:
        raise AttachmentRejected("Tệp đính kèm vượt quá 20 MB.")
    media_type = sniff(data, filename)
    if media_type is None:
        raise AttachmentRejected(
            "Chỉ chấp nhận tệp PDF, Word (DOC/DOCX), Excel (XLS/XLSX) hoặc ảnh PNG/JPEG."
        )
    return media_type


def path_for(directory: str | os.PathLike, sha256: str) -> Path:
    return Path(directory) / sha256[:2] / sha256


def store(directory: str | os.PathLike, data: bytes, filename: str) -> StoredFile:
    """Check and store ``data``; the same bytes are stored once. Raises AttachmentRejected."""
    media_type = check(data, filename)
    digest = hashlib.sha256(data).hexdigest()
    target = path_for(directory, digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        # write then rename, so a reader never sees half a file
        fd, tmp = tempfile.mkstemp(dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    return StoredFile(sha256=digest, filename=safe_filename(filename), media_type=media_type, size=len(data))


def open_stored(directory: str | os.PathLike, sha256: str) -> bytes:
    """The bytes stored under ``sha256``; FileNotFoundError if missing."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise FileNotFoundError(sha256)
    return path_for(directory, sha256).read_bytes()
