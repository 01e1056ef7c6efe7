"""Directives (văn bản chỉ đạo): the header per Decree 30/2020/NĐ-CP and the tasks as written.

Skeleton laid down by the foundation; the directives issue extends it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..db import Base
from ..organizations.models import Agency

# Lifecycle of a directive document (not of its tasks)
DRAFT = "draft"
SUBMITTED = "submitted"
RETURNED = "returned"
ISSUED = "issued"
WITHDRAWN = "withdrawn"
DIRECTIVE_STATUSES = (DRAFT, SUBMITTED, RETURNED, ISSUED, WITHDRAWN)

URGENCIES = ("thuong", "khan", "thuong-khan", "hoa-toc")


class DirectiveType(Base):
    """A configurable document type: Công văn, Kế hoạch, Chỉ thị, Công điện, Quyết định, Thông báo."""

    __tablename__ = "directive_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # abbreviation used in the symbol, e.g. "KH" in 93/KH-UBND; empty for Công văn
    abbreviation: Mapped[str] = mapped_column(String(10), default="")
    active: Mapped[bool] = mapped_column(default=True)


class Directive(Base):
    __tablename__ = "directives"
    __table_args__ = (UniqueConstraint("register", "year", "number", name="number_in_register"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("directive_types.id"), index=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    # issuing register (sổ văn bản) and the symbol after the number, e.g. "UBND-KGVX"
    register: Mapped[str] = mapped_column(String(40), default="UBND")
    symbol: Mapped[str] = mapped_column(String(60), default="UBND")
    year: Mapped[int | None]
    number: Mapped[int | None]
    place: Mapped[str] = mapped_column(String(120), default="")
    issued_on: Mapped[dt.date | None] = mapped_column(index=True)
    subject: Mapped[str] = mapped_column(Text, default="")
    urgency: Mapped[str] = mapped_column(String(20), default="thuong")
    body: Mapped[str] = mapped_column(Text, default="")
    signer_name: Mapped[str | None] = mapped_column(String(200))
    signer_capacity: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    version: Mapped[int] = mapped_column(default=1)

    type: Mapped[DirectiveType] = relationship(lazy="joined")
    issuer: Mapped[Agency] = relationship(lazy="joined")
    tasks: Mapped[list[DirectiveTask]] = relationship(
        back_populates="directive", cascade="all, delete-orphan", order_by="DirectiveTask.position"
    )

    @property
    def number_symbol(self) -> str | None:
        """``1324/UBND-KGVX``, or None before the directive is issued."""
        if self.number is None:
            return None
        return f"{self.number}/{self.symbol}"


class DirectiveTask(Base):
    """A task as written in the directive (one numbered paragraph or bullet).

    Its lead may be an agency or a group; issuing creates one ``Task`` per lead agency.
    """

    __tablename__ = "directive_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    paragraph: Mapped[str] = mapped_column(String(20), default="")
    content: Mapped[str] = mapped_column(Text)
    lead_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    lead_group_id: Mapped[int | None] = mapped_column(ForeignKey("agency_groups.id"))

    directive: Mapped[Directive] = relationship(back_populates="tasks")
    targets: Mapped[list[Target]] = relationship(
        back_populates="directive_task", cascade="all, delete-orphan", order_by="Target.id"
    )


class Target(Base):
    """A quantitative target of a task: "80% người thất nghiệp được giới thiệu việc làm" by 2025."""

    __tablename__ = "targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    directive_task_id: Mapped[int] = mapped_column(ForeignKey("directive_tasks.id", ondelete="CASCADE"), index=True)
    indicator: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(40), default="%")
    value: Mapped[float] = mapped_column(Numeric(14, 4, asdecimal=False))
    target_date: Mapped[dt.date | None]

    directive_task: Mapped[DirectiveTask] = relationship(back_populates="targets")
