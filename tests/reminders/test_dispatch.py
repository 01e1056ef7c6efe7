"""The dispatcher over real SMTP (aiosmtpd on loopback) and a committed database."""

import datetime as dt
import json
import subprocess
import threading

import pytest
from sqlalchemy import func, select

from coordination import clock
from coordination.events import DirectiveIssued, publish
from coordination.reminders.dispatch import dispatch
from coordination.reminders.models import CANCELLED, FAILED, PENDING, SENT, OutboxAttempt, OutboxMessage
from coordination.reminders.notifications import queue_new_task_notices
from coordination.reminders.outbox import enqueue, message_row
from coordination.reminders.recipients import Recipient
from coordination.reminders.sweep import run_sweep
from coordination.scripts.cli import main as cli_main
from coordination.tasks.models import COMPLETED, Task

from .conftest import SmtpServer, write_ini
from .factories import at, directive, task

D = dt.date
MONDAY = at("2026-12-14T08:00")


def outbox(live):
    with live.read() as session:
        return session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def attempts(live, message_id):
    with live.read() as session:
        return [(a.ok, a.error is None) for a in session.scalars(
            select(OutboxAttempt).where(OutboxAttempt.message_id == message_id).order_by(OutboxAttempt.id))]


def queue_reminder(live, **task_args) -> int:
    with live.session() as session:
        made = task(session, **{"deadline": D(2026, 12, 17), **task_args})
        run_sweep(session, live.settings, at=MONDAY)
        return made.id


def test_a_reminder_is_mailed_in_vietnamese_with_a_text_and_an_html_part(live, smtp):
    task_id = queue_reminder(live, content="Rà soát lao động <b>mất việc</b> & báo cáo", coordinating=("STC",))
    clock.set_now(MONDAY)
    assert dispatch(live.engine, live.settings).sent == 1
    [mail] = smtp.mailbox.messages
    [row] = outbox(live)
    assert mail["To"] == "Lê Thị Lan <canbo.sldtbxh@hungyen.gov.vn>"
    assert mail["From"] == "Hệ thống theo dõi nhiệm vụ <nhiemvu@hungyen.gov.vn>"
    assert mail["Subject"].startswith("[Nhắc hạn] Còn 3 ngày: nhiệm vụ theo văn bản ")
    assert mail["Message-ID"] == row.message_id("hungyen.gov.vn")
    assert mail["Auto-Submitted"] == "auto-generated"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    with live.read() as session:
        number = session.get(Task, task_id).directive.number_symbol
    for part in (text, html):
        assert number in part
        assert "V/v hỗ trợ người lao động bị ảnh hưởng" in part      # the directive's subject
        assert "17/12/2026" in part and "Còn 3 ngày" in part          # deadline in force, days left
        assert "Sở Lao động - Thương binh và Xã hội" in part and "Sở Tài chính" in part
        assert f"https://nhiemvu.hungyen.gov.vn/tasks/{task_id}" in part
    assert "Rà soát lao động <b>mất việc</b> & báo cáo" in text
    assert "&lt;b&gt;mất việc&lt;/b&gt; &amp; báo cáo" in html     # task text is escaped in HTML
    assert (row.status, row.attempts, row.subject) == (SENT, 1, mail["Subject"])
    assert attempts(live, row.id) == [(True, True)]


def test_smtp_down_then_up_the_mail_is_delivered_after_retries_with_backoff(live, smtp):
    queue_reminder(live)
    smtp.stop()
    clock.set_now(MONDAY)
    result = dispatch(live.engine, live.settings)
    assert (result.sent, result.retried) == (0, 1)
    [row] = outbox(live)
    assert (row.status, row.attempts, row.next_attempt_at) == (PENDING, 1, MONDAY + dt.timedelta(seconds=60))
    clock.set_now(MONDAY + dt.timedelta(seconds=30))
    assert dispatch(live.engine, live.settings).retried == 0          # not before its backoff
    clock.set_now(MONDAY + dt.timedelta(seconds=61))
    assert dispatch(live.engine, live.settings).retried == 1          # still down: twice the wait
    [row] = outbox(live)
    assert row.next_attempt_at == MONDAY + dt.timedelta(seconds=61 + 120)
    smtp.start()
    clock.set_now(MONDAY + dt.timedelta(seconds=200))
    assert dispatch(live.engine, live.settings).sent == 1
    assert len(smtp.mailbox.messages) == 1
    [row] = outbox(live)
    assert (row.status, row.attempts) == (SENT, 3)
    assert attempts(live, row.id) == [(False, False), (False, False), (True, True)]


def test_after_the_last_attempt_a_mail_is_failed_and_listed_by_the_outbox_command(live, smtp, tmp_path, capsys):
    queue_reminder(live)
    smtp.stop()
    for seconds in (0, 100, 300):  # max_attempts is 3 in these settings
        clock.set_now(MONDAY + dt.timedelta(seconds=seconds))
        dispatch(live.engine, live.settings)
    [row] = outbox(live)
    assert (row.status, row.attempts) == (FAILED, 3)
    assert "ConnectionRefusedError" in row.last_error
    clock.set_now(MONDAY + dt.timedelta(days=1))
    assert dispatch(live.engine, live.settings).retried == 0          # failed stays failed
    ini = write_ini(tmp_path / "test.ini", live.settings)
    capsys.readouterr()
    assert cli_main(["-c", ini, "outbox", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert listing["counts"]["failed"] == 1
    assert [(m["id"], m["status"], m["attempts"]) for m in listing["messages"]] == [(row.id, "failed", 3)]
    assert cli_main(["-c", ini, "outbox"]) == 0
    assert "failed: 1" in capsys.readouterr().out


def test_a_recipient_refused_for_good_fails_at_once(live, smtp):
    queue_reminder(live)
    smtp.mailbox.refuse.add("canbo.sldtbxh@hungyen.gov.vn")
    clock.set_now(MONDAY)
    assert dispatch(live.engine, live.settings).failed == 1
    [row] = outbox(live)
    assert (row.status, row.attempts) == (FAILED, 1)
    assert "550" in row.last_error


def test_a_task_completed_after_its_reminder_was_queued_gets_no_mail(live, smtp):
    task_id = queue_reminder(live)
    with live.session() as session:
        session.get(Task, task_id).status = COMPLETED
    clock.set_now(MONDAY)
    result = dispatch(live.engine, live.settings)
    assert (result.sent, result.cancelled) == (0, 1)
    assert smtp.mailbox.messages == []
    [row] = outbox(live)
    assert row.status == CANCELLED and "hoàn thành" in row.last_error


def test_a_rolled_back_transaction_sends_nothing(live, smtp):
    with pytest.raises(RuntimeError):
        with live.session() as session:
            made = task(session, deadline=D(2026, 12, 17))
            assert queue_new_task_notices(session, [made.id]) == 2
            raise RuntimeError("the directive could not be issued")
    assert outbox(live) == []
    assert dispatch(live.engine, live.settings).sent == 0
    assert smtp.mailbox.messages == []


def test_issuing_a_directive_mails_the_lead_and_coordinating_agencies(live, smtp):
    with live.session() as session:
        issued = directive(session, number=1324)
        made = task(session, deadline=D(2027, 1, 31), of=issued, coordinating=("STC",))
        publish(session, DirectiveIssued(directive_id=issued.id, task_ids=(made.id,), actor_id=None))
        publish(session, DirectiveIssued(directive_id=issued.id, task_ids=(made.id,), actor_id=None))  # twice: once
    assert dispatch(live.engine, live.settings).sent == 3
    subjects = sorted((m["To"].addresses[0].addr_spec, m["Subject"]) for m in smtp.mailbox.messages)
    assert subjects == [
        ("canbo.sldtbxh@hungyen.gov.vn", "[Nhiệm vụ mới] Văn bản 1324/UBND-KGVX: Sở Lao động - Thương binh và Xã hội chủ trì"),
        ("canbo.stc@hungyen.gov.vn", "[Nhiệm vụ phối hợp] Văn bản 1324/UBND-KGVX: phối hợp với Sở Lao động - Thương binh và Xã hội"),
        ("giamdoc.sldtbxh@hungyen.gov.vn", "[Nhiệm vụ mới] Văn bản 1324/UBND-KGVX: Sở Lao động - Thương binh và Xã hội chủ trì"),
    ]
    coordination = [m for m in smtp.mailbox.messages if "phối hợp]" in m["Subject"]][0]
    assert "trước ngày 26/01/2027" in coordination.get_body(("plain",)).get_content()


def _fill(live, count: int) -> None:
    person = Recipient("a0", "hop-thu@example.gov.vn", "Hộp thư thử", None)
    with live.session() as session:
        enqueue(session, [
            message_row(dedup_key=f"test:{n}", kind="daily_digest", to=person, subject=f"Thư {n}",
                        body_text=f"Nội dung {n}", body_html=None)
            for n in range(count)
        ])


def test_two_dispatchers_at_once_send_every_mail_exactly_once(live, smtp):
    _fill(live, 60)
    smtp.mailbox.delay = 0.01
    settings = {**live.settings, "reminders.batch_size": "4"}
    start = threading.Barrier(2)
    results, errors = {}, []

    def run(name):
        try:
            start.wait()
            results[name] = dispatch(live.engine, settings, worker=name)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(name,)) for name in ("dispatcher-a", "dispatcher-b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    ids = smtp.mailbox.ids()
    assert len(ids) == 60 and len(set(ids)) == 60
    assert results["dispatcher-a"].sent + results["dispatcher-b"].sent == 60
    with live.read() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == SENT)) == 60
        workers = set(session.scalars(select(OutboxAttempt.worker).where(OutboxAttempt.ok.is_(True))))
        assert session.scalar(select(func.count()).select_from(OutboxAttempt)) == 60
    assert workers == {"dispatcher-a", "dispatcher-b"}  # both really worked, on disjoint rows


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    try:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True,
        )
    except (OSError, subprocess.CalledProcessError) as error:
        pytest.skip(f"openssl cannot make a test certificate: {error}")
    return str(cert), str(key)


def _tls_context(certificate):
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def _authenticator(server, session, envelope, mechanism, auth_data):
    from aiosmtpd.smtp import AuthResult

    ok = auth_data.login == b"nhiemvu" and auth_data.password == b"mat-khau-thu"
    return AuthResult(success=ok)


def test_starttls_with_login(live, certificate):
    server = SmtpServer(tls_context=_tls_context(certificate), require_starttls=True, auth_required=True,
                        authenticator=_authenticator).start()
    try:
        settings = {**live.settings, "mail.port": str(server.port), "mail.tls": "true", "mail.cafile": certificate[0],
                    "mail.username": "nhiemvu", "mail.password": "mat-khau-thu"}
        _fill(live, 2)
        assert dispatch(live.engine, settings).sent == 2
        assert len(server.mailbox.messages) == 2
        _fill_more = {**settings, "mail.password": "sai", "mail.timeout": "1"}
        with live.session() as session:
            enqueue(session, [message_row(dedup_key="test:wrong-password", kind="daily_digest",
                                          to=Recipient("a0", "x@example.gov.vn", "", None), subject="x", body_text="x")])
        assert dispatch(live.engine, _fill_more).retried == 1           # authentication failure: retried later
    finally:
        server.stop()


def test_implicit_tls(live, certificate):
    server = SmtpServer(ssl_context=_tls_context(certificate)).start()
    try:
        settings = {**live.settings, "mail.port": str(server.port), "mail.ssl": "true", "mail.cafile": certificate[0]}
        _fill(live, 1)
        assert dispatch(live.engine, settings).sent == 1
        assert len(server.mailbox.messages) == 1
    finally:
        server.stop()


def test_two_sweeps_at_once_queue_nothing_twice(live):
    from coordination.reminders import jobs

    with live.session() as session:
        for n in range(30):
            task(session, deadline=D(2026, 12, 17), lead=("SLDTBXH", "STC", "STTTT")[n % 3])
    runtime = jobs.Runtime(live.settings, live.engine)
    start = threading.Barrier(2)
    results, errors = [], []

    def sweep():
        try:
            start.wait()
            results.append(jobs.sweep_once(runtime, at=MONDAY))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(result.queued for result in results) == [0, 30]  # one sweep wrote, the other found all written
    with live.read() as session:
        keys = session.scalars(select(OutboxMessage.dedup_key)).all()
    assert len(keys) == len(set(keys)) == 30


def test_a_mail_that_cannot_be_written_fails_alone_and_the_others_go(live, smtp):
    task_id = queue_reminder(live)
    person = Recipient("a0", "hop-thu@example.gov.vn", "Hộp thư thử", None)
    with live.session() as session:
        enqueue(session, [message_row(dedup_key="test:unknown-kind", kind="unknown", to=person, task_id=task_id)])
    clock.set_now(MONDAY)
    assert dispatch(live.engine, live.settings).sent == 1
    broken = [row for row in outbox(live) if row.kind == "unknown"][0]
    assert broken.status == FAILED and broken.last_error.startswith("không soạn được thư: ValueError")
    assert [m["To"].addresses[0].addr_spec for m in smtp.mailbox.messages] == ["canbo.sldtbxh@hungyen.gov.vn"]
