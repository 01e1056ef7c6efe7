"""Read a Vietnamese administrative directive's plain text and propose its header and tasks.

Pure standard library, no database::

    parsed = parse_directive(text, registry)      # registry: a sequence of AgencyEntry, optional
    parsed.to_json()                               # the shape the import form and API use
    parsed.tasks[0].deadline.rrule, parsed.tasks[0].lead.span, parsed.targets ...

Nothing is ever dropped for want of a registry: an agency the registry does not know is proposed
as written with ``code=None`` (``is_new``). Dates written without a year take the directive's
year; when the directive has no date, ``today`` if given, else the latest date among the
documents it cites (it cannot be older than them), else the current date.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Sequence

from .agencies import Recognizer
from .header import (copy_list, doc_type, header_issuer, infer_issuer, layout, number, place_and_date,
                     province, signer)
from .model import (AgencyEntry, AgencyMention, Deadline, ParsedDirective, ParsedTask, Reference, Signer,
                    Target)
from .references import find_references
from .structure import parse_body
from .tables import find_tables, table_tasks
from .targets import find_targets
from .tasks import TaskReader
from .text import MText, flatten, fold, normalize

__all__ = [
    "AgencyEntry", "AgencyMention", "Deadline", "ParsedDirective", "ParsedTask", "Reference", "Signer",
    "Target", "find_agencies", "parse_directive", "normalize",
]

_CACHE: dict[tuple, Recognizer] = {}


def recognizer_for(registry: Sequence[AgencyEntry] | None) -> Recognizer:
    """A compiled recognizer, reused while the registry is the same."""
    k = tuple(registry or ())
    rec = _CACHE.get(k)
    if rec is None:
        if len(_CACHE) > 8:
            _CACHE.clear()
        rec = _CACHE[k] = Recognizer(k)
    return rec


def parse_directive(text: str, registry: Sequence[AgencyEntry] | None = None, *,
                    today: date | None = None) -> ParsedDirective:
    rec = recognizer_for(registry)
    mt = normalize(text)
    lay = layout(mt)
    num, symbol, num_span = number(lay)
    place, when, place_span, date_span = place_and_date(lay)
    dtype, type_span = doc_type(lay, symbol)
    sig = signer(lay)
    main = flatten(MText.join("\n", lay.lines[:lay.main_end]))
    issuer, issuer_span = header_issuer(lay)
    if issuer is None:
        prov = province(lay, place, main)
        opening = " ".join(x.s for x in ([lay.subject] if lay.subject else [])
                           + lay.lines[lay.body_start:lay.body_start + 12])
        issuer = infer_issuer(symbol, prov, sig, opening)
    references = find_references(main, rec, num)
    cited = [r.date for r in references if r.date]
    ref_date = when or today or (max(cited) if cited else None) or date.today()
    recipients = [m for r in lay.recipients for m in rec.match_items(r)]
    copy_to = [m for c in copy_list(lay) for m in rec.match_items(c)]
    reader = TaskReader(rec, issuer, recipients, ref_date, dtype)
    tables = find_tables(lay.lines, lay.body_start, lay.main_end)
    body_lines = list(lay.lines[lay.body_start:lay.body_end])
    for t in tables:  # table rows are read as tables, not as paragraphs
        for i in range(max(t.first, lay.body_start), min(t.last, lay.body_end)):
            body_lines[i - lay.body_start] = body_lines[i - lay.body_start][0:0]
    body = parse_body(body_lines, reader.is_heading)
    tasks = reader.tasks(body)
    for t in tables:
        tasks.extend(table_tasks(t, reader))
    targets = find_targets(body)
    _attach_targets(tasks, targets, body, rec)
    body_span = None
    if lay.body_end > lay.body_start:
        body_text = MText.join("\n", lay.lines[lay.body_start:lay.body_end]).strip()
        body_span = body_text.span() if body_text.s else None
    attachment = MText.join("\n", lay.lines[lay.main_end:]).strip()
    return ParsedDirective(
        number=num, type=dtype, place=place, date=when, issuer=issuer,
        subject=lay.subject.s if lay.subject else None,
        recipients=recipients, copy_to=copy_to, signer=sig, references=references, tasks=tasks,
        targets=targets, number_span=num_span, date_span=date_span, place_span=place_span,
        subject_span=lay.subject.span() if lay.subject else None, type_span=type_span,
        issuer_span=issuer_span, body_span=body_span,
        attachment_span=attachment.span() if attachment.s else None, reference_date=ref_date,
    )


def find_agencies(text: str, registry: Sequence[AgencyEntry] | None = None) -> list[AgencyMention]:
    """Every agency named in ``text``, left to right, with spans into ``text`` (for highlighting)."""
    return recognizer_for(registry).mentions_in(normalize(text))


def _ident(m: AgencyMention) -> str:
    return m.code or " ".join(fold(m.text).lower().split())


def _attach_targets(tasks: list[ParsedTask], targets: list[Target], body, rec: Recognizer) -> None:
    """Directive-level targets go on the first task of the agency responsible for the plan: the one
    results are reported to ("báo cáo … về Sở X"), else the most frequent lead."""
    if not targets or not tasks:
        return
    responsible = None
    for node in body.nodes:
        s, f = node.text.s, fold(node.text.s)
        for m in re.finditer(r"bao\s+cao[^.;:]{0,80}?\s(?:ve|cho|toi|den)\s+", f, re.I):
            a = rec.match_at(f, s, m.end())
            if a and a.kind != "tail":
                responsible = _ident(rec.mention(node.text, a))
    leads = Counter(_ident(t.lead) for t in tasks)
    if responsible not in leads:
        responsible = leads.most_common(1)[0][0]
    for t in tasks:
        if _ident(t.lead) == responsible:
            t.targets = list(targets)
            return
