"""The columns of the task sheet, shared by the XLSX and CSV exports so both carry the same table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..dates import to_local
from .model import TaskRow, status_label, timeliness_label

TEXT = "text"
DATE = "date"
INTEGER = "integer"
PERCENT = "percent"  # stored 0–100 in the row; XLSX writes a fraction with a % format


def as_date(value: dt.date | dt.datetime | None) -> dt.date | None:
    """A date cell's date: a datetime that slipped in counts as its date in Vietnam."""
    if isinstance(value, dt.datetime):
        return to_local(value).date()
    return value


@dataclass(frozen=True)
class Column:
    header: str
    kind: str
    width: float  # XLSX column width, in characters


TASK_COLUMNS: tuple[Column, ...] = (
    Column("STT", INTEGER, 7),
    Column("Mã nhiệm vụ", INTEGER, 10),
    Column("Số, ký hiệu văn bản", TEXT, 20),
    Column("Ngày văn bản", DATE, 12),
    Column("Mục", TEXT, 7),
    Column("Nội dung nhiệm vụ", TEXT, 70),
    Column("Cơ quan chủ trì", TEXT, 32),
    Column("Cơ quan phối hợp", TEXT, 40),
    Column("Trạng thái", TEXT, 20),
    Column("Tình hình thời hạn", TEXT, 26),
    Column("Hạn ban đầu", DATE, 12),
    Column("Hạn hiện hành", DATE, 12),
    Column("Ngày hoàn thành", DATE, 13),
    Column("Số ngày quá hạn", INTEGER, 10),
    Column("Tiến độ (%)", PERCENT, 10),
    Column("Tiến độ gần nhất", TEXT, 70),
)


def task_values(number: int, r: TaskRow) -> tuple[Any, ...]:
    """The cells of task row ``number`` in the order of ``TASK_COLUMNS`` (one call per row: the
    exports' inner loop runs it 100 000 times)."""
    return (
        number, r.task_id, r.directive_number, r.directive_date, r.paragraph, r.content, r.lead,
        "; ".join(r.coordinating), status_label(r.status), timeliness_label(r.timeliness),
        r.original_deadline, r.deadline_in_force, r.completed_on, r.days_overdue, r.progress_percent,
        r.progress_text,
    )
