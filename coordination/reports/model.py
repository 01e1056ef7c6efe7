"""The consolidated progress report (báo cáo tổng hợp tình hình thực hiện nhiệm vụ) as plain data.

Every output format (XLSX, CSV, DOCX, PDF, the dashboard charts) reads these frozen dataclasses and
nothing else, so the formats can be tested from a hand-built report and ``reports/queries.py`` has
one job: fill them from the database as of a cut-off date.

Counting rules every format relies on (``queries.py`` must fill the figures accordingly):

- A task is counted for its **lead agency** only (coordinating agencies are not credited), once, in
  exactly one of the four timeliness classes as of the cut-off date (ngày chốt số liệu); cancelled
  tasks are not counted at all. ``assigned`` is therefore the sum of the four classes.
- ``overdue`` tasks are open tasks whose deadline in force lies before the cut-off date (and tasks
  whose completion was reported after the deadline and still awaits review);
  ``overdue_days_total`` is the sum, over those tasks, of cut-off date minus deadline in force (for
  a late completion report awaiting review: reported date minus deadline, the agency's clock stopped).
- ``extensions_granted`` counts extensions approved up to the cut-off date; ``escalations_open``
  counts escalations (kiến nghị, vướng mắc) still undecided at the cut-off date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any, NamedTuple

# The four timeliness classes. The values are the ones the task lifecycle uses
# (coordination.tasks.models.ON_TIME, LATE, WITHIN, OVERDUE) so rows can carry them unchanged.
ON_TIME = "completed_on_time"
LATE = "completed_late"
WITHIN = "open_within_deadline"
OVERDUE = "overdue"
TIMELINESS = (ON_TIME, LATE, WITHIN, OVERDUE)

TIMELINESS_LABELS = {
    ON_TIME: "Hoàn thành đúng hạn",
    LATE: "Hoàn thành quá hạn",
    WITHIN: "Đang thực hiện, trong hạn",
    OVERDUE: "Quá hạn, chưa hoàn thành",
}

STATUS_LABELS = {
    "assigned": "Đã giao",
    "acknowledged": "Đã tiếp nhận",
    "in_progress": "Đang thực hiện",
    "completion_reported": "Đã báo cáo hoàn thành",
    "completed": "Hoàn thành",
    "returned": "Trả lại, thực hiện tiếp",
    "cancelled": "Đã hủy",
}


def timeliness_label(code: str | None) -> str:
    return TIMELINESS_LABELS.get(code, code or "") if code else ""


def status_label(code: str | None) -> str:
    return STATUS_LABELS.get(code, code or "") if code else ""


# -- what the report is about ------------------------------------------------------------------

SCOPE_ALL = "all"              # every task of the issuer
SCOPE_DIRECTIVE = "directive"  # the tasks of one directive
SCOPE_DIRECTIVES = "directives"  # a set of directives chosen by issuer, type, signer, date range
SCOPE_AGENCY = "agency"        # the tasks one agency leads
SCOPE_KINDS = (SCOPE_ALL, SCOPE_DIRECTIVE, SCOPE_DIRECTIVES, SCOPE_AGENCY)


@dataclass(frozen=True)
class ReportScope:
    """Which tasks the report counts, and how the report names that choice.

    ``description`` is the human sentence the documents print ("các văn bản chỉ đạo của UBND tỉnh
    ban hành từ 01/01/2026 đến 30/11/2026"); the other fields are the filter ``queries.py`` applies
    and are stored with a saved report (``to_json``) so it can be recomputed or listed.
    """

    kind: str
    description: str
    directive_ids: tuple[int, ...] = ()
    agency_id: int | None = None
    issuer_id: int | None = None
    directive_type: str | None = None
    signer: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def __post_init__(self):
        if self.kind not in SCOPE_KINDS:
            raise ValueError(f"unknown report scope {self.kind!r}")
        if self.kind == SCOPE_DIRECTIVE and len(self.directive_ids) != 1:
            raise ValueError("a one-directive scope names exactly one directive")
        if self.kind == SCOPE_AGENCY and self.agency_id is None:
            raise ValueError("an agency scope names the agency")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("the date range ends before it starts")

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict; ``from_json(to_json())`` gives back an equal scope."""
        return {
            "kind": self.kind,
            "description": self.description,
            "directive_ids": list(self.directive_ids),
            "agency_id": self.agency_id,
            "issuer_id": self.issuer_id,
            "directive_type": self.directive_type,
            "signer": self.signer,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportScope:
        return cls(
            kind=data["kind"],
            description=data["description"],
            directive_ids=tuple(data.get("directive_ids") or ()),
            agency_id=data.get("agency_id"),
            issuer_id=data.get("issuer_id"),
            directive_type=data.get("directive_type"),
            signer=data.get("signer"),
            date_from=dt.date.fromisoformat(data["date_from"]) if data.get("date_from") else None,
            date_to=dt.date.fromisoformat(data["date_to"]) if data.get("date_to") else None,
        )


@dataclass(frozen=True)
class Letterhead:
    """The Decree 30/2020 frame of the document: who issues it, its number, place, signer, copies.

    ``issuer_parent`` is the governing body printed above the issuer (``UBND TỈNH HƯNG YÊN`` above
    ``VĂN PHÒNG``); leave it None when the People's Committee reports in its own name.
    ``issuer_name`` may hold a line break where the document breaks the name
    ("ỦY BAN NHÂN DÂN\nTỈNH HƯNG YÊN"). ``number`` None prints a blank to be filled in at registration ("Số:      /BC-UBND").
    ``signer_capacity`` is one line per entry, e.g. ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH").
    """

    issuer_name: str
    place: str
    signer_name: str
    signer_capacity: tuple[str, ...]
    issuer_parent: str | None = None
    symbol: str = "BC-UBND"
    number: int | None = None
    recipients: tuple[str, ...] = ("Như trên;", "Lưu: VT.")

    @property
    def issuer_line(self) -> str:
        """The issuer on one line ("ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN"), for spreadsheets and file names."""
        return " ".join(self.issuer_name.split())

    @property
    def number_symbol(self) -> str:
        """``125/BC-UBND``, or ``      /BC-UBND`` (blank for the registry) while unnumbered."""
        number = str(self.number) if self.number is not None else "\u00a0" * 6
        return f"{number}/{self.symbol}"


# -- the figures -------------------------------------------------------------------------------


_COUNT_FIELDS = ("on_time", "late", "within", "overdue", "overdue_days_total", "extensions_granted", "escalations_open")


@dataclass(frozen=True)
class AgencyFigures:
    """One agency's row of the report (or the total row, with ``agency_name`` "Tổng cộng").

    The on-time rate (tỷ lệ hoàn thành đúng hạn), by which leaders compare agencies, is

        completed on time / (completed on time + completed late + overdue)

    i.e. the share of the tasks that have **fallen due** by the cut-off date that were done in
    time. Tasks still open within their deadline are left out: they are neither a success nor a
    failure yet, and counting them would reward an agency for having fresh tasks. When nothing has
    fallen due the rate is None (printed "—"), not 0 % or 100 %.

    ``average_days_overdue`` is the mean lateness of the tasks overdue at the cut-off date
    (``overdue_days_total / overdue``), None when nothing is overdue.
    """

    agency_name: str
    on_time: int = 0
    late: int = 0
    within: int = 0
    overdue: int = 0
    overdue_days_total: int = 0
    extensions_granted: int = 0
    escalations_open: int = 0
    agency_id: int | None = None
    agency_code: str | None = None

    def __post_init__(self):
        counts = (self.on_time, self.late, self.within, self.overdue, self.overdue_days_total,
                  self.extensions_granted, self.escalations_open)
        # the usual case checked in C (a dashboard builds one per agency: 2,000 per view nationally);
        # anything else is looked at count by count, for the message
        if not (set(map(type, counts)) <= {int} and min(counts) >= 0):
            for name, value in zip(_COUNT_FIELDS, counts):
                if not isinstance(value, int) or value < 0:
                    raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
        if self.overdue_days_total and not self.overdue:
            raise ValueError("overdue days given for an agency with no overdue task")

    @property
    def assigned(self) -> int:
        """Tasks assigned (giao chủ trì), cancelled ones excluded: the sum of the four classes."""
        return self.on_time + self.late + self.within + self.overdue

    @property
    def completed(self) -> int:
        return self.on_time + self.late

    @property
    def fallen_due(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def on_time_rate(self) -> Fraction | None:
        """Exact rate (see the class docstring); exact so equal rates compare equal in rankings."""
        if not self.fallen_due:
            return None
        return Fraction(self.on_time, self.fallen_due)

    @property
    def on_time_ratio(self) -> float | None:
        """The rate as a float in [0, 1] (what spreadsheets format as a percentage)."""
        rate = self.on_time_rate
        return None if rate is None else float(rate)

    @property
    def average_days_overdue(self) -> float | None:
        if not self.overdue:
            return None
        return self.overdue_days_total / self.overdue

    def count(self, timeliness: str) -> int:
        return {ON_TIME: self.on_time, LATE: self.late, WITHIN: self.within, OVERDUE: self.overdue}[timeliness]


TOTAL_LABEL = "Tổng cộng"


def total_of(rows: Iterable[AgencyFigures], label: str = TOTAL_LABEL) -> AgencyFigures:
    """The total row: the sum of the agency rows (each task has one lead, so nothing counts twice)."""
    rows = list(rows)
    return AgencyFigures(
        agency_name=label,
        on_time=sum(r.on_time for r in rows),
        late=sum(r.late for r in rows),
        within=sum(r.within for r in rows),
        overdue=sum(r.overdue for r in rows),
        overdue_days_total=sum(r.overdue_days_total for r in rows),
        extensions_granted=sum(r.extensions_granted for r in rows),
        escalations_open=sum(r.escalations_open for r in rows),
    )


@dataclass(frozen=True)
class OverdueTask:
    """A task overdue at the cut-off date, as the report lists it."""

    directive_number: str
    paragraph: str
    content: str
    lead: str
    deadline_in_force: dt.date
    days_overdue: int
    coordinating: tuple[str, ...] = ()
    directive_date: dt.date | None = None
    latest_progress: str | None = None
    latest_percent: int | None = None
    task_id: int | None = None


@dataclass(frozen=True)
class TargetStatus:
    """A quantitative target against the latest value an agency reported.

    ``higher_is_better`` False is for targets like "giảm tỷ lệ thất nghiệp xuống dưới 3 %".
    """

    indicator: str
    unit: str
    target: float
    target_date: dt.date | None = None
    latest_value: float | None = None
    reported_on: dt.date | None = None
    lead: str | None = None
    directive_number: str | None = None
    higher_is_better: bool = True

    @property
    def reached(self) -> bool | None:
        """Whether the latest value meets the target; None while nothing has been reported."""
        if self.latest_value is None:
            return None
        if self.higher_is_better:
            return self.latest_value >= self.target
        return self.latest_value <= self.target


class TaskRow(NamedTuple):
    """One task of the task sheet (XLSX/CSV). Exporters take these from an iterator, one at a time.

    Immutable like the dataclasses here, but a named tuple: a sheet makes 100 000 of them, and a
    tuple is made in a third of the time a frozen dataclass's ``__init__`` takes."""

    directive_number: str
    directive_date: dt.date | None
    paragraph: str
    content: str
    lead: str
    coordinating: tuple[str, ...]
    status: str
    timeliness: str | None
    original_deadline: dt.date | None
    deadline_in_force: dt.date | None
    completed_on: dt.date | None
    days_overdue: int | None
    progress_percent: int | None
    progress_text: str | None
    task_id: int | None = None


@dataclass(frozen=True)
class RankingEntry:
    rank: int
    figures: AgencyFigures


@dataclass(frozen=True)
class MonthPoint:
    """One month of the dashboard trend: tasks completed in the month, tasks overdue at its end."""

    month: dt.date  # the first day of the month
    completed: int
    overdue: int


@dataclass(frozen=True)
class ConsolidatedReport:
    """The whole report as of ``as_of`` (ngày chốt số liệu), signed on ``dated``.

    ``agencies`` are in the order the report prints them (queries.py decides: usually the agency
    tree order); ``total`` and ``ranking`` are derived from them so the formats cannot disagree.
    The task sheet is not part of this object: it is passed to the exporters as an iterator of
    ``TaskRow`` so that 100 000 tasks never sit in memory at once.
    """

    letterhead: Letterhead
    scope: ReportScope
    as_of: dt.date
    dated: dt.date
    title: str = "Tình hình thực hiện nhiệm vụ được giao"
    agencies: tuple[AgencyFigures, ...] = ()
    overdue_tasks: tuple[OverdueTask, ...] = ()
    targets: tuple[TargetStatus, ...] = ()
    # optional free text the drafter adds: assessment, proposals (đánh giá, kiến nghị)
    assessment: tuple[str, ...] = ()
    proposals: tuple[str, ...] = ()

    @cached_property
    def total(self) -> AgencyFigures:
        return total_of(self.agencies)

    @cached_property
    def ranking(self) -> tuple[RankingEntry, ...]:
        from .ranking import rank_agencies

        return tuple(rank_agencies(self.agencies))
