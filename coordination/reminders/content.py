"""What the mails say, in Vietnamese: the facts of a task and the wording of each kind of notice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..dates import format_date
from ..organizations.models import Agency
from ..tasks.models import Task
from .mailbody import Fact, Item, MailContent
from .models import OutboxMessage
from .policy import (
    BEFORE, COORDINATING, DUE, ESCALATION, NEW_COORDINATION, NEW_TASK, OVERDUE, ReminderPolicy, describe_delay,
)


@dataclass(frozen=True)
class MailContext:
    """Settings the wording needs: where links point, who the sender is."""

    base_url: str
    issuer: str
    task_path: str = "/tasks/{id}"
    inbox_path: str = "/inbox"
    reports_path: str = "/reports"
    policy: ReminderPolicy = ReminderPolicy()

    @classmethod
    def from_settings(cls, settings) -> MailContext:
        return cls(
            base_url=(settings.get("app.base_url") or "http://localhost:6543").rstrip("/"),
            issuer=settings.get("issuer.name") or "Ủy ban nhân dân tỉnh",
            task_path=settings.get("reminders.task_path") or "/tasks/{id}",
            inbox_path=settings.get("reminders.inbox_path") or "/inbox",
            reports_path=settings.get("reminders.reports_path") or "/reports",
            policy=ReminderPolicy.from_settings(settings),
        )

    def task_url(self, task_id: int) -> str:
        return self.base_url + self.task_path.format(id=task_id)

    def url(self, path: str) -> str:
        return self.base_url + path

    def inbox_url(self, **params) -> str:
        """The agency's task list, filtered (``directive=…``, ``role=lead|coordinating``)."""
        query = "&".join(f"{key}={value}" for key, value in params.items() if value is not None)
        return self.url(self.inbox_path) + (f"?{query}" if query else "")

    @property
    def footer(self) -> str:
        return (
            f"Thư được gửi tự động từ Hệ thống theo dõi, đôn đốc thực hiện nhiệm vụ của {self.issuer}; "
            "vui lòng không trả lời thư này. Chọn nhận thư ngay hay một thư tổng hợp mỗi ngày tại "
            f"{self.url('/account/notifications')}."
        )


@dataclass(frozen=True)
class TaskFacts:
    id: int
    paragraph: str
    content: str
    deadline_in_force: dt.date | None
    deadline_text: str | None
    lead: str
    coordinating: tuple[str, ...]
    directive_short: str   # "1324/UBND-KGVX"
    directive_label: str   # "Công văn số 1324/UBND-KGVX ngày 25/05/2022 của UBND tỉnh"
    directive_subject: str


def _shorten(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def load_task_facts(dbsession: Session, task_ids: Collection[int]) -> dict[int, TaskFacts]:
    """What the mails say about each task, in one query per 1000 tasks."""
    out: dict[int, TaskFacts] = {}
    ids = sorted(set(task_ids))
    for start in range(0, len(ids), 1000):
        tasks = dbsession.scalars(
            select(Task).where(Task.id.in_(ids[start:start + 1000])).options(selectinload(Task.coordinating_agencies))
        ).all()
        for task in tasks:
            directive = task.directive
            number = directive.number_symbol
            issued = f" ngày {format_date(directive.issued_on)}" if directive.issued_on else ""
            type_name = directive.type.name if directive.type else "Văn bản"
            label = f"{type_name} số {number}{issued}" if number else f"{type_name} (chưa cấp số)"
            issuer = directive.issuer.short_name or directive.issuer.name
            out[task.id] = TaskFacts(
                id=task.id,
                paragraph=task.paragraph or "",
                content=task.content or "",
                deadline_in_force=task.deadline_in_force,
                deadline_text=task.deadline_text,
                lead=task.lead_agency.name,
                coordinating=tuple(agency.name for agency in task.coordinating_agencies),
                directive_short=number or "văn bản chưa cấp số",
                directive_label=f"{label} của {issuer}",
                directive_subject=directive.subject or "",
            )
    return out


def agency_names(dbsession: Session, ids: Collection[int]) -> dict[int, str]:
    ids = sorted({i for i in ids if i is not None})
    if not ids:
        return {}
    return dict(dbsession.execute(select(Agency.id, Agency.name).where(Agency.id.in_(ids))).all())


def deadline_words(deadline: dt.date | None, text: str | None = None) -> str:
    if deadline is None:
        return text or "Không có hạn cụ thể (thường xuyên)"
    words = format_date(deadline)
    return f"{words} ({text})" if text and text != words else words


def task_facts_list(facts: TaskFacts, deadline: dt.date | None, today: dt.date, *, strong: bool) -> list[Fact]:
    items = [
        Fact("Văn bản", facts.directive_label),
        Fact("Trích yếu", facts.directive_subject) if facts.directive_subject else None,
        Fact("Nhiệm vụ", _shorten(f"{facts.paragraph} {facts.content}".strip(), 700)),
        Fact("Cơ quan chủ trì", facts.lead),
        Fact("Cơ quan phối hợp", ", ".join(facts.coordinating)) if facts.coordinating else None,
        Fact("Hạn hoàn thành", deadline_words(deadline, facts.deadline_text)),
        Fact("Tình trạng", describe_delay(deadline, today).capitalize(), strong=strong) if deadline else None,
    ]
    return [fact for fact in items if fact is not None]


def notice_content(message: OutboxMessage, facts: TaskFacts, today: dt.date, ctx: MailContext,
                   recipient_agency: str = "") -> MailContent:
    """The mail of one reminder or new-task notice, as of ``today``."""
    kind = message.kind
    deadline = message.due_on or facts.deadline_in_force
    delay = describe_delay(deadline, today) if deadline else ""
    lead = facts.lead
    short = facts.directive_short
    content = MailContent(
        subject="",
        issuer=ctx.issuer,
        greeting=f"Kính gửi: {message.to_name or message.to_address},",
        action=("Xem nhiệm vụ trên Hệ thống", ctx.task_url(facts.id)),
        footer=ctx.footer,
    )
    if kind in (BEFORE, DUE):
        content.subject = f"[Nhắc hạn] {delay.capitalize()}: nhiệm vụ theo văn bản {short}"
        if deadline == today:
            first = f"Hôm nay ({format_date(today)}) là hạn hoàn thành nhiệm vụ dưới đây do {lead} chủ trì thực hiện."
        else:
            first = f"Nhiệm vụ dưới đây do {lead} chủ trì thực hiện có hạn hoàn thành ngày {format_date(deadline)} ({delay})."
        content.paragraphs = [
            first,
            "Đề nghị đơn vị khẩn trương thực hiện, cập nhật tiến độ và báo cáo kết quả trên Hệ thống đúng thời hạn.",
        ]
    elif kind == OVERDUE:
        content.subject = f"[{delay.capitalize()}] Nhiệm vụ theo văn bản {short} chưa hoàn thành"
        content.urgent = True
        content.paragraphs = [
            f"Nhiệm vụ dưới đây do {lead} chủ trì đã {delay} (hạn hoàn thành {format_date(deadline)}) "
            "và chưa được báo cáo hoàn thành.",
            "Đề nghị đơn vị khẩn trương hoàn thành và báo cáo kết quả; trường hợp cần thêm thời gian, "
            "đề nghị gửi yêu cầu gia hạn trên Hệ thống, nêu rõ lý do.",
        ]
    elif kind == ESCALATION:
        content.subject = f"[Báo cáo nhiệm vụ quá hạn] {lead}: {delay}, văn bản {short}"
        content.urgent = True
        content.paragraphs = [
            f"Nhiệm vụ dưới đây giao {lead} chủ trì đã {delay} (hạn hoàn thành {format_date(deadline)}), "
            "đến nay chưa được báo cáo hoàn thành.",
            "Thư này gửi lãnh đạo ký văn bản và Văn phòng để theo dõi, chỉ đạo đôn đốc thực hiện.",
        ]
    elif kind == COORDINATING:
        contribution = ctx.policy.contribution_date(deadline)
        agency = recipient_agency or "Đơn vị"
        content.subject = (
            f"[Phối hợp] Đề nghị gửi kết quả phối hợp trước ngày {format_date(contribution)}: văn bản {short}"
        )
        content.paragraphs = [
            f"{agency} được giao phối hợp với {lead} thực hiện nhiệm vụ dưới đây (hạn hoàn thành {format_date(deadline)}).",
            f"Để {lead} kịp tổng hợp, đề nghị đơn vị gửi ý kiến, số liệu, kết quả phối hợp trước ngày "
            f"{format_date(contribution)} ({describe_delay(contribution, today)}).",
        ]
    elif kind == NEW_TASK:
        content.subject = f"[Nhiệm vụ mới] Văn bản {short}: {lead} chủ trì"
        content.paragraphs = [
            f"{facts.directive_label} giao {lead} chủ trì thực hiện nhiệm vụ dưới đây.",
            "Đề nghị đơn vị tiếp nhận nhiệm vụ trên Hệ thống, phân công thực hiện và báo cáo tiến độ theo yêu cầu.",
        ]
    elif kind == NEW_COORDINATION:
        agency = recipient_agency or "Đơn vị"
        content.subject = f"[Nhiệm vụ phối hợp] Văn bản {short}: phối hợp với {lead}"
        paragraphs = [f"{facts.directive_label} giao {agency} phối hợp với {lead} thực hiện nhiệm vụ dưới đây."]
        if deadline:
            contribution = ctx.policy.contribution_date(deadline)
            paragraphs.append(
                f"Đề nghị đơn vị chủ động phối hợp; {lead} cần nhận kết quả phối hợp trước ngày {format_date(contribution)}."
            )
        content.paragraphs = paragraphs
    else:
        raise ValueError(f"no wording for notice kind {kind!r}")
    content.facts = task_facts_list(facts, deadline, today, strong=kind in (OVERDUE, ESCALATION, DUE))
    return content


KIND_LABELS = {
    BEFORE: "Sắp đến hạn",
    DUE: "Đến hạn",
    OVERDUE: "Quá hạn",
    ESCALATION: "Quá hạn (báo cáo lãnh đạo)",
    COORDINATING: "Hạn gửi kết quả phối hợp",
    NEW_TASK: "Nhiệm vụ mới được giao chủ trì",
    NEW_COORDINATION: "Nhiệm vụ mới được giao phối hợp",
}


def task_item(facts: TaskFacts, deadline: dt.date | None, today: dt.date, ctx: MailContext, *,
              extra: str = "", lead: bool = False) -> Item:
    """One task as a line of a digest."""
    title = _shorten(f"{facts.directive_short} – {facts.paragraph} {facts.content}".replace("  ", " "), 180)
    detail = f"Hạn: {deadline_words(deadline, facts.deadline_text)}"
    if deadline:
        detail += f" ({describe_delay(deadline, today)})"
    if lead:
        detail += f" · Chủ trì: {facts.lead}"
    if extra:
        detail += f" · {extra}"
    return Item(title, detail, ctx.task_url(facts.id), urgent=bool(deadline and deadline < today))
