"""Screenshots for the documentation, made from the application's own output.

    python docs/make_screenshots.py              # every screenshot this script knows
    python docs/make_screenshots.py dashboard    # only the leadership dashboard
    python docs/make_screenshots.py docx         # only the report's first page

Both start from the same data: a throwaway SQLite database with the demo province and eight months
of its work (``coordination.reports.demo_workload``), the clock frozen at 30/11/2026 17:00 so the
pictures do not change from one run to the next.

- ``dashboard``: the app served by waitress on a loopback port, the leader logged in, the page
  captured by Debian's Chromium through Playwright (``docs/dashboard.png``).
- ``docx``: the consolidated report built by ``reports.queries.build_report`` as of that day → DOCX →
  PDF by LibreOffice headless → PNG of page 1 by pdftoppm (poppler-utils) (``docs/report-docx-page1.png``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

DOCS = Path(__file__).resolve().parent
NOW = dt.datetime(2026, 11, 30, 17, 0)
SETTINGS = {
    "session.secret": "screenshots-" + "x" * 40,
    "app.base_url": "http://127.0.0.1",
    "issuer.name": "Ủy ban nhân dân tỉnh Hưng Yên",
    "reports.signer_name": "Nguyễn Duy Hưng",
    "reports.signer_capacity": "KT. CHỦ TỊCH|PHÓ CHỦ TỊCH",
}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@contextlib.contextmanager
def demo_database():
    """(database URL, session factory, settings) of a fresh demo province with its workload."""
    from sqlalchemy import select

    from coordination import clock
    from coordination.accounts import services
    from coordination.accounts.models import User
    from coordination.db import get_engine, get_session_factory, run_in_transaction
    from coordination.demo import load_demo
    from coordination.migrate import upgrade
    from coordination.reports.demo_workload import load_demo_workload

    clock.set_now(NOW)
    with tempfile.TemporaryDirectory(prefix="coordination-shots-") as work:
        url = f"sqlite:///{work}/demo.sqlite"
        upgrade(url)
        engine = get_engine({"sqlalchemy.url": url})
        factory = get_session_factory(engine)
        run_in_transaction(factory, load_demo)
        run_in_transaction(factory, load_demo_workload)

        def passwords(dbsession):
            for user in dbsession.scalars(select(User)):
                user.password_hash = services.hash_password(f"{user.login}-password")

        run_in_transaction(factory, passwords)
        try:
            yield url, factory, {**SETTINGS, "sqlalchemy.url": url, "attachments.dir": f"{work}/attachments"}
        finally:
            engine.dispose()
            clock.set_now(None)


def dashboard(out: Path = DOCS / "dashboard.png") -> Path:
    """The leader's dashboard, as a browser shows it."""
    from playwright.sync_api import sync_playwright
    from waitress.server import create_server

    from coordination import main

    with demo_database() as (_url, _factory, settings):
        server = create_server(main({}, **settings), host="127.0.0.1", port=0, threads=4)
        threading.Thread(target=server.run, daemon=True).start()
        base = f"http://127.0.0.1:{server.effective_port}"
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
                context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                              viewport={"width": 1360, "height": 900}, device_scale_factor=1)
                page = context.new_page()
                page.goto(f"{base}/login")
                page.fill("input[name=login]", "lanhdao")
                page.fill("input[name=password]", "lanhdao-password")
                page.click("button[name=sign_in]")
                page.wait_for_url(f"{base}/")
                page.goto(f"{base}/dashboard")
                page.screenshot(path=str(out), full_page=True)
                browser.close()
        finally:
            server.close()
    return out


def report_docx_page1(out: Path = DOCS / "report-docx-page1.png", *, dpi: int = 110) -> Path:
    """Page 1 of the consolidated report the queries build from the demo workload."""
    from coordination import clock
    from coordination.db import run_in_transaction
    from coordination.reports.docx import docx_bytes
    from coordination.reports.letterhead import office_letterhead
    from coordination.reports.model import SCOPE_ALL, ReportScope
    from coordination.reports.pdf import docx_to_pdf
    from coordination.reports.queries import build_report

    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm is missing: install the Debian package poppler-utils")
    with demo_database() as (_url, factory, settings):
        scope = ReportScope(kind=SCOPE_ALL, description="các văn bản chỉ đạo của Ủy ban nhân dân tỉnh đang được theo dõi")
        report = run_in_transaction(factory, lambda s: build_report(
            s, scope, clock.today(), office_letterhead(settings),
            title=f"Tình hình thực hiện nhiệm vụ được giao tháng {NOW.month}/{NOW.year}"))
        pdf = docx_to_pdf(docx_bytes(report))
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "report.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
                        str(source), str(Path(work) / "page")], check=True, timeout=60)
        shutil.copyfile(Path(work) / "page.png", out)
    return out


SCREENSHOTS = {"dashboard": dashboard, "docx": report_docx_page1}


def main(argv: list[str]) -> int:
    names = argv or list(SCREENSHOTS)
    for name in names:
        if name not in SCREENSHOTS:
            print(f"unknown screenshot {name!r}; known: {', '.join(SCREENSHOTS)}", file=sys.stderr)
            return 2
        print(SCREENSHOTS[name]())
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(DOCS.parent))
    sys.exit(main(sys.argv[1:]))
