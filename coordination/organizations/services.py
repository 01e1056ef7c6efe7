"""Queries and changes on the organisation tree."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..text import clean
from .models import Agency, AgencyGroup, AgencyKind


def agencies(dbsession: Session, *, active_only: bool = False) -> list[Agency]:
    query = select(Agency).order_by(Agency.kind_id, Agency.name)
    if active_only:
        query = query.where(Agency.active.is_(True))
    return list(dbsession.scalars(query))


def groups(dbsession: Session, *, active_only: bool = False) -> list[AgencyGroup]:
    query = select(AgencyGroup).options(selectinload(AgencyGroup.members)).order_by(AgencyGroup.name)
    if active_only:
        query = query.where(AgencyGroup.active.is_(True))
    return list(dbsession.scalars(query))


def kinds(dbsession: Session) -> list[AgencyKind]:
    return list(dbsession.scalars(select(AgencyKind).order_by(AgencyKind.level, AgencyKind.name)))


def agency_by_code(dbsession: Session, code: str) -> Agency | None:
    return dbsession.scalar(select(Agency).where(Agency.code == code))


def group_by_code(dbsession: Session, code: str) -> AgencyGroup | None:
    return dbsession.scalar(select(AgencyGroup).where(AgencyGroup.code == code))


def expand(dbsession: Session, codes: Iterable[str]) -> list[Agency]:
    """Agencies named by agency or group codes, groups expanded to their active members.

    Order follows the codes; an agency named twice (directly and through a group) appears once.
    Raises KeyError naming the first unknown code.
    """
    out: list[Agency] = []
    seen: set[int] = set()
    for code in codes:
        agency = agency_by_code(dbsession, code)
        members = [agency] if agency is not None else None
        if members is None:
            group = group_by_code(dbsession, code)
            if group is None:
                raise KeyError(code)
            members = group.active_members()
        for member in members:
            if member.id not in seen:
                seen.add(member.id)
                out.append(member)
    return out


def would_create_cycle(agency: Agency, parent: Agency | None) -> bool:
    """True if making ``parent`` the parent of ``agency`` would put the agency under itself."""
    node = parent
    while node is not None:
        if node.id == agency.id:
            return True
        node = node.parent
    return False


def _aliases(values: Iterable[str] | None) -> list[str]:
    return [alias for alias in (clean(v) for v in (values or ())) if alias]


def save_agency(dbsession: Session, agency: Agency | None, values: dict) -> Agency:
    """Create or update an agency from validated form values."""
    if agency is None:
        agency = Agency(code=values["code"], name=values["name"], kind_id=values["kind_id"])
        dbsession.add(agency)
    agency.code = values["code"]
    agency.name = values["name"]
    agency.short_name = values.get("short_name")
    agency.aliases = _aliases(values.get("aliases"))
    agency.kind_id = values["kind_id"]
    agency.parent_id = values.get("parent_id")
    agency.email = values.get("email")
    agency.active = values.get("active", True)
    dbsession.flush()
    return agency


def save_group(dbsession: Session, group: AgencyGroup | None, values: dict) -> AgencyGroup:
    if group is None:
        group = AgencyGroup(code=values["code"], name=values["name"])
        dbsession.add(group)
    group.code = values["code"]
    group.name = values["name"]
    group.aliases = _aliases(values.get("aliases"))
    group.active = values.get("active", True)
    member_ids = set(values.get("member_ids") or ())
    group.members = list(dbsession.scalars(select(Agency).where(Agency.id.in_(member_ids)))) if member_ids else []
    dbsession.flush()
    return group


def agency_json(agency: Agency) -> dict:
    return {
        "code": agency.code,
        "name": agency.name,
        "short_name": agency.short_name,
        "kind": agency.kind.code,
        "parent": agency.parent.code if agency.parent_id else None,
        "email": agency.email,
        "aliases": list(agency.aliases or []),
        "active": agency.active,
    }


def group_json(group: AgencyGroup) -> dict:
    return {
        "code": group.code,
        "name": group.name,
        "aliases": list(group.aliases or []),
        "active": group.active,
        "members": [member.code for member in group.members],
    }
