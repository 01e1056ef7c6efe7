"""The one clock of the application. Tests and ``--now`` options set it; nothing else reads the wall clock."""

from __future__ import annotations

import contextlib
import datetime as dt
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """The current time, timezone-aware in UTC."""
    if _frozen is not None:
        return _frozen
    return dt.datetime.now(dt.timezone.utc)


def today() -> dt.date:
    """Today's date in Vietnam (Asia/Ho_Chi_Minh), which is what deadlines are counted in."""
    return now().astimezone(LOCAL_TZ).date()


def set_now(value: dt.datetime | None) -> None:
    """Freeze the clock at ``value`` (naive values are read as Vietnam local time); None unfreezes."""
    global _frozen
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    _frozen = value.astimezone(dt.timezone.utc) if value is not None else None


@contextlib.contextmanager
def frozen(value: dt.datetime):
    previous = _frozen
    set_now(value)
    try:
        yield
    finally:
        globals()["_frozen"] = previous
