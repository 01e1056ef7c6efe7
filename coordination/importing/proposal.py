"""The parser's proposal as the values of the directive form (the deform form of /directives/new).

Pure mapping, no database: :class:`Defaults` carries what the mapping needs to know about this
installation (directive types, issuing agencies). What a clerk may rely on:

- agencies and groups the registry knows become their codes in the lead / coordinating selects;
  an agency the registry does not know is never dropped: the lead select is left empty (the form
  will not save until the clerk picks one) and the text as written goes into the task's import
  note; unknown coordinating agencies are listed in the note too;
- deadlines keep their words as written (the deadline's ``text``); kinds map one to one
  (date → date, month → "YYYY-MM", recurring → recurrence fields + start, ongoing → ongoing);
  a task whose text names no deadline is proposed as ongoing, with a note saying so;
- the header's number is not copied: a directive is numbered when it is issued. Its symbol
  ("UBND-KGVX") is, when it belongs to the chosen issuer (one of its dash-separated parts is the
  issuer's code), because the symbol names the drafting unit;
- each task carries ``import_ref`` (its index in the proposal) so the source view can point at it
  even after the clerk removes or adds tasks.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from pyramid.i18n import TranslationString

from ..directives import deadlines as dl
from ..i18n import _
from ..text import search_key
from .parser import Deadline as ParsedDeadline
from .parser import ParsedDirective, ParsedTask

# the longest values the directive form accepts (coordination/directives/forms.py)
PARAGRAPH_MAX = 20
RECIPIENT_MAX = 300
DEADLINE_TEXT_MAX = 300
NUMBER_MAX = 120

_URGENCY = (  # the stamp an urgent document carries near its number, most urgent first
    (re.compile(r"\bHỎA\s+TỐC\b"), "hoa-toc"),
    (re.compile(r"\bTHƯỢNG\s+KHẨN\b"), "thuong-khan"),
    (re.compile(r"\bKHẨN\b"), "khan"),
)


@dataclass(frozen=True)
class Defaults:
    """What the mapping needs from the installation: type and issuer codes by any of their names."""

    types: dict[str, str] = field(default_factory=dict)     # search_key(type name) → type code
    issuers: dict[str, str] = field(default_factory=dict)   # search_key(a name of an issuer) → its code
    issuer: str | None = None                               # the issuer a new directive gets by default
    place: str = ""                                         # that issuer's place name
    type: str = "cong-van"


@dataclass
class TaskNotes:
    """What the clerk must check in one proposed task (shown in the task, not saved)."""

    unknown_lead: str | None = None
    unknown_coordinating: list[str] = field(default_factory=list)
    messages: list[TranslationString] = field(default_factory=list)


def task_notes(task: ParsedTask) -> TaskNotes:
    notes = TaskNotes()
    if task.lead.is_new:
        notes.unknown_lead = task.lead.text
        notes.messages.append(_("Chủ trì ghi trong văn bản: «${name}» — chưa có trong danh mục: chọn cơ quan "
                                "đúng ở ô «Cơ quan chủ trì» hoặc đề nghị quản trị viên thêm cơ quan.",
                                mapping={"name": task.lead.text}))
    notes.unknown_coordinating = [m.text for m in task.coordinating if m.is_new]
    if notes.unknown_coordinating:
        notes.messages.append(_("Phối hợp chưa có trong danh mục (chưa được chọn): ${names}.",
                                mapping={"names": "; ".join(f"«{t}»" for t in notes.unknown_coordinating)}))
    deadline = task.deadline
    if deadline.kind is None:
        notes.messages.append(_("Văn bản không ghi thời hạn cho nhiệm vụ này: đang để «Thường xuyên»."))
    elif deadline.kind == dl.RECURRING and _incomplete_rule(deadline):
        notes.messages.append(_("Định kỳ nhưng văn bản không ghi ngày: nhập ngày (và tháng) của hạn."))
    return notes


def proposal_to_form(parsed: ParsedDirective, text: str, defaults: Defaults, translate=None) -> dict:
    """The directive form's values (an appstruct of DirectiveSchema plus each task's ``import_ref``
    and ``import_note``) for ``parsed``, read from ``text``. ``translate`` renders the notes
    (a request's ``translate``); without it they are interpolated in Vietnamese."""
    translate = translate or interpolate
    type_code = defaults.types.get(search_key(parsed.type or "")) or defaults.type
    issuer = defaults.issuers.get(search_key(parsed.issuer or "")) or defaults.issuer
    values = {
        "type": type_code,
        "issuer": issuer,
        "symbol": _symbol(parsed.number, issuer),
        "urgency": urgency(text, parsed),
        "place": parsed.place or defaults.place,
        "subject": _subject(parsed.subject, type_code),
        "addressees": [_recipient(m) for m in parsed.recipients],
        "body": text[slice(*parsed.body_span)].strip() if parsed.body_span else "",
        "references": [
            {"doc_type": r.type, "number": r.number[:NUMBER_MAX], "date": r.date, "issuer": r.issuer}
            for r in parsed.references
        ],
        "tasks": [_task(index, task, translate) for index, task in enumerate(parsed.tasks)],
        "signer_capacity": parsed.signer.capacity,
        "signer_name": parsed.signer.name,
        "copy_to": [_recipient(m) for m in parsed.copy_to],
    }
    return _drop_none(values)


def deadline_values(deadline: ParsedDeadline) -> dict:
    """The deadline fields of the form for the parser's deadline (words kept in ``text``)."""
    values: dict = {"kind": dl.ONGOING}
    kind = deadline.kind
    if kind == dl.DATE and deadline.date:
        values = {"kind": dl.DATE, "date": deadline.date}
    elif kind == dl.MONTH and (deadline.month or deadline.date):
        values = {"kind": dl.MONTH, "month": deadline.month or f"{deadline.date:%Y-%m}"}
    elif kind in (dl.RECURRING, dl.ONGOING) and deadline.rrule:
        values = {"kind": kind, "start": deadline.start or deadline.date}
        if _incomplete_rule(deadline):
            # "hằng năm" without a day: the clerk enters the day; the form refuses to save without it
            values["recurrence"] = deadline.recurrence
        else:
            parts = dl.split_rrule(deadline.rrule)
            values.update(recurrence=parts["recurrence"], day=parts.get("day"), month_of_year=parts.get("month"),
                          rrule=parts.get("custom"))
    elif kind == dl.RECURRING:
        values = {"kind": dl.RECURRING, "recurrence": deadline.recurrence}
    if deadline.text:
        values["text"] = deadline.text[:DEADLINE_TEXT_MAX]
    return {k: v for k, v in values.items() if v is not None}


def urgency(text: str, parsed: ParsedDirective) -> str:
    """"HỎA TỐC" / "THƯỢNG KHẨN" / "KHẨN" stamped in the header (before the subject), else "thuong"."""
    end = parsed.subject_span[0] if parsed.subject_span else (parsed.body_span[0] if parsed.body_span else 600)
    header = text[:end]
    for pattern, code in _URGENCY:
        if pattern.search(header):
            return code
    return "thuong"


# -- pieces ---------------------------------------------------------------------------


def _task(index: int, task: ParsedTask, translate) -> dict:
    notes = task_notes(task)
    return {
        "paragraph": (task.paragraph or "")[:PARAGRAPH_MAX],
        "content": task.summary,
        "lead": task.lead.code,
        "coordinating": [m.code for m in task.coordinating if m.code],
        "deadline": deadline_values(task.deadline),
        "targets": [
            {"indicator": t.indicator, "unit": t.unit or "%", "value": t.value,
             "by": dt.date(t.year, 12, 31) if t.year else None}
            for t in task.targets
        ],
        "import_ref": index,
        "import_note": "\n".join(translate(m) for m in notes.messages) or None,
    }


def _incomplete_rule(deadline: ParsedDeadline) -> bool:
    """A rule that names only its frequency ("FREQ=YEARLY"): the document says "hằng năm" but no day."""
    if not deadline.rrule:
        return True
    parts = dl.rrule_parts(deadline.rrule.upper())
    return not set(parts) - {"FREQ", "INTERVAL"} and deadline.recurrence in (dl.YEARLY, dl.QUARTERLY, dl.MONTHLY)


def _recipient(mention) -> dict:
    return {"code": mention.code} if mention.code else {"text": mention.text[:RECIPIENT_MAX]}


def _symbol(number: str | None, issuer: str | None) -> str | None:
    """"1324/UBND-KGVX" → "UBND-KGVX" when a part of it is the issuer's code; the number itself never."""
    if not number or "/" not in number or not issuer:
        return None
    symbol = number.split("/", 1)[1].strip()
    parts = {p.upper() for p in re.split(r"[-/]", symbol)}
    return symbol if issuer.upper() in parts and len(symbol) <= 60 else None


def _subject(subject: str | None, type_code: str) -> str | None:
    """A Công văn's subject line reads "V/v …" (the parser gives it without the prefix)."""
    if not subject:
        return None
    if type_code == "cong-van" and not re.match(r"(?i)v/v\b", subject):
        return f"V/v {subject}"
    return subject


def interpolate(message) -> str:
    return message.interpolate() if isinstance(message, TranslationString) else str(message)


def _drop_none(value):
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value
