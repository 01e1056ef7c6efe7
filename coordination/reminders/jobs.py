"""The scheduler process: APScheduler jobs that sweep deadlines, send the outbox and mail digests.

One process runs them (``coordination scheduler``); web processes never do (the app factory does
not import this module). Jobs live in the application database (SQLAlchemyJobStore) under fixed
ids, each on a cron expression from the .ini (``scheduler.<job id>``; empty or ``off`` disables):

    sweep           0 * * * *     deadline sweep (hourly)
    dispatch        * * * * *     outbox dispatch (every minute)
    occurrences     30 0 * * *    recurring task occurrences (the lifecycle's function)
    daily_digest    15 7 * * *    daily digests of users who chose one
    agency_digest   30 7 * * 1    weekly agency digest (Monday 07:30)
    monthly_report  0 7 1 * *     monthly consolidated report to the leadership
    purge_sessions  45 2 * * *    delete sign-in sessions ended or expired over ``session.keep_days`` ago

``coalesce`` and ``max_instances=1`` with ``misfire_grace_time`` (an hour) make a scheduler that
was down run a missed job once on restart, not once per missed time. A stored job whose schedule
is unchanged is kept as stored (so that its missed run is seen); a changed one is replaced.
Every job is also a ``coordination`` subcommand running once.
"""

from __future__ import annotations

import datetime as dt
import logging
import pickle
import signal
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine

from ..clock import LOCAL_TZ, now
from ..db import get_engine
from ..memory import freeze_startup_objects
from . import digest, dispatch, monthly, sweep
from .hooks import OCCURRENCES_JOB, optional_hook
from .models import apscheduler_jobs
from .tx import write_transaction

log = logging.getLogger(__name__)

DEFAULT_MISFIRE_GRACE_SECONDS = 3600


@dataclass(frozen=True)
class JobSpec:
    id: str
    default_cron: str
    func: str  # textual reference stored in the job store
    description: str

    @property
    def setting(self) -> str:
        return f"scheduler.{self.id}"


JOBS = (
    JobSpec("sweep", "0 * * * *", "coordination.reminders.jobs:sweep_job", "deadline sweep"),
    JobSpec("dispatch", "* * * * *", "coordination.reminders.jobs:dispatch_job", "outbox dispatch"),
    JobSpec("occurrences", "30 0 * * *", "coordination.reminders.jobs:occurrences_job", "recurring occurrences"),
    JobSpec("daily_digest", "15 7 * * *", "coordination.reminders.jobs:daily_digest_job", "users' daily digests"),
    JobSpec("agency_digest", "30 7 * * 1", "coordination.reminders.jobs:agency_digest_job", "weekly agency digest"),
    JobSpec("monthly_report", "0 7 1 * *", "coordination.reminders.jobs:monthly_report_job", "monthly report"),
    JobSpec("purge_sessions", "45 2 * * *", "coordination.reminders.jobs:purge_sessions_job", "old sign-in sessions purged"),
)


class Runtime:
    """What the jobs of this process work with: the settings and one engine."""

    def __init__(self, settings: dict, engine: Engine | None = None):
        self.settings = settings
        self.engine = engine or get_engine(settings)


_runtime: Runtime | None = None


def configure(settings: dict, engine: Engine | None = None) -> Runtime:
    global _runtime
    _runtime = Runtime(settings, engine)
    return _runtime


def runtime() -> Runtime:
    if _runtime is None:
        raise RuntimeError("scheduler jobs run inside `coordination scheduler` (call jobs.configure first)")
    return _runtime


# -- each job once (the subcommands call these) ----------------------------------------------


def sweep_once(rt: Runtime, at: dt.datetime | None = None) -> sweep.SweepResult:
    with write_transaction(rt.engine) as session:
        return sweep.run_sweep(session, rt.settings, at=at)


def dispatch_once(rt: Runtime, *, max_batches: int | None = None) -> dispatch.DispatchResult:
    return dispatch.dispatch(rt.engine, rt.settings, max_batches=max_batches)


def occurrences_once(rt: Runtime, at: dt.datetime | None = None):
    """Call ``reminders.occurrences_job`` (``create_due_occurrences(dbsession, today)``) in one
    transaction; a clear no-op, with a warning logged, while that function does not exist."""
    create = optional_hook(rt.settings, "reminders.occurrences_job", OCCURRENCES_JOB)
    if create is None:
        log.warning("occurrences job: no occurrence function available, nothing done")
        return None
    today = (at or now()).astimezone(LOCAL_TZ).date()
    with write_transaction(rt.engine) as session:
        return create(session, today)


def daily_digest_once(rt: Runtime, at: dt.datetime | None = None) -> digest.DigestResult:
    with write_transaction(rt.engine) as session:
        return digest.compile_daily_digests(session, rt.settings, at=at)


def agency_digest_once(rt: Runtime, at: dt.datetime | None = None) -> digest.DigestResult:
    with write_transaction(rt.engine) as session:
        return digest.queue_agency_digests(session, rt.settings, at=at)


def monthly_report_once(rt: Runtime, at: dt.datetime | None = None, month: dt.date | None = None) -> int:
    with write_transaction(rt.engine) as session:
        return monthly.queue_monthly_report(session, rt.settings, at=at, month=month)


def purge_sessions_once(rt: Runtime, at: dt.datetime | None = None) -> int:
    from ..accounts import sessions

    with write_transaction(rt.engine) as session:
        return sessions.purge(session, sessions.SessionRules.from_settings(rt.settings), at=at)


# -- the functions APScheduler calls (by textual reference) -----------------------------------


def sweep_job() -> None:
    sweep_once(runtime())


def dispatch_job() -> None:
    dispatch_once(runtime())


def occurrences_job() -> None:
    occurrences_once(runtime())


def daily_digest_job() -> None:
    daily_digest_once(runtime())


def agency_digest_job() -> None:
    agency_digest_once(runtime())


def monthly_report_job() -> None:
    monthly_report_once(runtime())


def purge_sessions_job() -> None:
    log.info("purge_sessions: %d old sessions deleted", purge_sessions_once(runtime()))


# -- the scheduler ------------------------------------------------------------------------------


def job_plan(settings) -> dict[str, tuple[JobSpec, str]]:
    """Configured jobs: id → (spec, cron expression); disabled jobs are left out."""
    plan = {}
    for spec in JOBS:
        cron = (settings.get(spec.setting, spec.default_cron) or "").strip()
        if cron and cron.lower() not in ("off", "none", "disabled"):
            plan[spec.id] = (spec, cron)
    return plan


def _stored_jobs(engine: Engine) -> dict[str, dict]:
    with engine.connect() as connection:
        rows = connection.execute(select(apscheduler_jobs.c.id, apscheduler_jobs.c.job_state)).all()
    out = {}
    for job_id, state in rows:
        try:
            out[job_id] = pickle.loads(state)  # noqa: S301 - written by APScheduler into our own database
        except Exception:  # noqa: BLE001 - an unreadable row is replaced below
            out[job_id] = {}
    return out


def _signature(func: str, trigger, grace: int) -> tuple:
    return (func, repr(trigger), grace, True, 1)


def build_scheduler(settings, engine: Engine, scheduler_class: type | None = None):
    """A scheduler (BlockingScheduler unless told otherwise) with the configured jobs.

    Jobs no longer configured are removed from the store; unchanged ones are kept as stored.
    """
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger

    grace = int(settings.get("scheduler.misfire_grace_time") or DEFAULT_MISFIRE_GRACE_SECONDS)
    scheduler_class = scheduler_class or BlockingScheduler
    scheduler = scheduler_class(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=apscheduler_jobs.name)},
        executors={"default": ThreadPoolExecutor(max_workers=4)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": grace},
        timezone=LOCAL_TZ,
    )
    plan = job_plan(settings)
    stored = _stored_jobs(engine)
    with engine.begin() as connection:
        connection.execute(delete(apscheduler_jobs).where(apscheduler_jobs.c.id.not_in(list(plan) or [""])))
    for job_id, (spec, cron) in plan.items():
        trigger = CronTrigger.from_crontab(cron, timezone=LOCAL_TZ)
        state = stored.get(job_id, {})
        old = (state.get("func"), repr(state.get("trigger")), state.get("misfire_grace_time"),
               state.get("coalesce"), state.get("max_instances"))
        if state and old == _signature(spec.func, trigger, grace):
            continue  # keep it with its next run time, so a run missed while we were down is seen
        scheduler.add_job(spec.func, trigger, id=job_id, name=f"{spec.description} ({cron})",
                          replace_existing=True)
    return scheduler


def run_scheduler(settings, *, install_signals: bool = True) -> int:
    """Run the scheduler in this process until SIGTERM or Ctrl-C."""
    rt = configure(settings)
    scheduler = build_scheduler(settings, rt.engine)
    freeze_startup_objects(settings)
    if install_signals:
        def stop(signum, frame):
            log.info("scheduler: signal %s, stopping", signum)
            scheduler.shutdown(wait=False)

        signal.signal(signal.SIGTERM, stop)
    for job_id, (spec, cron) in job_plan(settings).items():
        log.info("scheduler: %-15s %-14s %s", job_id, cron, spec.description)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    log.info("scheduler stopped")
    return 0

