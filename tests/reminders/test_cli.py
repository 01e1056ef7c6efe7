"""Each job is a subcommand that runs once, with ``--now`` for operations and tests."""

import datetime as dt

from sqlalchemy import select

from coordination.reminders.models import OutboxMessage
from coordination.scripts.cli import main

from .conftest import write_ini
from .factories import task

D = dt.date


def test_sweep_then_dispatch_from_the_command_line(live, smtp, tmp_path, capsys):
    with live.session() as session:
        task(session, deadline=D(2026, 12, 17))
        task(session, deadline=D(2026, 12, 6), lead="STC")  # 8 days overdue: escalated
    ini = write_ini(tmp_path / "cli.ini", live.settings)
    assert main(["-c", ini, "sweep", "--now", "2026-12-14T08:00"]) == 0
    out = capsys.readouterr().out
    assert "sweep 2026-12-14:" in out and "4 mails queued (before 1, escalation 2, overdue 1)" in out
    assert main(["-c", ini, "sweep", "--now", "2026-12-14T09:00"]) == 0
    assert "0 mails queued" in capsys.readouterr().out
    assert main(["-c", ini, "dispatch", "--now", "2026-12-14T09:01"]) == 0
    assert "dispatch: 4 sent, 0 to retry, 0 failed" in capsys.readouterr().out
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp.mailbox.messages) == [
        "canbo.sldtbxh@hungyen.gov.vn", "canbo.stc@hungyen.gov.vn", "chuyenvien@hungyen.gov.vn", "lanhdao@hungyen.gov.vn",
    ]


def test_digest_monthly_report_and_occurrences_commands(live, tmp_path, capsys):
    with live.session() as session:
        task(session, deadline=D(2026, 12, 1))
    ini = write_ini(tmp_path / "cli.ini", {**live.settings, "reminders.occurrences_job": "no.such.module:fn"})
    assert main(["-c", ini, "digest", "--now", "2026-12-14T07:30"]) == 0
    assert "agency digest: 2 digests queued" in capsys.readouterr().out
    assert main(["-c", ini, "digest", "--daily", "--now", "2026-12-14T07:15"]) == 0
    assert "daily digest: 0 digests queued" in capsys.readouterr().out
    assert main(["-c", ini, "monthly-report", "--month", "2026-11"]) == 0
    assert "monthly report: 1 mails queued" in capsys.readouterr().out
    assert main(["-c", ini, "occurrences"]) == 0
    assert "no occurrence function available" in capsys.readouterr().out
    with live.read() as session:
        kinds = sorted(session.scalars(select(OutboxMessage.kind)))
    assert kinds == ["agency_digest", "agency_digest", "monthly_report"]


def test_purge_sessions_deletes_old_ended_sessions_in_its_own_transaction(live, tmp_path, capsys):
    from coordination.accounts.models import User, UserSession

    from .factories import at

    with live.engine.begin() as connection:
        user_id = connection.scalar(select(User.id).where(User.login == "chuyenvien"))
        for name, signed_in, ended in (("old", "2026-08-01T08:00", "2026-08-01T09:00"),
                                       ("recent", "2026-11-20T08:00", "2026-11-20T09:00")):
            connection.execute(UserSession.__table__.insert().values(
                user_id=user_id, token_hash=name * 8, created_at=at(signed_in), last_seen_at=at(ended),
                ended_at=at(ended), end_reason="logout"))
    ini = write_ini(tmp_path / "cli.ini", live.settings)
    assert main(["-c", ini, "purge-sessions", "--now", "2026-11-25T02:45"]) == 0
    assert "purge-sessions: 1 ended or expired sessions deleted" in capsys.readouterr().out
    with live.engine.connect() as connection:
        assert connection.scalars(select(UserSession.token_hash)).all() == ["recent" * 8]
