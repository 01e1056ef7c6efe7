"""Formula-injection escaping: one function, used by the CSV and XLSX exports alike."""

import datetime as dt

import pytest

from coordination.reports import csv as report_csv
from coordination.reports import xlsx as report_xlsx
from coordination.reports.cells import escape_formula

from .helpers import FORMULA_PAYLOADS


@pytest.mark.parametrize("payload", FORMULA_PAYLOADS)
def test_text_that_a_spreadsheet_would_evaluate_gets_a_leading_apostrophe(payload):
    assert escape_formula(payload) == "'" + payload


@pytest.mark.parametrize("value", [-2, 3.5, 0, dt.date(2026, 11, 30), None, "Sở Tài chính", "1324/UBND-KGVX",
                                   "a=b", " =1"])
def test_numbers_dates_and_ordinary_text_are_untouched(value):
    assert escape_formula(value) is value


def test_both_exports_use_the_one_escaping_function():
    # a second, diverging copy of the rule in either format would not be caught by the payload tests
    assert report_csv.escape_formula is escape_formula
    assert report_xlsx.escape_formula is escape_formula
