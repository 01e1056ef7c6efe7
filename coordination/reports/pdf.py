"""PDF (and other conversions) through LibreOffice headless.

The PDF of a report is its DOCX as LibreOffice prints it, so the two never differ in content or
layout. Each conversion runs ``soffice`` with a profile directory of its own: parallel runs that
share one profile fail or hang (see shared/STACK-NOTES.md). A conversion that takes longer than
``timeout`` seconds is killed together with the processes it started.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .docx import docx_bytes
from .model import ConsolidatedReport

CONTENT_TYPE = "application/pdf"
# LibreOffice's CSV import: comma separated, double-quoted, character set 76 (UTF-8), from line 1
CSV_UTF8 = "CSV:44,34,76,1"
DEFAULT_TIMEOUT = 120


class ConversionError(RuntimeError):
    """LibreOffice could not convert the document (message says why)."""


class LibreOfficeMissing(ConversionError):
    """No ``soffice`` executable: install libreoffice-writer-nogui (and -calc-nogui for XLSX)."""


def find_soffice(settings: dict | None = None) -> str:
    """The soffice executable: setting ``reports.soffice``, else ``soffice``/``libreoffice`` on PATH."""
    configured = (settings or {}).get("reports.soffice")
    candidates = [configured] if configured else ["soffice", "libreoffice"]
    for candidate in candidates:
        found = shutil.which(candidate)
        if found:
            return found
    raise LibreOfficeMissing(
        "LibreOffice is not installed (no 'soffice' on PATH): install the Debian packages "
        "libreoffice-writer-nogui and libreoffice-calc-nogui, or set reports.soffice"
    )


def convert(data: bytes, source_suffix: str, target: str = "pdf", *, timeout: float = DEFAULT_TIMEOUT,
            settings: dict | None = None, infilter: str | None = None) -> bytes:
    """Convert ``data`` (a ``.docx``/``.xlsx``... file's bytes) to ``target`` and return the bytes.

    ``infilter`` names the import filter and its options where LibreOffice cannot guess them, e.g.
    ``CSV_UTF8`` for a CSV (comma, double quotes, UTF-8), which it would otherwise read as Latin-1.

    Raises :class:`LibreOfficeMissing` without soffice and :class:`ConversionError` when the
    conversion fails, produces nothing, or exceeds ``timeout`` seconds.
    """
    soffice = find_soffice(settings)
    with tempfile.TemporaryDirectory(prefix="coordination-soffice-") as work:
        work_dir = Path(work)
        profile = work_dir / "profile"
        source = work_dir / f"report{source_suffix}"
        source.write_bytes(data)
        out_dir = work_dir / "out"
        command = [
            soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
            "--nolockcheck", "--nodefault", *([f"--infilter={infilter}"] if infilter else []),
            "--convert-to", target, "--outdir", str(out_dir), str(source),
        ]
        # a session of its own, so a timeout can kill soffice.bin and anything it spawned
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise ConversionError(f"LibreOffice took longer than {timeout} s to convert the document") from None
        produced = out_dir / f"report.{target.split(':', 1)[0]}"
        if process.returncode != 0 or not produced.exists():
            message = (stderr or stdout).decode("utf-8", "replace").strip()
            raise ConversionError(f"LibreOffice failed to convert the document (exit {process.returncode}): {message}")
        return produced.read_bytes()


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate()


def docx_to_pdf(docx: bytes, **kw) -> bytes:
    return convert(docx, ".docx", "pdf", **kw)


def pdf_bytes(report: ConsolidatedReport, **kw) -> bytes:
    """The report's PDF: its DOCX converted by LibreOffice (same content, same page layout)."""
    return docx_to_pdf(docx_bytes(report), **kw)
