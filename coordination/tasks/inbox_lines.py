"""The inbox page's rows as the page shows them: every value of a row worked out once in Python,
so that the template only writes them out.

The template used to work each row out itself (its timeliness, its class, three dates, the link,
the labels), and Chameleon resolves every name of an expression through its scope at run time:
rendering fifty rows took over 40 % of the server's CPU for an inbox view (bench/RESULTS.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

from ..dates import format_date
from .models import OVERDUE, WITHIN
from .queries import current_timeliness

DUE_SOON_DAYS = 7  # a task open within its deadline is marked as due soon this many days before it


class InboxLine(NamedTuple):
    css: str                        # the row's class: "is-overdue", "is-due-soon" or ""
    number_symbol: str | None       # 1324/UBND-KGVX
    issued_on: str                  # dd/mm/yyyy, or "" before issue
    url: str
    content: str                    # the first 220 characters
    subtask: bool
    recurring: bool
    lead: str                       # the lead agency's short name, or its name
    deadline: str                   # dd/mm/yyyy, or the label of an ongoing task
    original_deadline: str | None   # dd/mm/yyyy when an extension moved the deadline (not recurring)
    status: str
    status_label: str
    timeliness: str | None
    timeliness_label: str | None
    percent: int


def inbox_lines(rows: Iterable, *, today: dt.date, task_url: Callable[..., str], status_names: Mapping[str, str],
                timeliness_names: Mapping[str, str], ongoing: str) -> list[InboxLine]:
    """``rows`` (``inbox.InboxRow``) as ``InboxLine``s; the labels are already translated, ``ongoing``
    is the label of a task without a deadline."""
    lines = []
    for t in rows:
        deadline = t.deadline_in_force
        timeliness = current_timeliness(t, today)
        if timeliness == OVERDUE:
            css = "is-overdue"
        elif timeliness == WITHIN and deadline and (deadline - today).days <= DUE_SOON_DAYS:
            css = "is-due-soon"
        else:
            css = ""
        original = t.original_deadline
        lines.append(InboxLine(
            css=css, number_symbol=t.number_symbol, issued_on=format_date(t.directive_issued_on),
            url=task_url(id=t.id), content=t.content[:220], subtask=bool(t.parent_id), recurring=bool(t.rrule),
            lead=t.lead_short_name or t.lead_name,
            deadline=format_date(deadline) if deadline else ongoing,
            original_deadline=format_date(original) if original and original != deadline and not t.rrule else None,
            status=t.status, status_label=status_names[t.status],
            timeliness=timeliness, timeliness_label=timeliness_names[timeliness] if timeliness else None,
            percent=t.percent_done,
        ))
    return lines
