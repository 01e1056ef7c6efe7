"""``GET /api/v1/reports/consolidated?directive=&issuer=&agency=&type=&signer=&from=&to=&as_of=&format=``

``format`` json (default), csv, xlsx, docx or pdf. Bad parameters answer 400
``{"error": "invalid", "fields": {...}}``; an agency's token asking for another agency 403
``{"error": "forbidden"}``; a PDF LibreOffice could not make 503. The same service as the web page.
"""

from __future__ import annotations

import logging

from pyramid.view import view_config

from . import params, service
from .pdf import ConversionError
from .resources import READ_REPORTS
from .scope import NoReportAccess, viewer_for
from .serialize import report_json

log = logging.getLogger(__name__)


def _error(request, status: int, error: str, fields: dict | None = None):
    request.response.status = status
    return {"error": error, "fields": {k: request.translate(v) for k, v in (fields or {}).items()}}


@view_config(route_name="api_reports_consolidated", request_method="GET", renderer="json", permission=READ_REPORTS)
def api_reports_consolidated(request):
    try:
        viewer = viewer_for(request.identity)
        rr = params.parse(request.dbsession, viewer, request.GET, default_format="json")
    except (NoReportAccess, params.NotYours):
        return _error(request, 403, "forbidden")
    except params.BadRequest as bad:
        return _error(request, 400, "invalid", bad.fields)
    if rr.format == "html":
        return _error(request, 400, "invalid", {"format": "json|csv|xlsx|docx|pdf"})
    if rr.format == "json":
        return report_json(service.consolidated(request.dbsession, request.registry.settings, viewer, rr))
    try:
        return service.export(request.dbsession, request.registry.settings, viewer, rr)
    except ConversionError as exc:
        log.error("PDF conversion failed: %s", exc)
        return _error(request, 503, "conversion failed")
