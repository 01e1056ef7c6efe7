"""Parsing a directive for a clerk: text in, a proposal out (nothing is stored)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..clock import today
from .parser import ParsedDirective, parse_directive
from .registry import registry_entries


def propose(dbsession: Session | None, text: str) -> ParsedDirective:
    """The parser's proposal for ``text``, with agencies matched against the registry if a session is given."""
    registry = registry_entries(dbsession) if dbsession is not None else None
    return parse_directive(text, registry, today=today())
