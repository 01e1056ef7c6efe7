"""The four kinds of deadline a directive writes, one value type for the form, the API and issuing.

- ``date``: "trước ngày 30/6/2022" → due that day;
- ``month``: "trong tháng 8/2022" → due the last day of the month;
- ``recurring``: "hằng năm, trước ngày 15/12" → an RFC 5545 RRULE with a start and optional end;
  each occurrence is a due date;
- ``ongoing``: "thường xuyên" → no due date, optionally with a periodic report (an RRULE too).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from dateutil.rrule import rrulestr

DATE = "date"
MONTH = "month"
RECURRING = "recurring"
ONGOING = "ongoing"
KINDS = (DATE, MONTH, RECURRING, ONGOING)

FREQUENCIES = ("YEARLY", "MONTHLY", "WEEKLY")
_MONTH_RE = re.compile(r"^\s*(?:(\d{4})-(\d{1,2})|(\d{1,2})/(\d{4}))\s*$")
QUARTER_MONTHS = "3,6,9,12"


class DeadlineError(ValueError):
    """Bad deadline input; ``fields`` maps the offending key (``date``, ``rrule``...) to a message."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


def last_day_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_month(text: str) -> tuple[int, int]:
    """``2022-08`` or ``8/2022`` → (2022, 8); ValueError otherwise."""
    match = _MONTH_RE.match(text or "")
    if not match:
        raise ValueError(text)
    year, month = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
    year, month = int(year), int(month)
    if not 1 <= month <= 12 or not 1900 <= year <= 2200:
        raise ValueError(text)
    return year, month


def normalize_rrule(rule: str) -> str:
    """Upper-case, without an ``RRULE:`` prefix; ValueError if it is not a rule we schedule."""
    rule = (rule or "").strip().upper()
    if rule.startswith("RRULE:"):
        rule = rule[len("RRULE:"):]
    if not rule or "\n" in rule or "DTSTART" in rule or len(rule) > 200:
        raise ValueError("rrule")
    parts = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    if parts.get("FREQ") not in FREQUENCIES:
        raise ValueError("rrule")
    rrulestr(rule, dtstart=dt.datetime(2000, 1, 1))  # raises ValueError on anything malformed
    return rule


def _rule(rule: str, start: dt.date, end: dt.date | None):
    parsed = rrulestr(rule, dtstart=dt.datetime.combine(start, dt.time()))
    if end is not None and "COUNT=" not in rule and "UNTIL=" not in rule:
        parsed = parsed.replace(until=dt.datetime.combine(end, dt.time()))
    return parsed


@dataclass(frozen=True)
class Deadline:
    kind: str = ONGOING
    date: dt.date | None = None       # the due date (date) or the last day of the month (month)
    rrule: str | None = None          # recurring: the due dates; ongoing: the periodic report
    start: dt.date | None = None
    end: dt.date | None = None
    text: str | None = None           # as written in the document, if the clerk gave it

    # -- construction ---------------------------------------------------------
    @classmethod
    def from_json(cls, data) -> Deadline:
        """Read the API shape (``{"kind": "month", "month": "2022-08"}`` ...); DeadlineError if bad."""
        if data is None:
            return cls(kind=ONGOING)
        if not isinstance(data, dict):
            raise DeadlineError({"kind": "must be an object with a kind"})
        kind = data.get("kind")
        text = data.get("text") if isinstance(data.get("text"), str) else None
        text = text.strip() or None if text else None
        if kind == DATE:
            return cls(kind=DATE, date=_date(data, "date", required=True), text=text)
        if kind == MONTH:
            try:
                year, month = parse_month(str(data.get("month", "")))
            except ValueError:
                raise DeadlineError({"month": "expected YYYY-MM"}) from None
            return cls(kind=MONTH, date=last_day_of_month(year, month), text=text)
        if kind == RECURRING:
            return cls.recurring(data.get("rrule"), _date(data, "start", required=True), _date(data, "end"), text)
        if kind == ONGOING:
            report = data.get("report")
            if report in (None, {}):
                return cls(kind=ONGOING, text=text)
            if not isinstance(report, dict):
                raise DeadlineError({"report": "must be an object with rrule and start"})
            periodic = cls.recurring(report.get("rrule"), _date(report, "start", required=True), _date(report, "end"))
            return cls(kind=ONGOING, rrule=periodic.rrule, start=periodic.start, end=periodic.end, text=text)
        raise DeadlineError({"kind": f"one of {', '.join(KINDS)}"})

    @classmethod
    def recurring(cls, rule, start: dt.date, end: dt.date | None = None, text: str | None = None) -> Deadline:
        try:
            rule = normalize_rrule(rule if isinstance(rule, str) else "")
        except ValueError:
            raise DeadlineError({"rrule": "an RFC 5545 rule with FREQ=YEARLY, MONTHLY or WEEKLY"}) from None
        if end is not None and end < start:
            raise DeadlineError({"end": "before the start"})
        deadline = cls(kind=RECURRING, rrule=rule, start=start, end=end, text=text)
        if deadline.occurrences(start, limit=1) == []:
            raise DeadlineError({"rrule": "has no occurrence between start and end"})
        return deadline

    @classmethod
    def from_row(cls, row) -> Deadline:
        """From a row with deadline_kind, deadline_date, rrule, rrule_start, rrule_end, deadline_text."""
        return cls(
            kind=row.deadline_kind, date=row.deadline_date, rrule=row.rrule, start=row.rrule_start,
            end=row.rrule_end, text=row.deadline_text,
        )

    def to_row(self) -> dict:
        return {
            "deadline_kind": self.kind, "deadline_date": self.date, "rrule": self.rrule,
            "rrule_start": self.start, "rrule_end": self.end, "deadline_text": self.text,
        }

    def to_json(self) -> dict:
        out: dict = {"kind": self.kind}
        if self.kind == DATE:
            out["date"] = self.date.isoformat()
        elif self.kind == MONTH:
            out["month"] = f"{self.date.year:04d}-{self.date.month:02d}"
        elif self.kind == RECURRING:
            out.update(rrule=self.rrule, start=self.start.isoformat(), end=self.end.isoformat() if self.end else None)
        elif self.rrule:
            out["report"] = {
                "rrule": self.rrule, "start": self.start.isoformat(), "end": self.end.isoformat() if self.end else None
            }
        if self.text:
            out["text"] = self.text
        return out

    # -- dates ------------------------------------------------------------------
    def occurrences(self, on_or_after: dt.date, limit: int = 12) -> list[dt.date]:
        """The next due dates of the rule (recurring) or report (ongoing) from ``on_or_after``."""
        if not self.rrule:
            return []
        rule = _rule(self.rrule, self.start, self.end)
        out = []
        cursor = dt.datetime.combine(max(on_or_after, self.start), dt.time())
        current = rule.after(cursor, inc=True)
        while current is not None and len(out) < limit:
            out.append(current.date())
            current = rule.after(current, inc=False)
        return out

    def first_due(self, issued_on: dt.date) -> dt.date | None:
        """The due date a task gets at issuing: the date, the month's last day, the first occurrence
        of a recurring rule on or after the issue date; None for ongoing work."""
        if self.kind in (DATE, MONTH):
            return self.date
        if self.kind == RECURRING:
            upcoming = self.occurrences(issued_on, limit=1)
            return upcoming[0] if upcoming else None
        return None

    # -- words ------------------------------------------------------------------
    def describe(self) -> str:
        """Vietnamese wording for pages and mail: the text as written if there is one."""
        return self.text or self.generated_text()

    def generated_text(self) -> str:
        if self.kind == DATE:
            return f"Hạn {self.date:%d/%m/%Y}"
        if self.kind == MONTH:
            return f"Trong tháng {self.date.month}/{self.date.year}"
        if self.kind == RECURRING:
            words = describe_rrule(self.rrule)
            if self.end:
                words += f" (đến {self.end:%d/%m/%Y})"
            return words
        if self.rrule:
            words = describe_rrule(self.rrule)
            return f"Thường xuyên; báo cáo {words[:1].lower()}{words[1:]}"
        return "Thường xuyên"


def _date(data: dict, key: str, required: bool = False) -> dt.date | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise DeadlineError({key: "required (YYYY-MM-DD)"})
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DeadlineError({key: "expected YYYY-MM-DD"}) from None


def rrule_parts(rule: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in rule.split(";") if "=" in part)


def describe_rrule(rule: str) -> str:
    """``FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15`` → "Hằng năm, trước ngày 15/12"."""
    parts = rrule_parts(rule)
    freq, day, months = parts.get("FREQ"), parts.get("BYMONTHDAY"), parts.get("BYMONTH")
    interval = parts.get("INTERVAL", "1")
    if freq == "YEARLY" and months == QUARTER_MONTHS and day:
        return f"Hằng quý, trước ngày {day} tháng cuối quý"
    if freq == "YEARLY" and months and "," not in months and day:
        return f"Hằng năm, trước ngày {day}/{months}"
    if freq == "MONTHLY" and interval == "3" and day:
        return f"Hằng quý, trước ngày {day}"
    if freq == "MONTHLY" and interval == "1" and day:
        return f"Hằng tháng, trước ngày {day}"
    if freq == "WEEKLY" and interval == "1":
        return "Hằng tuần"
    return f"Định kỳ ({rule})"


# -- the form's simple recurrences -------------------------------------------------
# The form offers yearly / quarterly / monthly with a day (and a month for yearly) and builds the
# rule; anything else is entered as a raw RRULE ("custom").
YEARLY, QUARTERLY, MONTHLY, CUSTOM = "yearly", "quarterly", "monthly", "custom"


def build_rrule(recurrence: str, day: int | None, month: int | None, custom: str | None) -> str:
    if recurrence == YEARLY:
        return f"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={day}"
    if recurrence == QUARTERLY:
        return f"FREQ=YEARLY;BYMONTH={QUARTER_MONTHS};BYMONTHDAY={day}"
    if recurrence == MONTHLY:
        return f"FREQ=MONTHLY;BYMONTHDAY={day}"
    return normalize_rrule(custom or "")


def split_rrule(rule: str | None) -> dict:
    """The form fields that rebuild ``rule``: recurrence, day, month (or custom)."""
    if not rule:
        return {}
    parts = rrule_parts(rule)
    keys = set(parts)
    freq, day, months = parts.get("FREQ"), parts.get("BYMONTHDAY", ""), parts.get("BYMONTH", "")
    if keys == {"FREQ", "BYMONTH", "BYMONTHDAY"} and freq == "YEARLY" and day.isdigit():
        if months == QUARTER_MONTHS:
            return {"recurrence": QUARTERLY, "day": int(day)}
        if months.isdigit():
            return {"recurrence": YEARLY, "day": int(day), "month": int(months)}
    if keys == {"FREQ", "BYMONTHDAY"} and freq == "MONTHLY" and day.isdigit():
        return {"recurrence": MONTHLY, "day": int(day)}
    return {"recurrence": CUSTOM, "custom": rule}
