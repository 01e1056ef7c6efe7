"""Login, logout, throttling, server-side session revocation, CSRF."""

import datetime as dt

from sqlalchemy import select

from coordination import clock
from coordination.accounts.models import LoginAttempt, User
from tests.conftest import login


def test_each_demo_user_logs_in_and_sees_the_navigation_of_their_role(testapp, demo):
    expected = {
        "admin": ({"Cơ quan", "Nhóm cơ quan", "Người dùng"}, {"Nhiệm vụ của cơ quan"}),
        "lanhdao": (set(), {"Người dùng", "Cơ quan"}),
        "chuyenvien": (set(), {"Người dùng"}),
        "canbo.sldtbxh": (set(), {"Người dùng", "Cơ quan"}),
    }
    for user_login, (present, absent) in expected.items():
        home = login(testapp, user_login)
        nav = {a.text for a in home.html.select("nav.main-nav a")}
        assert "Trang chủ" in nav
        assert present <= nav, (user_login, nav)
        assert not (absent & nav), (user_login, nav)
        user = testapp.app and home.html.select_one(".user-agency").text
        assert user  # the agency of the logged-in user is shown
        testapp.reset()


def test_wrong_password_and_unknown_login_get_the_same_message(testapp, demo):
    wrong_password = login(testapp, "lanhdao", "not-the-password", expect_success=False)
    unknown_login = login(testapp, "nobody", "not-the-password", expect_success=False)
    message = "Tên đăng nhập hoặc mật khẩu không đúng."
    assert message in wrong_password.text
    assert message in unknown_login.text
    assert wrong_password.status_int == unknown_login.status_int == 200


def test_five_failures_lock_the_login_for_fifteen_minutes_even_with_the_right_password(testapp, demo, dbsession):
    start = dt.datetime(2026, 11, 24, 9, 0, tzinfo=clock.LOCAL_TZ)
    clock.set_now(start)
    for _ in range(5):
        login(testapp, "lanhdao", "wrong-password-1", expect_success=False)
    locked = login(testapp, "lanhdao", expect_success=False)
    assert locked.status_int == 200
    assert "tạm khóa" in locked.text
    attempts = dbsession.scalars(select(LoginAttempt).where(LoginAttempt.login == "lanhdao")).all()
    assert [a.success for a in attempts] == [False] * 5  # the locked try does not even check

    clock.set_now(start + dt.timedelta(minutes=14))
    assert "tạm khóa" in login(testapp, "lanhdao", expect_success=False).text
    clock.set_now(start + dt.timedelta(minutes=16))
    assert login(testapp, "lanhdao").status_int == 200
    # another login was never affected
    testapp.reset()
    assert login(testapp, "chuyenvien").status_int == 200


def test_logout_kills_the_cookie_server_side(testapp, demo):
    login(testapp, "chuyenvien")
    stolen_cookie = testapp.cookies["coordination_session"]
    home = testapp.get("/")
    token = home.html.select_one("form[action$='/logout'] input[name=csrf_token]")["value"]
    testapp.post("/logout", {"csrf_token": token}, status=303)
    # replaying the cookie captured before logout must not work
    testapp.set_cookie("coordination_session", stolen_cookie)
    assert testapp.get("/", status=302).location.startswith("http://example.com/login")


def test_password_change_ends_other_sessions_and_keeps_this_one(app, testapp, demo, tm, dbsession):
    import webtest

    other = webtest.TestApp(app, extra_environ=dict(testapp.extra_environ))
    login(other, "canbo.stc")
    login(testapp, "canbo.stc")
    form = testapp.get("/account/password").forms["deform"]
    form["current_password"] = "canbo.stc-password"
    form["new_password"] = "a-new-password-123"
    form["new_password-confirm"] = "a-new-password-123"
    assert form.submit("save").status_int == 303
    assert testapp.get("/").status_int == 200
    assert other.get("/", status=302)
    testapp.reset()
    assert login(testapp, "canbo.stc", "a-new-password-123").status_int == 200


def test_password_change_with_wrong_current_password_changes_nothing(testapp, demo, dbsession):
    login(testapp, "canbo.stc")
    before = dbsession.scalar(select(User.password_hash).where(User.login == "canbo.stc"))
    form = testapp.get("/account/password").forms["deform"]
    form["current_password"] = "wrong"
    form["new_password"] = form["new_password-confirm"] = "a-new-password-123"
    page = form.submit("save")
    assert page.status_int == 200
    assert "Mật khẩu hiện tại không đúng." in page.text
    assert dbsession.scalar(select(User.password_hash).where(User.login == "canbo.stc")) == before


def test_session_and_csrf_token_rotate_at_login(testapp, demo):
    page = testapp.get("/login")
    token_before = page.forms["deform"]["csrf_token"].value
    cookie_before = testapp.cookies.get("coordination_session")
    home = login(testapp, "chuyenvien")
    token_after = home.html.select_one("form[action$='/logout'] input[name=csrf_token]")["value"]
    assert token_after != token_before
    assert testapp.cookies["coordination_session"] != cookie_before


def test_post_without_csrf_token_is_refused(testapp, demo):
    login(testapp, "admin")
    response = testapp.post("/admin/agencies/new", {"code": "X", "name": "Sở X"}, status=400)
    assert "CSRF" in response.text or response.status_int == 400
    response = testapp.post("/logout", {}, status=400)


def test_an_https_post_from_another_origin_is_refused_even_with_the_token(testapp, demo):
    # pyramid checks Origin/Referer on HTTPS, which is how production is served
    https = {"wsgi.url_scheme": "https"}
    page = testapp.get("/login", extra_environ=https)
    form = page.forms["deform"]
    form["login"] = "lanhdao"
    form["password"] = "lanhdao-password"
    form.submit("sign_in", headers={"Origin": "https://evil.example"}, extra_environ=https, status=400)
    form.submit("sign_in", headers={"Origin": "https://example.com"}, extra_environ=https, status=303)


def test_session_cookie_flags(testapp, demo):
    page = testapp.get("/login")
    header = page.headers.get("Set-Cookie", "")
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
