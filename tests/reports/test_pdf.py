"""PDF through LibreOffice headless: same content as the DOCX, own profile per call, clear errors."""

import concurrent.futures
import dataclasses
import stat
import time

import pytest

from coordination.reports import pdf
from coordination.reports.docx import docx_bytes

from .helpers import pdf_text


def test_a_missing_soffice_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(pdf.LibreOfficeMissing, match="libreoffice-writer-nogui"):
        pdf.find_soffice()
    with pytest.raises(pdf.LibreOfficeMissing):
        pdf.convert(b"x", ".docx")


def test_the_configured_soffice_is_used(tmp_path):
    fake = tmp_path / "my-soffice"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    assert pdf.find_soffice({"reports.soffice": str(fake)}) == str(fake)
    # it "succeeds" without producing a file: that is a failure, said as such
    with pytest.raises(pdf.ConversionError, match="failed to convert"):
        pdf.convert(b"x", ".docx", settings={"reports.soffice": str(fake)})


def test_a_hanging_conversion_is_killed_after_the_timeout(tmp_path):
    fake = tmp_path / "slow-soffice"
    marker = tmp_path / "child.pid"
    # the fake starts a child of its own, as soffice starts soffice.bin; both must die
    fake.write_text(f"#!/bin/sh\nsleep 30 &\necho $! > {marker}\nwait\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    with pytest.raises(pdf.ConversionError, match="longer than"):
        pdf.convert(b"x", ".docx", timeout=1, settings={"reports.soffice": str(fake)})
    child = int(marker.read_text())
    assert _gone(child)


def _gone(pid: int, wait: float = 3.0) -> bool:
    """True once ``pid`` has exited (a zombie awaiting its reaper counts as exited)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                if handle.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.libreoffice
def test_the_pdf_carries_the_report_with_its_diacritics(report, soffice):
    text = pdf_text(pdf.pdf_bytes(report))
    for expected in ("BÁO CÁO", "Sở Lao động - Thương binh và Xã hội", "Ban Quản lý các khu công nghiệp tỉnh",
                     "Tỷ lệ thất nghiệp khu vực", "KT. CHỦ TỊCH"):
        assert expected in text, expected


@pytest.mark.libreoffice
def test_parallel_conversions_do_not_share_a_profile(report, soffice):
    reports = [dataclasses.replace(report, title=f"Tình hình thực hiện nhiệm vụ đợt {n}") for n in (1, 2, 3)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda r: pdf_text(pdf.docx_to_pdf(docx_bytes(r))), reports))
    for n, text in zip((1, 2, 3), results):
        assert f"nhiệm vụ đợt {n}" in text
