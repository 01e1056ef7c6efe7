"""Tasks: what one agency must do under a directive, and everything that happens to it.

A task is assigned to an agency, not a person: every officer of the agency sees it, the agency head
answers for it. Its state changes only through ``lifecycle`` and the action modules beside it
(``delegation``, ``extensions``, ``escalations``), which write the audit trail; the history tables
below are written by ``history`` on every flush, whoever changed the row, so the status of any task
can be reconstructed for a past cut-off date. They hold the changes: a task's starting state
(assigned, its original deadline, from ``created_at``) is read from the task row itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, Numeric, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..clock import now
from ..db import Base
from ..directives.models import Directive, DirectiveTask, Target
from ..organizations.models import Agency

# Deadline kinds
DATE = "date"
MONTH = "month"
RECURRING = "recurring"
ONGOING = "ongoing"
DEADLINE_KINDS = (DATE, MONTH, RECURRING, ONGOING)

# Task states
ASSIGNED = "assigned"
ACKNOWLEDGED = "acknowledged"
IN_PROGRESS = "in_progress"
COMPLETION_REPORTED = "completion_reported"
COMPLETED = "completed"
RETURNED = "returned"
CANCELLED = "cancelled"
TASK_STATUSES = (ASSIGNED, ACKNOWLEDGED, IN_PROGRESS, COMPLETION_REPORTED, COMPLETED, RETURNED, CANCELLED)
OPEN_STATUSES = (ASSIGNED, ACKNOWLEDGED, IN_PROGRESS, RETURNED)  # the agency still has work to do
CLOSED_STATUSES = (COMPLETED, CANCELLED)
ACTIVE_FOR_CALENDAR = OPEN_STATUSES + (COMPLETION_REPORTED,)

# Occurrence states (a recurring task's period)
OCC_OPEN = "open"
OCC_STATUSES = (OCC_OPEN, COMPLETION_REPORTED, COMPLETED, CANCELLED)

# The four timeliness classes every report counts
ON_TIME = "completed_on_time"
LATE = "completed_late"
WITHIN = "open_within_deadline"
OVERDUE = "overdue"
TIMELINESS = (ON_TIME, LATE, WITHIN, OVERDUE)

# Extension and escalation states
PENDING = "pending"
APPROVED = "approved"
REFUSED = "refused"
OPEN = "open"
DECIDED = "decided"

task_coordinators = Table(
    "task_coordinators",
    Base.metadata,
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("agency_id", ForeignKey("agencies.id"), primary_key=True),
    # copies of the task's status and deadline in force, kept in step by ``history`` at every flush,
    # so the coordinating tab of an agency's inbox pages through one index like the lead tab does
    Column("status", String(30)),
    Column("deadline_in_force", Date),
    Index("ix_task_coordinators_agency_deadline", "agency_id", "deadline_in_force", "task_id"),
    Index("ix_task_coordinators_agency_status_deadline", "agency_id", "status", "deadline_in_force", "task_id"),
)

# How many tasks each agency has in each status, as lead ("lead": ``tasks``) and as coordinating
# agency ("coordinating": ``task_coordinators``): kept by database triggers on those two tables
# (migration 0012), whoever writes them, so the inbox reads its counts instead of counting.
agency_task_counts = Table(
    "agency_task_counts",
    Base.metadata,
    Column("agency_id", ForeignKey("agencies.id"), primary_key=True),
    Column("role", String(20), primary_key=True),
    Column("status", String(30), primary_key=True),
    Column("task_count", Integer, nullable=False),
)


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_lead_deadline", "lead_agency_id", "deadline_in_force", "id"),
        # inbox filtered by status, keyset-paginated by (deadline_in_force, id)
        Index("ix_tasks_lead_status_deadline", "lead_agency_id", "status", "deadline_in_force", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id"), index=True)
    # the paragraph of the directive this task was created from (None for delegated subtasks)
    directive_task_id: Mapped[int | None] = mapped_column(ForeignKey("directive_tasks.id"), index=True)
    paragraph: Mapped[str] = mapped_column(String(20), default="")
    content: Mapped[str] = mapped_column(Text)
    lead_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    report_to_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), index=True)
    status: Mapped[str] = mapped_column(String(30), default=ASSIGNED, index=True)
    deadline_kind: Mapped[str] = mapped_column(String(12), default=DATE)
    deadline_text: Mapped[str | None] = mapped_column(String(300))
    # the deadline as first set, kept for statistics, and the one in force after extensions; for a
    # recurring task deadline_in_force is the due date of its earliest open occurrence
    original_deadline: Mapped[dt.date | None]
    deadline_in_force: Mapped[dt.date | None]
    rrule: Mapped[str | None] = mapped_column(String(200))
    rrule_start: Mapped[dt.date | None]
    rrule_end: Mapped[dt.date | None]
    # the date completion was reported (not accepted); cleared when the report is returned
    completed_on: Mapped[dt.date | None]
    percent_done: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    last_activity_at: Mapped[dt.datetime | None]
    # optimistic concurrency: every write names the version it was based on
    version: Mapped[int] = mapped_column(default=1)

    directive: Mapped[Directive] = relationship(lazy="joined")
    directive_task: Mapped[DirectiveTask | None] = relationship()
    lead_agency: Mapped[Agency] = relationship(foreign_keys=[lead_agency_id], lazy="joined")
    report_to: Mapped[Agency | None] = relationship(foreign_keys=[report_to_id])
    coordinating_agencies: Mapped[list[Agency]] = relationship(secondary=task_coordinators, order_by="Agency.name")
    parent: Mapped[Task | None] = relationship(remote_side="Task.id", back_populates="subtasks")
    subtasks: Mapped[list[Task]] = relationship(back_populates="parent", order_by="Task.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_recurring(self) -> bool:
        return bool(self.rrule)

    def __repr__(self) -> str:
        return f"<Task {self.id} {self.status}>"


class ProgressReport(Base):
    """An agency's report on a task: percent done and what was done.

    A coordinating agency's report is a contribution (``is_contribution``) addressed to the lead
    agency, which consolidates it; it does not move the task's percent or state.
    """

    __tablename__ = "progress_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    percent: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text, default="")
    reported_at: Mapped[dt.datetime] = mapped_column(default=now)
    is_contribution: Mapped[bool] = mapped_column(default=False)
    # the agency's own report document given as evidence (số/ký hiệu and date)
    document_number: Mapped[str | None] = mapped_column(String(80))
    document_date: Mapped[dt.date | None]

    agency: Mapped[Agency] = relationship(lazy="joined")
    author: Mapped[User | None] = relationship(lazy="joined")
    attachments: Mapped[list[ProgressAttachment]] = relationship(
        cascade="all, delete-orphan", order_by="ProgressAttachment.id", lazy="selectin"
    )
    target_values: Mapped[list[TargetValue]] = relationship(
        cascade="all, delete-orphan", order_by="TargetValue.target_id", lazy="selectin"
    )


class ProgressAttachment(Base):
    """A file attached to a progress report, stored once by SHA-256 (see ``coordination.attachments``)."""

    __tablename__ = "progress_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_reports.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]


class TargetValue(Base):
    """The value reached for one quantitative target, as of a progress report."""

    __tablename__ = "progress_target_values"

    report_id: Mapped[int] = mapped_column(ForeignKey("progress_reports.id", ondelete="CASCADE"), primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id"), primary_key=True)
    value: Mapped[float] = mapped_column(Numeric(14, 4, asdecimal=False))

    target: Mapped[Target] = relationship(lazy="joined")


class Extension(Base):
    """A request to move the deadline (xin gia hạn), decided by a leader of the issuer."""

    __tablename__ = "extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(default=now)
    current_deadline: Mapped[dt.date | None]
    proposed_deadline: Mapped[dt.date]
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=PENDING, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)

    task: Mapped[Task] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id], lazy="joined")


class Escalation(Base):
    """A matter beyond the agency's authority (vượt thẩm quyền), raised with a proposal."""

    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    raised_at: Mapped[dt.datetime] = mapped_column(default=now)
    matter: Mapped[str] = mapped_column(Text)
    proposal: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=OPEN, index=True)
    decision: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None]
    new_task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))

    task: Mapped[Task] = relationship(foreign_keys=[task_id])
    raised_by: Mapped[User | None] = relationship(foreign_keys=[raised_by_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id], lazy="joined")


class Comment(Base):
    """A remark on a task, visible to the issuer, the lead and the coordinating agencies."""

    __tablename__ = "task_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)

    author: Mapped[User | None] = relationship(lazy="joined")
    agency: Mapped[Agency] = relationship(lazy="joined")


class TaskOccurrence(Base):
    """One period of a recurring task, with its own due date and state."""

    __tablename__ = "task_occurrences"
    __table_args__ = (UniqueConstraint("task_id", "due_on", name="one_per_due_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    period_start: Mapped[dt.date]
    due_on: Mapped[dt.date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(30), default=OCC_OPEN)
    completed_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=now)

    task: Mapped[Task] = relationship()


class TaskStatusHistory(Base):
    """The status of a task (or of one occurrence) from ``valid_from`` until the next row. Before a
    task's first row it is assigned (from its ``created_at``), which is not written.

    ``completed_on`` carries the reported completion date on completion_reported/completed rows.
    """

    __tablename__ = "task_status_history"
    __table_args__ = (Index("ix_task_status_history_task_from", "task_id", "valid_from", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    occurrence_id: Mapped[int | None] = mapped_column(ForeignKey("task_occurrences.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(30))
    completed_on: Mapped[dt.date | None]
    valid_from: Mapped[dt.datetime]

    task: Mapped[Task] = relationship()
    occurrence: Mapped[TaskOccurrence | None] = relationship()


class DeadlineChange(Base):
    """The deadline in force from ``valid_from`` on, and why (extension, occurrence, ...). Before a
    task's first row its deadline is ``original_deadline`` (from ``created_at``), which is not written."""

    __tablename__ = "deadline_changes"
    __table_args__ = (Index("ix_deadline_changes_task_from", "task_id", "valid_from", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    deadline_in_force: Mapped[dt.date | None]
    valid_from: Mapped[dt.datetime]
    reason: Mapped[str] = mapped_column(String(200), default="")
    extension_id: Mapped[int | None] = mapped_column(ForeignKey("extensions.id"))

    task: Mapped[Task] = relationship()


class AuditEvent(Base):
    """Who did what, when, with the values before and after. Rows are only ever inserted."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity", "entity_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(60))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]

    actor: Mapped[User | None] = relationship(lazy="joined")


from . import history  # noqa: E402,F401  (flush listeners: status/deadline history, immutable audit rows)
