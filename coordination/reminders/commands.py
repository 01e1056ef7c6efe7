"""The reminders domain's subcommands of ``coordination``: the scheduler and each of its jobs once.

Thin: each parses its options and calls one function of ``coordination.reminders.jobs`` or
``outbox``. ``env`` is the command line's settings environment (``coordination.scripts.cli.Env``).
"""

from __future__ import annotations

from ..db import get_engine


def _clock(args) -> None:
    """``--now 2026-12-14T08:00`` (Vietnam time unless an offset is given) freezes the clock."""
    import datetime as dt

    from ..clock import set_now

    if getattr(args, "now", None):
        set_now(dt.datetime.fromisoformat(args.now))


def _runtime(env):
    from .jobs import configure

    return configure(env.settings, get_engine(env.settings))


def cmd_scheduler(env, args) -> int:
    from .jobs import run_scheduler

    return run_scheduler(env.settings)


def cmd_sweep(env, args) -> int:
    from .jobs import sweep_once

    _clock(args)
    print(sweep_once(_runtime(env)).summary())
    return 0


def cmd_dispatch(env, args) -> int:
    from .jobs import dispatch_once

    _clock(args)
    result = dispatch_once(_runtime(env), max_batches=args.max_batches)
    print(f"dispatch: {result.sent} sent, {result.retried} to retry, {result.failed} failed, "
          f"{result.cancelled} cancelled (no longer due)")
    return 0


def cmd_digest(env, args) -> int:
    from .jobs import agency_digest_once, daily_digest_once

    _clock(args)
    rt = _runtime(env)
    if args.daily:
        print(daily_digest_once(rt).summary("daily digest"))
    else:
        print(agency_digest_once(rt).summary("agency digest"))
    return 0


def cmd_occurrences(env, args) -> int:
    from .jobs import occurrences_once

    _clock(args)
    result = occurrences_once(_runtime(env))
    print("occurrences: no occurrence function available (see the log)" if result is None else f"occurrences: {result}")
    return 0


def cmd_monthly_report(env, args) -> int:
    import datetime as dt

    from .jobs import monthly_report_once

    _clock(args)
    month = dt.date.fromisoformat(args.month + "-01") if args.month else None
    print(f"monthly report: {monthly_report_once(_runtime(env), month=month)} mails queued")
    return 0


def cmd_outbox(env, args) -> int:
    import json

    from . import outbox

    statuses = args.status or ["pending", "sent", "failed"]

    def listing(dbsession):
        return outbox.counts(dbsession), outbox.messages(dbsession, statuses, limit=args.limit)

    counts, rows = env.run(listing)
    if args.json:
        print(json.dumps({"counts": counts, "messages": [outbox.message_json(r) for r in rows]}, ensure_ascii=False, indent=2))
        return 0
    print("  ".join(f"{status}: {count}" for status, count in counts.items()))
    for row in rows:
        print(outbox.message_line(row))
    return 0


def cmd_purge_sessions(env, args) -> int:
    from .jobs import purge_sessions_once

    _clock(args)
    print(f"purge-sessions: {purge_sessions_once(_runtime(env))} ended or expired sessions deleted")
    return 0


def add_subcommands(sub) -> None:
    now_help = "run as if it were this time, e.g. 2026-12-14T08:00 (Vietnam time)"
    sub.add_parser("scheduler", help="run the scheduler (APScheduler) in this process").set_defaults(func=cmd_scheduler)
    p = sub.add_parser("sweep", help="queue the deadline reminders due now, once")
    p.add_argument("--now", help=now_help)
    p.set_defaults(func=cmd_sweep)
    p = sub.add_parser("dispatch", help="send what is due in the outbox, once")
    p.add_argument("--now", help=now_help)
    p.add_argument("--max-batches", type=int, default=None)
    p.set_defaults(func=cmd_dispatch)
    p = sub.add_parser("digest", help="queue this week's agency digests (or, with --daily, users' daily digests)")
    p.add_argument("--daily", action="store_true")
    p.add_argument("--now", help=now_help)
    p.set_defaults(func=cmd_digest)
    p = sub.add_parser("occurrences", help="create the due occurrences of recurring tasks, once")
    p.add_argument("--now", help=now_help)
    p.set_defaults(func=cmd_occurrences)
    p = sub.add_parser("monthly-report", help="queue the monthly report to the leadership (default: last month)")
    p.add_argument("--month", help="YYYY-MM")
    p.add_argument("--now", help=now_help)
    p.set_defaults(func=cmd_monthly_report)
    p = sub.add_parser("purge-sessions", help="delete sign-in sessions ended or expired over session.keep_days ago, once")
    p.add_argument("--now", help=now_help)
    p.set_defaults(func=cmd_purge_sessions)
    p = sub.add_parser("outbox", help="list the outbox: counts per state and the latest messages")
    p.add_argument("--status", action="append", choices=["held", "pending", "sending", "sent", "failed", "cancelled", "digested"],
                   help="only these states (repeatable; default pending, sent, failed)")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_outbox)
