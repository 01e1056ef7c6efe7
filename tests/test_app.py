"""The application as a whole: health check, security headers, locale, error pages."""


def test_healthz_round_trips_the_database_without_login(testapp):
    response = testapp.get("/healthz")
    assert response.json == {"status": "ok"}


def test_security_headers_on_every_response(testapp):
    for path, status in (("/login", 200), ("/healthz", 200), ("/no-such-page", 404)):
        response = testapp.get(path, status=status)
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "script-src 'self' 'nonce-" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # only production turns HSTS on


def test_anonymous_page_request_redirects_to_login(testapp):
    response = testapp.get("/", status=302)
    assert response.location.startswith("http://example.com/login?came_from=")


def test_login_page_is_vietnamese_by_default_and_english_on_request(testapp):
    assert "Tên đăng nhập" in testapp.get("/login").text
    english = testapp.get("/login", params={"_LOCALE_": "en"}).text
    assert "Login name" in english
    assert "Tên đăng nhập" not in english
