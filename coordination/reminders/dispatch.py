"""The dispatcher: claims outbox rows, sends them over SMTP, records every attempt.

Delivery is at least once. A batch is claimed in one short transaction (``SELECT ... FOR UPDATE
SKIP LOCKED`` on PostgreSQL, so concurrent dispatchers take disjoint rows; ``BEGIN IMMEDIATE`` on
SQLite, so they take turns) and leased for ``reminders.claim_lease_seconds``. Each mail is sent
outside any transaction and marked sent in its own transaction right after the server accepted it.

The documented edge: a dispatcher that dies after the server accepted a mail and before the mark
committed leaves that one row ``sending``; when its lease expires another dispatcher sends it again
with the same Message-ID (derived from the row), so the resend is recognisable as a duplicate. Rows
claimed but not yet attempted are simply sent by the next dispatcher: nothing is lost.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from collections import Counter
from dataclasses import dataclass, field
from email.message import Message

from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload

from ..clock import LOCAL_TZ, now
from .content import MailContext, agency_names, load_task_facts, notice_content
from .newtasks import batch_key, is_batch, listed_ids, load_batches, new_tasks_content
from .mailbody import render
from .mailer import MailSettings, SmtpSender, build_message, is_permanent
from .models import CANCELLED, FAILED, PENDING, SENDING, SENT, OutboxAttempt, OutboxMessage
from .sources import load_sources, obsolete_messages
from .tx import write_transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DispatchSettings:
    batch_size: int = 20
    max_attempts: int = 8
    backoff_seconds: int = 60
    backoff_max_seconds: int = 6 * 3600
    lease_seconds: int = 300

    @classmethod
    def from_settings(cls, settings) -> DispatchSettings:
        def get(key, default):
            value = settings.get(key)
            return default if value in (None, "") else int(value)

        return cls(
            batch_size=get("reminders.batch_size", cls.batch_size),
            max_attempts=get("reminders.max_attempts", cls.max_attempts),
            backoff_seconds=get("reminders.backoff_seconds", cls.backoff_seconds),
            backoff_max_seconds=get("reminders.backoff_max_seconds", cls.backoff_max_seconds),
            lease_seconds=get("reminders.claim_lease_seconds", cls.lease_seconds),
        )

    def backoff(self, attempts: int) -> dt.timedelta:
        """Wait before attempt ``attempts + 1``: backoff, 2×, 4×, … capped at backoff_max."""
        seconds = self.backoff_seconds * (2 ** max(0, attempts - 1))
        return dt.timedelta(seconds=min(seconds, self.backoff_max_seconds))


@dataclass
class Outgoing:
    id: int
    to_address: str
    message: Message
    lease_until: dt.datetime


@dataclass
class DispatchResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    released: int = 0
    errors: Counter = field(default_factory=Counter)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _claimable(at: dt.datetime):
    return or_(
        and_(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= at),
        # a dispatcher died (or hung) holding these: its lease is over
        and_(OutboxMessage.status == SENDING, OutboxMessage.lease_until < at),
    )


def claim(session: Session, settings, worker: str, *, config: DispatchSettings | None = None,
          sources=None, mail: MailSettings | None = None) -> tuple[list[Outgoing], int]:
    """Claim up to ``batch_size`` due rows for ``worker``; return them ready to send, and how many
    were cancelled because the task is done or its deadline moved since they were queued."""
    config = config or DispatchSettings.from_settings(settings)
    mail = mail or MailSettings.from_settings(settings)
    at = now()
    query = (
        select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.claimed_by)
        .where(_claimable(at))
        .order_by(OutboxMessage.id)
        .limit(config.batch_size)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    candidates = session.execute(query).all()
    if not candidates:
        return [], 0
    lease_until = at + dt.timedelta(seconds=config.lease_seconds)
    claimed = set(
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([row.id for row in candidates]), _claimable(at))
            .values(status=SENDING, claimed_by=worker, lease_until=lease_until)
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        ).scalars()
    )
    interrupted = {row.id: row.claimed_by for row in candidates if row.status == SENDING and row.id in claimed}
    rows = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.id.in_(claimed))
        .options(selectinload(OutboxMessage.attachments))
        .order_by(OutboxMessage.id)
        .execution_options(populate_existing=True)
    ).all()

    ready: list[OutboxMessage] = []
    for row in rows:
        if row.id in interrupted:
            # the previous holder died mid-send: count it, the mail may or may not have gone out
            row.attempts += 1
            note = f"gián đoạn: {interrupted[row.id]} hết thời hạn giữ mà chưa ghi nhận kết quả gửi"
            session.add(OutboxAttempt(message_id=row.id, worker=worker, ok=False, error=note))
            if row.attempts >= config.max_attempts:
                _give_up(row, note)
                continue
        ready.append(row)

    sources = sources if sources is not None else load_sources(settings)
    stale = obsolete_messages(session, ready, sources)
    for row in ready:
        if row.id in stale:
            row.status = CANCELLED
            row.last_error = stale[row.id]
            row.claimed_by = None
            row.lease_until = None
    ready = [row for row in ready if row.id not in stale]

    outgoing = []
    context = _RenderContext(session, ready, settings)
    for row in ready:
        # one row that cannot be written (a bug, a bad address) must not hold back the others
        try:
            if row.subject is None:
                row.subject, row.body_text, row.body_html = context.render(row)
            message = build_message(
                mail=mail, to_address=row.to_address, to_name=row.to_name, subject=row.subject,
                text=row.body_text or "", html=row.body_html, message_id=row.message_id(mail.domain),
                attachments=[(a.filename, a.content_type, a.data) for a in row.attachments],
                headers={"X-Coordination-Outbox": str(row.id)},
            )
        except Exception as error:  # noqa: BLE001 - recorded on the row, shown on the admin page
            log.exception("outbox %s cannot be written", row.id)
            note = f"không soạn được thư: {type(error).__name__}: {error}"[:2000]
            row.attempts += 1
            session.add(OutboxAttempt(message_id=row.id, worker=worker, ok=False, error=note))
            _give_up(row, note)
            continue
        outgoing.append(Outgoing(row.id, row.to_address, message, lease_until))
    session.flush()
    return outgoing, len(stale)


def _give_up(row: OutboxMessage, error: str) -> None:
    row.status = FAILED
    row.last_error = error
    row.claimed_by = None
    row.lease_until = None


class _RenderContext:
    """Reminder rows are queued without a body: it is written when they are claimed, from the task
    as it is that day, and kept on the row so that a resend after a crash is the same mail."""

    def __init__(self, session: Session, rows: list[OutboxMessage], settings):
        todo = [row for row in rows if row.subject is None]
        self.ctx = MailContext.from_settings(settings)
        self.today = now().astimezone(LOCAL_TZ).date()
        self.batches = load_batches(session, todo)
        self.facts = load_task_facts(session, {row.task_id for row in todo if row.task_id is not None}
                                     | listed_ids(self.batches.values()))
        self.names = agency_names(session, [row.recipient_agency_id for row in todo])

    def render(self, row: OutboxMessage) -> tuple[str, str, str]:
        agency = self.names.get(row.recipient_agency_id, "")
        if is_batch(row):
            batch = self.batches.get(batch_key(row))
            if batch is None:
                raise LookupError(f"outbox row {row.id} names no task")
            return render(new_tasks_content(row, batch, self.facts, self.today, self.ctx, agency))
        facts = self.facts.get(row.task_id)
        if facts is None:
            raise LookupError(f"outbox row {row.id} names no task")
        return render(notice_content(row, facts, self.today, self.ctx, agency))


def _record_success(engine: Engine, outgoing: Outgoing, worker: str) -> None:
    with write_transaction(engine) as session:
        marked = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outgoing.id, OutboxMessage.status == SENDING)
            .values(status=SENT, sent_at=now(), attempts=OutboxMessage.attempts + 1,
                    claimed_by=None, lease_until=None, last_error=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        session.add(OutboxAttempt(message_id=outgoing.id, worker=worker, ok=True))
    if not marked:
        log.warning("outbox %s was delivered but was no longer ours to mark (lease expired?)", outgoing.id)


def _record_failure(engine: Engine, outgoing: Outgoing, error: BaseException, worker: str,
                    config: DispatchSettings) -> str:
    text = f"{type(error).__name__}: {error}"[:2000]
    with write_transaction(engine) as session:
        row = session.get(OutboxMessage, outgoing.id, with_for_update=session.get_bind().dialect.name == "postgresql")
        session.add(OutboxAttempt(message_id=outgoing.id, worker=worker, ok=False, error=text))
        if row is None or row.status != SENDING or row.claimed_by != worker:
            return "lost"
        row.attempts += 1
        row.last_error = text
        row.claimed_by = None
        row.lease_until = None
        if is_permanent(error) or row.attempts >= config.max_attempts:
            row.status = FAILED
            return FAILED
        row.status = PENDING
        row.next_attempt_at = now() + config.backoff(row.attempts)
        return PENDING


def _release(engine: Engine, ids: list[int], worker: str) -> int:
    """Hand back rows this worker claimed but will not attempt (its lease is running out)."""
    if not ids:
        return 0
    with write_transaction(engine) as session:
        return session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status == SENDING, OutboxMessage.claimed_by == worker)
            .values(status=PENDING, claimed_by=None, lease_until=None)
            .execution_options(synchronize_session=False)
        ).rowcount


def dispatch(engine: Engine, settings, *, worker: str | None = None, max_batches: int | None = None,
             sender: SmtpSender | None = None, sources=None) -> DispatchResult:
    """Send every row that is due, batch after batch, until none is left (or ``max_batches``).

    A row that fails is retried later with exponential backoff and marked failed after
    ``reminders.max_attempts`` attempts (at once if the server refuses the recipient for good).
    """
    config = DispatchSettings.from_settings(settings)
    mail = MailSettings.from_settings(settings)
    worker = worker or worker_name()
    sender = sender or SmtpSender(mail)
    sources = sources if sources is not None else load_sources(settings)
    result = DispatchResult()
    # sending one mail takes a few exchanges, each up to the SMTP timeout: do not start one the
    # lease may not cover (another dispatcher would then take the row over and send it too)
    margin = dt.timedelta(seconds=2 * mail.timeout)
    batches = 0
    try:
        while max_batches is None or batches < max_batches:
            with write_transaction(engine) as session:
                batch, cancelled = claim(session, settings, worker, config=config, sources=sources, mail=mail)
            result.cancelled += cancelled
            if not batch:
                break
            batches += 1
            for position, outgoing in enumerate(batch):
                if now() + margin > outgoing.lease_until:
                    result.released += _release(engine, [o.id for o in batch[position:]], worker)
                    break
                try:
                    sender.send(outgoing.message, outgoing.to_address)
                except Exception as error:  # noqa: BLE001 - every failure is recorded and retried
                    outcome = _record_failure(engine, outgoing, error, worker, config)
                    result.errors[type(error).__name__] += 1
                    if outcome == FAILED:
                        result.failed += 1
                    elif outcome == PENDING:
                        result.retried += 1
                    log.warning("outbox %s to %s: %s (%s)", outgoing.id, outgoing.to_address, error, outcome)
                else:
                    _record_success(engine, outgoing, worker)
                    result.sent += 1
    finally:
        sender.close()
    if result.sent or result.failed or result.retried:
        log.info("dispatch %s: %s sent, %s to retry, %s failed, %s cancelled",
                 worker, result.sent, result.retried, result.failed, result.cancelled)
    return result
