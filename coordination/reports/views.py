"""Report views. For now: downloading a stored report exactly as it was stored."""

from __future__ import annotations

import logging

from pyramid.httpexceptions import HTTPInternalServerError, HTTPNotFound
from pyramid.response import Response
from pyramid.view import view_config

from ..security import READ_ALL
from .storage import StoredReportCorrupt, StoredReportNotFound, open_stored

log = logging.getLogger(__name__)


@view_config(route_name="report_stored_file", request_method="GET", permission=READ_ALL)
def stored_file(request):
    """The stored DOCX/XLSX/PDF, byte for byte, with its SHA-256 as the ETag."""
    report_id = int(request.matchdict["id"])
    try:
        stored = open_stored(request.dbsession, report_id, request.matchdict["format"], request.registry.settings)
    except StoredReportNotFound:
        raise HTTPNotFound() from None
    except StoredReportCorrupt as exc:
        log.error("%s", exc)
        raise HTTPInternalServerError(
            detail=request.translate("Tệp báo cáo đã lưu bị thiếu hoặc bị thay đổi; đề nghị liên hệ quản trị hệ thống.")
        ) from None
    response = Response(body=stored.data, content_type=stored.content_type)
    response.content_disposition = f'attachment; filename="{stored.filename}"'
    response.etag = stored.sha256
    response.headers["X-Content-SHA256"] = stored.sha256
    response.cache_control = "private, max-age=0, must-revalidate"
    response.conditional_response = True
    return response
