"""The agency registry, as the parser sees it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..organizations import services as organizations
from .parser import AgencyEntry


def registry_entries(dbsession: Session) -> list[AgencyEntry]:
    """Every active agency and group with its names and aliases (groups flagged)."""
    entries = [
        AgencyEntry(code=a.code, name=a.name, short_name=a.short_name, aliases=tuple(a.aliases or ()))
        for a in organizations.agencies(dbsession, active_only=True)
    ]
    entries += [
        AgencyEntry(code=g.code, name=g.name, aliases=tuple(g.aliases or ()), is_group=True)
        for g in organizations.groups(dbsession, active_only=True)
    ]
    return entries
