"""The scheduler process: fixed jobs in the database, catching up once, never inside the web app."""

import datetime as dt
import logging
import os
import pickle
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request

from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select, update

from coordination.clock import LOCAL_TZ
from coordination.reminders import jobs
from coordination.reminders.models import apscheduler_jobs

from .conftest import free_port, write_ini
from .factories import at

ALL_JOBS = ["agency_digest", "daily_digest", "dispatch", "monthly_report", "occurrences", "purge_sessions", "sweep"]


def stored(live) -> dict:
    with live.engine.connect() as connection:
        return {job_id: pickle.loads(state) for job_id, state in
                connection.execute(select(apscheduler_jobs.c.id, apscheduler_jobs.c.job_state))}


def start_and_stop(live, settings):
    scheduler = jobs.build_scheduler(settings, live.engine, BackgroundScheduler)
    scheduler.start(paused=True)
    scheduler.shutdown()


def test_the_jobs_and_their_schedules_come_from_the_settings():
    plan = jobs.job_plan({"scheduler.sweep": "5 * * * *", "scheduler.monthly_report": "off"})
    assert sorted(plan) == ["agency_digest", "daily_digest", "dispatch", "occurrences", "purge_sessions", "sweep"]
    assert plan["purge_sessions"][1] == "45 2 * * *"  # nightly
    assert plan["sweep"][1] == "5 * * * *"
    assert plan["agency_digest"][1] == "30 7 * * 1"   # Monday 07:30
    assert plan["dispatch"][1] == "* * * * *"


def test_jobs_are_stored_once_under_fixed_ids_and_follow_the_settings(live):
    start_and_stop(live, live.settings)
    start_and_stop(live, live.settings)  # a restart adds no copy
    jobs_now = stored(live)
    assert sorted(jobs_now) == ALL_JOBS
    sweep = jobs_now["sweep"]
    assert sweep["func"] == "coordination.reminders.jobs:sweep_job"
    assert (sweep["coalesce"], sweep["max_instances"], sweep["misfire_grace_time"]) == (True, 1, 3600)
    assert str(sweep["trigger"].timezone) == "Asia/Ho_Chi_Minh"
    assert "minute='0'" in str(sweep["trigger"]) and "hour='*'" in str(sweep["trigger"])
    digest = jobs_now["agency_digest"]["trigger"]
    assert "day_of_week='1'" in str(digest) and "hour='7'" in str(digest) and "minute='30'" in str(digest)

    changed = {**live.settings, "scheduler.sweep": "15 * * * *", "scheduler.monthly_report": "off"}
    start_and_stop(live, changed)
    jobs_now = stored(live)
    assert "monthly_report" not in jobs_now
    assert "minute='15'" in str(jobs_now["sweep"]["trigger"])


def _move_next_run(live, job_id: str, when: dt.datetime) -> None:
    with live.engine.begin() as connection:
        state = pickle.loads(connection.scalar(select(apscheduler_jobs.c.job_state).where(apscheduler_jobs.c.id == job_id)))
        state["next_run_time"] = when
        connection.execute(update(apscheduler_jobs).where(apscheduler_jobs.c.id == job_id).values(
            job_state=pickle.dumps(state, pickle.HIGHEST_PROTOCOL), next_run_time=when.timestamp()))


def test_a_scheduler_that_was_down_runs_a_missed_job_once_and_skips_one_missed_too_long_ago(live):
    real_now = dt.datetime.now(dt.timezone.utc)
    # daily at an hour half a day away: no scheduled time of either job falls in the last two hours
    # (with "0 4", run between 04:00 and 05:00 local time, the sweep's 04:00 was a fresh miss and ran)
    hour = (real_now + dt.timedelta(hours=12)).astimezone(LOCAL_TZ).hour
    settings = {**live.settings, "scheduler.dispatch": f"0 {hour} * * *", "scheduler.sweep": f"0 {hour} * * *"}
    start_and_stop(live, settings)
    _move_next_run(live, "dispatch", real_now - dt.timedelta(minutes=30))   # within the hour of grace
    _move_next_run(live, "sweep", real_now - dt.timedelta(hours=2))         # beyond it

    jobs.configure(settings, live.engine)
    scheduler = jobs.build_scheduler(settings, live.engine, BackgroundScheduler)
    events = []
    done = threading.Event()

    def listen(event):
        events.append((event.job_id, event.code))
        if len(events) >= 2:
            done.set()

    scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED)
    scheduler.start()
    try:
        assert done.wait(10)
        time.sleep(0.5)  # room for a second run, which must not come
    finally:
        scheduler.shutdown()
    assert sorted(events) == [("dispatch", EVENT_JOB_EXECUTED), ("sweep", EVENT_JOB_MISSED)]


calls = []


def create_occurrences(dbsession, today):
    """Stands for coordination.tasks.lifecycle:create_due_occurrences."""
    calls.append(today)
    return 4


def test_the_occurrences_job_calls_the_lifecycles_function_or_does_nothing_with_a_warning(live, caplog):
    missing = jobs.Runtime({**live.settings, "reminders.occurrences_job": "coordination.tasks.lifecycle:create_due_occurrences"},
                           live.engine)
    with caplog.at_level(logging.WARNING):
        assert jobs.occurrences_once(missing) is None
    assert "coordination.tasks.lifecycle:create_due_occurrences is not available" in caplog.text
    present = jobs.Runtime({**live.settings, "reminders.occurrences_job": "tests.reminders.test_jobs:create_occurrences"},
                           live.engine)
    calls.clear()
    assert jobs.occurrences_once(present, at=at("2026-12-14T00:30")) == 4
    assert calls == [dt.date(2026, 12, 14)]


def test_the_web_application_never_loads_the_scheduler(app_settings):
    code = (
        "import sys; from coordination import main; main({}, **%r); "
        "print(sorted(m for m in sys.modules if m.startswith('apscheduler') or m == 'coordination.reminders.jobs'))"
    ) % (app_settings,)
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


def _wait(condition, timeout=20):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_coordination_scheduler_runs_as_its_own_process_and_stops_on_sigterm(live, tmp_path):
    ini = write_ini(tmp_path / "scheduler.ini", live.settings)
    process = subprocess.Popen([sys.executable, "-m", "coordination.scripts.cli", "-c", ini, "scheduler"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert _wait(lambda: sorted(stored(live)) == ALL_JOBS), process.stdout.read1().decode() if process.poll() else ""
        process.send_signal(signal.SIGTERM)
        assert process.wait(15) == 0
    finally:
        if process.poll() is None:
            process.kill()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is not alive; the test reaps nothing itself, the up process does
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split()[2] != "Z"


def test_coordination_up_starts_the_scheduler_beside_the_web_server_and_stops_it_with_it(tmp_path):
    # its own SQLite file: ``up`` migrates it and loads the demo province itself
    port = free_port()
    ini = write_ini(tmp_path / "up.ini", {"sqlalchemy.url": f"sqlite:///{tmp_path / 'up.sqlite'}",
                                          "app.base_url": f"http://127.0.0.1:{port}", "scheduler.dispatch": "off"},
                    server_port=port)
    process = subprocess.Popen([sys.executable, "-m", "coordination.scripts.cli", "-c", ini, "up"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    try:
        assert _wait(lambda: any("scheduler started" in line for line in lines), 60), "".join(lines)
        pid = int(re.search(r"scheduler started \(process (\d+)\)", "".join(lines)).group(1))

        def healthy():
            try:
                return urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).status == 200
            except OSError:
                return False

        assert _wait(healthy, 60), "".join(lines)
        assert _alive(pid)
        process.send_signal(signal.SIGTERM)
        process.wait(30)
        assert _wait(lambda: not _alive(pid), 15)
    finally:
        if process.poll() is None:
            process.kill()
