"""Who receives a notice: the people of an agency by role, with the agency's mailbox as fallback.

Loaded once per sweep or job (users with an e-mail address are a few thousand at most), so that
deciding the recipients of thousands of notices costs no query per notice. Issuing a directive
needs only the staff of the agencies it names: ``Directory(dbsession, agency_ids=...)`` loads just
those (a national database holds thousands of users).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.models import AGENCY_HEAD, AGENCY_OFFICER, CLERK, DIGEST, LEADER, User, UserRole
from ..organizations.models import Agency
from ..text import clean


@dataclass(frozen=True)
class Recipient:
    key: str               # "u<user id>" or "a<agency id>" (the agency's mailbox): part of the outbox key
    email: str
    name: str
    agency_id: int | None
    user_id: int | None = None
    digest: bool = False   # the user asked for one daily digest instead of immediate mails


def _name_key(name: str | None) -> str:
    return " ".join((clean(name) or "").casefold().split())


class Directory:
    def __init__(self, dbsession: Session, agency_ids: Iterable[int] | None = None):
        """Everyone; or, with ``agency_ids``, only those agencies and their people: enough for
        ``officers``, ``staff`` and ``agency_name`` of those agencies, and nothing else (the methods
        that need the whole tree or every leader refuse)."""
        self.partial = agency_ids is not None
        wanted = sorted(set(agency_ids or ()))
        users_query = select(User.id, User.full_name, User.email, User.agency_id, User.notification_mode).where(
            User.active.is_(True), User.email.is_not(None), User.email != "")
        roles_query = select(UserRole.user_id, UserRole.role)
        agencies_query = select(Agency.id, Agency.name, Agency.email, Agency.parent_id, Agency.active)
        if self.partial:
            users_query = users_query.where(User.agency_id.in_(wanted))
            roles_query = roles_query.join(User, User.id == UserRole.user_id).where(User.agency_id.in_(wanted))
            agencies_query = agencies_query.where(Agency.id.in_(wanted))
        users = dbsession.execute(users_query.order_by(User.id)).all()
        roles: dict[int, set[str]] = defaultdict(set)
        for user_id, role in dbsession.execute(roles_query):
            roles[user_id].add(role)
        self._by_agency_role: dict[tuple[int, str], list[Recipient]] = defaultdict(list)
        self._leaders: list[Recipient] = []
        for user_id, full_name, email, agency_id, mode in users:
            person = Recipient(f"u{user_id}", email.strip(), full_name, agency_id, user_id, mode == DIGEST)
            for role in roles.get(user_id, ()):
                self._by_agency_role[(agency_id, role)].append(person)
                if role == LEADER:
                    self._leaders.append(person)
        agencies = dbsession.execute(agencies_query).all()
        self._agencies = {row.id: row for row in agencies}
        self._mailboxes: dict[int, list[Recipient]] = {}
        self._children: dict[int, list[int]] = defaultdict(list)
        for row in agencies:
            if row.parent_id is not None:
                self._children[row.parent_id].append(row.id)
        self._rows = (users, sorted((user_id, sorted(found)) for user_id, found in roles.items()), agencies)
        # asked once per notice by a sweep (a hundred thousand times nationally): answered from memory
        self._leaders_by_name: dict[str, list[Recipient]] = defaultdict(list)
        for person in self._leaders:
            self._leaders_by_name[_name_key(person.name)].append(person)
        self._trees: dict[int, frozenset[int]] = {}
        self._offices: dict[int, list[Recipient]] = {}

    def fingerprint(self) -> str:
        """A digest of who can receive what (people, roles, agencies and their mailboxes; not the
        digest preference, which changes how a mail waits, not whether it is queued)."""
        self._whole("fingerprint")
        users, roles, agencies = self._rows
        digest = hashlib.sha256()
        digest.update(repr([(row[0], row[1], row[2], row[3]) for row in users]).encode("utf-8"))
        digest.update(repr(roles).encode("utf-8"))
        digest.update(repr(sorted(tuple(row) for row in agencies)).encode("utf-8"))
        return digest.hexdigest()

    def _whole(self, what: str) -> None:
        if self.partial:
            raise RuntimeError(f"{what} needs the whole directory, not the agencies it was loaded for")

    def agency_name(self, agency_id: int) -> str:
        row = self._agencies.get(agency_id)
        return row.name if row else ""

    def _mailbox(self, agency_id: int) -> list[Recipient]:
        if agency_id not in self._mailboxes:
            row = self._agencies.get(agency_id)
            found = []
            if row is not None and row.active and (row.email or "").strip():
                found = [Recipient(f"a{agency_id}", row.email.strip(), row.name, agency_id)]
            self._mailboxes[agency_id] = found
        return list(self._mailboxes[agency_id])

    def _role(self, agency_id: int, role: str) -> list[Recipient]:
        return list(self._by_agency_role.get((agency_id, role), ()))

    def officers(self, agency_id: int) -> list[Recipient]:
        """The agency's officers; its head if it has none; its mailbox if it has no one."""
        return self._role(agency_id, AGENCY_OFFICER) or self._role(agency_id, AGENCY_HEAD) or self._mailbox(agency_id)

    def staff(self, agency_id: int) -> list[Recipient]:
        """Officers and head of the agency (the overdue ladder's first rungs); else its mailbox."""
        people = _unique(self._role(agency_id, AGENCY_OFFICER) + self._role(agency_id, AGENCY_HEAD))
        return people or self._mailbox(agency_id)

    def issuing_office(self, issuer_id: int) -> list[Recipient]:
        """The clerks who follow up the issuer's directives: in the issuer or its office (a child)."""
        self._whole("issuing_office")
        if issuer_id not in self._offices:
            agencies = [issuer_id, *self._children.get(issuer_id, ())]
            self._offices[issuer_id] = _unique([person for agency in agencies for person in self._role(agency, CLERK)])
        return list(self._offices[issuer_id])

    def within(self, agency_id: int) -> frozenset[int]:
        """``agency_id`` and every agency below it in the organisation tree."""
        self._whole("within")
        if agency_id not in self._trees:
            found, todo = set(), [agency_id]
            while todo:
                current = todo.pop()
                if current not in found:
                    found.add(current)
                    todo.extend(self._children.get(current, ()))
            self._trees[agency_id] = frozenset(found)
        return self._trees[agency_id]

    def signer(self, signer_name: str | None, issuer_id: int | None = None) -> list[Recipient]:
        """The leader who signed, matched by name (the directive records the signer's name) among
        the leaders of the issuing agency and the agencies under it: a namesake in another People's
        Committee (another province in the same database) is not the signer."""
        self._whole("signer")
        wanted = _name_key(signer_name)
        if not wanted:
            return []
        tree = self.within(issuer_id) if issuer_id is not None else None
        return _unique([person for person in self._leaders_by_name.get(wanted, ())
                        if tree is None or person.agency_id in tree])

    def leaders(self) -> list[Recipient]:
        self._whole("leaders")
        return _unique(self._leaders)


def _unique(people: list[Recipient]) -> list[Recipient]:
    seen: set[str] = set()
    out = []
    for person in people:
        if person.key not in seen:
            seen.add(person.key)
            out.append(person)
    return out
