"""Domain errors of the directives package; views map them to form messages or JSON 400/403/404/409."""

from __future__ import annotations


class DirectiveError(Exception):
    """Base: ``message`` for people (Vietnamese), ``fields`` for the API, ``status`` for HTTP."""

    status = 400

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class DraftInvalid(DirectiveError):
    """The draft names unknown agencies, groups or types, or misses what the next step needs."""

    status = 400


class WrongState(DirectiveError):
    """The action does not apply to the directive in its present state (e.g. editing an issued one)."""

    status = 409


class NotPermitted(DirectiveError):
    """The actor's role does not allow the action (only a leader signs)."""

    status = 403


class Conflict(DirectiveError):
    """Someone else changed the record first, or it already exists."""

    status = 409
