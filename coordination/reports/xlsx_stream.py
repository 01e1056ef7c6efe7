"""The long sheets' rows (the task list, the overdue list), serialised straight to SpreadsheetML
inside an openpyxl-made workbook.

openpyxl builds the workbook (styles, the small sheets, the task sheet's header, panes, widths and
filter); only the task sheet's data rows are written here. Why: openpyxl spends ~5 µs per cell
even in write-only mode (binding, type checks, one lxml element each), which is 7.8 s for
100 000 tasks × 15 columns on the reference machine, against a 5 s target. Formatting the same
rows as text is four times faster and just as streaming. The cells written are the plain kinds
openpyxl itself writes (inline strings, numbers, numbers with a style id for dates and %), and
the tests read every export back with openpyxl and open it in LibreOffice.

The workbook openpyxl saves carries the task sheet with its header row and an autofilter whose
last row is a placeholder (Excel's last row); splicing replaces the placeholder in the sheet and in
workbook.xml's ``_xlnm._FilterDatabase`` name once the number of rows is known.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import IO, Any

from openpyxl.utils import get_column_letter

from .cells import EXCEL_MAX_TEXT, FORMULA_TRIGGERS
from .columns import DATE, INTEGER, PERCENT, TEXT, as_date

PLACEHOLDER_ROW = 1048576  # Excel's last row: the filter reaches it only until the real end is known
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_FLUSH_EVERY = 2000  # rows per write to the zip stream
_BEHIND = 2  # chunks (≈ 2 MB each) the zip stream may lag behind the rows serialised


def _xml_text(value: str) -> str:
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")  # a bare CR would be normalised away by XML parsers
    return value


# what ``clean`` may change or XML must escape: control characters, markup, CR; text without any of
# these (nearly all of it) is written as it comes, unless it starts like a formula or is too long
_NEEDS_CARE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\r&<>]")
# cell bodies kept per column: agency names, labels, directive numbers and dates recur on every
# row; the memo is emptied when full, so long unique texts only cost the space of the last few
_MEMO_SIZE = 4096


def _text_body(style: str, clean: Callable[[Any], Any]) -> Callable[[Any], str]:
    def body(value: Any) -> str:
        text = value if type(value) is str else str(value)
        if _NEEDS_CARE.search(text) or text.startswith(FORMULA_TRIGGERS) or len(text) > EXCEL_MAX_TEXT:
            text = _xml_text(clean(text))
        space = ' xml:space="preserve"' if text and (text[0].isspace() or text[-1].isspace()) else ""
        return f'"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'
    return body


def _integer_body(value: Any) -> str:
    return f'" t="n"><v>{int(value)}</v></c>'


def _date_body(style: str) -> Callable[[Any], str]:
    def body(value: Any) -> str:
        return f'"{style} t="n"><v>{(as_date(value) - _EXCEL_EPOCH).days}</v></c>'
    return body


def _percent_body(style: str) -> Callable[[Any], str]:
    def body(value: Any) -> str:
        return f'"{style} t="n"><v>{value / 100!r}</v></c>'
    return body


def row_serialiser(kinds: Sequence[str], styles: dict[int, int],
                   clean: Callable[[Any], Any]) -> Callable[[int, Sequence[Any]], str]:
    """A function turning (row number, values) into one ``<row>`` element.

    ``kinds`` are the column kinds of ``columns.py``; ``styles`` maps a column index to the
    openpyxl style id of its date or percent format (or of a text column's wrapping); ``clean`` is
    applied to every text value that needs it (formula escaping, illegal-character removal and the
    length limit live there, shared with openpyxl cells): text without a control character, markup,
    a leading formula trigger or excess length is left as it is by ``clean`` and not passed to it.
    Empty cells (None, "") are left out. The cell after ``r="B7`` is memoised per column and value.
    """
    plan = []
    for index, kind in enumerate(kinds):
        style = f' s="{styles[index]}"' if index in styles else ""
        if kind == TEXT:
            body = _text_body(style, clean)
        elif kind == INTEGER:
            body = _integer_body
        elif kind == DATE:
            body = _date_body(style)
        elif kind == PERCENT:
            body = _percent_body(style)
        else:
            raise ValueError(f"unknown column kind {kind!r}")
        plan.append((index, f'<c r="{get_column_letter(index + 1)}', {}, body))

    def serialise(r: int, values: Sequence[Any]) -> str:
        row = str(r)
        parts = ['<row r="', row, '">']
        append = parts.append
        for index, head, memo, body in plan:
            value = values[index]
            if value is None:
                continue
            cell = memo.get(value)
            if cell is None:
                if value == "":
                    continue
                cell = body(value)
                if len(memo) >= _MEMO_SIZE:
                    memo.clear()
                memo[value] = cell
            append(head)
            append(row)
            append(cell)
        append("</row>")
        return "".join(parts)

    return serialise


@dataclass
class SheetRows:
    """Rows to put at the end of one sheet's data: ``<row>`` XML strings numbered from ``first_row``."""

    sheet_part: str
    ncols: int
    rows: Iterable[str]
    first_row: int


def splice(skeleton: IO[bytes], out, sheets: Sequence[SheetRows]) -> list[int]:
    """Copy the workbook ``skeleton`` to ``out``, inserting each ``SheetRows`` at the end of its
    sheet's data; a filter reaching the placeholder row is cut to the last row written. Returns
    the number of rows written per sheet, in order."""
    by_part = {sheet.sheet_part: sheet for sheet in sheets}
    counts: dict[str, int] = {}
    with zipfile.ZipFile(skeleton) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED,
                                                           compresslevel=3) as dst:
        for name in src.namelist():
            if name not in by_part and name != "xl/workbook.xml":
                dst.writestr(src.getinfo(name), src.read(name))
        for sheet in sheets:
            counts[sheet.sheet_part] = _splice_sheet(src, dst, sheet)
        workbook = src.read("xl/workbook.xml").decode("utf-8")
        for sheet in sheets:
            last_col = get_column_letter(sheet.ncols)
            absolute = re.escape(f"$A$1:${last_col}${PLACEHOLDER_ROW}")
            workbook = re.sub(absolute, f"$A$1:${last_col}${sheet.first_row + counts[sheet.sheet_part] - 1}", workbook)
        dst.writestr(src.getinfo("xl/workbook.xml"), workbook.encode("utf-8"))
    return [counts[sheet.sheet_part] for sheet in sheets]


def _splice_sheet(src: zipfile.ZipFile, dst: zipfile.ZipFile, sheet: SheetRows) -> int:
    last_col = get_column_letter(sheet.ncols)
    placeholder = f"A1:{last_col}{PLACEHOLDER_ROW}"
    xml = src.read(sheet.sheet_part).decode("utf-8")
    if "<sheetData/>" in xml:  # openpyxl writes an empty sheet's data as one empty element
        xml = xml.replace("<sheetData/>", "<sheetData></sheetData>", 1)
    head, tail = xml.split("</sheetData>", 1)
    count = 0
    with dst.open(sheet.sheet_part, "w", force_zip64=True) as stream, _Behind(stream.write) as write:
        write(head.encode("utf-8"))
        batch: list[str] = []
        for count, row in enumerate(sheet.rows, start=1):
            batch.append(row)
            if len(batch) >= _FLUSH_EVERY:
                write("".join(batch).encode("utf-8"))
                batch.clear()
        write("".join(batch).encode("utf-8"))
        final = f"A1:{last_col}{sheet.first_row + count - 1}"
        write(("</sheetData>" + tail.replace(f'ref="{placeholder}"', f'ref="{final}"')).encode("utf-8"))
    return count


class _Behind:
    """Calls ``write`` on each chunk in a thread of its own, in order, at most ``_BEHIND`` chunks
    behind the caller. The zip stream's work (CRC and deflate, 105 MB of XML for 100 000 tasks)
    is C code that releases the GIL, so it runs on the other core while the caller serialises the
    next rows. An error in ``write`` is raised in the caller (at its next chunk or on leaving)."""

    def __init__(self, write: Callable[[bytes], Any]):
        self.write = write
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xlsx-deflate")
        self.pending: deque[Future] = deque()

    def __call__(self, chunk: bytes) -> None:
        self.pending.append(self.pool.submit(self.write, chunk))
        while len(self.pending) > _BEHIND or (self.pending and self.pending[0].done()):
            self.pending.popleft().result()

    def __enter__(self) -> _Behind:
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            while self.pending:
                chunk = self.pending.popleft()
                if exc_info[0] is None:
                    chunk.result()
                else:
                    chunk.cancel()
        finally:
            self.pool.shutdown(wait=True)
