"""The ``coordination`` command. Each subcommand reads the ini (``-c``, default development.ini)."""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

from pyramid.paster import get_appsettings, setup_logging
from sqlalchemy import select

from ..config import normalize_settings
from ..db import get_engine, get_session_factory, run_in_transaction

log = logging.getLogger("coordination")


@dataclass
class Env:
    ini: str
    settings: dict

    @property
    def url(self) -> str:
        return self.settings["sqlalchemy.url"]

    def session_factory(self):
        if not hasattr(self, "_factory"):
            self._factory = get_session_factory(get_engine(self.settings))
        return self._factory

    def run(self, fn, *args, **kwargs):
        """Run ``fn(dbsession, ...)`` in one transaction, committed when it returns."""
        return run_in_transaction(self.session_factory(), fn, *args, **kwargs)


def load_env(ini: str) -> Env:
    if not Path(ini).exists():
        raise SystemExit(f"coordination: settings file {ini} not found")
    setup_logging(ini)
    return Env(ini=ini, settings=normalize_settings(dict(get_appsettings(ini))))


# -- subcommands ----------------------------------------------------------------


def cmd_initdb(env: Env, args) -> int:
    from ..migrate import upgrade

    url = env.url
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    upgrade(url)
    print("database is at the latest schema")
    return 0


def cmd_demo(env: Env, args) -> int:
    from ..demo import load_demo

    result = env.run(load_demo, reset_passwords=args.reset_passwords)
    print(f"demo province ready ({result.created_agencies} agencies created)")
    if result.created_users:
        print("users created (passwords are shown only now):")
        for login, password in result.created_users.items():
            print(f"  {login:<18} {password}")
    else:
        print("users already exist; run with --reset-passwords to set new passwords")
    if args.workload:
        from ..reports.demo_workload import load_demo_workload

        tasks = env.run(lambda dbsession: len(load_demo_workload(dbsession)))
        print(f"demo work loaded: eight months of directives, {tasks} tasks" if tasks else "demo work already loaded")
    return 0


def cmd_add_user(env: Env, args) -> int:
    from ..accounts import services
    from ..organizations.services import agency_by_code

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None

    def add(dbsession):
        agency = agency_by_code(dbsession, args.agency)
        if agency is None:
            raise SystemExit(f"coordination: no agency with code {args.agency!r}")
        services.create_user(
            dbsession, login=args.login, full_name=args.name, email=args.email, agency=agency,
            roles=args.role, password=password, language=args.language,
        )

    try:
        env.run(add)
    except ValueError as exc:
        print(f"coordination: {exc}", file=sys.stderr)
        return 2
    print(f"user {args.login} created", file=sys.stderr)
    return 0


def cmd_create_token(env: Env, args) -> int:
    from ..accounts.models import User
    from ..accounts.services import create_api_token

    def create(dbsession):
        user = dbsession.scalar(select(User).where(User.login == args.login.lower()))
        if user is None or not user.active:
            raise SystemExit(f"coordination: no active user {args.login!r}")
        return create_api_token(dbsession, user, scope=args.scope, label=args.label)

    print(env.run(create))
    return 0


def cmd_serve(env: Env, args) -> int:
    from pyramid.scripts.pserve import main as pserve

    argv = ["pserve", env.ini]
    if args.reload:
        argv.append("--reload")
    # production.ini listens on %(http_port)s, so that one file serves several processes
    argv.append(f"http_port={getattr(args, 'port', None) or 6543}")
    return pserve(argv)


def cmd_up(env: Env, args) -> int:
    """initdb + demo (with its work, once) + serve, with the scheduler beside the web server: the
    README's first command.

    The scheduler runs as its own child process (``coordination scheduler``), stopped when the web
    server stops; the web application itself never runs jobs.
    """
    import signal
    import subprocess

    cmd_initdb(env, args)
    args.reset_passwords = False
    args.workload = not args.no_workload
    cmd_demo(env, args)
    scheduler = None
    if not args.no_scheduler:
        scheduler = subprocess.Popen([sys.executable, "-m", "coordination.scripts.cli", "-c", env.ini, "scheduler"])
        print(f"scheduler started (process {scheduler.pid})")
    # a SIGTERM must reach the finally below, or the scheduler would outlive the web server
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    print(f"open {env.settings['app.base_url']}/login")
    try:
        return cmd_serve(env, args)
    finally:
        if scheduler is not None:
            scheduler.terminate()
            try:
                scheduler.wait(timeout=15)
            except subprocess.TimeoutExpired:
                scheduler.kill()


def cmd_messages(env: Env | None, args) -> int:
    from ..catalog import refresh

    missing = refresh("en")
    for msgid in missing:
        print(f"untranslated: {msgid}")
    return 1 if missing else 0


def cmd_backup(env: Env, args) -> int:
    from ..backup import backup_sqlite
    from ..clock import now

    target = args.output or f"var/backups/coordination-{now().strftime('%Y%m%dT%H%M%SZ')}.sqlite"
    try:
        path = backup_sqlite(env.url, target)
    except (ValueError, FileNotFoundError) as exc:
        print(f"coordination: {exc}", file=sys.stderr)
        return 2
    print(path)
    return 0


def cmd_task_counts(env: Env, args) -> int:
    """Compare the kept counts of each agency's tasks with a recount; ``--repair`` writes the recount.
    Exit status 1 when counts differ and were not repaired (for a monitoring check)."""
    from ..organizations.models import Agency
    from ..tasks import counts

    def check(dbsession):
        found = counts.repair(dbsession) if args.repair else counts.differences(dbsession)
        codes = dict(dbsession.execute(select(Agency.id, Agency.code)).all())
        return [(codes.get(agency, agency), role, status, have, actual) for (agency, role, status), have, actual in found]

    found = env.run(check)
    for code, role, status, have, actual in found:
        print(f"{code}\t{role}\t{status}\tkept {have}\tcounted {actual}")
    if not found:
        print("the kept counts match the tasks")
    elif args.repair:
        print(f"repaired: {len(found)}")
    return 1 if found and not args.repair else 0


def cmd_parse_directive(env: Env | None, args) -> int:
    """Print a directive's structure; with -c the agencies are matched against the registry."""
    import json

    from ..importing.services import propose
    from ..importing.sources import UnreadableDocument, extract_text

    try:
        text = extract_text(Path(args.path).read_bytes(), args.path)
    except (OSError, UnreadableDocument) as exc:
        print(f"coordination: {exc}", file=sys.stderr)
        return 2
    if env is None:
        parsed = propose(None, text)
    else:
        parsed = env.run(lambda dbsession: propose(dbsession, text))
    data = parsed.to_json()
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(f"{data['type'] or '?'} {data['number'] or '(chưa có số)'} — {data['place'] or ''} {data['date'] or ''}")
    print(f"Trích yếu: {data['subject']}")
    print(f"Kính gửi: {'; '.join(data['recipients'])}")
    print(f"Người ký: {data['signer']['capacity']!r} {data['signer']['name']}")
    for ref in data["references"]:
        print(f"Căn cứ: {ref['type'] or ''} {ref['number']} {ref['date'] or ''} {ref['issuer'] or ''}")
    for task in data["tasks"]:
        deadline = task["deadline_text"] or "—"
        print(f"[{task['paragraph']}] chủ trì {task['lead']}; phối hợp {', '.join(task['coordinating']) or '—'}; "
              f"hạn {task['deadline'] or '—'} ({deadline}) — {task['summary'][:90]}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coordination", description=__doc__)
    parser.add_argument("-c", "--config", help="settings file (default development.ini)")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("initdb", help="create or upgrade the database schema (alembic upgrade head)").set_defaults(func=cmd_initdb)

    p = sub.add_parser("demo", help="load the demo province (idempotent)")
    p.add_argument("--reset-passwords", action="store_true", help="give the demo users new passwords and print them")
    p.add_argument("--workload", action="store_true",
                   help="also eight months of the province's work: directives, tasks in every state, reports (once)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("add-user", help="create a user")
    p.add_argument("login")
    p.add_argument("--name", required=True)
    p.add_argument("--email")
    p.add_argument("--agency", required=True, help="agency code")
    p.add_argument("--role", action="append", required=True, help="admin, leader, clerk, agency_head, agency_officer")
    p.add_argument("--language", default="vi", choices=["vi", "en"])
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=cmd_add_user)

    p = sub.add_parser("create-token", help="print a new API token for LOGIN")
    p.add_argument("login")
    p.add_argument("--scope", default="api", choices=["api", "calendar"])
    p.add_argument("--label")
    p.set_defaults(func=cmd_create_token)

    p = sub.add_parser("serve", help="serve the web application (pserve)")
    p.add_argument("--reload", action="store_true")
    p.add_argument("--port", type=int, help="the port of this process, for settings that listen on %%(http_port)s "
                                            "(production.ini; default 6543)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("backup", help="copy the SQLite database with the online backup API")
    p.add_argument("-o", "--output", help="target file (default var/backups/coordination-<UTC time>.sqlite)")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("task-counts", help="check the kept counts of each agency's tasks against a recount")
    p.add_argument("--repair", action="store_true", help="write the recount over the kept counts")
    p.set_defaults(func=cmd_task_counts)

    p = sub.add_parser("parse-directive", help="print the structure the importer reads from a directive file")
    p.add_argument("path", help=".txt, .docx or PDF with a text layer")
    p.add_argument("--json", action="store_true", help="the exact JSON of POST /api/v1/directives/parse")
    p.set_defaults(func=cmd_parse_directive, needs_settings="optional")

    p = sub.add_parser("messages", help="refresh the English message catalog; list what is untranslated")
    p.set_defaults(func=cmd_messages, needs_settings=False)

    p = sub.add_parser("up", help="initdb, demo, then serve, with the scheduler in a child process")
    p.add_argument("--reload", action="store_true")
    p.add_argument("--no-scheduler", action="store_true", help="do not start the scheduler beside the web server")
    p.add_argument("--no-workload", action="store_true", help="the demo province without its eight months of work")
    p.set_defaults(func=cmd_up)

    # the scheduler and its jobs, each also runnable once (scheduler, sweep, dispatch, digest, ...)
    from ..reminders.commands import add_subcommands

    add_subcommands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    needs = getattr(args, "needs_settings", True)
    if needs is True or (needs == "optional" and args.config):
        env = load_env(args.config or "development.ini")
    else:
        env = None
    return args.func(env, args) or 0


if __name__ == "__main__":
    sys.exit(main())
