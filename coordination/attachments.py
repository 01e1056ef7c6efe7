"""Uploaded files, for every part of the application: checked by content, stored once by SHA-256.

Files live at ``<attachments.dir>/<sha256[:2]>/<sha256>``; the rows that refer to them (a directive's
``Attachment``, a progress report's ``ProgressAttachment``) keep the name, media type, size and hash.
A file is checked completely before anything is written, so a refused file leaves nothing behind.
It is written (atomically: a temporary file, then a rename) before the row is committed; if the
transaction then aborts, the file stays as an orphan. That is harmless, since the same content
uploaded again reuses it, and ``orphan_files`` lists such files for a sweep.

What is accepted depends on where the file goes (an ``Accept``):

- ``OFFICIAL_DOCUMENTS`` (directives and incoming documents): PDF, DOC/DOCX, XLS/XLSX, and the content
  must be what the name's extension says, since the name is what recipients see;
- ``REPORT_FILES`` (progress reports): the same or a PNG/JPEG photo; the content decides the type.

At most 20 MB in both cases.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .i18n import _
from .text import clean

MAX_BYTES = 20 * 1024 * 1024

PDF = "application/pdf"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = "image/png"
JPEG = "image/jpeg"

EXTENSIONS = {
    "pdf": PDF, "doc": DOC, "xls": XLS, "docx": DOCX, "xlsx": XLSX, "png": PNG, "jpg": JPEG, "jpeg": JPEG,
}
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # the container of legacy .doc and .xls alike
FALLBACK_NAME = "tep-dinh-kem"


@dataclass(frozen=True)
class Accept:
    """What a place accepts: media types, whether the name's extension must match the content, and
    the message listing the types for a refused file."""

    media_types: frozenset[str]
    name_must_match: bool
    refusal: str


OFFICIAL_DOCUMENTS = Accept(
    frozenset({PDF, DOC, DOCX, XLS, XLSX}), True, _("Chỉ nhận tệp PDF, Word (DOC, DOCX) hoặc Excel (XLS, XLSX).")
)
REPORT_FILES = Accept(
    frozenset({PDF, DOC, DOCX, XLS, XLSX, PNG, JPEG}), False,
    _("Chỉ chấp nhận tệp PDF, Word (DOC/DOCX), Excel (XLS/XLSX) hoặc ảnh PNG/JPEG."),
)


class AttachmentRejected(ValueError):
    """The file is empty, too large, not of an accepted type, or not what its name says.

    ``message`` is for people (Vietnamese, translatable; also ``str()``), ``fields`` for the API,
    e.g. ``{"file": "content is not pdf"}``.
    """

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.fields = {"file": reason}


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    filename: str
    media_type: str
    size: int


def sniff(data: bytes) -> str | None:
    """The media type the bytes really are, among the known ones, or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(OLE2_MAGIC):
        # the directory of an OLE2 file names its streams in UTF-16LE
        if "WordDocument".encode("utf-16-le") in data:
            return DOC
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            return XLS
        return None  # another OLE2 file: PowerPoint, an .msi installer, Outlook mail...
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return None


def safe_filename(filename: str | None) -> str:
    """The last part of whatever path the browser sent, NFC, without control or reserved
    characters, at most 200 characters (the end kept, with the extension); never empty."""
    name = (clean(filename) or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?').strip()
    return name[-200:] if name else FALLBACK_NAME


def extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def check(data: bytes, filename: str | None, accept: Accept = REPORT_FILES) -> str:
    """The media type of an acceptable file; raises AttachmentRejected otherwise."""
    if not data:
        raise AttachmentRejected(_("Tệp đính kèm rỗng."), "empty")
    if len(data) > MAX_BYTES:
        raise AttachmentRejected(_("Tệp đính kèm vượt quá 20 MB."), "larger than 20 MB")
    actual = sniff(data)
    if not accept.name_must_match:
        if actual not in accept.media_types:
            raise AttachmentRejected(accept.refusal, "type not accepted")
        return actual
    claimed = extension(safe_filename(filename))
    if EXTENSIONS.get(claimed) not in accept.media_types:
        raise AttachmentRejected(accept.refusal, "type not accepted")
    if actual != EXTENSIONS[claimed]:
        raise AttachmentRejected(
            _("Nội dung tệp không đúng với định dạng của tên tệp (tệp hỏng hoặc bị đổi đuôi)."),
            f"content is not {claimed}",
        )
    return actual


def path_for(directory: str | os.PathLike, sha256: str) -> Path:
    return Path(directory) / sha256[:2] / sha256


def store(directory: str | os.PathLike, data: bytes, filename: str | None, accept: Accept = REPORT_FILES) -> StoredFile:
    """Check and store ``data``; the same bytes are stored once. Raises AttachmentRejected, having
    written nothing."""
    media_type = check(data, filename, accept)
    digest = hashlib.sha256(data).hexdigest()
    target = path_for(directory, digest)
    if not (target.exists() and target.stat().st_size == len(data)):
        target.parent.mkdir(parents=True, exist_ok=True)
        # write then rename, so a reader never sees half a file
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return StoredFile(sha256=digest, filename=safe_filename(filename), media_type=media_type, size=len(data))


def open_stored(directory: str | os.PathLike, sha256: str) -> bytes:
    """The bytes stored under ``sha256``; FileNotFoundError if missing or not a hash."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise FileNotFoundError(sha256)
    return path_for(directory, sha256).read_bytes()


def unreferenced_files(directory: str | os.PathLike, referenced: Iterable[str]) -> list[Path]:
    """Stored files whose hash is not in ``referenced``."""
    known = set(referenced)
    return sorted(
        path for path in Path(directory).glob("??/*")
        if path.is_file() and not path.name.startswith(".") and path.name not in known
    )


def orphan_files(dbsession, directory: str | os.PathLike) -> list[Path]:
    """Stored files that no row refers to (left by aborted transactions): neither a directive's or
    incoming document's attachment nor a progress report's."""
    from sqlalchemy import select, union

    from .directives.models import Attachment
    from .tasks.models import ProgressAttachment

    referenced = dbsession.scalars(union(select(Attachment.sha256), select(ProgressAttachment.sha256)))
    return unreferenced_files(directory, referenced)
