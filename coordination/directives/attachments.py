"""Attachments: PDF, DOC/DOCX, XLS/XLSX up to 20 MB, type checked by content, stored by SHA-256.

Files live at ``<attachments.dir>/<sha256[:2]>/<sha256>``; the row keeps the name, type, size and
hash. A file is checked completely before anything is written, so a bad file leaves nothing behind.
It is written to disk (atomically, via a temporary file and rename) before the row is committed: if
the transaction then aborts, the file stays as an orphan. That is harmless — the same content
uploaded again reuses it — and ``orphan_files`` lists such files for a sweep.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import zipfile
from pathlib import Path, PureWindowsPath

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..i18n import _
from ..text import clean
from .errors import DraftInvalid, WrongState
from .models import Attachment, Directive, ExternalDocument

MAX_SIZE = 20 * 1024 * 1024

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


class AttachmentRejected(DraftInvalid):
    """The file is too large, not of an accepted type, or its content is not what its name says."""


def sniff(data: bytes) -> str | None:
    """The type the content really is (pdf, doc, xls, docx, xlsx), or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(OLE2_MAGIC):
        # the directory of an OLE2 file names its streams in UTF-16LE
        if "WordDocument".encode("utf-16-le") in data:
            return "doc"
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            return "xls"
        return None
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def safe_filename(filename: str | None) -> str:
    """The last part of whatever path the browser sent, NFC, at most 255 characters."""
    name = PureWindowsPath(clean(filename) or "").name
    name = Path(name).name.replace("\x00", "")
    return name[-255:] if name else ""


def check_file(filename: str | None, data: bytes) -> tuple[str, str]:
    """(safe filename, media type) of an acceptable file; AttachmentRejected with a message otherwise."""
    name = safe_filename(filename)
    if len(data) > MAX_SIZE:
        raise AttachmentRejected(_("Tệp đính kèm vượt quá 20 MB."), {"file": "larger than 20 MB"})
    if not data:
        raise AttachmentRejected(_("Tệp đính kèm rỗng."), {"file": "empty"})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in MEDIA_TYPES:
        raise AttachmentRejected(
            _("Chỉ nhận tệp PDF, Word (DOC, DOCX) hoặc Excel (XLS, XLSX)."), {"file": "type not accepted"}
        )
    actual = sniff(data)
    if actual != extension:
        raise AttachmentRejected(
            _("Nội dung tệp không đúng với định dạng của tên tệp (tệp hỏng hoặc bị đổi đuôi)."),
            {"file": f"content is not {extension}"},
        )
    return name, MEDIA_TYPES[extension]


def path_for(root: str | os.PathLike, sha256: str) -> Path:
    return Path(root) / sha256[:2] / sha256


def _store(root: str | os.PathLike, data: bytes, sha256: str) -> Path:
    target = path_for(root, sha256)
    if target.exists() and target.stat().st_size == len(data):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def add_attachment(
    dbsession: Session, root: str | os.PathLike, owner: Directive | ExternalDocument, filename: str | None,
    data: bytes, actor: User | None,
) -> Attachment:
    """Check and store a file and attach it to a draft directive or an incoming document.

    Raises AttachmentRejected (nothing written anywhere) or WrongState for an issued directive.
    """
    if isinstance(owner, Directive) and not owner.editable:
        raise WrongState(_("Văn bản đã trình ký hoặc đã ban hành, không thể thêm tệp đính kèm."))
    name, media_type = check_file(filename, data)
    sha256 = hashlib.sha256(data).hexdigest()
    _store(root, data, sha256)
    attachment = Attachment(
        filename=name, media_type=media_type, size=len(data), sha256=sha256,
        uploaded_by_id=actor.id if actor else None,
    )
    owner.attachments.append(attachment)
    dbsession.flush()
    return attachment


def remove_attachment(dbsession: Session, attachment: Attachment) -> None:
    """Detach a file from a draft; the content file stays (other rows may share it)."""
    if attachment.directive is not None and not attachment.directive.editable:
        raise WrongState(_("Văn bản đã trình ký hoặc đã ban hành, không thể xóa tệp đính kèm."))
    dbsession.delete(attachment)
    dbsession.flush()


def orphan_files(dbsession: Session, root: str | os.PathLike) -> list[Path]:
    """Stored files no attachment row refers to (left by aborted transactions)."""
    known = set(dbsession.scalars(select(Attachment.sha256).distinct()))
    return sorted(
        path for path in Path(root).glob("??/*") if path.is_file() and not path.name.startswith(".")
        and path.name not in known
    )
