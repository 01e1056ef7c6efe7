"""Generic browser fixtures: the app served by waitress on a free loopback port against a throwaway
SQLite database (migrated, demo province loaded), and a headless Debian Chromium page."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest


@dataclass
class LiveServer:
    url: str
    db_url: str
    session_factory: object
    attachments_dir: str

    def run(self, fn, *args, **kwargs):
        """Run ``fn(dbsession, ...)`` in its own committed transaction against the served database."""
        from coordination.db import run_in_transaction

        return run_in_transaction(self.session_factory, fn, *args, **kwargs)

    def set_passwords(self, password_for=lambda login: f"{login}-password") -> None:
        from sqlalchemy import select

        from coordination.accounts import services
        from coordination.accounts.models import User

        def apply(dbsession):
            for user in dbsession.scalars(select(User)):
                user.password_hash = services.hash_password(password_for(user.login))

        self.run(apply)


def _serve(root):
    """Migrate a SQLite database under ``root``, load the demo province, serve the app; yields the
    LiveServer and closes the server afterwards."""
    from waitress.server import create_server

    from coordination import main
    from coordination.db import get_engine, get_session_factory
    from coordination.demo import load_demo
    from coordination.migrate import upgrade

    db_url = f"sqlite:///{root / 'app.sqlite'}"
    upgrade(db_url)
    factory = get_session_factory(get_engine({"sqlalchemy.url": db_url}))
    server_info = LiveServer(url="", db_url=db_url, session_factory=factory, attachments_dir=str(root / "attachments"))
    server_info.run(load_demo)
    server_info.set_passwords()
    app = main({}, **{
        "sqlalchemy.url": db_url,
        "session.secret": "browser-test-secret-" + "x" * 40,
        "attachments.dir": server_info.attachments_dir,
        "app.base_url": "http://127.0.0.1",
        "issuer.name": "Ủy ban nhân dân tỉnh Hưng Yên",
    })
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    server_info.url = f"http://127.0.0.1:{server.effective_port}"
    yield server_info
    server.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    yield from _serve(tmp_path_factory.mktemp("live"))


@pytest.fixture(scope="module")
def isolated_live_server(tmp_path_factory):
    """Like ``live_server``, with a database of the test module's own (for modules that load data
    the other browser tests must not see)."""
    yield from _serve(tmp_path_factory.mktemp("live-isolated"))


@pytest.fixture(scope="session")
def _browser():
    import os
    import shutil

    from playwright.sync_api import sync_playwright

    if shutil.which("chromium") is None and not os.path.exists("/usr/bin/chromium"):
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's chromium is required in CI (dev.py test installs it)")
        pytest.skip("Debian's chromium is not installed (python3 dev.py test installs it)")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(_browser):
    context = _browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    # generous: CI machines have two cores and the suite runs beside the browser
    page.set_default_timeout(30000)
    page.set_default_navigation_timeout(30000)
    yield page
    context.close()
