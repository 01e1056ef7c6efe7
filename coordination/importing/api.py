"""POST /api/v1/directives/parse: a directive's text (JSON, plain text or an uploaded file) → its structure."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPBadRequest
from pyramid.view import view_config

from ..security import DRAFT_DIRECTIVE
from .services import propose
from .sources import UnreadableDocument, extract_text


def _bad(message: str, field: str = "text"):
    error = HTTPBadRequest(json_body={"error": message, "fields": {field: message}})
    return error


def read_submitted_text(request) -> str:
    """The text from a JSON body ``{"text": ...}``, a ``file`` upload, or a text/plain body."""
    content_type = request.content_type or ""
    if content_type == "application/json":
        try:
            body = request.json_body
        except ValueError:
            raise _bad("Nội dung JSON không hợp lệ.", "body")
        text = body.get("text") if isinstance(body, dict) else None
        if not isinstance(text, str) or not text.strip():
            raise _bad("Thiếu trường \"text\" chứa nội dung văn bản.")
        return text
    if content_type == "multipart/form-data":
        upload = request.POST.get("file")
        if upload is None or not hasattr(upload, "file"):
            raise _bad("Thiếu tệp \"file\".", "file")
        try:
            return extract_text(upload.file.read(), upload.filename or "")
        except UnreadableDocument as exc:
            raise _bad(str(exc), "file")
    if content_type.startswith("text/"):
        text = request.body.decode(request.charset or "utf-8", errors="replace")
        if text.strip():
            return text
    raise _bad("Gửi nội dung văn bản dạng JSON {\"text\": ...}, text/plain hoặc tệp (multipart, trường \"file\").")


@view_config(route_name="api_directive_parse", request_method="POST", renderer="json", permission=DRAFT_DIRECTIVE)
def api_parse(request):
    return propose(request.dbsession, read_submitted_text(request)).to_json()
