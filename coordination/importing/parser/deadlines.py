"""Time words of a task → a :class:`~coordination.importing.parser.model.Deadline`.

Four kinds: a day ("trước ngày 30/6/2022"; also the end of a quarter "trong quý III/2022" and of
a year "giai đoạn đến năm 2025"), a month ("trong tháng 8/2022" → its last day), recurring
("định kỳ hằng năm … trước ngày 15/12" → ``FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15``, "hằng tháng
trước ngày 25", "hằng quý"), and ongoing ("thường xuyên"). Money phrases are not time words:
"chi thường xuyên" (regular expenditure) is not ongoing, "ngân sách hằng năm" (the annual
budget) is not yearly. A date without a year takes the year of the reference date (the
directive's date); a recurring one takes its next occurrence on or after it.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from .model import Deadline, Span
from .text import MText, clean, fold

_DATE = r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{4}))?(?![\d/])"
_DATE_LONG = r"(\d{1,2})\s+thang\s+(\d{1,2})(?:\s*(?:nam|/)\s*(\d{4}))?"
_CUE = r"(?:truoc|cham\s+nhat(?:\s+(?:la|vao|truoc))?|khong\s+qua|den\s+het|han\s+chot|han\s+cuoi|xong\s+truoc)"
_DONE = r"(?:(?:hoan\s+thanh|xong|ket\s+thuc)\s+)?"

RE_DAY = re.compile(
    rf"{_DONE}(?:{_CUE}\s+(?:ngay\s+)?|(?<!\w)(?:trong|vao)\s+ngay\s+|(?<![Tt]u\s)(?<!\w)den\s+ngay\s+)(?:{_DATE_LONG}|{_DATE})",
    re.I,
)
RE_DAY_ONLY = re.compile(rf"{_DONE}{_CUE}\s+ngay\s+(\d{{1,2}})(?![\d/\-])(?!\.\d)(?!\s+thang\s+\d)", re.I)
_WHEN = r"thoi\s+gian(?:\s+(?:hoan\s+thanh|thuc\s+hien))?\s*:?|hoan\s+thanh"
RE_MONTH = re.compile(
    rf"{_DONE}(?P<cue>{_WHEN}|trong|truoc|cham\s+nhat(?:\s+(?:trong|vao|la))?|den\s+het|den|vao|ngay\s+trong)\s+thang\s+(\d{{1,2}})"
    r"(?:\s*(?:/|-|nam)\s*(\d{4}))?(?![\d/])",
    re.I,
)
RE_QUARTER = re.compile(
    rf"{_DONE}(?P<cue>{_WHEN}|trong|truoc|cham\s+nhat(?:\s+(?:trong|vao|la))?|den\s+het|vao)\s+quy\s+"
    r"(IV|I{1,3}|[1-4])\b(?:\s*(?:/|-|nam)\s*(\d{4}))?",
    re.I,
)
RE_YEAR = re.compile(
    rf"{_DONE}(?P<cue>trong|truoc|den\s+het|giai\s+doan\s+den|den|cham\s+nhat(?:\s+(?:trong|vao|la))?)\s+nam\s+(\d{{4}})",
    re.I,
)
RE_RECUR = re.compile(
    r"(?:dinh\s+ky\s+)?(?<!\w)(?:hang|moi)\s+(nam|quy|thang|tuan|ngay)(?!\w)|"
    r"dinh\s+ky\s+(6|sau)\s+thang(?:\s*(?:,|va)\s*(?:hang\s+)?nam)?(?!\w)",
    re.I,
)
RE_ONGOING = re.compile(r"(?<!\w)thuong\s+xuyen(?:\s*,\s*lien\s+tuc)?(?!\w)", re.I)
# nouns that make the time word an adjective: "chi thường xuyên", "ngân sách hằng năm"
RE_MONEY_BEFORE = re.compile(
    r"(?:\bchi|kinh\s+phi|ngan\s+sach(?:\s+nha\s+nuoc)?|du\s+toan|von|nguon|quy|dinh\s+muc|chi\s+tieu|thu|"
    r"nhiem\s+vu\s+chi|chi\s+phi)\s*$",
    re.I,
)
RE_QUARTER_FIRST_MONTH = re.compile(r"thang\s+dau(?:\s+tien)?\s+(?:cua\s+)?quy(?:\s+(?:sau|tiep\s+theo|ke\s+tiep))?", re.I)
# a word each pattern cannot match without, to skip texts quickly
_NEEDS = {RE_DAY: "ngay", RE_DAY_ONLY: "ngay", RE_MONTH: "thang", RE_QUARTER: "quy", RE_YEAR: "nam",
          RE_ONGOING: "thuong xuyen"}
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}
FREQ = {"nam": "yearly", "quy": "quarterly", "thang": "monthly", "tuan": None, "ngay": None}
WEEKDAYS = {"hai": "MO", "ba": "TU", "tu": "WE", "nam": "TH", "sau": "FR", "bay": "SA"}


def _last_day(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _next_yearly(ref: date, m: int, d: int) -> date | None:
    for y in (ref.year, ref.year + 1, ref.year + 2):
        when = _safe(y, m, d)
        if when and when >= ref:
            return when
    return None


def _next_monthly(ref: date, d: int, months: tuple[int, ...] = tuple(range(1, 13))) -> date | None:
    y, m = ref.year, ref.month
    for _ in range(30):
        if m in months:
            when = _safe(y, m, min(d, calendar.monthrange(y, m)[1]))
            if when and when >= ref:
                return when
        m += 1
        if m > 12:
            y, m = y + 1, 1
    return None


def _free(spans: list[tuple[int, int]], i: int, j: int) -> bool:
    return all(j <= a or i >= b for a, b in spans)


def find_deadline(mt: MText, ref: date | None, exclude: list[tuple[int, int]] = ()) -> Deadline:
    """The deadline of one task's text; ``exclude`` are local spans (references) to skip."""
    f = fold(mt.s)
    fl = f.lower()
    exclude = list(exclude)

    def first(rx: re.Pattern, check=None):
        if _NEEDS.get(rx) and _NEEDS[rx] not in fl:
            return None
        for m in rx.finditer(f):
            if _free(exclude, m.start(), m.end()) and (check is None or check(m)):
                return m
        return None

    def not_money(m):
        return not RE_MONEY_BEFORE.search(f[max(0, m.start() - 25):m.start()])

    recs = [m for m in RE_RECUR.finditer(f) if _free(exclude, m.start(), m.end()) and not_money(m)] \
        if ("hang " in fl or "moi " in fl or "dinh ky" in fl) else []
    # "định kỳ 6 tháng, hằng năm": prefer a frequency the JSON can say
    rec = next((m for m in recs if m.group(1) and FREQ.get(m.group(1).lower())), recs[0] if recs else None)
    day = first(RE_DAY)
    day_only = None if day else first(RE_DAY_ONLY)
    month = first(RE_MONTH)
    quarter = first(RE_QUARTER)
    year = first(RE_YEAR)
    ongoing = first(RE_ONGOING, lambda m: not RE_MONEY_BEFORE.search(f[max(0, m.start() - 25):m.start()]))
    ref_year = ref.year if ref else None

    def text_of(*ms) -> tuple[str, Span | None]:
        ms = [m for m in ms if m is not None]
        i, j = min(m.start() for m in ms), max(m.end() for m in ms)
        if j - i > 220:
            parts = [clean(mt.s[m.start():m.end()]) for m in sorted(ms, key=lambda m: m.start())]
            return " … ".join(parts), mt.span(ms[0].start(), ms[0].end())
        return clean(mt.s[i:j]), mt.span(i, j)

    if rec:
        return _recurring(rec, day or day_only, f, ref, text_of)
    # the first time phrase is the task's own; a later one is usually its report ("… và báo cáo
    # kết quả trước ngày 15/10/2022")
    found = sorted((m.start(), k, m) for k, m in (("day", day), ("month", month), ("quarter", quarter),
                                                  ("year", year)) if m is not None)
    first_kind, first_match = (found[0][1], found[0][2]) if found else (None, None)
    if first_kind == "day":
        d, mo, y = _dmy(day)
        y = y or ref_year
        when = _safe(y, mo, d) if y else None
        text, span = text_of(day)
        return Deadline(kind="date", date=when, text=text, span=span)
    if first_kind == "month":
        mo, y = int(month.group(2)), month.group(3)
        y = int(y) if y else ref_year
        text, span = text_of(month)
        if not y or not 1 <= mo <= 12:
            return Deadline(kind="month", text=text, span=span)
        if month.group("cue").lower().startswith("truoc"):
            prev = (y, mo - 1) if mo > 1 else (y - 1, 12)
            return Deadline(kind="date", date=_last_day(*prev), text=text, span=span)
        return Deadline(kind="month", date=_last_day(y, mo), month=f"{y:04d}-{mo:02d}", text=text, span=span)
    if first_kind == "quarter":
        q, y = ROMAN[quarter.group(2).upper()], quarter.group(3)
        y = int(y) if y else ref_year
        text, span = text_of(quarter)
        if not y:
            return Deadline(kind="date", text=text, span=span)
        if quarter.group("cue").lower().startswith("truoc"):
            q, y = (q - 1, y) if q > 1 else (4, y - 1)
        return Deadline(kind="date", date=_last_day(y, q * 3), text=text, span=span)
    if first_kind == "year":
        y = int(year.group(2))
        if year.group("cue").lower().startswith("truoc"):
            y -= 1
        text, span = text_of(year)
        return Deadline(kind="date", date=date(y, 12, 31), text=text, span=span)
    if ongoing:
        text, span = text_of(ongoing)
        return Deadline(kind="ongoing", text=text, span=span)
    return Deadline()


def _dmy(m: re.Match) -> tuple[int, int, int | None]:
    g = [x for x in m.groups()]
    # groups: long form (d, m, y) then numeric form (d, m, y)
    if g[0] is not None:
        d, mo, y = g[0], g[1], g[2]
    else:
        d, mo, y = g[3], g[4], g[5]
    return int(d), int(mo), int(y) if y else None


def _recurring(rec: re.Match, day: re.Match | None, f: str, ref: date | None, text_of) -> Deadline:
    unit = (rec.group(1) or "").lower()
    semiannual = rec.group(2) is not None
    recurrence = None if semiannual else FREQ.get(unit)
    text, span = text_of(rec, day)
    dl = Deadline(kind="recurring", recurrence=recurrence, text=text, span=span)
    d = mo = y = None
    if day is not None:
        if day.re is RE_DAY_ONLY:
            d = int(day.group(1))
        else:
            d, mo, y = _dmy(day)
    if semiannual:
        dl.rrule = "FREQ=MONTHLY;INTERVAL=6" + (f";BYMONTHDAY={d}" if d else "")
        return dl
    if unit == "nam":
        if d and mo:
            dl.rrule = f"FREQ=YEARLY;BYMONTH={mo};BYMONTHDAY={d}"
            start = _safe(y, mo, d) if y else (_next_yearly(ref, mo, d) if ref else None)
            dl.start = dl.date = start
        else:
            dl.rrule = "FREQ=YEARLY"
    elif unit == "quy":
        months = (1, 4, 7, 10) if RE_QUARTER_FIRST_MONTH.search(f) else (3, 6, 9, 12)
        if d:
            dl.rrule = f"FREQ=YEARLY;BYMONTH={','.join(map(str, months))};BYMONTHDAY={d}"
            dl.start = dl.date = _next_monthly(ref, d, months) if ref else None
        else:
            dl.rrule = "FREQ=MONTHLY;INTERVAL=3"
    elif unit == "thang":
        if d:
            dl.rrule = f"FREQ=MONTHLY;BYMONTHDAY={d}"
            dl.start = dl.date = _next_monthly(ref, d) if ref else None
        else:
            dl.rrule = "FREQ=MONTHLY"
    elif unit == "tuan":
        wd = re.search(r"thu\s+(hai|ba|tu|nam|sau|bay)", f, re.I)
        dl.rrule = "FREQ=WEEKLY" + (f";BYDAY={WEEKDAYS[wd.group(1).lower()]}" if wd else "")
    else:
        dl.rrule = "FREQ=DAILY"
    return dl
