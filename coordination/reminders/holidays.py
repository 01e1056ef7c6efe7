"""The holiday calendar that decides which days are working days (editable by an administrator)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import extract, select
from sqlalchemy.orm import Session

from .models import Holiday
from .policy import WorkingCalendar

# how far around the dates in question the calendar is loaded: longer than any run of holidays
_MARGIN = dt.timedelta(days=60)


def load_calendar(dbsession: Session, start: dt.date, end: dt.date) -> WorkingCalendar:
    """The working calendar with every holiday and make-up working day between ``start`` and ``end``
    (and a margin either side, so shifting a date across a long holiday stays exact)."""
    rows = dbsession.execute(
        select(Holiday.day, Holiday.working).where(Holiday.day >= start - _MARGIN, Holiday.day <= end + _MARGIN)
    ).all()
    return WorkingCalendar(
        holidays=frozenset(day for day, working in rows if not working),
        working_days=frozenset(day for day, working in rows if working),
    )


def holidays_of_year(dbsession: Session, year: int) -> list[Holiday]:
    return list(dbsession.scalars(select(Holiday).where(extract("year", Holiday.day) == year).order_by(Holiday.day)))


def years_with_holidays(dbsession: Session) -> list[int]:
    days = dbsession.scalars(select(Holiday.day)).all()
    return sorted({day.year for day in days})


def day_taken(dbsession: Session, day: dt.date, *, except_id: int | None = None) -> bool:
    query = select(Holiday.id).where(Holiday.day == day)
    if except_id is not None:
        query = query.where(Holiday.id != except_id)
    return dbsession.scalar(query) is not None


def save_holiday(dbsession: Session, holiday: Holiday | None, values: dict) -> Holiday:
    """Create or update a holiday from validated form values (``day``, ``name``, ``working``)."""
    if holiday is None:
        holiday = Holiday(day=values["day"], name=values["name"])
        dbsession.add(holiday)
    holiday.day = values["day"]
    holiday.name = values["name"]
    holiday.working = bool(values.get("working", False))
    dbsession.flush()
    return holiday


def delete_holiday(dbsession: Session, holiday: Holiday) -> None:
    dbsession.delete(holiday)
    dbsession.flush()
