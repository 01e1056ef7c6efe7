"""Fixtures of the report tests: a hand-built report (no database needed for the formats) and
LibreOffice, which is skipped where it is not installed unless CI=true (there it must run)."""

from __future__ import annotations

import os

import pytest

from coordination.reports.pdf import LibreOfficeMissing, find_soffice
from coordination.reports.sample import sample_report

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture
def report():
    return sample_report()


@pytest.fixture
def soffice():
    try:
        return find_soffice()
    except LibreOfficeMissing as exc:
        if IN_CI:
            pytest.fail(f"LibreOffice is required in CI: {exc}")
        pytest.skip(str(exc))

