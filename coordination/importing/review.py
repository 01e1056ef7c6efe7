"""Reviewing an imported directive: the proposal as directive-form values, the source text with
what was recognised marked, and the agencies the registry does not know. Nothing is stored."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..directives.drafting import default_issuer, default_place, issuers
from ..directives.models import DirectiveType
from ..i18n import _
from ..text import search_key
from . import marks as marking
from .parser import ParsedDirective
from .proposal import Defaults, interpolate, proposal_to_form
from .services import propose


@dataclass
class UnknownAgency:
    """An agency a task names that the registry does not know, as written, and where it is named."""

    text: str
    places: list[str] = field(default_factory=list)   # "chủ trì: nhiệm vụ 5, 6"
    mark_id: str | None = None                          # the first mark of it in the source view


@dataclass
class Review:
    source: str                 # the text as read, line endings made "\n" (spans point into it)
    parsed: ParsedDirective
    values: dict                # the directive form's values, ``source`` included
    marks: list[marking.Mark]
    unknown: list[UnknownAgency]
    source_html: Markup


def read_source(text: str) -> str:
    """The text with "\\r\\n" and "\\r" made "\\n": browsers post form fields with CRLF; the source
    view shows one kind of line end whichever way the text came in."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def defaults_for(dbsession: Session) -> Defaults:
    """Directive types and issuing agencies by every name the text may use for them."""
    types = {search_key(t.name): t.code
             for t in dbsession.scalars(select(DirectiveType).where(DirectiveType.active.is_(True)))}
    names: dict[str, str] = {}
    for agency in issuers(dbsession):
        for name in (agency.name, agency.short_name, *(agency.aliases or ())):
            if name:
                names.setdefault(search_key(name), agency.code)
    issuer = default_issuer(dbsession)
    return Defaults(types=types, issuers=names, issuer=issuer.code if issuer else None,
                    place=default_place(issuer), type="cong-van" if "cong-van" in types.values()
                    else next(iter(types.values()), "cong-van"))


def review_directive(dbsession: Session, text: str, translate=None) -> Review:
    """Parse ``text`` against the registry and prepare everything the review page shows.

    ``translate`` (a request's) renders notes and labels; the form values include ``source``
    (the text as read) so that a failed save can show the same review again.
    """
    translate = translate or interpolate
    source = read_source(text)
    parsed = propose(dbsession, source)
    values = proposal_to_form(parsed, source, defaults_for(dbsession), translate)
    values["source"] = source
    marks = marking.collect(pieces(parsed, translate), len(source))
    kept = marking.nested(marks)
    return Review(
        source=source, parsed=parsed, values=values, marks=kept,
        unknown=unknown_agencies(parsed, {m.id for m in kept}, translate),
        source_html=marking.render(source, kept, translate(_("NV"))),
    )


def pieces(parsed: ParsedDirective, translate) -> list[marking.Piece]:
    """Every recognised piece of ``parsed`` with a span, labelled with the field it filled."""
    Piece = marking.Piece
    out: list[Piece] = []

    def add(span, kind, label, field_name=None, task=None):
        if span:
            out.append(Piece(tuple(span), kind, translate(label), field_name, task))

    add(parsed.number_span, "number", _("Số, ký hiệu: không chép"))
    add(parsed.date_span, "date", _("Ngày: không chép"))
    add(parsed.type_span, "header", _("Loại văn bản"), "type")
    add(parsed.issuer_span, "header", _("Cơ quan ban hành"), "issuer")
    add(parsed.place_span, "header", _("Địa danh"), "place")
    add(parsed.subject_span, "header", _("Trích yếu"), "subject")
    for mention in parsed.recipients:
        add(mention.span, "recipient", _("Kính gửi"), "addressees")
    for reference in parsed.references:
        add(reference.span, "reference", _("Văn bản viện dẫn"), "references")
    for index, task in enumerate(parsed.tasks):
        prefix = f"tasks.{index}"
        add(task.paragraph_span, "paragraph", _("Mục"), f"{prefix}.paragraph", index)
        if task.lead.is_new:
            add(task.lead.span, "lead-new", _("Chủ trì — chưa có trong danh mục"), f"{prefix}.lead", index)
        else:
            add(task.lead.span, "lead", _("Chủ trì"), f"{prefix}.lead", index)
        for mention in task.coordinating:
            if mention.is_new:
                add(mention.span, "coordinating-new", _("Phối hợp — chưa có trong danh mục"),
                    f"{prefix}.coordinating", index)
            else:
                add(mention.span, "coordinating", _("Phối hợp"), f"{prefix}.coordinating", index)
        add(task.deadline.span, "deadline", _("Thời hạn"), f"{prefix}.deadline", index)
        for target in task.targets:
            add(target.span, "target", _("Chỉ tiêu"), f"{prefix}.targets", index)
    for mention in parsed.copy_to:
        add(mention.span, "recipient", _("Nơi nhận"), "copy_to")
    add(parsed.signer.capacity_span, "signer", _("Thẩm quyền ký"), "signer_capacity")
    add(parsed.signer.name_span, "signer", _("Người ký"), "signer_name")
    return out


def unknown_agencies(parsed: ParsedDirective, mark_ids: set[str], translate) -> list[UnknownAgency]:
    """The agencies tasks name that the registry does not know, once each, in order of appearance."""
    found: dict[str, UnknownAgency] = {}
    roles: dict[str, dict[str, list[int]]] = {}
    for index, task in enumerate(parsed.tasks):
        mentions = [(task.lead, "lead")] + [(m, "coordinating") for m in task.coordinating]
        for mention, role in mentions:
            if not mention.is_new:
                continue
            key = search_key(mention.text)
            entry = found.setdefault(key, UnknownAgency(text=mention.text))
            numbers = roles.setdefault(key, {}).setdefault(role, [])
            if index + 1 not in numbers:
                numbers.append(index + 1)
            if entry.mark_id is None and mention.span:
                mark_id = marking.Mark(*mention.span).id
                entry.mark_id = mark_id if mark_id in mark_ids else None
    for key, entry in found.items():
        for role, numbers in roles[key].items():
            message = (_("chủ trì: nhiệm vụ ${numbers}", mapping={"numbers": ", ".join(map(str, numbers))})
                       if role == "lead" else
                       _("phối hợp: nhiệm vụ ${numbers}", mapping={"numbers": ", ".join(map(str, numbers))}))
            entry.places.append(translate(message))
    return list(found.values())
