"""A report request from query parameters (the download URLs and the JSON API share them):

    directive=<id>  issuer=<agency code>  agency=<agency code>  type=<directive type code>
    signer=<name>   from=<date>  to=<date>  as_of=<date>  format=html|json|csv|xlsx|docx|pdf

Dates are dd/mm/yyyy or yyyy-mm-dd; ``as_of`` defaults to today and may not lie in the future (the
figures of a day that has not ended are not known). :func:`parse` returns a
:class:`ReportRequest` with the scope resolved (codes to ids), named (``description``, ``title``)
and narrowed to what the viewer may see, or raises :class:`BadRequest` with one message per field.
An agency user naming another agency gets :class:`NotYours`: nothing about it is looked up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import colander
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ..clock import today as clock_today
from ..dates import format_date, parse_date
from ..directives.models import Directive, DirectiveType
from ..i18n import _
from ..organizations.models import Agency
from ..tasks.models import Task
from ..text import clean
from .model import SCOPE_AGENCY, SCOPE_ALL, SCOPE_DIRECTIVE, SCOPE_DIRECTIVES, ReportScope
from .scope import Viewer, task_conditions

FORMATS = ("html", "json", "csv", "xlsx", "docx", "pdf")
EARLIEST = dt.date(2000, 1, 1)


class BadRequest(ValueError):
    def __init__(self, fields: dict[str, str]):
        super().__init__(fields)
        self.fields = fields


class NotYours(Exception):
    """An agency user asked for another agency's figures."""


class DateParam(colander.SchemaType):
    """A date typed dd/mm/yyyy (as officials write it) or yyyy-mm-dd (as browsers send it)."""

    def serialize(self, node, appstruct):
        return colander.null if appstruct in (None, colander.null) else appstruct.isoformat()

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, None, ""):
            return colander.null
        try:
            return parse_date(str(cstruct))
        except (ValueError, TypeError):
            raise colander.Invalid(node, _("Ngày không hợp lệ (nhập dạng ngày/tháng/năm).")) from None


def _code(node, value):
    if len(value) > 40:
        raise colander.Invalid(node, _("Mã không hợp lệ."))


class ReportParams(colander.MappingSchema):
    directive = colander.SchemaNode(colander.Int(), missing=None)
    issuer = colander.SchemaNode(colander.String(), missing=None, validator=_code)
    agency = colander.SchemaNode(colander.String(), missing=None, validator=_code)
    type = colander.SchemaNode(colander.String(), missing=None, validator=_code)
    signer = colander.SchemaNode(colander.String(), missing=None, validator=colander.Length(max=200))
    date_from = colander.SchemaNode(DateParam(), name="from", missing=None)
    date_to = colander.SchemaNode(DateParam(), name="to", missing=None)
    as_of = colander.SchemaNode(DateParam(), missing=None)
    format = colander.SchemaNode(colander.String(), missing=None, validator=colander.OneOf(FORMATS))


@dataclass(frozen=True)
class ReportRequest:
    scope: ReportScope
    as_of: dt.date
    format: str
    title: str
    query: dict[str, str]  # the request as canonical query parameters (links, other formats)

    def with_format(self, fmt: str) -> dict[str, str]:
        return {**self.query, "format": fmt}


def _blank_to_none(params) -> dict:
    out = {}
    for name in ("directive", "issuer", "agency", "type", "signer", "from", "to", "as_of", "format"):
        value = clean(params.get(name)) if params.get(name) is not None else None
        if value:
            out[name] = value
    return out


def _directive_words(directive: Directive) -> str:
    kind = directive.type.name if directive.type is not None else "Văn bản"
    return f"{kind} số {directive.number_symbol} ngày {format_date(directive.issued_on)} của {directive.issuer.name}"


def parse(dbsession: Session, viewer: Viewer, params, *, default_format: str = "html") -> ReportRequest:
    """The report asked for by ``params`` (a mapping of query parameters), as ``viewer`` may see it."""
    try:
        values = ReportParams().deserialize(_blank_to_none(params))
    except colander.Invalid as invalid:
        raise BadRequest({k: v for k, v in invalid.asdict().items()}) from None
    values["date_from"], values["date_to"] = values.pop("from"), values.pop("to")
    fields: dict[str, str] = {}
    today = clock_today()
    as_of = values["as_of"] or today
    if as_of > today:
        fields["as_of"] = _("Ngày chốt số liệu không được sau ngày hôm nay.")
    elif as_of < EARLIEST:
        fields["as_of"] = _("Ngày chốt số liệu không hợp lệ.")
    if values["date_from"] and values["date_to"] and values["date_from"] > values["date_to"]:
        fields["to"] = _("Khoảng thời gian kết thúc trước khi bắt đầu.")

    agency = None
    if values["agency"]:
        agency = dbsession.scalar(select(Agency).where(Agency.code == values["agency"]))
        if agency is None and not viewer.all_agencies:
            raise NotYours()
        if agency is None:
            fields["agency"] = _("Không có cơ quan mang mã này.")
        elif not viewer.all_agencies and agency.id != viewer.agency_id:
            raise NotYours()
    if agency is None and not viewer.all_agencies:
        agency = viewer.user.agency
    issuer = None
    if values["issuer"]:
        issuer = dbsession.scalar(select(Agency).where(Agency.code == values["issuer"]))
        if issuer is None:
            fields["issuer"] = _("Không có cơ quan mang mã này.")
    kind = None
    if values["type"]:
        kind = dbsession.scalar(select(DirectiveType).where(DirectiveType.code == values["type"]))
        if kind is None:
            fields["type"] = _("Không có loại văn bản này.")
    directive = None
    if values["directive"] is not None:
        directive = dbsession.get(Directive, values["directive"])
        if directive is None or directive.number is None or not _visible(dbsession, viewer, directive):
            fields["directive"] = _("Không tìm thấy văn bản chỉ đạo.")
            directive = None
    if fields:
        raise BadRequest(fields)

    scope = _scope(agency, issuer, kind, directive, values)
    query = {k: v for k, v in {
        "directive": str(directive.id) if directive else None, "issuer": issuer.code if issuer else None,
        "agency": agency.code if agency else None, "type": kind.code if kind else None, "signer": values["signer"],
        "from": values["date_from"].isoformat() if values["date_from"] else None,
        "to": values["date_to"].isoformat() if values["date_to"] else None, "as_of": as_of.isoformat(),
    }.items() if v}
    return ReportRequest(scope=scope, as_of=as_of, format=values["format"] or default_format,
                         title=_title(agency, directive), query=query)


def _visible(dbsession: Session, viewer: Viewer, directive: Directive) -> bool:
    """An agency user may name a directive only if it gave their agency (or its units) a task."""
    if viewer.all_agencies:
        return True
    probe = ReportScope(kind=SCOPE_AGENCY, description="", agency_id=viewer.agency_id)
    return bool(dbsession.scalar(select(exists().where(Task.directive_id == directive.id, *task_conditions(probe)))))


def _scope(agency, issuer, kind, directive, values) -> ReportScope:
    parts = []
    if directive is not None:
        parts.append(_directive_words(directive))
    else:
        words = "các văn bản chỉ đạo"
        if kind is not None:
            words = f"các văn bản loại {kind.name.lower()}"
        if issuer is not None:
            words += f" của {issuer.name}"
        if values["signer"]:
            words += f" do {values['signer']} ký"
        start, end = values["date_from"], values["date_to"]
        if start and end:
            words += f" ban hành từ ngày {format_date(start)} đến ngày {format_date(end)}"
        elif start:
            words += f" ban hành từ ngày {format_date(start)}"
        elif end:
            words += f" ban hành đến ngày {format_date(end)}"
        if words != "các văn bản chỉ đạo" or agency is None:
            parts.append(words if words != "các văn bản chỉ đạo" else "toàn bộ các văn bản chỉ đạo được theo dõi")
    filtered = any(values[k] for k in ("signer", "date_from", "date_to")) or issuer or kind
    if agency is not None:
        own = (f"các nhiệm vụ do {agency.name} chủ trì thực hiện (kể cả nhiệm vụ {agency.name} giao các đơn vị "
               f"thực hiện)")
        parts.insert(0, own)
    description = ", theo ".join(parts) if agency is not None and len(parts) > 1 else ", ".join(parts)
    if directive is not None:
        scope_kind = SCOPE_DIRECTIVE
    elif filtered:
        scope_kind = SCOPE_DIRECTIVES
    elif agency is not None:
        scope_kind = SCOPE_AGENCY
    else:
        scope_kind = SCOPE_ALL
    return ReportScope(
        kind=scope_kind, description=description, directive_ids=(directive.id,) if directive else (),
        agency_id=agency.id if agency else None, issuer_id=issuer.id if issuer else None,
        directive_type=kind.code if kind else None, signer=values["signer"],
        date_from=values["date_from"], date_to=values["date_to"],
    )


def _title(agency, directive) -> str:
    title = "Tình hình thực hiện nhiệm vụ được giao"
    if directive is not None:
        kind = directive.type.name if directive.type is not None else "Văn bản"
        title += f" tại {kind} số {directive.number_symbol} ngày {format_date(directive.issued_on)}"
    if agency is not None:
        title += f" của {agency.name}"
    return title
