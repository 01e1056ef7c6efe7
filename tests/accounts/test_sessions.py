"""Server-side sessions: logout ends this browser only; a password change and an administrator end
them all (deactivation: test_admin_users.py); the check costs no extra query and no write per request."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import webtest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from coordination import clock
from coordination.accounts import sessions as user_sessions
from coordination.accounts.models import User, UserSession
from coordination.security import SESSION_ID
from tests.conftest import login

CHROME_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/120.0.0.0 Safari/537.36")
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def browser(app, testapp, user_agent: str | None = None) -> webtest.TestApp:
    """Another browser: its own cookie jar, the same test transaction."""
    environ = dict(testapp.extra_environ)
    if user_agent:
        environ["HTTP_USER_AGENT"] = user_agent
    return webtest.TestApp(app, extra_environ=environ)


def signed_in(browser_app) -> bool:
    response = browser_app.get("/", status="*")
    assert response.status_int in (200, 302), response.status
    return response.status_int == 200


def csrf(page) -> str:
    return page.html.select_one("input[name=csrf_token]")["value"]


def logout(browser_app) -> None:
    browser_app.post("/logout", {"csrf_token": csrf(browser_app.get("/"))}, status=303)


def rows_of(dbsession, user_login: str) -> list[UserSession]:
    user_id = dbsession.scalar(select(User.id).where(User.login == user_login))
    dbsession.expire_all()
    return list(dbsession.scalars(select(UserSession).where(UserSession.user_id == user_id).order_by(UserSession.id)))


def signed_cookie(app, data: dict) -> str:
    """A cookie signed with the application's secret, as a forger who knew it could not make for a
    session the database does not hold: the signature alone must not be enough."""
    from pyramid.interfaces import ISessionFactory
    from pyramid.request import Request
    from pyramid.response import Response

    request = Request.blank("/")
    request.registry = app.registry
    session = app.registry.getUtility(ISessionFactory)(request)
    session.update(data)
    response = Response()
    request._process_response_callbacks(response)
    return response.headers["Set-Cookie"].split(";", 1)[0].split("=", 1)[1]


def test_logout_in_one_browser_leaves_the_other_signed_in(app, testapp, demo, dbsession):
    office, phone = browser(app, testapp, CHROME_WINDOWS), browser(app, testapp, FIREFOX_LINUX)
    login(office, "canbo.stc")
    login(phone, "canbo.stc")
    office_cookie = office.cookies["coordination_session"]
    logout(office)
    assert not signed_in(office)
    assert signed_in(phone)
    office.set_cookie("coordination_session", office_cookie)  # the cookie from before logout
    assert not signed_in(office)
    ended, live = rows_of(dbsession, "canbo.stc")
    assert (ended.end_reason, ended.user_agent) == ("logout", CHROME_WINDOWS)
    assert live.ended_at is None and live.user_agent == FIREFOX_LINUX


def test_a_password_change_ends_every_session_and_starts_a_new_one_here(app, testapp, demo, dbsession):
    office, phone = browser(app, testapp), browser(app, testapp)
    login(office, "canbo.stc")
    login(phone, "canbo.stc")
    old_office_cookie = office.cookies["coordination_session"]
    form = office.get("/account/password").forms["deform"]
    form["current_password"] = "canbo.stc-password"
    form["new_password"] = form["new_password-confirm"] = "a-new-password-123"
    form.submit("save", status=303)
    assert signed_in(office)  # with a new session
    assert not signed_in(phone)
    office.set_cookie("coordination_session", old_office_cookie)
    assert not signed_in(office)
    rows = rows_of(dbsession, "canbo.stc")
    assert [r.end_reason for r in rows] == ["password", "password", None]


def test_an_administrator_ends_all_sessions_of_a_user(app, testapp, demo, dbsession):
    office, phone = browser(app, testapp), browser(app, testapp)
    login(office, "canbo.stc")
    login(phone, "canbo.stc")
    login(testapp, "admin")
    page = testapp.get("/admin/users")
    user_id = dbsession.scalar(select(User.id).where(User.login == "canbo.stc"))
    form = next(f for f in page.forms.values() if f.action.endswith(f"/admin/users/{user_id}/sessions/end"))
    done = form.submit(status=303).follow()
    assert "Đã kết thúc 2 phiên đăng nhập của canbo.stc." in done.text
    assert not signed_in(office) and not signed_in(phone)
    assert [r.end_reason for r in rows_of(dbsession, "canbo.stc")] == ["admin", "admin"]
    assert signed_in(testapp)
    # only administrators may
    login(office, "canbo.stc")
    office.post(f"/admin/users/{user_id}/sessions/end", {"csrf_token": csrf(office.get("/"))}, status=403)


def test_an_unknown_or_ended_session_id_is_anonymous_even_in_a_validly_signed_cookie(app, testapp, demo, dbsession):
    testapp.set_cookie("coordination_session", signed_cookie(app, {SESSION_ID: "made-up-session-id"}))
    assert not signed_in(testapp)
    user = dbsession.scalar(select(User).where(User.login == "lanhdao"))
    session_id = user_sessions.start(dbsession, user, user_agent=None, address=None)
    testapp.set_cookie("coordination_session", signed_cookie(app, {SESSION_ID: session_id}))
    assert signed_in(testapp)
    # the database holds the id's hash, never the id
    [row] = rows_of(dbsession, "lanhdao")
    assert row.token_hash == hashlib.sha256(session_id.encode()).hexdigest() != session_id
    user_sessions.end(row, user_sessions.ADMIN)
    dbsession.flush()
    assert not signed_in(testapp)
    # the old scheme's keys mean nothing now
    testapp.set_cookie("coordination_session", signed_cookie(app, {"auth.uid": user.id, "auth.gen": 0}))
    assert not signed_in(testapp)


def test_the_session_is_checked_in_the_query_that_loads_the_user(app, demo, dbsession):
    """No extra round trip: resolving a session is one query (the user, its agency, its roles and
    the session), less than loading the user by id (the user with its agency, then its roles)."""
    from pyramid.interfaces import ISecurityPolicy
    from pyramid.request import Request

    user = dbsession.scalar(select(User).where(User.login == "canbo.stc"))
    session_id = user_sessions.start(dbsession, user, user_agent=None, address=None)
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.startswith(("SAVEPOINT", "RELEASE")):  # the test's own nesting
            statements.append(statement)

    def fresh_session() -> Session:  # nothing cached from the test's own session
        return Session(bind=dbsession.connection(), join_transaction_mode="create_savepoint")

    connection = dbsession.connection()
    event.listen(connection, "before_cursor_execute", count)
    try:
        by_id = fresh_session().get(User, user.id)
        assert (by_id.agency.code, by_id.roles) == ("STC", {"agency_officer"})
        plain_load = len(statements)
        statements.clear()

        request = Request.blank("/")
        request.registry = app.registry
        request.session = {SESSION_ID: session_id}
        request.dbsession = fresh_session()
        identity = app.registry.getUtility(ISecurityPolicy).identity(request)
        assert (identity.login, identity.agency.code, identity.roles) == ("canbo.stc", "STC", {"agency_officer"})
    finally:
        event.remove(connection, "before_cursor_execute", count)
    assert plain_load == 2
    assert len(statements) == 1, statements
    assert all(table in statements[0] for table in ("user_sessions", "agencies", "user_roles"))


def test_last_seen_is_written_at_most_every_few_minutes(app, testapp, demo, dbsession):
    start = dt.datetime(2026, 11, 24, 8, 0, tzinfo=clock.LOCAL_TZ)
    clock.set_now(start)
    login(testapp, "chuyenvien")
    writes = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE")):
            writes.append(statement)

    connection = dbsession.connection()
    event.listen(connection, "before_cursor_execute", count)
    try:
        # the test's transaction is never committed: flush to see what a commit would write
        clock.set_now(start + dt.timedelta(minutes=4))
        assert signed_in(testapp)
        dbsession.flush()
        assert writes == []
        clock.set_now(start + dt.timedelta(minutes=6))
        assert signed_in(testapp)
        dbsession.flush()
        assert len(writes) == 1 and "user_sessions" in writes[0]
    finally:
        event.remove(connection, "before_cursor_execute", count)
    [row] = rows_of(dbsession, "chuyenvien")
    assert row.last_seen_at == start + dt.timedelta(minutes=6)


def test_sessions_end_when_idle_too_long_or_too_old(app, testapp, demo, dbsession):
    start = dt.datetime(2026, 11, 24, 8, 0, tzinfo=clock.LOCAL_TZ)
    clock.set_now(start)
    login(testapp, "chuyenvien")
    clock.set_now(start + dt.timedelta(hours=7, minutes=59))
    assert signed_in(testapp)
    clock.set_now(start + dt.timedelta(hours=15, minutes=59))  # idle for 8 hours
    assert not signed_in(testapp)

    clock.set_now(start)
    other = browser(app, testapp)
    login(other, "chuyenvien")
    for hour in range(1, 24):  # busy all day and night: still ends a day after signing in
        clock.set_now(start + dt.timedelta(hours=hour))
        assert signed_in(other)
    clock.set_now(start + dt.timedelta(hours=24))
    assert not signed_in(other)


def test_session_limits_come_from_the_settings():
    rules = user_sessions.SessionRules.from_settings(
        {"session.idle_minutes": "30", "session.absolute_minutes": "600", "session.touch_minutes": "0"})
    assert (rules.idle, rules.absolute, rules.touch) == (
        dt.timedelta(minutes=30), dt.timedelta(hours=10), dt.timedelta(0))
    assert user_sessions.SessionRules.from_settings({}) == user_sessions.SessionRules()
    with pytest.raises(ValueError):
        user_sessions.SessionRules.from_settings({"session.idle_minutes": "0"})


def test_the_purge_deletes_only_sessions_ended_or_expired_longer_ago_than_kept(dbsession, demo):
    rules = user_sessions.SessionRules(keep=dt.timedelta(days=90))
    purge_at = dt.datetime(2026, 11, 24, 2, 45, tzinfo=clock.LOCAL_TZ)
    user = dbsession.scalar(select(User).where(User.login == "chuyenvien"))

    def session(name, *, created_days, seen_days=None, ended_days=None):
        row = UserSession(user_id=user.id, token_hash=hashlib.sha256(name.encode()).hexdigest(),
                          created_at=purge_at - dt.timedelta(days=created_days),
                          last_seen_at=purge_at - dt.timedelta(days=created_days if seen_days is None else seen_days),
                          ended_at=None if ended_days is None else purge_at - dt.timedelta(days=ended_days),
                          end_reason=None if ended_days is None else user_sessions.LOGOUT, user_agent=name)
        dbsession.add(row)
        return name

    kept = [
        session("live", created_days=0),
        session("logged out 89 days ago", created_days=89.5, ended_days=89),
        session("idle since 89 days ago", created_days=89.5),  # expired 88 days 16 hours ago
    ]
    gone = [
        session("used until 1 day ago, signed in 100 days ago", created_days=100, seen_days=1),  # expired 99 days ago
        session("logged out 91 days ago", created_days=95, ended_days=91),
        session("idle since 91 days ago", created_days=91),
    ]
    dbsession.flush()
    assert user_sessions.purge(dbsession, rules, at=purge_at) == len(gone) == 3
    left = dbsession.scalars(select(UserSession.user_agent).where(UserSession.user_id == user.id)).all()
    assert sorted(left) == sorted(kept)
    assert user_sessions.purge(dbsession, rules, at=purge_at) == 0
    assert user_sessions.SessionRules.from_settings({"session.keep_days": "30"}).keep == dt.timedelta(days=30)
    with pytest.raises(ValueError):
        user_sessions.SessionRules.from_settings({"session.keep_days": "0"})


def test_the_sessions_page_lists_the_users_browsers_and_ends_one(app, testapp, demo, dbsession):
    office, phone = browser(app, testapp, CHROME_WINDOWS), browser(app, testapp, FIREFOX_LINUX)
    login(office, "canbo.stc")
    login(phone, "canbo.stc")
    login(testapp, "lanhdao")  # someone else's session is never listed
    page = office.get("/account/sessions")
    rows = page.html.select("table.sessions tbody tr")
    assert len(rows) == 2
    current = page.html.select_one("tr.current")
    assert "Chrome 120 · Windows" in current.text and "Phiên này" in current.text
    assert "Firefox 128 · Linux" in page.text

    phone_row = rows_of(dbsession, "canbo.stc")[1]
    form = next(f for f in page.forms.values() if f.action.endswith(f"/account/sessions/{phone_row.id}/end"))
    assert "Đã kết thúc phiên đăng nhập." in form.submit(status=303).follow().text
    assert not signed_in(phone) and signed_in(office)
    assert rows_of(dbsession, "canbo.stc")[1].end_reason == "ended_by_user"

    # ending the session in use is logging out
    page = office.get("/account/sessions")
    form = next(f for f in page.forms.values() if "/account/sessions/" in f.action and f.action.endswith("/end"))
    assert form.submit(status=303).location.endswith("/login")
    assert not signed_in(office)
    assert signed_in(testapp)


def test_ending_the_other_sessions_keeps_this_one(app, testapp, demo, dbsession):
    browsers = [browser(app, testapp) for _ in range(3)]
    for each in browsers:
        login(each, "canbo.stc")
    page = browsers[0].get("/account/sessions")
    form = next(f for f in page.forms.values() if f.action.endswith("/account/sessions/end-others"))
    assert "Đã kết thúc 2 phiên khác." in form.submit(status=303).follow().text
    assert [signed_in(each) for each in browsers] == [True, False, False]


def test_nobody_ends_another_users_session(app, testapp, demo, dbsession):
    victim = browser(app, testapp)
    login(victim, "canbo.stc")
    [row] = rows_of(dbsession, "canbo.stc")
    login(testapp, "canbo.vanlam")
    testapp.post(f"/account/sessions/{row.id}/end", {"csrf_token": csrf(testapp.get("/"))}, status=404)
    testapp.post(f"/account/sessions/{row.id}/end", {}, status=400)  # and never without the CSRF token
    assert signed_in(victim)


@pytest.mark.parametrize("user_agent, expected", [
    (CHROME_WINDOWS, "Chrome 120 · Windows"),
    (FIREFOX_LINUX, "Firefox 128 · Linux"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) coc_coc_browser/118.0.6 "
     "Chrome/112.0.0.0 Safari/537.36", "Cốc Cốc 118 · Windows"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
     "Safari/537.36 Edg/120.0.2210.91", "Edge 120 · Windows"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.1 Mobile/15E148 Safari/604.1", "Safari 17 · iPhone"),
    ("Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
     "Mobile Safari/537.36", "Chrome 120 · Android"),
    ("curl/8.5.0", None),
    (None, None),
])
def test_browsers_are_told_apart_by_a_short_name(user_agent, expected):
    assert user_sessions.describe_user_agent(user_agent) == expected
