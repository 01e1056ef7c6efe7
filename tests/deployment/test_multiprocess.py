"""The production shape on one machine: two web processes and the scheduler process, all started
from production.ini with the environment docs/deployment.md describes, against one PostgreSQL
database, an SMTP relay on loopback, no sticky sessions.

A directive goes through issue → acknowledge → reminder → progress report, each step on whichever
web process the test picks (a session made by one process is honoured by the other, as behind a
round-robin nginx); the reminder is queued by ``coordination sweep`` and sent by two
``coordination dispatch`` started at the same moment (what a second scheduler started by mistake
amounts to), and arrives once.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import re
import subprocess
import sys
import time
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
INI = str(ROOT / "production.ini")
pytestmark = pytest.mark.postgresql_only


@pytest.fixture
def pg_url(backend):
    if backend != "postgresql":
        pytest.skip("several processes share one database: PostgreSQL")
    url = _create_pg_database()
    yield url
    _drop_pg_database(url)


PUBLIC = "nhiemvu.hungyen.gov.vn"  # the name nginx answers to


def environment(url: str, smtp_port: int, attachments: Path) -> dict:
    """What the systemd EnvironmentFile holds (docs/deployment.md), with loopback addresses."""
    return {**os.environ, "COORDINATION_DATABASE_URL": url, "COORDINATION_SESSION_SECRET": "deployment-test-" + "s" * 32,
            "COORDINATION_BASE_URL": f"https://{PUBLIC}", "COORDINATION_ATTACHMENTS_DIR": str(attachments),
            "COORDINATION_MAIL_HOST": "127.0.0.1", "COORDINATION_MAIL_PORT": str(smtp_port), "COORDINATION_MAIL_TLS": "false",
            "COORDINATION_MAIL_SENDER": "Hệ thống theo dõi nhiệm vụ <nhiemvu@hungyen.gov.vn>"}


def cli(env: dict, *args: str, timeout: float = 120) -> str:
    done = subprocess.run([sys.executable, "-m", "coordination.scripts.cli", "-c", INI, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


class Browser:
    """One person's browser as the web processes see it through nginx: HTTPS (X-Forwarded-Proto),
    the public host name, the session cookie (Secure: kept by hand, since the hop to waitress is
    plain HTTP on loopback) sent to whichever process nginx picks."""

    def __init__(self):
        self.cookies: dict[str, str] = {}
        self.csrf = None

    def request(self, base: str, method: str, path: str, body: bytes | None = None, content_type: str | None = None):
        connection = http.client.HTTPConnection(base.split("//", 1)[1], timeout=60)
        headers = {"Host": base.split("//", 1)[1], "X-Forwarded-Proto": "https", "X-Forwarded-Host": PUBLIC,
                   "X-Forwarded-For": "203.0.113.7", "Origin": f"https://{PUBLIC}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        if self.csrf and method != "GET":
            headers["X-CSRF-Token"] = self.csrf
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or ():
            assert "secure" in header.lower(), header  # production.ini: session.secure = true
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in header.lower():
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        connection.close()
        return response.status, response.headers, data

    def page(self, base: str, path: str) -> str:
        status, _headers, data = self.request(base, "GET", path)
        assert status == 200, (path, status)
        html = data.decode()
        found = re.search(r'name="csrf_token" value="([^"]+)"', html)
        if found:
            self.csrf = found.group(1)
        return html

    def login(self, base: str, login: str, password: str) -> None:
        self.page(base, "/login")
        body = urllib.parse.urlencode({"csrf_token": self.csrf, "login": login, "password": password,
                                       "sign_in": "sign_in"}).encode()
        status, headers, _data = self.request(base, "POST", "/login", body, "application/x-www-form-urlencoded")
        assert status == 303 and "/login" not in headers["Location"], f"{login} is not logged in ({status})"
        assert headers["Location"].startswith(f"https://{PUBLIC}/"), headers["Location"]
        self.page(base, "/")  # the token rotates at login: read the new one

    def api(self, base: str, method: str, path: str, body: dict | None = None) -> dict:
        payload = json.dumps(body or {}).encode() if method != "GET" else None
        status, headers, data = self.request(base, method, path, payload, "application/json")
        assert status in (200, 201), f"{method} {path}: {status} {data[:2000]!r}"
        assert "max-age=" in (headers.get("Strict-Transport-Security") or ""), "HSTS, as production.ini asks"
        return json.loads(data)


def start(env: dict, log: Path, *command: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "coordination.scripts.cli", "-c", INI, *command], cwd=ROOT, env=env,
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
    env = environment(pg_url, smtp.port, tmp_path / "files")
    ports = free_port(), free_port()
    web1, web2 = (f"http://127.0.0.1:{port}" for port in ports)
    processes = []
    engine = get_engine({"sqlalchemy.url": pg_url})
    try:
        # an operator's first steps: the schema (alembic upgrade head), then the province
        assert "latest schema" in cli(env, "initdb")
        passwords = dict(re.findall(r"^\s+(\S+)\s+(\S+)$", cli(env, "demo"), re.M))
        assert {"chuyenvien", "lanhdao", "canbo.sldtbxh"} <= set(passwords)

        for n, port in enumerate(ports):
            processes.append(start(env, tmp_path / f"web{n + 1}.log", "serve", "--port", str(port)))
        processes.append(start(env, tmp_path / "scheduler.log", "scheduler"))
        for base in (web1, web2):
            wait_until(lambda: healthy(base), what=f"{base}/healthz")

        from coordination.reminders.jobs import JOBS

        # production.ini schedules every job (the sweep, dispatch, digests, reports, the sessions purge)
        def jobs_stored():
            with engine.connect() as conn:
                return conn.execute(text("SELECT count(*) FROM apscheduler_jobs")).scalar() == len(JOBS)
        wait_until(jobs_stored, what=f"the scheduler's {len(JOBS)} jobs in the database")

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

        # seven days before the deadline the sweep queues the reminder; two dispatchers started at
        # the same moment (a second scheduler by mistake) send it once
        day = (deadline - dt.timedelta(days=7)).isoformat()
        assert "mails queued" in cli(env, "sweep", "--now", f"{day}T08:00")
        dispatchers = [subprocess.Popen([sys.executable, "-m", "coordination.scripts.cli", "-c", INI, "dispatch", "--now",
                                         f"{day}T08:05"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
                       for _ in range(2)]
        outputs = [p.communicate(timeout=120)[0] for p in dispatchers]
        assert all(p.returncode == 0 for p in dispatchers), outputs
        assert "0 mails queued" in cli(env, "sweep", "--now", f"{day}T09:00")
        cli(env, "dispatch", "--now", f"{day}T09:05")
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
