"""Contexts of the directive routes, with ``__acl__`` built per directive.

The issuing office (clerk, leader, admin) reads every directive; an agency's people read an issued
directive only if it is addressed to their agency (see queries.readable_by_agency). Anyone else
gets 404 for it — not 403 — so that they learn nothing, not even that the number exists.
"""

from __future__ import annotations

from pyramid.authorization import Allow
from pyramid.httpexceptions import HTTPNotFound

from ..accounts.models import ADMIN, CLERK, LEADER
from ..security import READ_ALL, Root
from . import queries
from .models import Attachment, Directive, ExternalDocument

# reading one directive: the office by role, an agency by the directive's addressing
READ_DIRECTIVE = "directive.read"


def _office_acl() -> list:
    return list(Root.__acl__) + [(Allow, f"role:{role}", READ_DIRECTIVE) for role in (CLERK, LEADER, ADMIN)]


def _int(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise HTTPNotFound() from None


class DirectiveResource:
    def __init__(self, request, directive: Directive):
        self.request = request
        self.directive = directive
        self.__acl__ = _office_acl()
        user = request.identity
        if user is not None and not request.has_permission(READ_ALL, Root(request)):
            if queries.readable_by_agency(request.dbsession, directive, user.agency_id):
                self.__acl__.append((Allow, f"agency:{user.agency_id}", READ_DIRECTIVE))
            else:
                raise HTTPNotFound()


def directive_factory(request) -> DirectiveResource:
    directive = request.dbsession.get(Directive, _int(request.matchdict["id"]))
    if directive is None:
        raise HTTPNotFound()
    return DirectiveResource(request, directive)


def attachment_factory(request) -> DirectiveResource:
    resource = directive_factory(request)
    attachment = request.dbsession.get(Attachment, _int(request.matchdict["attachment_id"]))
    if attachment is None or attachment.directive_id != resource.directive.id:
        raise HTTPNotFound()
    resource.attachment = attachment
    return resource


class ExternalDocumentResource:
    """Incoming documents are the office's; an agency reads one that a task hands down to it."""

    def __init__(self, request, document: ExternalDocument):
        self.request = request
        self.document = document
        self.__acl__ = _office_acl()
        user = request.identity
        if user is not None and not request.has_permission(READ_ALL, Root(request)):
            if queries.external_readable_by_agency(request.dbsession, document.id, user.agency_id):
                self.__acl__.append((Allow, f"agency:{user.agency_id}", READ_DIRECTIVE))
            else:
                raise HTTPNotFound()


def external_document_factory(request) -> ExternalDocumentResource:
    document = request.dbsession.get(ExternalDocument, _int(request.matchdict["id"]))
    if document is None:
        raise HTTPNotFound()
    return ExternalDocumentResource(request, document)


def external_attachment_factory(request) -> ExternalDocumentResource:
    resource = external_document_factory(request)
    attachment = request.dbsession.get(Attachment, _int(request.matchdict["attachment_id"]))
    if attachment is None or attachment.external_document_id != resource.document.id:
        raise HTTPNotFound()
    resource.attachment = attachment
    return resource
