"""What the parser proposes: plain dataclasses, and :meth:`ParsedDirective.to_json`.

Spans are ``(start, end)`` character offsets into the *original* text given to
:func:`~coordination.importing.parser.parse_directive`, so the UI can highlight the source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

Span = tuple[int, int]


@dataclass(frozen=True)
class AgencyEntry:
    """One registry row the caller can pass in."""

    code: str
    name: str
    short_name: str | None = None
    aliases: tuple[str, ...] = ()
    is_group: bool = False


@dataclass
class AgencyMention:
    """An agency named in the text: matched to a registry ``code``, or proposed as new."""

    text: str                      # as written (cleaned: NFC, one space, dashes as "-")
    code: str | None = None        # registry code when matched
    name: str | None = None        # registry full name when matched
    is_group: bool = False
    span: Span | None = None
    role: str | None = None        # "Chủ tịch", "Giám đốc"... when the text names an office holder

    @property
    def is_new(self) -> bool:
        return self.code is None

    @property
    def label(self) -> str:
        """What to_json shows: the code when matched, else the text as written."""
        return self.code or self.text


@dataclass
class Deadline:
    """The time words of a task.

    ``kind``: "date" (a day; also the last day of a quarter or a year), "month" (``date`` is its
    last day, ``month`` is "YYYY-MM"), "recurring" (``recurrence``, an RFC 5545 ``rrule`` and,
    when a day is known, ``start`` = ``date`` = the first occurrence), "ongoing" ("thường xuyên"),
    or None.
    """

    kind: str | None = None
    date: date | None = None
    month: str | None = None
    recurrence: str | None = None  # "yearly" | "quarterly" | "monthly"
    rrule: str | None = None
    start: date | None = None
    text: str | None = None
    span: Span | None = None


@dataclass
class Target:
    indicator: str
    value: float | int
    unit: str
    year: int | None = None
    span: Span | None = None

    def to_json(self) -> dict:
        return {"indicator": self.indicator, "value": self.value, "unit": self.unit, "year": self.year}


@dataclass
class Reference:
    number: str
    type: str | None = None
    date: date | None = None
    issuer: str | None = None
    span: Span | None = None

    def to_json(self) -> dict:
        return {
            "number": self.number,
            "type": self.type,
            "date": self.date.isoformat() if self.date else None,
            "issuer": self.issuer,
        }


@dataclass
class Signer:
    name: str | None = None
    capacity: str | None = None
    name_span: Span | None = None
    capacity_span: Span | None = None


@dataclass
class ParsedTask:
    paragraph: str | None
    lead: AgencyMention
    coordinating: list[AgencyMention] = field(default_factory=list)
    summary: str = ""
    deadline: Deadline = field(default_factory=Deadline)
    targets: list[Target] = field(default_factory=list)
    paragraph_span: Span | None = None   # the paragraph's marker ("2.", "IV.", "-")
    span: Span | None = None             # the whole text the task was read from

    def to_json(self) -> dict:
        d = self.deadline
        return {
            "paragraph": self.paragraph,
            "lead": self.lead.label,
            "coordinating": [m.label for m in self.coordinating],
            "summary": self.summary,
            "deadline": d.date.isoformat() if d.date else None,
            "deadline_text": d.text,
            "recurrence": d.recurrence,
            "targets": [t.to_json() for t in self.targets],
        }


@dataclass
class ParsedDirective:
    number: str | None = None
    type: str | None = None
    place: str | None = None
    date: date | None = None
    issuer: str | None = None
    subject: str | None = None
    recipients: list[AgencyMention] = field(default_factory=list)
    copy_to: list[AgencyMention] = field(default_factory=list)
    signer: Signer = field(default_factory=Signer)
    references: list[Reference] = field(default_factory=list)
    tasks: list[ParsedTask] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    number_span: Span | None = None
    date_span: Span | None = None
    place_span: Span | None = None
    subject_span: Span | None = None
    type_span: Span | None = None
    issuer_span: Span | None = None
    body_span: Span | None = None
    attachment_span: Span | None = None  # a forwarded document appended after the signature
    reference_date: date | None = None   # the date used to complete dates written without a year

    def to_json(self) -> dict:
        return {
            "number": self.number,
            "type": self.type,
            "place": self.place,
            "date": self.date.isoformat() if self.date else None,
            "issuer": self.issuer,
            "subject": self.subject,
            "recipients": [m.label for m in self.recipients],
            "copy_to": [m.label for m in self.copy_to],
            "signer": {"name": self.signer.name, "capacity": self.signer.capacity},
            "references": [r.to_json() for r in self.references],
            "tasks": [t.to_json() for t in self.tasks],
        }
