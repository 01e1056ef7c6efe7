"""Links from every figure to the tasks behind it, so no number on a report or the dashboard is a
dead end.

The issuing office goes to the report's task list (``report_tasks``), filtered exactly as the figure
was counted (same scope, cut-off, agency and class). An agency user clicking their own agency's
figure of today goes to their inbox (``task_inbox``), where they can act on the tasks; figures of
the units they delegated to, or of a past cut-off, go to the task list restricted to their scope.
"""

from __future__ import annotations

import datetime as dt

from .model import LATE, ON_TIME, OVERDUE, WITHIN, AgencyFigures, MonthPoint
from .queries import month_end

SCOPE_PARAMS = ("directive", "issuer", "agency", "type", "signer", "from", "to")


class Links:
    def __init__(self, request, viewer, *, scope_query: dict | None = None, as_of: dt.date | None = None,
                 today: dt.date | None = None):
        self.request = request
        self.viewer = viewer
        self.scope_query = {k: v for k, v in (scope_query or {}).items() if k in SCOPE_PARAMS}
        self.as_of = as_of
        self.today = today

    def _is_today(self, day: dt.date | None) -> bool:
        return day is None or day == self.today

    def tasks(self, *, as_of: dt.date | None = None, **filters) -> str:
        """The task list with the page's scope, ``as_of`` (default the page's) and ``filters``
        (``lead``, ``timeliness`` (one or a list), ``due_after``, ``due_before``,
        ``completed_from``, ``completed_to``, ``pending``)."""
        query = dict(self.scope_query)
        day = as_of or self.as_of
        if day is not None and not (self.today and day == self.today):
            query["as_of"] = day.isoformat()
        for name, value in filters.items():
            if value is None or value == () or value is False:
                continue
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif value is True:
                value = "1"
            query[name] = value
        return self.request.route_url("report_tasks", _query=query)

    def segment(self, figures: AgencyFigures, timeliness: str) -> str:
        """The tasks of one agency in one timeliness class."""
        own = not self.viewer.all_agencies and figures.agency_id == self.viewer.agency_id
        if own and self._is_today(self.as_of) and not set(self.scope_query) - {"agency"}:
            return self.request.route_url("task_inbox", _query={"role": "lead", "timeliness": timeliness})
        return self.tasks(lead=figures.agency_code, timeliness=timeliness)

    def agency_total(self, figures: AgencyFigures) -> str:
        return self.tasks(lead=figures.agency_code)

    def fallen_due(self, figures: AgencyFigures | None = None) -> str:
        return self.tasks(lead=figures.agency_code if figures else None, timeliness=[ON_TIME, LATE, OVERDUE])

    def open(self) -> str:
        return self.tasks(timeliness=[WITHIN, OVERDUE])

    def trend(self, point: MonthPoint, series: str) -> str:
        last = month_end(point.month)
        if series == "completed":
            return self.tasks(as_of=self.today, timeliness=[ON_TIME, LATE], completed_from=point.month,
                              completed_to=last)
        day = last if self.today is None or last < self.today else self.today
        return self.tasks(as_of=day, timeliness=OVERDUE)

    def task(self, task_id: int) -> str:
        return self.request.route_url("task_page", id=task_id)
