"""The task sheet as CSV: UTF-8 with a byte-order mark (so Excel reads Vietnamese correctly),
streamed as encoded chunks usable directly as a Pyramid ``response.app_iter``.

Dates are written ISO 8601 (yyyy-mm-dd): unambiguous, and read as dates by spreadsheets in any
locale (dd/mm/yyyy would be read as mm/dd by an English-locale Excel). Progress is 0–100.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from .cells import escape_formula
from .columns import DATE, TASK_COLUMNS, TEXT, as_date, task_values
from .model import TaskRow

CONTENT_TYPE = "text/csv; charset=utf-8"
CHUNK_SIZE = 64 * 1024


def _csv_value(kind: str, value):
    if value is None:
        return ""
    if kind == DATE:
        return as_date(value).isoformat()
    if kind == TEXT:
        return escape_formula(str(value))
    return value


def iter_csv(task_rows: Iterable[TaskRow], *, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """Yield the CSV file in chunks of about ``chunk_size`` bytes, the first starting with the BOM.

    ``task_rows`` is consumed lazily as the chunks are asked for, so a response streams the
    whole scope without holding it. Text cells go through :func:`cells.escape_formula`.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.header for c in TASK_COLUMNS])
    kinds = [c.kind for c in TASK_COLUMNS]
    first = True
    for number, task in enumerate(task_rows, start=1):
        writer.writerow([_csv_value(kind, value) for kind, value in zip(kinds, task_values(number, task))])
        if buffer.tell() >= chunk_size:
            yield _take(buffer, first)
            first = False
    yield _take(buffer, first)


def _take(buffer: io.StringIO, first: bool) -> bytes:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    # "utf-8-sig" writes the BOM; only the first chunk may carry it
    return text.encode("utf-8-sig" if first else "utf-8")


def csv_bytes(task_rows: Iterable[TaskRow]) -> bytes:
    return b"".join(iter_csv(task_rows))
