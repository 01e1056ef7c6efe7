"""``bench/run.py --scale tiny`` works on both databases: it builds the dataset through the services
(with a copied second province), saves a snapshot, measures every case next to its raw SQL,
reuses the dataset on a second run and restores the snapshot into an empty database on a third."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from coordination.db import get_engine
from tests.conftest import IN_CI, PG_BASE_URL

ROOT = Path(__file__).resolve().parents[2]
CASES = {"inbox_first_page", "inbox_deep_page", "dashboard", "dashboard_recount", "register_search", "task_page", "issue_2000", "sweep", "sweep_again",
         "xlsx_export", "parse"}
THROUGHPUT = {"throughput_inbox", "throughput_dashboard"}
KEYS = {"name", "median_ms", "p95_ms", "raw_median_ms", "ratio", "peak_mb"}


@pytest.fixture(scope="module")
def tiny(backend, tmp_path_factory):
    """A database whose name says bench (run.py refuses others) and a snapshot folder of its own."""
    folder = tmp_path_factory.mktemp("bench")
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'coordination-bench-tiny.sqlite'}", folder / "snapshots"
        return
    import psycopg

    name = f"coordination_bench_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        psycopg.connect(PG_BASE_URL, connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI: {exc}")
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    url = PG_BASE_URL.rsplit("/", 1)[0] + "/" + name
    yield url, folder / "snapshots"
    with psycopg.connect(PG_BASE_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(url: str, snapshots: Path, *args: str) -> tuple[list[dict], str]:
    env = {**os.environ, "COORDINATION_BENCH_SNAPSHOTS": str(snapshots)}
    done = subprocess.run([sys.executable, "bench/run.py", "--scale", "tiny", "--db", url, "--json", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()], done.stderr


@pytest.fixture(scope="module")
def first_run(tiny):
    url, snapshots = tiny
    rows, log = run(url, snapshots, "--reps", "3", "--clients", "2", "--seconds", "1")
    return url, snapshots, rows, log


def test_run_builds_measures_reuses_and_restores(first_run):
    url, snapshots, rows, log = first_run
    assert "building the tiny dataset" in log
    # on PostgreSQL each measurement starts from a vacuumed dataset (earlier ones' rollbacks cleaned)
    assert ("VACUUM before each measurement" in log) == url.startswith("postgresql")
    assert list(snapshots.glob("tiny-*")), "a snapshot was saved"
    engine = get_engine({"sqlalchemy.url": url})
    with engine.connect() as conn:
        meta = dict(conn.execute(text("SELECT key, value FROM bench_meta")).all())
    engine.dispose()
    # every draft was accepted and every planned action allowed, by the services and the lifecycle
    assert json.loads(meta["refused"]) == {} and "drafts_refused" not in json.loads(meta["home_stats"])
    assert json.loads(meta["counts"])["tasks"] > 500
    by_name = {row["name"]: row for row in rows}
    assert set(by_name) == CASES | THROUGHPUT
    for row in rows:
        assert KEYS <= set(row), row
        assert row["median_ms"] > 0 and row["p95_ms"] >= row["median_ms"], row
    for name in CASES - {"parse"}:
        row = by_name[name]
        assert row["raw_median_ms"] > 0, row
        assert row["ratio"] == pytest.approx(row["median_ms"] / row["raw_median_ms"], rel=0.02), row
    assert by_name["issue_2000"]["tasks"] == 2000
    # the dashboard measured is the reports' own (kept counts), and the page loaded is the real one
    assert by_name["dashboard"]["note"].startswith("bench.cases:dashboard_view")
    assert "GET /dashboard:" in by_name["throughput_dashboard"]["note"]
    assert by_name["sweep"]["due_items"] > 0 and by_name["sweep"]["queued"] > 0
    assert by_name["xlsx_export"]["peak_mb"] > 0 and by_name["xlsx_export"]["rows"] > 0
    for name in THROUGHPUT:
        assert by_name[name]["rps"] > 0 and by_name[name]["raw_rps"] > 0
        assert by_name[name]["ratio"] == pytest.approx(by_name[name]["rps"] / by_name[name]["raw_rps"], rel=0.01)
        # measured in rounds alternated with the bare view's, each round's ratio reported
        assert len(by_name[name]["round_ratios"]) == 3 and all(r > 0 for r in by_name[name]["round_ratios"])
        assert min(by_name[name]["round_ratios"]) * 0.99 <= by_name[name]["ratio"] <= max(by_name[name]["round_ratios"]) * 1.01

    # the measurements roll back what they write: the dataset is reused as it was
    rows, log = run(url, snapshots, "--only", "inbox_first_page,sweep", "--reps", "2", "--no-throughput")
    assert "reusing the tiny dataset" in log
    assert {row["name"] for row in rows} == {"inbox_first_page", "sweep"}
    assert {row["name"]: row for row in rows}["sweep"]["queued"] == by_name["sweep"]["queued"]

    # an empty database is filled from the snapshot, not rebuilt
    engine = get_engine({"sqlalchemy.url": url})
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM bench_meta"))
    engine.dispose()
    rows, log = run(url, snapshots, "--only", "task_page", "--reps", "2", "--no-throughput")
    assert "restored the tiny dataset" in log and "building" not in log
    assert [row["name"] for row in rows] == ["task_page"]


def test_copied_province_is_its_own(first_run):
    """The second province of the tiny dataset is a re-keyed copy of the home one (bench.clone):
    its tasks, coordinators, issuers, registers and actors are its own, each copied task matches the
    task it copies, and its officers can act on them through the lifecycle."""
    import datetime as dt
    from collections import Counter

    from sqlalchemy import select
    from sqlalchemy.orm import Session, aliased

    from coordination import clock
    from coordination.accounts.models import User
    from coordination.directives.models import Directive
    from coordination.organizations.models import Agency
    from coordination.tasks import inbox, lifecycle
    from coordination.tasks.models import AuditEvent, Task, task_coordinators

    url = first_run[0]
    engine = get_engine({"sqlalchemy.url": url})
    try:
        with Session(engine) as s:
            lead = aliased(Agency)
            tasks = s.execute(select(Task, lead.code).join(lead, lead.id == Task.lead_agency_id)).all()
            home = {(t.created_at, t.paragraph, t.content, code): t for t, code in tasks if not code.startswith("HN-")}
            copies = [(t, code) for t, code in tasks if code.startswith("HN-")]
            assert 0.3 * len(home) < len(copies) < 0.7 * len(home)
            issuers = set(s.scalars(select(Agency.code).join(Directive, Directive.issuer_id == Agency.id)
                                    .where(Directive.id.in_([t.directive_id for t, _ in copies]))))
            assert issuers == {"HN-UBND"}
            registers = set(s.scalars(select(Directive.register).where(Directive.id.in_([t.directive_id for t, _ in copies]))))
            assert registers and all(r.startswith("HN-UBND/") for r in registers)
            codes = set(s.scalars(select(Agency.code).join(task_coordinators, task_coordinators.c.agency_id == Agency.id)
                                  .where(task_coordinators.c.task_id.in_([t.id for t, _ in copies]))))
            assert codes and all(c.startswith("HN-") for c in codes)

            def actions(task_id):
                return [a for a in s.scalars(select(AuditEvent.action).where(AuditEvent.entity == "task",
                                                                              AuditEvent.entity_id == task_id).order_by(AuditEvent.id))]

            statuses = Counter()
            for task, code in copies:
                source = home[(task.created_at, task.paragraph, task.content, code[3:])]
                assert (task.status, task.version, task.percent_done, task.completed_on, task.deadline_in_force) == \
                    (source.status, source.version, source.percent_done, source.completed_on, source.deadline_in_force)
                assert actions(task.id) == actions(source.id)
                statuses[task.status] += 1
            assert statuses["completed"] and statuses["in_progress"]
            actors = set(s.scalars(select(User.login).join(AuditEvent, AuditEvent.actor_id == User.id)
                                   .where(AuditEvent.entity == "task", AuditEvent.entity_id.in_([t.id for t, _ in copies]))))
            assert actors and all(login.endswith(".hn") for login in actors), actors

            # the copy's officer sees the task in the inbox and can report on it
            task, code = next((t, c) for t, c in copies if t.status == "in_progress" and t.rrule is None)
            officer = s.scalar(select(User).where(User.login == f"cb.{code[3:].lower()}.hn"))
            clock.set_now(dt.datetime(2026, 12, 16, 9, 0))
            try:
                page = inbox.inbox_page(s, task.lead_agency_id, inbox.InboxFilters(statuses=("in_progress",)), limit=200)
                assert task.id in [t.id for t in page.tasks]
                lifecycle.report_progress(s, task, officer, expected_version=task.version, percent=95, text="Sắp xong.")
                assert task.percent_done == 95
            finally:
                clock.set_now(None)
                s.rollback()
    finally:
        engine.dispose()


def test_a_dataset_built_at_an_older_schema_is_migrated_in_place_not_rebuilt(first_run):
    from alembic.script import ScriptDirectory

    from coordination.migrate import alembic_config

    url, snapshots, _rows, _log = first_run
    script = ScriptDirectory.from_config(alembic_config(url))
    [head] = script.get_heads()
    previous = script.get_revision(head).down_revision
    _downgrade(url, previous)
    engine = get_engine({"sqlalchemy.url": url})
    with engine.begin() as conn:
        key = conn.scalar(text("SELECT value FROM bench_meta WHERE key = 'key'"))
        conn.execute(text("UPDATE bench_meta SET value = :v WHERE key = 'key'"), {"v": key.replace(f"-m{head}", f"-m{previous}")})
    engine.dispose()

    rows, log = run(url, snapshots, "--only", "inbox_first_page", "--reps", "2", "--no-throughput")
    assert "upgraded the tiny dataset" in log and "building" not in log and "restored" not in log
    assert [row["name"] for row in rows] == ["inbox_first_page"]
    engine = get_engine({"sqlalchemy.url": url})
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == head
        assert conn.scalar(text("SELECT value FROM bench_meta WHERE key = 'key'")) == key
    engine.dispose()


def _downgrade(url: str, revision: str) -> None:
    from alembic import command

    from coordination.migrate import alembic_config

    command.downgrade(alembic_config(url), revision)


def test_run_refuses_a_database_not_named_bench(tmp_path):
    done = subprocess.run([sys.executable, "bench/run.py", "--scale", "tiny", "--db", f"sqlite:///{tmp_path / 'prod.sqlite'}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "must contain 'bench'" in done.stderr
    assert not (tmp_path / "prod.sqlite").exists()
