"""The mail of a new-tasks notice: the tasks one directive gives the recipient's agency, listed.

``notifications.queue_new_task_notices`` queued one row per directive, role and person, naming the
first task and how many (``task_count``). When the row is sent, the batch is read back: the
directive's top-level tasks of that agency in that role, from the first task on, in id order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..dates import format_date
from ..tasks.models import Task, task_coordinators
from .content import MailContext, TaskFacts, deadline_words, task_facts_list
from .mailbody import Item, MailContent, Section
from .models import OutboxMessage
from .policy import NEW_COORDINATION, NEW_TASK, describe_delay

# tasks listed in one mail; the rest are counted and linked to the agency's filtered task list
LIST_LIMIT = 30
NEW_KINDS = (NEW_TASK, NEW_COORDINATION)


@dataclass(frozen=True)
class Batch:
    directive_id: int
    task_ids: tuple[int, ...]   # every task the notice announces, in id order


def is_batch(message: OutboxMessage) -> bool:
    """A new-tasks notice announcing more than one task (one task reads as before: its facts)."""
    return message.kind in NEW_KINDS and (message.task_count or 1) > 1


def load_batches(dbsession: Session, messages: Iterable[OutboxMessage]) -> dict[tuple, Batch]:
    """The tasks of each batch notice, keyed by ``batch_key(message)``; one query per batch (the
    messages of a directive's staff share one)."""
    out: dict[tuple, Batch] = {}
    for message in messages:
        key = batch_key(message)
        if not is_batch(message) or key in out:
            continue
        directive_id = dbsession.scalar(select(Task.directive_id).where(Task.id == message.task_id))
        if directive_id is None:
            continue
        query = select(Task.id).where(Task.directive_id == directive_id, Task.parent_id.is_(None),
                                      Task.id >= message.task_id)
        if message.kind == NEW_TASK:
            query = query.where(Task.lead_agency_id == message.recipient_agency_id)
        else:
            query = query.join(task_coordinators, task_coordinators.c.task_id == Task.id).where(
                task_coordinators.c.agency_id == message.recipient_agency_id)
        ids = tuple(dbsession.scalars(query.order_by(Task.id).limit(message.task_count)))
        out[key] = Batch(directive_id, ids)
    return out


def batch_key(message: OutboxMessage) -> tuple:
    return (message.kind, message.task_id, message.recipient_agency_id, message.task_count)


def listed_ids(batches: Iterable[Batch]) -> set[int]:
    """The tasks whose facts the mails print (the first ``LIST_LIMIT`` of each batch)."""
    return {task_id for batch in batches for task_id in batch.task_ids[:LIST_LIMIT]}


def new_tasks_content(message: OutboxMessage, batch: Batch, facts: dict[int, TaskFacts], today: dt.date,
                      ctx: MailContext, recipient_agency: str = "") -> MailContent:
    """One mail for the tasks a directive gives the recipient's agency to lead (or to coordinate)."""
    shown = [facts[task_id] for task_id in batch.task_ids[:LIST_LIMIT] if task_id in facts]
    if not shown:
        raise LookupError(f"outbox row {message.id}: the tasks it announces are gone")
    first = shown[0]
    total = len(batch.task_ids)
    agency = recipient_agency or "Đơn vị"
    lead_role = message.kind == NEW_TASK
    role = "lead" if lead_role else "coordinating"
    content = MailContent(
        subject="", issuer=ctx.issuer, greeting=f"Kính gửi: {message.to_name or message.to_address},",
        action=("Xem các nhiệm vụ trên Hệ thống", ctx.inbox_url(directive=batch.directive_id, role=role)),
        footer=ctx.footer,
    )
    if lead_role:
        content.subject = f"[Nhiệm vụ mới] Văn bản {first.directive_short}: {agency} chủ trì {total} nhiệm vụ"
        content.paragraphs = [
            f"{first.directive_label} giao {agency} chủ trì thực hiện {total} nhiệm vụ dưới đây.",
            "Đề nghị đơn vị tiếp nhận nhiệm vụ trên Hệ thống, phân công thực hiện và báo cáo tiến độ theo yêu cầu.",
        ]
    else:
        content.subject = f"[Nhiệm vụ phối hợp] Văn bản {first.directive_short}: {agency} phối hợp {total} nhiệm vụ"
        content.paragraphs = [
            f"{first.directive_label} giao {agency} phối hợp thực hiện {total} nhiệm vụ dưới đây.",
            "Đề nghị đơn vị chủ động phối hợp với cơ quan chủ trì; mỗi cơ quan chủ trì cần nhận kết quả phối hợp "
            f"trước hạn hoàn thành {ctx.policy.contribution_days_before} ngày.",
        ]
    content.facts = [fact for fact in task_facts_list(first, None, today, strong=False)
                     if fact.label in ("Văn bản", "Trích yếu")]
    items = [_item(task, today, ctx, lead=not lead_role) for task in shown]
    more = None
    if total > len(shown):
        more = (f"… và {total - len(shown)} nhiệm vụ khác: xem đầy đủ tại "
                f"{ctx.inbox_url(directive=batch.directive_id, role=role)}")
    title = "Nhiệm vụ được giao chủ trì" if lead_role else "Nhiệm vụ được giao phối hợp"
    content.sections = [Section(title, items, more)]
    return content


def _item(task: TaskFacts, today: dt.date, ctx: MailContext, *, lead: bool) -> Item:
    """One task of the directive (the mail names the directive once, above the list)."""
    title = " ".join((task.content or "").split())
    title = title if len(title) <= 240 else title[:239].rstrip() + "…"
    paragraph = (task.paragraph or "").strip().rstrip(".")
    if paragraph:
        title += f" (mục {paragraph})"
    detail = f"Hạn: {deadline_words(task.deadline_in_force, task.deadline_text)}"
    if task.deadline_in_force:
        detail += f" ({describe_delay(task.deadline_in_force, today)})"
    if lead:
        detail += f" · Chủ trì: {task.lead}"
    return Item(title, detail, ctx.task_url(task.id))


def digest_line(batch: Batch, facts: dict[int, TaskFacts], today: dt.date, ctx: MailContext, kind: str):
    """A batch notice as one line of a daily digest: the directive and how many tasks."""
    first = facts.get(batch.task_ids[0]) if batch.task_ids else None
    if first is None:
        return None
    role = "lead" if kind == NEW_TASK else "coordinating"
    deadlines = sorted(f.deadline_in_force for f in (facts.get(i) for i in batch.task_ids) if f and f.deadline_in_force)
    detail = f"{len(batch.task_ids)} nhiệm vụ"
    if deadlines:
        detail += f", hạn sớm nhất {format_date(deadlines[0])}"
    return Item(f"{first.directive_short} – {first.directive_subject}"[:180], detail,
                ctx.inbox_url(directive=batch.directive_id, role=role))
