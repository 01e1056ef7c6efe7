"""Reminders: the outbox of mails, each delivery attempt, the holiday calendar, the scheduler's job table."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import Column, Float, ForeignKey, Index, LargeBinary, String, Table, Text, Unicode
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..db import Base
from ..tasks.models import Task

# Outbox row states. A row is written ``pending`` (or ``held`` for a user's daily digest) in the
# transaction that decided to send it, and only the dispatcher moves it on.
HELD = "held"            # waits for the recipient's daily digest
PENDING = "pending"      # to be sent at ``next_attempt_at``
SENDING = "sending"      # claimed by a dispatcher until ``lease_until``
SENT = "sent"
FAILED = "failed"        # gave up after the configured number of attempts (or a permanent refusal)
CANCELLED = "cancelled"  # no longer true when its turn came (task done, deadline moved)
DIGESTED = "digested"    # folded into the daily digest ``digest_id``
OUTBOX_STATUSES = (HELD, PENDING, SENDING, SENT, FAILED, CANCELLED, DIGESTED)


class OutboxMessage(Base):
    """One mail to one recipient, sent at least once and recognisably the same on a resend.

    ``dedup_key`` is the unique key of what the mail is about: for reminders
    ``<task|occurrence>:<id>:<kind>:<threshold>:<deadline>:<recipient>``, for new-tasks notices
    ``directive:<id>:<kind>:<first task id>:<recipient>``. Writing the same key twice
    (the sweep run twice, or twice at once) queues nothing the second time.
    Reminder rows carry no body until the dispatcher claims them: the text is rendered then, from the
    task as it is at sending time, and stored on the row.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_status_next", "status", "next_attempt_at"),
        # SQLite only (migration 0011): its foreign key on digest_id looks, for each deleted row, for
        # the rows naming it; PostgreSQL has no such key (0010) and nothing selects by digest_id
        Index("ix_outbox_messages_digest_id", "digest_id").ddl_if(dialect="sqlite"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    # No foreign keys on the outbox's references (migration 0010; SQLite databases keep the ones
    # 0004 made): on PostgreSQL each was a check per queued mail. Nothing they name is ever deleted,
    # and every reader treats an id that finds nothing as gone.
    task_id: Mapped[int | None] = mapped_column(index=True)
    # an occurrence of a recurring task (the lifecycle's task_occurrences)
    occurrence_id: Mapped[int | None]
    threshold: Mapped[int | None]
    # a new-tasks notice announces the tasks of one directive for the recipient's agency: this many,
    # from ``task_id`` on (one mail per directive and person, not one per task)
    task_count: Mapped[int | None]
    # the deadline in force the notice was computed for: a later extension makes the row obsolete
    due_on: Mapped[dt.date | None]
    recipient_user_id: Mapped[int | None] = mapped_column(index=True)
    recipient_agency_id: Mapped[int | None]
    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(300), default="")
    subject: Mapped[str | None] = mapped_column(String(500))
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=now)
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    digest_id: Mapped[int | None]

    attempt_log: Mapped[list[OutboxAttempt]] = relationship(
        back_populates="message", order_by="OutboxAttempt.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[OutboxAttachment]] = relationship(cascade="all, delete-orphan", order_by="OutboxAttachment.id")

    @property
    def source(self) -> str | None:
        if self.occurrence_id is not None:
            return "occurrence"
        return "task" if self.task_id is not None else None

    def message_id(self, domain: str) -> str:
        """The Message-ID header: derived from the row only, so a resend after a crash carries the same one."""
        digest = hashlib.sha256(self.dedup_key.encode("utf-8")).hexdigest()[:16]
        return f"<outbox.{self.id}.{digest}@{domain}>"

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"


class OutboxAttempt(Base):
    """One attempt to hand a message to the SMTP server, successful or not. Rows are only inserted."""

    __tablename__ = "outbox_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=now)
    worker: Mapped[str] = mapped_column(String(120), default="")
    ok: Mapped[bool] = mapped_column(default=False)
    error: Mapped[str | None] = mapped_column(Text)

    message: Mapped[OutboxMessage] = relationship(back_populates="attempt_log")


class OutboxAttachment(Base):
    """A file sent with a message (the monthly report's spreadsheet, for instance)."""

    __tablename__ = "outbox_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(120), default="application/octet-stream")
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Holiday(Base):
    """A day that breaks the Monday-to-Friday rule: a public holiday (Tết, 30/4...) or, with
    ``working`` set, a weekend day declared a working day to make up for a bridged holiday."""

    __tablename__ = "holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(200))
    working: Mapped[bool] = mapped_column(default=False)


class SweepRun(Base):
    """A completed deadline sweep, written in the sweep's own transaction (a rolled-back sweep
    leaves none). The next sweep reads the latest one to know what it need not read again."""

    __tablename__ = "sweep_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date]                      # the local day swept: every notice sent by then is queued
    swept_at: Mapped[dt.datetime]             # the moment swept (``at``)
    # what the notices were computed from besides the tasks (policy, calendar, recipients,
    # sources): a sweep with another fingerprint reads everything again
    fingerprint: Mapped[str] = mapped_column(String(64))
    window_start: Mapped[dt.date | None]      # first sending day read for every task (None: changes only)
    items: Mapped[int] = mapped_column(default=0)
    queued: Mapped[int] = mapped_column(default=0)


class ReminderChange(Base):
    """A task whose reminders may have changed since the last sweep: written by database triggers
    on tasks, task_coordinators, task_occurrences and directives (migration 0009), whoever writes
    them; taken (deleted) by the next sweep. No foreign key: a queue, emptied every hour."""

    __tablename__ = "reminder_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int]


# The sweep selects by deadline date first (see sweep.py): an index led by the date serves
# ``deadline_in_force IN (...) AND status IN (...)`` without reading anything that is not due.
Index("ix_tasks_deadline_status", Task.deadline_in_force, Task.status)


# APScheduler's SQLAlchemyJobStore table, declared here so that Alembic, not the scheduler, creates
# it (the job store only creates it when missing). Same columns as apscheduler.jobstores.sqlalchemy.
apscheduler_jobs = Table(
    "apscheduler_jobs",
    Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
