"""The production shape on one machine: two web processes and the scheduler process against one
PostgreSQL database, an SMTP relay on loopback, no sticky sessions.

A directive goes through issue → acknowledge → reminder → progress report, each step on whichever
web process the test picks (a session made by one process is honoured by the other, as behind a
round-robin nginx); the reminder is queued by ``coordination sweep`` and sent by two
``coordination dispatch`` started at the same moment (what a second scheduler started by mistake
amounts to), and arrives once.
"""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select, text

from coordination.db import get_engine
from coordination.reminders.models import OutboxMessage
from tests.conftest import _create_pg_database, _drop_pg_database
from tests.reminders.conftest import SmtpServer, free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.postgresql_only


@pytest.fixture
def pg_url(backend):
    if backend != "postgresql":
        pytest.skip("several processes share one database: PostgreSQL")
    url = _create_pg_database()
    yield url
    _drop_pg_database(url)


def write_ini(path: Path, url: str, smtp_port: int, web_port: int, attachments: Path) -> str:
    """production.ini's settings, with loopback addresses and a throwaway database."""
    path.write_text("\n".join([
        "[app:main]", "use = egg:coordination",
        f"sqlalchemy.url = {url}", "sqlalchemy.pool_pre_ping = true", "sqlalchemy.pool_size = 5",
        "session.secret = deployment-test-secret-" + "x" * 32, "session.secure = false", "security.hsts = false",
        "retry.attempts = 3", f"app.base_url = http://127.0.0.1:{web_port}",
        "issuer.name = Ủy ban nhân dân tỉnh Hưng Yên", f"attachments.dir = {attachments}",
        "mail.host = 127.0.0.1", f"mail.port = {smtp_port}", "mail.tls = false", "mail.ssl = false",
        "mail.default_sender = Hệ thống theo dõi nhiệm vụ <nhiemvu@hungyen.gov.vn>", "mail.timeout = 5",
        # the scheduler sends the outbox every minute; the sweep is run by hand below, with --now
        "scheduler.sweep = off", "scheduler.dispatch = * * * * *", "scheduler.occurrences = off",
        "scheduler.daily_digest = off", "scheduler.agency_digest = off", "scheduler.monthly_report = off",
        "", "[server:main]", "use = egg:waitress#main", f"listen = 127.0.0.1:{web_port}", "threads = 4",
    ]), encoding="utf-8")
    return str(path)


def cli(ini: str, *args: str, timeout: float = 120) -> str:
    done = subprocess.run([sys.executable, "-m", "coordination.scripts.cli", "-c", ini, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


class Browser:
    """One person's cookie jar, used against either web process."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = None

    def page(self, base: str, path: str) -> str:
        html = self.opener.open(base + path, timeout=30).read().decode()
        found = re.search(r'name="csrf_token" value="([^"]+)"', html)
        if found:
            self.csrf = found.group(1)
        return html

    def login(self, base: str, login: str, password: str) -> None:
        self.page(base, "/login")
        body = urllib.parse.urlencode({"csrf_token": self.csrf, "login": login, "password": password,
                                       "sign_in": "sign_in"}).encode()
        landed = self.opener.open(base + "/login", data=body, timeout=30).geturl()
        assert "/login" not in landed, f"{login} is not logged in"
        self.page(base, "/")  # the token rotates at login: read the new one

    def api(self, base: str, method: str, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(base + path, method=method, data=json.dumps(body or {}).encode() if method != "GET" else None,
                                         headers={"Content-Type": "application/json", "X-CSRF-Token": self.csrf or ""})
        try:
            with self.opener.open(request, timeout=60) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{method} {path}: {error.code} {error.read()[:2000]!r}") from None


def start(ini: str, command: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "coordination.scripts.cli", "-c", ini, command], cwd=ROOT,
                            stdout=log.open("w"), stderr=subprocess.STDOUT)


def wait_until(condition, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def healthy(base: str) -> bool:
    try:
        return urllib.request.urlopen(base + "/healthz", timeout=2).status == 200
    except OSError:
        return False


def next_wednesday(after: dt.date, days: int) -> dt.date:
    day = after + dt.timedelta(days=days)
    while day.weekday() != 2:
        day += dt.timedelta(days=1)
    return day


def test_two_web_processes_and_the_scheduler_carry_a_directive_through(pg_url, tmp_path):
    smtp = SmtpServer().start()
    ports = free_port(), free_port()
    inis = [write_ini(tmp_path / f"web{n + 1}.ini", pg_url, smtp.port, port, tmp_path / "files")
            for n, port in enumerate(ports)]
    web1, web2 = (f"http://127.0.0.1:{port}" for port in ports)
    processes = []
    engine = get_engine({"sqlalchemy.url": pg_url})
    try:
        # an operator's first steps: the schema (alembic upgrade head), then the province
        assert "latest schema" in cli(inis[0], "initdb")
        passwords = dict(re.findall(r"^\s+(\S+)\s+(\S+)$", cli(inis[0], "demo"), re.M))
        assert {"chuyenvien", "lanhdao", "canbo.sldtbxh"} <= set(passwords)

        for n, ini in enumerate(inis):
            processes.append(start(ini, "serve", tmp_path / f"web{n + 1}.log"))
        processes.append(start(inis[0], "scheduler", tmp_path / "scheduler.log"))
        for base in (web1, web2):
            wait_until(lambda: healthy(base), what=f"{base}/healthz")
        with engine.connect() as conn:
            wait_until(lambda: conn.execute(text("SELECT count(*) FROM apscheduler_jobs")).scalar() == 1
                       or conn.rollback(), what="the scheduler's job store")

        clerk, leader, officer = Browser(), Browser(), Browser()
        clerk.login(web1, "chuyenvien", passwords["chuyenvien"])
        leader.login(web2, "lanhdao", passwords["lanhdao"])
        officer.login(web1, "canbo.sldtbxh", passwords["canbo.sldtbxh"])

        # the clerk drafts and submits on web 1; the leader issues on web 2
        deadline = next_wednesday(dt.date.today(), 14)
        draft = clerk.api(web1, "POST", "/api/v1/directives", {
            "type": "cong-van", "subject": "V/v thử triển khai nhiều tiến trình", "body": "Nội dung chỉ đạo.",
            "signer": {"name": "Nguyễn Duy Hưng", "capacity": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"},
            "addressees": ["SLDTBXH"],
            "tasks": [{"paragraph": "1", "content": "Rà soát, báo cáo số lao động mất việc làm.", "lead": "SLDTBXH",
                       "coordinating": ["STC"], "deadline": {"kind": "date", "date": deadline.isoformat()}}],
        })
        clerk.api(web1, "POST", f"/api/v1/directives/{draft['id']}/submit")
        issued = leader.api(web2, "POST", f"/api/v1/directives/{draft['id']}/issue")
        assert issued["status"] == "issued" and issued["number"].endswith("/UBND")
        (task,) = issued["tasks"]

        # the officer's session, made by web 1, is honoured by web 2 as well
        seen = officer.api(web2, "GET", f"/api/v1/tasks/{task['id']}")
        acknowledged = officer.api(web1, "POST", f"/api/v1/tasks/{task['id']}/acknowledge", {"version": seen["version"]})
        assert acknowledged["task"]["status"] == "acknowledged"

        # seven days before the deadline: the sweep queues the reminder; two dispatchers at once send it once
        morning = f"{(deadline - dt.timedelta(days=7)).isoformat()}T08:00"
        assert "mails queued" in cli(inis[0], "sweep", "--now", morning)
        dispatchers = [subprocess.Popen([sys.executable, "-m", "coordination.scripts.cli", "-c", ini, "dispatch", "--now",
                                         f"{morning[:-5]}08:05"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
                       for ini in inis]
        outputs = [p.communicate(timeout=120)[0] for p in dispatchers]
        assert all(p.returncode == 0 for p in dispatchers), outputs
        assert "0 mails queued" in cli(inis[1], "sweep", "--now", f"{morning[:-5]}09:00")
        cli(inis[1], "dispatch", "--now", f"{morning[:-5]}09:05")
        with engine.connect() as conn:
            reminders = conn.execute(select(OutboxMessage.id, OutboxMessage.to_address, OutboxMessage.status)
                                     .where(OutboxMessage.task_id == task["id"], OutboxMessage.kind == "before",
                                            OutboxMessage.threshold == 7)).all()
        assert "canbo.sldtbxh@hungyen.gov.vn" in {row.to_address for row in reminders}
        assert all(row.status == "sent" for row in reminders)
        arrived = [m for m in smtp.mailbox.messages if int(m["X-Coordination-Outbox"]) in {row.id for row in reminders}]
        assert sorted(m["To"].addresses[0].addr_spec for m in arrived) == sorted(row.to_address for row in reminders)

        # the officer reports progress on web 2; the leader reads it on web 1
        current = officer.api(web2, "GET", f"/api/v1/tasks/{task['id']}")
        officer.api(web2, "POST", f"/api/v1/tasks/{task['id']}/progress",
                    {"version": current["version"], "percent": 40, "text": "Đã rà soát 6/10 huyện."})
        report = leader.api(web1, "GET", f"/api/v1/tasks/{task['id']}")
        assert report["status"] == "in_progress" and report["percent_done"] == 40
        assert [(r["agency"], r["percent"], r["text"]) for r in report["progress_reports"]] == \
            [("SLDTBXH", 40, "Đã rà soát 6/10 huyện.")]
        assert [e["action"] for e in report["history"]] == ["created", "acknowledge", "report_progress"]

        # every process is still up: nothing above depended on which one served a request
        assert all(p.poll() is None for p in processes), [(tmp_path / f).read_text()[-2000:] for f in
                                                          ("web1.log", "web2.log", "scheduler.log")]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        smtp.stop()
        engine.dispose()
