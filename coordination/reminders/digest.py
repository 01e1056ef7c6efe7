"""Digests: the daily digest of a user who chose one, and the weekly digest of each agency."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..clock import LOCAL_TZ, now
from ..dates import format_date
from ..tasks.models import Task, task_coordinators
from .content import KIND_LABELS, MailContext, TaskFacts, load_task_facts, task_item
from .mailbody import Fact, MailContent, Section, render
from .newtasks import batch_key, digest_line, is_batch, load_batches
from .models import CANCELLED, DIGESTED, HELD, OutboxMessage
from .outbox import enqueue_one, message_row
from .policy import (
    AGENCY_DIGEST, BEFORE, COORDINATING, DAILY_DIGEST, DUE, NEW_COORDINATION, NEW_TASK, OPEN_STATUSES,
)
from .recipients import Directory, Recipient
from .sources import load_sources, obsolete_messages

log = logging.getLogger(__name__)

# order of the sections of a daily digest
_DAILY_ORDER = (DUE, BEFORE, COORDINATING, NEW_TASK, NEW_COORDINATION)
# tasks listed per section of a weekly digest; the rest are counted and linked
SECTION_LIMIT = 30


@dataclass
class DigestResult:
    digests: int = 0      # digest mails queued
    items: int = 0        # notices folded into them
    cancelled: int = 0    # held notices dropped as no longer true

    def summary(self, what: str) -> str:
        return f"{what}: {self.digests} digests queued, {self.items} items, {self.cancelled} dropped"


def _today(at: dt.datetime | None) -> dt.date:
    return (at or now()).astimezone(LOCAL_TZ).date()


def compile_daily_digests(dbsession: Session, settings, *, at: dt.datetime | None = None,
                          sources=None) -> DigestResult:
    """Fold each recipient's held notices into one digest mail (queued in this transaction).

    Held notices that are no longer true (task done, deadline moved) are dropped. Safe to run
    twice: a notice is folded once, and the digest's key is made from the notices it holds.
    """
    today = _today(at)
    result = DigestResult()
    held = dbsession.scalars(select(OutboxMessage).where(OutboxMessage.status == HELD).order_by(OutboxMessage.id)).all()
    if not held:
        return result
    sources = sources if sources is not None else load_sources(settings)
    stale = obsolete_messages(dbsession, held, sources)
    for message in held:
        if message.id in stale:
            message.status = CANCELLED
            message.last_error = stale[message.id]
    result.cancelled = len(stale)
    live = [message for message in held if message.id not in stale]
    groups: dict[tuple, list[OutboxMessage]] = defaultdict(list)
    for message in live:
        who = f"u{message.recipient_user_id}" if message.recipient_user_id else f"m{message.to_address.lower()}"
        groups[(who, message.to_address)].append(message)
    ctx = MailContext.from_settings(settings)
    batches = load_batches(dbsession, live)
    facts = load_task_facts(dbsession, {m.task_id for m in live if m.task_id is not None}
                            | {task_id for batch in batches.values() for task_id in batch.task_ids})
    for (who, address), messages in sorted(groups.items()):
        first = messages[0]
        content = daily_digest_content(first.to_name or address, messages, facts, today, ctx, batches)
        subject, text, html = render(content)
        recipient = Recipient(who, address, first.to_name, first.recipient_agency_id, first.recipient_user_id)
        row = message_row(
            dedup_key=f"{DAILY_DIGEST}:{who}:{first.id}", kind=DAILY_DIGEST, to=recipient,
            subject=subject, body_text=text, body_html=html, at=at,
        )
        digest_id = enqueue_one(dbsession, row)
        if digest_id is None:  # another run folded these already
            continue
        for message in messages:
            message.status = DIGESTED
            message.digest_id = digest_id
        result.digests += 1
        result.items += len(messages)
    dbsession.flush()
    log.info(result.summary("daily digest"))
    return result


def daily_digest_content(name: str, messages: list[OutboxMessage], facts: dict[int, TaskFacts],
                         today: dt.date, ctx: MailContext, batches: dict | None = None) -> MailContent:
    by_kind: dict[str, list] = defaultdict(list)
    for message in messages:
        if is_batch(message):  # several new tasks of one directive: one line for the directive
            batch = (batches or {}).get(batch_key(message))
            line = digest_line(batch, facts, today, ctx, message.kind) if batch is not None else None
            if line is not None:
                by_kind[message.kind].append(line)
            continue
        task = facts.get(message.task_id)
        if task is None:
            continue
        deadline = message.due_on or task.deadline_in_force
        extra = ""
        if message.kind == COORDINATING and deadline:
            extra = f"gửi kết quả phối hợp trước ngày {format_date(ctx.policy.contribution_date(deadline))}"
        by_kind[message.kind].append(task_item(task, deadline, today, ctx, extra=extra, lead=True))
    sections = [Section(KIND_LABELS[kind], by_kind[kind]) for kind in _DAILY_ORDER if by_kind.get(kind)]
    count = sum(len(section.items) for section in sections)
    return MailContent(
        subject=f"[Tổng hợp ngày {format_date(today)}] {count} thông báo về nhiệm vụ",
        issuer=ctx.issuer,
        greeting=f"Kính gửi: {name},",
        paragraphs=["Các thông báo về nhiệm vụ trong ngày được tổng hợp dưới đây theo lựa chọn nhận thư của Ông/Bà. "
                    "Thông báo quá hạn vẫn được gửi ngay khi phát sinh."],
        sections=sections,
        footer=ctx.footer,
    )


def queue_agency_digests(dbsession: Session, settings, *, at: dt.datetime | None = None) -> DigestResult:
    """Queue this week's digest of every agency with open tasks, to its officers and head.

    Grouped per agency into: overdue, due within 7 days, due later, no fixed deadline, and tasks it
    coordinates. Idempotent per agency, ISO week and recipient.
    """
    today = _today(at)
    year, week, _ = today.isocalendar()
    result = DigestResult()
    led: dict[int, list[tuple[int, dt.date | None]]] = defaultdict(list)
    for task_id, agency_id, deadline in dbsession.execute(
        select(Task.id, Task.lead_agency_id, Task.deadline_in_force)
        .where(Task.status.in_(OPEN_STATUSES))
        .order_by(Task.deadline_in_force, Task.id)
    ):
        led[agency_id].append((task_id, deadline))
    coordinated: dict[int, list[tuple[int, dt.date | None]]] = defaultdict(list)
    for task_id, agency_id, deadline in dbsession.execute(
        select(Task.id, task_coordinators.c.agency_id, Task.deadline_in_force)
        .join(task_coordinators, task_coordinators.c.task_id == Task.id)
        .where(Task.status.in_(OPEN_STATUSES))
        .order_by(Task.deadline_in_force, Task.id)
    ):
        coordinated[agency_id].append((task_id, deadline))
    agencies = sorted(set(led) | set(coordinated))
    if not agencies:
        return result
    directory = Directory(dbsession)
    ctx = MailContext.from_settings(settings)
    plans = {agency_id: group_agency_tasks(led.get(agency_id, []), coordinated.get(agency_id, []), today)
             for agency_id in agencies}
    listed = {task_id for plan in plans.values() for tasks in plan.values() for task_id, _ in tasks[:SECTION_LIMIT]}
    facts = load_task_facts(dbsession, listed)
    for agency_id in agencies:
        recipients = directory.staff(agency_id)
        if not recipients:
            continue
        content = agency_digest_content(directory.agency_name(agency_id), plans[agency_id], facts, today, ctx)
        subject, text, html = render(content)
        for person in recipients:
            row = message_row(
                dedup_key=f"{AGENCY_DIGEST}:{agency_id}:{year}-W{week:02d}:{person.key}", kind=AGENCY_DIGEST,
                to=person, subject=subject, body_text=text, body_html=html, at=at,
            )
            if enqueue_one(dbsession, row) is not None:
                result.digests += 1
        result.items += sum(len(tasks) for tasks in plans[agency_id].values())
    log.info(result.summary(f"agency digest {year}-W{week:02d}"))
    return result


OVERDUE_GROUP = "overdue"
SOON_GROUP = "soon"
LATER_GROUP = "later"
NO_DEADLINE_GROUP = "no_deadline"
COORDINATING_GROUP = "coordinating"

GROUP_TITLES = {
    OVERDUE_GROUP: "Nhiệm vụ chủ trì đã quá hạn",
    SOON_GROUP: "Nhiệm vụ chủ trì đến hạn trong 7 ngày tới",
    LATER_GROUP: "Nhiệm vụ chủ trì còn hạn",
    NO_DEADLINE_GROUP: "Nhiệm vụ chủ trì không có hạn cụ thể (thường xuyên, định kỳ)",
    COORDINATING_GROUP: "Nhiệm vụ phối hợp với cơ quan khác",
}


def group_agency_tasks(led, coordinated, today: dt.date) -> dict[str, list[tuple[int, dt.date | None]]]:
    """An agency's open tasks in the groups of its weekly digest (each list keeps its order)."""
    soon_end = today + dt.timedelta(days=7)
    groups: dict[str, list] = {key: [] for key in GROUP_TITLES}
    for task_id, deadline in led:
        if deadline is None:
            groups[NO_DEADLINE_GROUP].append((task_id, deadline))
        elif deadline < today:
            groups[OVERDUE_GROUP].append((task_id, deadline))
        elif deadline <= soon_end:
            groups[SOON_GROUP].append((task_id, deadline))
        else:
            groups[LATER_GROUP].append((task_id, deadline))
    groups[COORDINATING_GROUP] = list(coordinated)
    return groups


def agency_digest_content(agency_name: str, plan, facts: dict[int, TaskFacts], today: dt.date,
                          ctx: MailContext) -> MailContent:
    year, week, _ = today.isocalendar()
    sections = []
    for key, title in GROUP_TITLES.items():
        tasks = plan[key]
        if not tasks:
            continue
        items = [task_item(facts[task_id], deadline, today, ctx, lead=key == COORDINATING_GROUP)
                 for task_id, deadline in tasks[:SECTION_LIMIT] if task_id in facts]
        more = None
        if len(tasks) > SECTION_LIMIT:
            more = f"… và {len(tasks) - SECTION_LIMIT} nhiệm vụ khác: xem đầy đủ trên Hệ thống."
        section = Section(title, items, more)
        sections.append(section)
    counts = {key: len(plan[key]) for key in GROUP_TITLES}
    return MailContent(
        subject=(f"[Tổng hợp tuần {week}/{year}] {agency_name}: {counts[OVERDUE_GROUP]} nhiệm vụ quá hạn, "
                 f"{counts[SOON_GROUP]} đến hạn trong 7 ngày"),
        issuer=ctx.issuer,
        greeting=f"Kính gửi: {agency_name},",
        paragraphs=[f"Tình hình các nhiệm vụ {agency_name} chủ trì và phối hợp thực hiện, tính đến ngày {format_date(today)}:"],
        facts=[
            Fact("Quá hạn", str(counts[OVERDUE_GROUP]), strong=bool(counts[OVERDUE_GROUP])),
            Fact("Đến hạn trong 7 ngày tới", str(counts[SOON_GROUP])),
            Fact("Còn hạn", str(counts[LATER_GROUP])),
            Fact("Không có hạn cụ thể", str(counts[NO_DEADLINE_GROUP])),
            Fact("Phối hợp", str(counts[COORDINATING_GROUP])),
        ],
        sections=sections,
        action=("Mở danh sách nhiệm vụ của cơ quan", ctx.url(ctx.inbox_path)),
        footer=ctx.footer,
    )
