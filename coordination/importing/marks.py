"""The source text with what the parser recognised marked: ``<mark>`` elements over escaped text.

Each mark says which form field it filled (``data-fields``: "subject", "tasks.2.lead" …), for which
proposed tasks (``data-tasks``: their ``import_ref``), and a label for people (``title`` and
``data-label``, which the stylesheet shows beside the mark). Several pieces read from the same
words (one lead written once for three bullets) share one mark; a mark inside another nests; a
mark that would cross another's edge is left out rather than produce broken markup. The input is
never trusted: every character of it goes through :func:`markupsafe.escape`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

Span = tuple[int, int]


@dataclass
class Piece:
    """One recognised piece: where it is, what kind, which field it filled, for which task."""

    span: Span
    kind: str                 # number, date, header, recipient, reference, signer, paragraph, lead,
                              # lead-new, coordinating, coordinating-new, deadline, target
    label: str                # what it is, for people ("Chủ trì")
    field: str | None = None  # the form field it filled ("tasks.2.lead"); None if not copied
    task: int | None = None   # the proposed task's index


@dataclass
class Mark:
    start: int
    end: int
    kinds: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    tasks: list[int] = field(default_factory=list)
    roles: dict[str, list[int]] = field(default_factory=dict)  # label → 1-based task numbers

    @property
    def id(self) -> str:
        return f"src-{self.start}-{self.end}"

    def label(self, task_word: str) -> str:
        parts = []
        for role, numbers in self.roles.items():
            parts.append(f"{role} · {task_word} {', '.join(map(str, numbers))}" if numbers else role)
        return "; ".join(parts)


def collect(pieces: list[Piece], length: int) -> list[Mark]:
    """One mark per distinct span (pieces on the same words merged), spans outside the text dropped."""
    marks: dict[Span, Mark] = {}
    for piece in pieces:
        start, end = piece.span
        if not 0 <= start < end <= length:
            continue
        mark = marks.setdefault((start, end), Mark(start, end))
        if piece.kind not in mark.kinds:
            mark.kinds.append(piece.kind)
        if piece.field and piece.field not in mark.fields:
            mark.fields.append(piece.field)
        numbers = mark.roles.setdefault(piece.label, [])
        if piece.task is not None:
            if piece.task not in mark.tasks:
                mark.tasks.append(piece.task)
            if piece.task + 1 not in numbers:
                numbers.append(piece.task + 1)
    return list(marks.values())


def nested(marks: list[Mark]) -> list[Mark]:
    """The marks in document order, outer before inner, without any that cross another's edge."""
    kept: list[Mark] = []
    open_marks: list[Mark] = []
    for mark in sorted(marks, key=lambda m: (m.start, -m.end)):
        while open_marks and open_marks[-1].end <= mark.start:
            open_marks.pop()
        if open_marks and mark.end > open_marks[-1].end:
            continue
        kept.append(mark)
        open_marks.append(mark)
    return kept


def render(text: str, marks: list[Mark], task_word: str = "NV") -> Markup:
    """``text`` escaped, with ``<mark>`` elements for ``marks`` (see the module doc)."""
    out: list[str] = []
    position = 0
    open_marks: list[Mark] = []

    def close_until(limit: int) -> None:
        nonlocal position
        while open_marks and open_marks[-1].end <= limit:
            top = open_marks.pop()
            out.append(escape(text[position:top.end]))
            out.append("</mark>")
            position = top.end

    for mark in nested(marks):
        close_until(mark.start)
        out.append(escape(text[position:mark.start]))
        out.append(_open_tag(mark, task_word))
        position = mark.start
        open_marks.append(mark)
    close_until(len(text))
    out.append(escape(text[position:]))
    return Markup("".join(out))


def _open_tag(mark: Mark, task_word: str) -> str:
    label = mark.label(task_word)
    classes = " ".join(["import-mark"] + [f"mark-{kind}" for kind in mark.kinds])
    attributes = {
        "id": mark.id,
        "class": classes,
        "data-fields": " ".join(mark.fields),
        "data-tasks": " ".join(map(str, mark.tasks)),
        "data-label": label,
        "title": label,
        "tabindex": "0",
    }
    return "<mark " + " ".join(f'{name}="{escape(value)}"' for name, value in attributes.items() if value) + ">"
