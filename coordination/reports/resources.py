"""The context of the report routes: who may open them at all (what they then see is narrowed by
``scope.viewer_for``: the issuing office everything, an agency its own scope)."""

from __future__ import annotations

from pyramid.authorization import Allow

from ..accounts.models import ADMIN, AGENCY_HEAD, AGENCY_OFFICER, CLERK, LEADER

READ_REPORTS = "report.read"


class ReportsResource:
    __acl__ = [(Allow, f"role:{role}", READ_REPORTS) for role in (ADMIN, LEADER, CLERK, AGENCY_HEAD, AGENCY_OFFICER)]

    def __init__(self, request):
        self.request = request
