"""Users administration."""

from sqlalchemy import func, select

from coordination.accounts.models import User
from tests.conftest import login


def test_admin_creates_a_user_who_can_then_log_in(app, testapp, demo, dbsession):
    import webtest

    login(testapp, "admin")
    form = testapp.get("/admin/users/new").forms["deform"]
    form["login"] = "canbo.bhxh"
    form["full_name"] = "Nguyễn Văn An"
    form["email"] = "an@bhxh.gov.vn"
    form["agency_id"].select(text="Bảo hiểm xã hội tỉnh")
    next(f for f in form.fields["checkbox"] if f._value == "agency_officer").checked = True
    form["password"] = form["password-confirm"] = "mat-khau-du-dai"
    assert form.submit("save").status_int == 303
    user = dbsession.scalar(select(User).where(User.login == "canbo.bhxh"))
    assert user.roles == {"agency_officer"} and user.agency.code == "BHXH"
    other = webtest.TestApp(app, extra_environ=dict(testapp.extra_environ))
    assert login(other, "canbo.bhxh", "mat-khau-du-dai").status_int == 200


def test_bad_user_input_stores_nothing(testapp, demo, dbsession):
    login(testapp, "admin")
    before = dbsession.scalar(select(func.count()).select_from(User))
    form = testapp.get("/admin/users/new").forms["deform"]
    form["login"] = "lanhdao"  # taken
    form["full_name"] = "X"
    form["password"] = form["password-confirm"] = "short"
    page = form.submit("save")
    assert page.status_int == 200
    assert "Tên đăng nhập này đã được dùng." in page.text
    assert "Chọn ít nhất một vai trò." in page.text
    assert dbsession.scalar(select(func.count()).select_from(User)) == before


def test_deactivating_a_user_ends_their_sessions_in_every_browser(app, testapp, demo, dbsession):
    import webtest

    from coordination.accounts.models import UserSession

    office, phone = (webtest.TestApp(app, extra_environ=dict(testapp.extra_environ)) for _ in range(2))
    login(office, "canbo.stc")
    login(phone, "canbo.stc")
    login(testapp, "admin")
    user = dbsession.scalar(select(User).where(User.login == "canbo.stc"))
    form = testapp.get(f"/admin/users/{user.id}").forms["deform"]
    form["active"] = False
    form.submit("save", status=303)
    assert office.get("/", status=302) and phone.get("/", status=302)
    assert testapp.get("/").status_int == 200  # the administrator's own session goes on
    dbsession.expire_all()
    reasons = dbsession.scalars(select(UserSession.end_reason).where(UserSession.user_id == user.id)).all()
    assert reasons == ["deactivated", "deactivated"]
    assert login(office, "canbo.stc", expect_success=False).status_int == 200
