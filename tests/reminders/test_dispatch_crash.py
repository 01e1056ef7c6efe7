"""A dispatcher killed (SIGKILL) mid-batch and restarted: nothing lost, nothing sent twice except the
one mail that was in flight, and that one recognisable by its Message-ID."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter

from sqlalchemy import select

from coordination.reminders.models import SENDING, SENT, OutboxAttempt, OutboxMessage
from coordination.reminders.outbox import enqueue, message_row
from coordination.reminders.recipients import Recipient

from .conftest import write_ini

COUNT = 20
LEASE = 4


def dispatcher(ini):
    return subprocess.Popen(
        [sys.executable, "-m", "coordination.scripts.cli", "-c", ini, "dispatch"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def test_a_dispatcher_killed_mid_batch_loses_nothing_and_duplicates_only_the_mail_in_flight(live, smtp, tmp_path):
    person = Recipient("a0", "hop-thu@example.gov.vn", "Hộp thư thử", None)
    with live.session() as session:
        enqueue(session, [message_row(dedup_key=f"crash:{n}", kind="daily_digest", to=person, subject=f"Thư {n}",
                                      body_text=f"Nội dung {n}") for n in range(COUNT)])
    # the server stores each mail, then takes 0.25 s to say 250: a kill then leaves a mail in flight
    smtp.mailbox.delay = 0.25
    ini = write_ini(tmp_path / "crash.ini", {
        **live.settings, "reminders.batch_size": "5", "reminders.claim_lease_seconds": str(LEASE), "mail.timeout": "1",
    })

    first = dispatcher(ini)
    try:
        smtp.mailbox.wait_for(7)
        first.send_signal(signal.SIGKILL)  # during the 7th mail, in the second batch of five
    finally:
        first.wait(10)
    assert first.returncode == -signal.SIGKILL
    received = set(smtp.mailbox.ids())
    with live.read() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        domain = "hungyen.gov.vn"
        in_flight = {row.message_id(domain) for row in rows if row.status == SENDING and row.message_id(domain) in received}
        claimed_not_sent = [row for row in rows if row.status == SENDING and row.message_id(domain) not in received]
        assert sum(row.status == SENT for row in rows) == 6
    assert len(in_flight) == 1          # the kill came while the server held the 7th mail
    assert len(claimed_not_sent) == 3   # the rest of that batch, leased to the dead dispatcher

    time.sleep(LEASE + 0.5)             # the dead dispatcher's lease runs out
    second = dispatcher(ini)
    output = second.communicate(timeout=60)[0].decode()
    assert second.returncode == 0, output

    counts = Counter(smtp.mailbox.ids())
    with live.read() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert {row.status for row in rows} == {SENT}
        expected = {row.message_id(domain) for row in rows}
        [resent] = [row for row in rows if row.message_id(domain) in in_flight]
        notes = session.scalars(select(OutboxAttempt.error).where(OutboxAttempt.message_id == resent.id)).all()
    assert set(counts) == expected                                    # nothing lost
    assert {mid for mid, n in counts.items() if n > 1} == in_flight   # only the mail in flight twice
    assert counts[next(iter(in_flight))] == 2
    assert resent.attempts == 2 and any(note and note.startswith("gián đoạn") for note in notes)
