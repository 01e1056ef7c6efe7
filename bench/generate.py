"""Build a benchmark dataset through the application's own services.

    python bench/generate.py --scale tiny|province|national --db URL

What it does, day by day over the data year (``bench.scales``), with the clock frozen at each moment:

1. 00:30 the occurrences job (``create_due_occurrences``), 07:30 the deadline sweep (``run_sweep``),
   as the scheduler would;
2. the tasks' planned events of the day (``bench.plans``): a sample of the tasks
   (``lifecycle_fraction``, and every recurring task) through ``coordination.tasks.lifecycle``, one
   action at a time; the others through ``bench.bulk``, which writes the same rows a day at a time;
3. the day's directives: a clerk drafts (``create_draft`` from the API's JSON) and submits, a leader
   issues (``issue_directive``: numbering, fan-out to lead agencies and groups, history, audit, the
   new-task mails in the outbox).

At the end the outbox is marked sent (what the dispatcher would have done, without rendering
bodies), the tables analysed, and ``bench_meta`` records the scale, the build time and the counts.
``run.py`` calls ``build``; snapshots are ``bench.snapshot``'s business.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from coordination import clock  # noqa: E402
from coordination.accounts.models import User  # noqa: E402
from coordination.clock import LOCAL_TZ  # noqa: E402
from coordination.db import get_engine  # noqa: E402
from coordination.directives import services  # noqa: E402
from coordination.directives.errors import DraftInvalid  # noqa: E402
from coordination.directives.payload import draft_from_json  # noqa: E402
from coordination.migrate import upgrade  # noqa: E402
from coordination.reminders.sweep import run_sweep  # noqa: E402
from coordination.tasks.models import Task, task_coordinators  # noqa: E402
from coordination.tasks.occurrences import create_due_occurrences  # noqa: E402

from bench import org  # noqa: E402
from bench import plans as P  # noqa: E402
from bench.bulk import BulkPath  # noqa: E402
from bench.drafts import Drafter  # noqa: E402
from bench.lifecycle_path import LifecyclePath  # noqa: E402
from bench.scales import BENCH_AT, SCALES, YEAR_START, Scale  # noqa: E402

# bump when the generator changes what it builds: snapshots of another version are not reused
GENERATOR_VERSION = "2"
META_DDL = "CREATE TABLE IF NOT EXISTS bench_meta (key VARCHAR(40) PRIMARY KEY, value TEXT NOT NULL)"

log = logging.getLogger("bench.generate")


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def working_days(start: dt.date, end: dt.date) -> list[dt.date]:
    days, day = [], start
    while day < end:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def lifecycle_sample(task_id: int, fraction: float) -> bool:
    """Whether a task goes through the lifecycle one action at a time (a fixed hash of its id)."""
    return ((task_id * 2654435761) % 2**32) / 2**32 < fraction


class Generator:
    def __init__(self, engine, scale: Scale, horizon: dt.datetime = BENCH_AT, start: dt.date = YEAR_START):
        self.engine, self.scale, self.horizon, self.start = engine, scale, horizon, start
        self.rng = random.Random(scale.seed)
        self.events: dict[dt.date, list[P.Event]] = defaultdict(list)
        self.lifecycle = LifecyclePath()
        self.lifecycle_tasks: set[int] = set()
        self.stats: Counter = Counter()
        self.seconds: Counter = Counter()

    # -- setup ---------------------------------------------------------------------------------

    def setup(self) -> None:
        with Session(self.engine) as session:
            clock.set_now(dt.datetime.combine(self.start - dt.timedelta(days=3), dt.time(9), tzinfo=LOCAL_TZ))
            self.provinces = org.build(session, 1, self.scale.communes)  # the others are copies (bench.clone)
            session.commit()
            self.staff = P.Staff(self.provinces)
            self.drafters = [Drafter(p) for p in self.provinces]
            self.bulk = BulkPath(session)

    def schedule(self) -> dict[dt.date, list[tuple[int, dt.datetime]]]:
        """(province index, moment) of every directive to issue, by day."""
        days = working_days(self.start, self.horizon.date())
        out: dict[dt.date, list] = defaultdict(list)
        for index, province in enumerate(self.provinces):
            count = self.scale.home_directives
            for n in range(count):
                day = days[min(len(days) - 1, int((n + self.rng.random()) * len(days) / count))]
                minutes = self.rng.randint(9 * 60, 16 * 60 + 30)
                out[day].append((index, dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=LOCAL_TZ)))
        for day in out:
            out[day].sort(key=lambda item: item[1])
        return out

    # -- the year --------------------------------------------------------------------------------

    def run(self) -> None:
        started = time.perf_counter()
        self.setup()
        plan = self.schedule()
        day = self.start
        last_report = time.perf_counter()
        while day <= self.horizon.date():
            with Session(self.engine) as session:
                self.day(session, day, plan.get(day, []))
                session.commit()
            if time.perf_counter() - last_report > 30 or day == self.horizon.date():
                last_report = time.perf_counter()
                say(f"{day}: {self.stats['directives']:,} directives, {self.stats['tasks']:,} tasks, "
                    f"{sum(self.lifecycle.done.values()):,} lifecycle actions, {sum(self.bulk.done.values()):,} bulk "
                    f"actions, {time.perf_counter() - started:.0f} s")
            day += dt.timedelta(days=1)
        self.finish()
        self.seconds["total"] = time.perf_counter() - started

    def day(self, session: Session, day: dt.date, directives: list) -> None:
        working = day.weekday() < 5
        if day.weekday() == 6:
            # what autovacuum does in production (it is off on some development servers): without
            # fresh statistics the growing tables are planned as if they were still empty
            mark = time.perf_counter()
            analyse(self.engine, vacuum=False)
            self.seconds["analyse"] += time.perf_counter() - mark
        if working and self.lifecycle_tasks:
            mark = time.perf_counter()
            clock.set_now(dt.datetime.combine(day, dt.time(0, 30), tzinfo=LOCAL_TZ))
            create_due_occurrences(session, today=day)
            self.seconds["occurrences"] += time.perf_counter() - mark
        if day.weekday() in self.scale.sweep_weekdays and self.stats["tasks"]:
            mark = time.perf_counter()
            at = dt.datetime.combine(day, dt.time(7, 30), tzinfo=LOCAL_TZ)
            clock.set_now(at)
            result = run_sweep(session, {}, at=at)
            self.stats["sweep_queued"] += result.queued
            self.seconds["sweep"] += time.perf_counter() - mark
        for event in sorted(self.events.pop(day, ()), key=lambda e: (e.at, e.task_id)):
            mark = time.perf_counter()
            if event.task_id in self.lifecycle_tasks:
                self.lifecycle.run(session, event)
                self.seconds["lifecycle"] += time.perf_counter() - mark
            else:
                self.bulk.run(event)
                self.seconds["bulk"] += time.perf_counter() - mark
        mark = time.perf_counter()
        self.stats["rows_bulk"] += self.bulk.flush_day(session)
        self.seconds["bulk"] += time.perf_counter() - mark
        if directives:
            mark = time.perf_counter()
            new_ids = []
            for index, at in directives:
                new_ids += self.issue(session, index, at)
            self.seconds["issue"] += time.perf_counter() - mark
            mark = time.perf_counter()
            self.plan(session, new_ids)
            self.seconds["plan"] += time.perf_counter() - mark

    def issue(self, session: Session, index: int, at: dt.datetime) -> list[int]:
        province = self.provinces[index]
        clerk = session.get(User, province.clerk_id)
        leader = session.get(User, province.leader_id)
        body = self.drafters[index].draft(self.rng, at.date())
        clock.set_now(at - dt.timedelta(minutes=self.rng.randint(30, 240)))
        try:
            directive = services.create_draft(session, draft_from_json(body), clerk)
        except DraftInvalid as invalid:  # a bug of bench.drafts: counted (tests require none), not fatal
            say(f"draft refused: {invalid.fields}")
            self.stats["drafts_refused"] += 1
            return []
        services.submit_directive(session, directive, clerk)
        clock.set_now(at)
        issued = services.issue_directive(session, directive, leader)
        self.stats["directives"] += 1
        self.stats["tasks"] += len(issued.task_ids)
        self.province_of = getattr(self, "province_of", {})
        self.province_of[directive.id] = index
        session.expunge_all()  # the next draft loads a fresh directory; keep the session small
        return list(issued.task_ids)

    def plan(self, session: Session, task_ids: list[int]) -> None:
        if not task_ids:
            return
        coordinators: dict[int, list[int]] = defaultdict(list)
        rows = []
        for start in range(0, len(task_ids), 5000):
            chunk = task_ids[start:start + 5000]
            rows += session.execute(select(Task.id, Task.lead_agency_id, Task.deadline_in_force, Task.rrule,
                                           Task.rrule_start, Task.rrule_end, Task.created_at, Task.directive_id)
                                    .where(Task.id.in_(chunk))).all()
            for task_id, agency_id in session.execute(select(task_coordinators.c.task_id, task_coordinators.c.agency_id)
                                                      .where(task_coordinators.c.task_id.in_(chunk))):
                coordinators[task_id].append(agency_id)
        for row in sorted(rows):
            info = P.TaskInfo(id=row.id, lead_agency_id=row.lead_agency_id, coordinator_ids=tuple(sorted(coordinators[row.id])),
                              deadline=row.deadline_in_force, rrule=row.rrule, rrule_start=row.rrule_start,
                              rrule_end=row.rrule_end, created_at=row.created_at, province=self.province_of[row.directive_id])
            if row.rrule or lifecycle_sample(row.id, self.scale.lifecycle_fraction):
                self.lifecycle_tasks.add(row.id)
            else:
                self.bulk.add_task(row.id, row.deadline_in_force, row.lead_agency_id)
            for event in P.plan(info, self.staff, self.horizon, self.scale.seed):
                self.events[event.at.date()].append(event)
                self.stats["events"] += 1

    # -- the end -----------------------------------------------------------------------------------

    def finish(self) -> None:
        clock.set_now(self.horizon)
        with Session(self.engine) as session:
            # what the dispatcher would have done with the year's mails (their bodies are not rendered)
            session.execute(text("UPDATE outbox_messages SET status = 'sent', sent_at = next_attempt_at "
                                 "WHERE status IN ('pending', 'held')"))
            session.commit()
        analyse(self.engine)


def analyse(engine, vacuum: bool = True) -> None:
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE" if vacuum else "ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def counts(engine) -> dict[str, int]:
    tables = ("agencies", "users", "directives", "tasks", "task_coordinators", "task_status_history", "deadline_changes",
              "progress_reports", "extensions", "escalations", "task_comments", "task_occurrences", "audit_events",
              "outbox_messages")
    with engine.connect() as conn:
        out = {table: conn.scalar(text(f"SELECT count(*) FROM {table}")) for table in tables}
        for status, n in conn.execute(text("SELECT status, count(*) FROM tasks GROUP BY status ORDER BY status")):
            out[f"tasks.{status}"] = n
    return out


def read_meta(engine) -> dict[str, str]:
    with engine.connect() as conn:
        try:
            return dict(conn.execute(text("SELECT key, value FROM bench_meta")).all())
        except Exception:  # no such table: not a benchmark dataset (yet)
            return {}


def write_meta(engine, values: dict[str, str]) -> None:
    with engine.begin() as conn:
        conn.execute(text(META_DDL))
        for key, value in values.items():
            conn.execute(text("DELETE FROM bench_meta WHERE key = :k"), {"k": key})
            conn.execute(text("INSERT INTO bench_meta (key, value) VALUES (:k, :v)"), {"k": key, "v": value})


def schema_head() -> str:
    from alembic.script import ScriptDirectory

    from coordination.migrate import alembic_config

    return "+".join(sorted(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()))


def dataset_key(scale: str) -> str:
    """What a dataset must match to be reused: scale, generator version and schema head."""
    return f"{scale}-g{GENERATOR_VERSION}-m{schema_head()}"


def build(url: str, scale_name: str) -> dict:
    """Fill the (empty or missing) database at ``url`` with the ``scale_name`` dataset; return the
    metadata written to ``bench_meta``. A scale with a ``base`` starts from the base's snapshot when
    there is one (else builds the home province itself), then copies it into the other provinces."""
    from bench import clone, snapshot

    scale = SCALES[scale_name]
    started = time.perf_counter()
    meta: dict[str, str] = {}
    if scale.base and snapshot.restore(url, dataset_key(scale.base)):
        engine = get_engine({"sqlalchemy.url": url})
        meta = {f"home_{k}": v for k, v in read_meta(engine).items() if k in ("build_seconds", "seconds", "stats",
                                                                                  "lifecycle_actions", "bulk_actions")}
        meta["home"] = f"restored from the {scale.base} snapshot"
        say(f"home province restored from the {scale.base} snapshot in {time.perf_counter() - started:.0f} s")
    else:
        if url.startswith("sqlite:///"):
            Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        upgrade(url)
        engine = get_engine({"sqlalchemy.url": url})
        generator = Generator(engine, scale)
        generator.run()
        meta = {
            "home_build_seconds": f"{generator.seconds['total']:.0f}",
            "home_seconds": json.dumps({k: round(v, 1) for k, v in generator.seconds.items()}),
            "home_stats": json.dumps(dict(generator.stats)),
            "home_lifecycle_actions": json.dumps(dict(generator.lifecycle.done)),
            "home_bulk_actions": json.dumps(dict(generator.bulk.done)),
            "refused": json.dumps({f"{a}:{r}": n for (a, r), n in (generator.lifecycle.refused + generator.bulk.refused).items()}),
        }
    try:
        if scale.provinces > 1:
            mark = time.perf_counter()
            clock.set_now(dt.datetime.combine(YEAR_START - dt.timedelta(days=3), dt.time(9), tzinfo=LOCAL_TZ))
            with Session(engine) as session:
                provinces = org.build(session, scale.provinces, scale.communes)
                session.commit()
            copied = clone.run(engine, scale, provinces)
            analyse(engine)
            meta["clone_seconds"] = f"{time.perf_counter() - mark:.0f}"
            meta["cloned_rows"] = json.dumps(copied)
        meta.update({
            "key": dataset_key(scale_name), "scale": scale_name, "backend": engine.dialect.name,
            "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "build_seconds": f"{time.perf_counter() - started:.0f}",
            "counts": json.dumps(counts(engine)),
            "bench_at": BENCH_AT.isoformat(),
        })
        write_meta(engine, meta)
        return meta
    finally:
        clock.set_now(None)
        engine.dispose()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=sorted(SCALES), default="tiny")
    parser.add_argument("--db", required=True, help="an EMPTY database (sqlite:///path or postgresql://.../name)")
    parser.add_argument("--save", action="store_true", help="save a snapshot afterwards (bench/snapshots/)")
    args = parser.parse_args(argv)
    meta = build(args.db, args.scale)
    if args.save:
        from bench import snapshot

        say(f"snapshot saved: {snapshot.save(args.db, meta['key'])}")
    print(json.dumps(meta, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
