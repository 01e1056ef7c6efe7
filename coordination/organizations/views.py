"""Admin pages: agencies and groups."""

from __future__ import annotations

import colander
import deform
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config
from sqlalchemy import select

from ..forms import make_form
from ..i18n import _
from ..paths import template
from ..security import ADMINISTER
from . import services
from .forms import AgencySchema, GroupSchema
from .models import Agency, AgencyGroup


def _get(request, model):
    obj = request.dbsession.get(model, int(request.matchdict["id"])) if "id" in request.matchdict else None
    if "id" in request.matchdict and obj is None:
        raise HTTPNotFound()
    return obj


@view_config(route_name="admin_agencies", renderer=template("admin/agencies.pt"), permission=ADMINISTER)
def agencies_list(request):
    return {"agencies": services.agencies(request.dbsession), "page_title": request.translate("Cơ quan")}


def _agency_form(request, agency: Agency | None):
    dbsession = request.dbsession
    all_agencies = services.agencies(dbsession)
    taken = {a.code for a in all_agencies if agency is None or a.id != agency.id}
    taken |= set(dbsession.scalars(select(AgencyGroup.code)))  # one namespace: the API takes either

    def parent_validator(node, value):
        if agency is not None and value is not None:
            parent = dbsession.get(Agency, value)
            if parent is None or services.would_create_cycle(agency, parent):
                raise colander.Invalid(node, _("Không thể chọn cơ quan này (hoặc đơn vị trực thuộc của nó) làm cấp trên."))

    schema = AgencySchema().bind(
        request=request,
        taken_codes=taken,
        kind_choices=[(k.id, k.name) for k in services.kinds(dbsession)],
        parent_choices=[(a.id, a.name) for a in all_agencies if agency is None or a.id != agency.id],
        parent_validator=parent_validator,
    )
    return make_form(request, schema)


@view_config(route_name="admin_agency_new", renderer=template("form.pt"), permission=ADMINISTER)
@view_config(route_name="admin_agency_edit", renderer=template("form.pt"), permission=ADMINISTER)
def agency_edit(request):
    agency = _get(request, Agency)
    form = _agency_form(request, agency)
    title = request.translate("Sửa cơ quan") if agency else request.translate("Thêm cơ quan")
    if request.method == "POST":
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            return {"form": failure.render(), "page_title": title}
        agency = services.save_agency(request.dbsession, agency, appstruct)
        request.session.flash(request.translate("Đã lưu cơ quan ${name}.", mapping={"name": agency.name}), "success")
        return HTTPSeeOther(location=request.route_url("admin_agencies"))
    if agency is None:
        return {"form": form.render(), "page_title": title}
    appstruct = {
        "code": agency.code,
        "name": agency.name,
        "short_name": agency.short_name,
        "aliases": list(agency.aliases or []),
        "kind_id": agency.kind_id,
        "parent_id": agency.parent_id,
        "email": agency.email,
        "active": agency.active,
    }
    return {"form": form.render({k: v for k, v in appstruct.items() if v is not None}), "page_title": title}


@view_config(route_name="admin_groups", renderer=template("admin/groups.pt"), permission=ADMINISTER)
def groups_list(request):
    return {"groups": services.groups(request.dbsession), "page_title": request.translate("Nhóm cơ quan")}


@view_config(route_name="admin_group_new", renderer=template("form.pt"), permission=ADMINISTER)
@view_config(route_name="admin_group_edit", renderer=template("form.pt"), permission=ADMINISTER)
def group_edit(request):
    group = _get(request, AgencyGroup)
    dbsession = request.dbsession
    taken = {code for code in dbsession.scalars(select(AgencyGroup.code)) if group is None or code != group.code}
    taken |= set(dbsession.scalars(select(Agency.code)))  # one namespace: the API takes either
    schema = GroupSchema().bind(
        request=request,
        taken_codes=taken,
        agency_choices=[(str(a.id), a.name) for a in services.agencies(dbsession, active_only=True)],
    )
    form = make_form(request, schema)
    title = request.translate("Sửa nhóm cơ quan") if group else request.translate("Thêm nhóm cơ quan")
    if request.method == "POST":
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            return {"form": failure.render(), "page_title": title}
        group = services.save_group(dbsession, group, appstruct)
        request.session.flash(request.translate("Đã lưu nhóm ${name}.", mapping={"name": group.name}), "success")
        return HTTPSeeOther(location=request.route_url("admin_groups"))
    if group is None:
        return {"form": form.render(), "page_title": title}
    appstruct = {
        "code": group.code,
        "name": group.name,
        "aliases": list(group.aliases or []),
        "member_ids": {str(m.id) for m in group.members},
        "active": group.active,
    }
    return {"form": form.render(appstruct), "page_title": title}
