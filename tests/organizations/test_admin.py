"""Admin pages for agencies and groups: create, edit, deactivate; bad input stores nothing."""

from sqlalchemy import func, select

from coordination.organizations.models import Agency, AgencyGroup
from tests.conftest import login


def _count(dbsession, model):
    return dbsession.scalar(select(func.count()).select_from(model))


def test_admin_creates_an_agency_with_aliases_and_parent(testapp, demo, dbsession):
    login(testapp, "admin")
    form = testapp.get("/admin/agencies/new").forms["deform"]
    form["code"] = "SXD"
    form["name"] = "Sở Xây dựng"
    form["aliases"] = "Sở XD tỉnh\n\n  Sở Xây dựng Hưng Yên  \n"
    form["short_name"] = "Sở XD"
    form["kind_id"].select(text="Sở, ban, ngành")
    form["parent_id"].select(text="Ủy ban nhân dân tỉnh Hưng Yên")
    form["email"] = "sxd@hungyen.gov.vn"
    assert form.submit("save").status_int == 303
    agency = dbsession.scalar(select(Agency).where(Agency.code == "SXD"))
    assert agency.name == "Sở Xây dựng"
    assert agency.parent.code == "UBND"
    assert agency.kind.code == "department"
    assert agency.name_key == "so xay dung"
    assert agency.aliases == ["Sở XD tỉnh", "Sở Xây dựng Hưng Yên"]
    # and the edit form shows them back one per line
    edit = testapp.get(f"/admin/agencies/{agency.id}").forms["deform"]
    assert edit["aliases"].value == "Sở XD tỉnh\nSở Xây dựng Hưng Yên"


def test_nfd_input_is_stored_as_nfc(testapp, demo, dbsession):
    import unicodedata

    login(testapp, "admin")
    form = testapp.get("/admin/agencies/new").forms["deform"]
    form["code"] = "SCT"
    form["name"] = unicodedata.normalize("NFD", "Sở Công Thương")
    form["kind_id"].select(text="Sở, ban, ngành")
    form.submit("save", status=303)
    name = dbsession.scalar(select(Agency.name).where(Agency.code == "SCT"))
    assert name == unicodedata.normalize("NFC", "Sở Công Thương")


def test_bad_agency_input_shows_messages_and_stores_nothing(testapp, demo, dbsession):
    login(testapp, "admin")
    before = _count(dbsession, Agency)
    form = testapp.get("/admin/agencies/new").forms["deform"]
    form["code"] = "STC"  # taken
    form["name"] = ""
    form["email"] = "not-an-email"
    page = form.submit("save")
    assert page.status_int == 200
    assert "Mã này đã được dùng." in page.text
    assert page.html.select(".has-error") or "error" in page.text
    assert _count(dbsession, Agency) == before


def test_an_agency_cannot_become_its_own_ancestor(testapp, demo, dbsession):
    login(testapp, "admin")
    ubnd = dbsession.scalar(select(Agency).where(Agency.code == "UBND"))
    form = testapp.get(f"/admin/agencies/{ubnd.id}").forms["deform"]
    form["parent_id"].select(text="Sở Lao động - Thương binh và Xã hội")  # a child of UBND
    page = form.submit("save")
    assert page.status_int == 200
    assert "cấp trên" in page.text
    dbsession.refresh(ubnd)
    assert ubnd.parent_id is None


def test_deactivating_an_agency_keeps_it_but_drops_it_from_group_expansion(testapp, demo, dbsession):
    from coordination.organizations.services import expand

    login(testapp, "admin")
    district = dbsession.scalar(select(Agency).where(Agency.code == "H-PHUCU"))
    form = testapp.get(f"/admin/agencies/{district.id}").forms["deform"]
    form["active"] = False
    form.submit("save", status=303)
    dbsession.refresh(district)
    assert district.active is False
    codes = [a.code for a in expand(dbsession, ["HUYEN"])]
    assert "H-PHUCU" not in codes and len(codes) == 9


def test_a_province_without_district_level_works(dbsession, demo):
    """The tree is data: abolishing the district level is deactivating agencies, not code."""
    from coordination.organizations.services import expand

    for agency in dbsession.scalars(select(Agency).where(Agency.code.like("H-%"))):
        agency.active = False
    dbsession.flush()
    assert expand(dbsession, ["HUYEN"]) == []
    assert {a.code for a in expand(dbsession, ["SO-NGANH", "STC"])} >= {"STC", "SLDTBXH"}


def test_admin_edits_group_membership(testapp, demo, dbsession):
    login(testapp, "admin")
    group = dbsession.scalar(select(AgencyGroup).where(AgencyGroup.code == "BAO-CHI"))
    form = testapp.get(f"/admin/groups/{group.id}").forms["deform"]
    stttt = dbsession.scalar(select(Agency).where(Agency.code == "STTTT"))
    members = form.fields["checkbox"]  # deform names each checkbox of the set "checkbox"
    assert sorted(f._value for f in members if f.checked) == sorted(str(m.id) for m in group.members)
    for field in members:
        if field._value == str(stttt.id):
            field.checked = True
    form.submit("save", status=303)
    dbsession.refresh(group)
    assert {m.code for m in group.members} == {"BAO", "DAI", "STTTT"}


def test_group_code_may_not_reuse_an_agency_code(testapp, demo, dbsession):
    login(testapp, "admin")
    form = testapp.get("/admin/groups/new").forms["deform"]
    form["code"] = "STC"
    form["name"] = "Nhóm thử"
    page = form.submit("save")
    assert "Mã này đã được dùng." in page.text
    assert dbsession.scalar(select(AgencyGroup).where(AgencyGroup.name == "Nhóm thử")) is None


def test_admin_pages_are_for_admins_only(testapp, demo):
    login(testapp, "lanhdao")
    for path in ("/admin/agencies", "/admin/agencies/new", "/admin/groups", "/admin/users"):
        testapp.get(path, status=403)
