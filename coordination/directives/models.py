"""Directives (văn bản chỉ đạo): the header per Decree 30/2020/NĐ-CP and the tasks as written.

A directive is entered as the document reads: its header, recipients ("Kính gửi", "Nơi nhận"),
references, attachments and the tasks with their lead (an agency or a group), coordinating agencies,
deadline and targets. Issuing it turns each written task into one ``tasks.Task`` per lead agency
(see ``fanout.py``); from then on the document and everything under it is immutable (``guard.py``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now, today
from ..db import Base
from ..organizations.models import Agency, AgencyGroup

# Lifecycle of a directive document (not of its tasks)
DRAFT = "draft"
SUBMITTED = "submitted"
RETURNED = "returned"
ISSUED = "issued"
WITHDRAWN = "withdrawn"
DIRECTIVE_STATUSES = (DRAFT, SUBMITTED, RETURNED, ISSUED, WITHDRAWN)
EDITABLE_STATUSES = (DRAFT, RETURNED)
FINAL_STATUSES = (ISSUED, WITHDRAWN)

URGENCIES = ("thuong", "khan", "thuong-khan", "hoa-toc")

# recipient lists of the document
TO = "to"      # Kính gửi
COPY = "copy"  # Nơi nhận


class DirectiveType(Base):
    """A configurable document type: Công văn, Kế hoạch, Chỉ thị, Công điện, Quyết định, Thông báo."""

    __tablename__ = "directive_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # abbreviation used in the symbol, e.g. "KH" in 93/KH-UBND; empty for Công văn
    abbreviation: Mapped[str] = mapped_column(String(10), default="")
    # the issuing register (sổ văn bản) the type is numbered in; empty: a register of its own.
    # Types given the same register share one sequence of numbers.
    register: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def register_name(self) -> str:
        return self.register or self.code


class Directive(Base):
    __tablename__ = "directives"
    __table_args__ = (
        UniqueConstraint("register", "year", "number", name="number_in_register"),
        # the register's keyset pagination walks this index both ways
        Index("ix_directives_dated_on_id", "dated_on", "id"),
    )

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
    # the date the register sorts by: the issue date once issued, the day of drafting before
    dated_on: Mapped[dt.date] = mapped_column(default=lambda ctx: ctx.get_current_parameters().get("issued_on") or today())
    subject: Mapped[str] = mapped_column(Text, default="")
    urgency: Mapped[str] = mapped_column(String(20), default="thuong")
    body: Mapped[str] = mapped_column(Text, default="")
    signer_name: Mapped[str | None] = mapped_column(String(200))
    signer_capacity: Mapped[str | None] = mapped_column(String(200))
    # accent-free words of number, subject and body (search.py indexes it on each database)
    search_key: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[dt.datetime | None]
    return_comment: Mapped[str | None] = mapped_column(Text)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[dt.datetime | None]
    withdrawn_at: Mapped[dt.datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    # an amending directive (văn bản sửa đổi, bổ sung) names the issued directive it corrects
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("directives.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)

    type: Mapped[DirectiveType] = relationship(lazy="joined")
    issuer: Mapped[Agency] = relationship(lazy="joined")
    tasks: Mapped[list[DirectiveTask]] = relationship(
        back_populates="directive", cascade="all, delete-orphan", order_by="DirectiveTask.position"
    )
    recipients: Mapped[list[Recipient]] = relationship(
        back_populates="directive", cascade="all, delete-orphan", order_by="Recipient.position"
    )
    references: Mapped[list[Reference]] = relationship(
        back_populates="directive", cascade="all, delete-orphan", order_by="Reference.position"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="directive", cascade="all, delete-orphan", order_by="Attachment.id"
    )
    amendments: Mapped[list[AmendmentChange]] = relationship(
        back_populates="directive", cascade="all, delete-orphan", order_by="AmendmentChange.position",
        foreign_keys="AmendmentChange.directive_id",
    )
    amends: Mapped[Directive | None] = relationship(remote_side="Directive.id", foreign_keys=[amends_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def number_symbol(self) -> str | None:
        """``1324/UBND-KGVX``, or None before the directive is issued."""
        if self.number is None:
            return None
        return f"{self.number}/{self.symbol}"

    @property
    def addressees(self) -> list[Recipient]:
        return [r for r in self.recipients if r.kind == TO]

    @property
    def copy_to(self) -> list[Recipient]:
        return [r for r in self.recipients if r.kind == COPY]

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class Recipient(Base):
    """One line of "Kính gửi" or "Nơi nhận": an agency, a group, or free text ("Lưu: VT")."""

    __tablename__ = "directive_recipients"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN agency_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN group_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN text IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_kind",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    position: Mapped[int] = mapped_column(default=0)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("agency_groups.id"), index=True)
    text: Mapped[str | None] = mapped_column(String(300))

    directive: Mapped[Directive] = relationship(back_populates="recipients")
    agency: Mapped[Agency | None] = relationship(lazy="joined")
    group: Mapped[AgencyGroup | None] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        if self.agency is not None:
            return self.agency.name
        if self.group is not None:
            return self.group.name
        return self.text or ""

    @property
    def code(self) -> str | None:
        target = self.agency or self.group
        return target.code if target is not None else None


class Reference(Base):
    """A document the directive refers to ("Công điện số 431/CĐ-TTg ngày 19/5/2022 của Thủ tướng")."""

    __tablename__ = "directive_references"

    id: Mapped[int] = mapped_column(primary_key=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    doc_type: Mapped[str | None] = mapped_column(String(120))
    number: Mapped[str] = mapped_column(String(120))
    date: Mapped[dt.date | None]
    issuer: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[str | None] = mapped_column(Text)
    # set when the referenced document is registered here as an incoming document
    external_document_id: Mapped[int | None] = mapped_column(ForeignKey("external_documents.id"), index=True)

    directive: Mapped[Directive] = relationship(back_populates="references")
    external_document: Mapped[ExternalDocument | None] = relationship()


class DirectiveTaskCoordinator(Base):
    """A coordinating agency (phối hợp) of a written task, as written: an agency or a group."""

    __tablename__ = "directive_task_coordinators"
    __table_args__ = (
        CheckConstraint("(agency_id IS NULL) <> (group_id IS NULL)", name="agency_or_group"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    directive_task_id: Mapped[int] = mapped_column(ForeignKey("directive_tasks.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("agency_groups.id"))

    directive_task: Mapped[DirectiveTask] = relationship(back_populates="coordinators")
    agency: Mapped[Agency | None] = relationship(lazy="joined")
    group: Mapped[AgencyGroup | None] = relationship(lazy="joined")

    @property
    def code(self) -> str:
        return (self.agency or self.group).code

    @property
    def label(self) -> str:
        target = self.agency or self.group
        return getattr(target, "short_name", None) or target.name


class DirectiveTask(Base):
    """A task as written in the directive (one numbered paragraph or bullet).

    Its lead may be an agency or a group; issuing creates one ``Task`` per lead agency.
    """

    __tablename__ = "directive_tasks"
    __table_args__ = (
        CheckConstraint("(lead_agency_id IS NULL) <> (lead_group_id IS NULL)", name="lead_agency_or_group"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    paragraph: Mapped[str] = mapped_column(String(20), default="")
    content: Mapped[str] = mapped_column(Text)
    lead_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    lead_group_id: Mapped[int | None] = mapped_column(ForeignKey("agency_groups.id"))
    # "báo cáo UBND tỉnh thông qua Sở Nội vụ": where reports go when not to the issuer
    report_to_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    # deadline as written (see deadlines.py): kind, the due date of a date or month deadline,
    # the RRULE of a recurring one (or of the periodic report of an ongoing one)
    deadline_kind: Mapped[str] = mapped_column(String(12), default="ongoing")
    deadline_date: Mapped[dt.date | None]
    rrule: Mapped[str | None] = mapped_column(String(200))
    rrule_start: Mapped[dt.date | None]
    rrule_end: Mapped[dt.date | None]
    deadline_text: Mapped[str | None] = mapped_column(String(300))
    # a cover directive's task hands down an incoming document (seed 002)
    forwarded_document_id: Mapped[int | None] = mapped_column(ForeignKey("external_documents.id"), index=True)

    directive: Mapped[Directive] = relationship(back_populates="tasks")
    lead_agency: Mapped[Agency | None] = relationship(foreign_keys=[lead_agency_id], lazy="joined")
    lead_group: Mapped[AgencyGroup | None] = relationship(foreign_keys=[lead_group_id], lazy="joined")
    report_to: Mapped[Agency | None] = relationship(foreign_keys=[report_to_id], lazy="joined")
    forwarded_document: Mapped[ExternalDocument | None] = relationship()
    coordinators: Mapped[list[DirectiveTaskCoordinator]] = relationship(
        back_populates="directive_task", cascade="all, delete-orphan", order_by="DirectiveTaskCoordinator.position",
        lazy="selectin",
    )
    targets: Mapped[list[Target]] = relationship(
        back_populates="directive_task", cascade="all, delete-orphan", order_by="Target.id", lazy="selectin"
    )

    @property
    def lead_code(self) -> str:
        return (self.lead_agency or self.lead_group).code

    @property
    def lead_label(self) -> str:
        if self.lead_agency is not None:
            return self.lead_agency.short_name or self.lead_agency.name
        return self.lead_group.name


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


class AmendmentChange(Base):
    """A change an amending directive makes to a task of the directive it amends.

    Only deadline changes are recorded here; tasks an amendment adds are ordinary tasks of the
    amending directive. ``applied_at`` is set when the amending directive is issued.
    """

    __tablename__ = "amendment_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    amended_task_id: Mapped[int] = mapped_column(ForeignKey("directive_tasks.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="deadline")
    deadline_kind: Mapped[str] = mapped_column(String(12))
    deadline_date: Mapped[dt.date | None]
    rrule: Mapped[str | None] = mapped_column(String(200))
    rrule_start: Mapped[dt.date | None]
    rrule_end: Mapped[dt.date | None]
    deadline_text: Mapped[str | None] = mapped_column(String(300))
    applied_at: Mapped[dt.datetime | None]

    directive: Mapped[Directive] = relationship(back_populates="amendments", foreign_keys=[directive_id])
    amended_task: Mapped[DirectiveTask] = relationship(lazy="joined")


class ExternalDocument(Base):
    """An incoming document from a higher level (e.g. 3951/VPCP-KSTT of the Government Office),
    registered so that a cover directive can hand it down to an agency (seed 002)."""

    __tablename__ = "external_documents"
    __table_args__ = (UniqueConstraint("issuer", "number", "issued_on", name="issuer_number_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(120))
    number: Mapped[str] = mapped_column(String(120))
    issued_on: Mapped[dt.date]
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    received_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="external_document", cascade="all, delete-orphan", order_by="Attachment.id"
    )


class Attachment(Base):
    """A file of a directive or of an incoming document, stored by its SHA-256 (see coordination/attachments.py)."""

    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint("(directive_id IS NULL) <> (external_document_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    directive_id: Mapped[int | None] = mapped_column(ForeignKey("directives.id", ondelete="CASCADE"), index=True)
    external_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("external_documents.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    directive: Mapped[Directive | None] = relationship(back_populates="attachments")
    external_document: Mapped[ExternalDocument | None] = relationship(back_populates="attachments")


class NumberCounter(Base):
    """The last number given in an issuing register in a calendar year (see numbering.py)."""

    __tablename__ = "number_counters"

    register: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)
