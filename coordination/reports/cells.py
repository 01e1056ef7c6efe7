"""What every spreadsheet cell goes through, in XLSX and CSV alike: formula-injection escaping.

A task's content or progress text is typed by agency officers; a cell that begins with ``=`` (or
``+``, ``-``, ``@``, tab, carriage return) is run as a formula by Excel and LibreOffice when the
exported file is opened (OWASP "CSV injection"): ``=HYPERLINK("http://x", "y")`` leaks data,
``=cmd|...`` runs programs. The cure is the same in both formats, so it lives here once.
"""

from __future__ import annotations

from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MAX_TEXT = 32767  # characters in one cell


def escape_formula(value: Any) -> Any:
    """Return ``value`` safe to put in a spreadsheet cell.

    Text beginning with one of ``= + - @``, tab or carriage return gets a leading apostrophe, so
    spreadsheets show it as text and never evaluate it. Everything that is not text (numbers,
    dates, None) is returned unchanged: those are typed cells, not formulas.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
