"""JSON API: the agency registry and groups, for scripts and other systems."""

from __future__ import annotations

from pyramid.view import view_config

from ..security import API
from . import services


@view_config(route_name="api_agencies", request_method="GET", renderer="json", permission=API)
def api_agencies(request):
    return [services.agency_json(a) for a in services.agencies(request.dbsession)]


@view_config(route_name="api_groups", request_method="GET", renderer="json", permission=API)
def api_groups(request):
    return [services.group_json(g) for g in services.groups(request.dbsession)]
