"""The columns of the task sheet, shared by the XLSX and CSV exports so both carry the same table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
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
    value: Callable[[int, TaskRow], Any]


TASK_COLUMNS: tuple[Column, ...] = (
    Column("STT", INTEGER, 7, lambda n, r: n),
    Column("Mã nhiệm vụ", INTEGER, 10, lambda n, r: r.task_id),
    Column("Số, ký hiệu văn bản", TEXT, 20, lambda n, r: r.directive_number),
    Column("Ngày văn bản", DATE, 12, lambda n, r: r.directive_date),
    Column("Mục", TEXT, 7, lambda n, r: r.paragraph),
    Column("Nội dung nhiệm vụ", TEXT, 70, lambda n, r: r.content),
    Column("Cơ quan chủ trì", TEXT, 32, lambda n, r: r.lead),
    Column("Cơ quan phối hợp", TEXT, 40, lambda n, r: "; ".join(r.coordinating)),
    Column("Trạng thái", TEXT, 20, lambda n, r: status_label(r.status)),
    Column("Tình hình thời hạn", TEXT, 26, lambda n, r: timeliness_label(r.timeliness)),
    Column("Hạn ban đầu", DATE, 12, lambda n, r: r.original_deadline),
    Column("Hạn hiện hành", DATE, 12, lambda n, r: r.deadline_in_force),
    Column("Ngày hoàn thành", DATE, 13, lambda n, r: r.completed_on),
    Column("Số ngày quá hạn", INTEGER, 10, lambda n, r: r.days_overdue),
    Column("Tiến độ (%)", PERCENT, 10, lambda n, r: r.progress_percent),
    Column("Tiến độ gần nhất", TEXT, 70, lambda n, r: r.progress_text),
)
