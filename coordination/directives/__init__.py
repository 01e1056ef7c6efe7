"""Directives: compose, sign, issue and fan out tasks; amend, withdraw; forward incoming documents;
the register with Vietnamese search; the JSON API."""

from . import guard  # noqa: F401  (registers the immutability check on every session)

ID = "{id:\\d+}"


def includeme(config):
    from .resources import (
        attachment_factory,
        directive_factory,
        external_attachment_factory,
        external_document_factory,
    )

    # pages
    config.add_route("directive_register", "/directives")
    config.add_route("directive_new", "/directives/new")
    config.add_route("directive_awaiting_signature", "/directives/awaiting-signature")
    config.add_route("directive_page", f"/directives/{ID}", factory=directive_factory)
    config.add_route("directive_edit", f"/directives/{ID}/edit", factory=directive_factory)
    config.add_route("directive_submit", f"/directives/{ID}/submit", factory=directive_factory)
    config.add_route("directive_return", f"/directives/{ID}/return", factory=directive_factory)
    config.add_route("directive_issue", f"/directives/{ID}/issue", factory=directive_factory)
    config.add_route("directive_withdraw", f"/directives/{ID}/withdraw", factory=directive_factory)
    config.add_route("directive_amend", f"/directives/{ID}/amend", factory=directive_factory)
    config.add_route("directive_delete", f"/directives/{ID}/delete", factory=directive_factory)
    config.add_route("directive_attachment_add", f"/directives/{ID}/attachments", factory=directive_factory)
    config.add_route("directive_attachment", f"/directives/{ID}/attachments/{{attachment_id:\\d+}}",
                     factory=attachment_factory)
    config.add_route("directive_attachment_delete", f"/directives/{ID}/attachments/{{attachment_id:\\d+}}/delete",
                     factory=attachment_factory)
    config.add_route("external_documents", "/external-documents")
    config.add_route("external_document_new", "/external-documents/new")
    config.add_route("external_document_page", f"/external-documents/{ID}", factory=external_document_factory)
    config.add_route("external_document_forward", f"/external-documents/{ID}/forward",
                     factory=external_document_factory)
    config.add_route("external_attachment_add", f"/external-documents/{ID}/attachments",
                     factory=external_document_factory)
    config.add_route("external_attachment", f"/external-documents/{ID}/attachments/{{attachment_id:\\d+}}",
                     factory=external_attachment_factory)

    # JSON API
    config.add_route("api_openapi", "/api/v1/openapi.json")
    config.add_route("api_directive_types", "/api/v1/directive-types")
    config.add_route("api_directives", "/api/v1/directives")
    config.add_route("api_directive", f"/api/v1/directives/{ID}", factory=directive_factory)
    for action in ("submit", "issue", "return", "withdraw"):
        config.add_route(f"api_directive_{action}", f"/api/v1/directives/{ID}/{action}", factory=directive_factory)
    config.add_route("api_directive_attachments", f"/api/v1/directives/{ID}/attachments", factory=directive_factory)
    config.add_route("api_external_documents", "/api/v1/external-documents")
    config.add_route("api_external_document", f"/api/v1/external-documents/{ID}", factory=external_document_factory)

    config.scan(".views")
    config.scan(".external_views")
    config.scan(".api")
