"""Tasks: what one agency must do under a directive, its progress reports and the audit trail.

Skeleton laid down by the foundation; the task lifecycle issue extends it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..db import Base
from ..directives.models import Directive, DirectiveTask
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

task_coordinators = Table(
    "task_coordinators",
    Base.metadata,
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("agency_id", ForeignKey("agencies.id"), primary_key=True, index=True),
)


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_lead_deadline", "lead_agency_id", "deadline_in_force", "id"),)

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
    # the deadline as first set, kept for statistics, and the one in force after extensions
    original_deadline: Mapped[dt.date | None]
    deadline_in_force: Mapped[dt.date | None]
    rrule: Mapped[str | None] = mapped_column(String(200))
    rrule_start: Mapped[dt.date | None]
    rrule_end: Mapped[dt.date | None]
    completed_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    # optimistic concurrency: every write names the version it was based on
    version: Mapped[int] = mapped_column(default=1)

    directive: Mapped[Directive] = relationship(lazy="joined")
    directive_task: Mapped[DirectiveTask | None] = relationship()
    lead_agency: Mapped[Agency] = relationship(foreign_keys=[lead_agency_id], lazy="joined")
    report_to: Mapped[Agency | None] = relationship(foreign_keys=[report_to_id])
    coordinating_agencies: Mapped[list[Agency]] = relationship(secondary=task_coordinators, order_by="Agency.name")

    __mapper_args__ = {"version_id_col": version}


class ProgressReport(Base):
    """An agency's report on a task: percent done and what was done."""

    __tablename__ = "progress_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    percent: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text, default="")
    reported_at: Mapped[dt.datetime] = mapped_column(default=now)


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
