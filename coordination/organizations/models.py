"""The organisation tree: agencies, their configurable kinds, and named groups of agencies."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..db import Base
from ..text import search_key

agency_group_members = Table(
    "agency_group_members",
    Base.metadata,
    Column("group_id", ForeignKey("agency_groups.id", ondelete="CASCADE"), primary_key=True),
    Column("agency_id", ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True),
)


class AgencyKind(Base):
    """A kind of agency (people's committee, department, district, commune, partner agency...).

    Kinds are data: a province that abolished its district level simply has no agencies of that kind.
    ``level`` orders kinds from the top of the tree (0) downwards.
    """

    __tablename__ = "agency_kinds"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[int] = mapped_column(default=0)


class Agency(Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str | None] = mapped_column(String(120))
    aliases: Mapped[list[str]] = mapped_column(default=list)
    kind_id: Mapped[int] = mapped_column(ForeignKey("agency_kinds.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    active: Mapped[bool] = mapped_column(default=True)
    name_key: Mapped[str] = mapped_column(String(300), default="", index=True)

    kind: Mapped[AgencyKind] = relationship(lazy="joined")
    parent: Mapped[Agency | None] = relationship(remote_side="Agency.id", back_populates="children")
    children: Mapped[list[Agency]] = relationship(back_populates="parent", order_by="Agency.name")
    groups: Mapped[list[AgencyGroup]] = relationship(
        secondary=agency_group_members, back_populates="members"
    )

    @validates("name")
    def _keep_name_key(self, key: str, value: str) -> str:
        self.name_key = search_key(value)
        return value

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def __repr__(self) -> str:
        return f"<Agency {self.code}>"


class AgencyGroup(Base):
    """A named set of agencies addressed together ("Các sở, ban, ngành tỉnh")."""

    __tablename__ = "agency_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    aliases: Mapped[list[str]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(default=True)

    members: Mapped[list[Agency]] = relationship(
        secondary=agency_group_members, back_populates="groups", order_by="Agency.name"
    )

    def active_members(self) -> list[Agency]:
        return [agency for agency in self.members if agency.active]

    def __repr__(self) -> str:
        return f"<AgencyGroup {self.code}>"
