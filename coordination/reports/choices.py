"""What the report form offers to choose from, as the viewer may see it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..dates import format_date
from ..directives.models import Directive, DirectiveType
from ..organizations.models import Agency, AgencyKind
from .model import SCOPE_AGENCY, ReportScope
from .models import StoredReport
from .ranking import vietnamese_key
from .scope import Viewer, task_conditions
from ..tasks.models import Task

MAX_DIRECTIVES = 500


def _directives_with_tasks(viewer: Viewer):
    """Directives that assigned tasks the viewer may see (every issued one for the office)."""
    if viewer.all_agencies:
        return select(Task.directive_id)
    scope = ReportScope(kind=SCOPE_AGENCY, description="", agency_id=viewer.agency_id)
    return select(Task.directive_id).where(*task_conditions(scope))


def form_choices(dbsession: Session, viewer: Viewer) -> dict[str, list[tuple[str, str]]]:
    """Choices of the report form's selects, keyed as ``forms.ReportForm`` binds them."""
    directives = dbsession.scalars(
        select(Directive).where(Directive.number.is_not(None), Directive.id.in_(_directives_with_tasks(viewer)))
        .order_by(Directive.issued_on.desc(), Directive.id.desc()).limit(MAX_DIRECTIVES)).all()
    issuers = dbsession.scalars(select(Agency).where(Agency.id.in_(
        select(Directive.issuer_id).where(Directive.id.in_(_directives_with_tasks(viewer)))))).all()
    types = dbsession.scalars(select(DirectiveType).where(DirectiveType.active.is_(True)).order_by(DirectiveType.name)).all()
    signers = dbsession.scalars(select(Directive.signer_name).where(
        Directive.signer_name.is_not(None), Directive.id.in_(_directives_with_tasks(viewer))).distinct()).all()
    out = {
        "directive_choices": [(str(d.id), f"{d.number_symbol} ngày {format_date(d.issued_on)} — {_short(d.subject)}")
                              for d in directives],
        "issuer_choices": sorted(((a.code, a.name) for a in issuers), key=lambda c: vietnamese_key(c[1])),
        "type_choices": [(t.code, t.name) for t in types],
        "signer_choices": sorted(((s, s) for s in signers if s), key=lambda c: vietnamese_key(c[1])),
    }
    if viewer.all_agencies:
        agencies = dbsession.execute(
            select(Agency, AgencyKind.level).join(AgencyKind, AgencyKind.id == Agency.kind_id)
            .where(Agency.id.in_(select(Task.lead_agency_id).distinct()))).all()
        agencies.sort(key=lambda row: (row[1], vietnamese_key(row[0].name)))
        out["agency_choices"] = [(a.code, a.name) for a, _level in agencies]
    return out


def _short(text: str, limit: int = 70) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def stored_reports(dbsession: Session, limit: int = 24) -> list[StoredReport]:
    """The latest reports kept as issued (the monthly reports), newest cut-off first."""
    return list(dbsession.scalars(
        select(StoredReport).order_by(StoredReport.as_of.desc(), StoredReport.id.desc()).limit(limit)))
