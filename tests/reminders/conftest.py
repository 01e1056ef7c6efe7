"""Fixtures of the reminders tests: a real SMTP server on loopback and a committed database.

The dispatcher and the scheduler commit (that is what is under test), so they run against their own
throwaway database per backend (migrated, demo loaded), emptied of tasks and mails before each test,
never against the rolled-back ``dbsession`` of the other tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import text
from sqlalchemy.orm import Session

from coordination.db import get_engine
from coordination.demo import load_demo
from coordination.migrate import upgrade
from coordination.reminders.tx import write_transaction
from tests.conftest import _create_pg_database, _drop_pg_database


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Mailbox:
    """What the SMTP server received, as parsed messages, in order of arrival."""

    messages: list = field(default_factory=list)
    delay: float = 0.0                 # seconds to wait after storing a message, before answering 250
    refuse: set = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"

    def ids(self) -> list[str]:
        with self.lock:
            return [m["Message-ID"] for m in self.messages]

    def wait_for(self, count: int, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.messages)} mails arrived, {count} expected")
            time.sleep(0.02)


class SmtpServer:
    def __init__(self, port: int | None = None, **kwargs):
        self.port = port or free_port()
        self.mailbox = Mailbox()
        self.kwargs = kwargs
        self.controller = None

    def start(self):
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port, **self.kwargs)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def live_url(backend, tmp_path_factory):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.sqlite'}"
    else:
        url = _create_pg_database()
    upgrade(url)
    engine = get_engine({"sqlalchemy.url": url})
    with Session(engine) as session:
        load_demo(session)
        session.commit()
    engine.dispose()
    yield url
    if backend == "postgresql":
        _drop_pg_database(url)


# audit_events stay: they are immutable (a trigger refuses DELETE) and no reminder reads them
_CLEAN = ("user_sessions", "outbox_attempts", "outbox_attachments", "outbox_messages", "task_coordinators", "progress_reports",
          "tasks", "directive_tasks", "directives", "holidays", "apscheduler_jobs")
# the sweeps' record and the triggers' queue (emptied last: deleting coordinators queues their tasks)
_CLEAN += ("sweep_runs", "reminder_changes")


@dataclass
class Live:
    url: str
    engine: object
    settings: dict

    def session(self):
        return write_transaction(self.engine)

    @contextlib.contextmanager
    def read(self):
        with Session(self.engine) as session:
            yield session


def live_settings(url: str, smtp_port: int) -> dict:
    return {
        "sqlalchemy.url": url,
        "app.base_url": "https://nhiemvu.hungyen.gov.vn",
        "issuer.name": "Ủy ban nhân dân tỉnh Hưng Yên",
        "mail.host": "127.0.0.1",
        "mail.port": str(smtp_port),
        "mail.default_sender": "Hệ thống theo dõi nhiệm vụ <nhiemvu@hungyen.gov.vn>",
        "mail.timeout": "5",
        "reminders.backoff_seconds": "60",
        "reminders.max_attempts": "3",
    }


@pytest.fixture
def live(live_url, smtp):
    engine = get_engine({"sqlalchemy.url": live_url})
    with engine.begin() as connection:
        for table in _CLEAN:
            connection.execute(text(f"DELETE FROM {table}"))
        connection.execute(text("UPDATE users SET notification_mode = 'immediate'"))
        connection.execute(text("DELETE FROM users WHERE login NOT IN "
                                "('admin','lanhdao','chuyenvien','giamdoc.sldtbxh','canbo.sldtbxh','canbo.stc','canbo.vanlam')"))
    yield Live(live_url, engine, live_settings(live_url, smtp.port))
    engine.dispose()


def write_ini(path, settings: dict, *, server_port: int | None = None) -> str:
    """A settings file for ``coordination -c`` subprocesses and in-process command-line runs."""
    lines = ["[app:main]", "use = egg:coordination", "session.secret = test-secret-" + "x" * 40]
    lines += [f"{key} = {value}" for key, value in settings.items()]
    if server_port:
        lines += ["", "[server:main]", "use = egg:waitress#main", f"listen = 127.0.0.1:{server_port}"]
    path.write_text("\n".join(lines), encoding="utf-8")
    return str(path)
