"""Directive import: read a directive's text and propose its header and tasks."""


def includeme(config):
    from ..directives.openapi import add_api_paths

    # added before the directives' /api/v1/directives/{id} routes so "parse" is not taken for an id
    config.add_route("api_directive_parse", "/api/v1/directives/parse")
    config.add_route("directive_import", "/directives/import")
    config.add_route("directive_import_save", "/directives/import/save")
    config.scan(".api")
    config.scan(".views")
    add_api_paths(config, {"/api/v1/directives/parse": {"post": {
        "summary": "Read a directive's text (JSON {text}, text/plain, or a multipart `file`: .txt, .docx, "
                   "PDF with a text layer) and propose its header and tasks; nothing is stored",
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": {"type": "object", "required": ["text"],
                                            "properties": {"text": {"type": "string"}}}},
            "text/plain": {"schema": {"type": "string"}},
            "multipart/form-data": {"schema": {"type": "object", "properties": {
                "file": {"type": "string", "format": "binary"}}}},
        }},
        "responses": {
            "200": {"description": "the proposal", "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/ParsedDirective"}}}},
            "400": {"description": "no text or an unreadable file",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "403": {"description": "only the issuing office drafts directives",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        },
    }}}, {"ParsedDirective": PARSED_SCHEMA})


_S = {"type": "string"}
_NS = {"type": ["string", "null"]}
PARSED_SCHEMA = {
    "type": "object",
    "required": ["number", "type", "place", "date", "issuer", "subject", "recipients", "copy_to", "signer",
                 "references", "tasks"],
    "properties": {
        "number": _NS, "type": _NS, "place": _NS, "date": {"type": ["string", "null"], "format": "date"},
        "issuer": _NS, "subject": _NS,
        "recipients": {"type": "array", "items": _S}, "copy_to": {"type": "array", "items": _S},
        "signer": {"type": "object", "properties": {"name": _NS, "capacity": _NS}},
        "references": {"type": "array", "items": {"type": "object", "properties": {
            "number": _S, "type": _NS, "date": _NS, "issuer": _NS}}},
        "tasks": {"type": "array", "items": {"type": "object", "properties": {
            "paragraph": _NS, "lead": _S, "coordinating": {"type": "array", "items": _S}, "summary": _S,
            "deadline": {"type": ["string", "null"], "format": "date"}, "deadline_text": _NS,
            "recurrence": {"type": ["string", "null"], "enum": ["yearly", "quarterly", "monthly", None]},
            "targets": {"type": "array", "items": {"type": "object"}}}}},
    },
}
