"""Start-up's long-lived objects frozen out of the garbage collector's full passes, in the served
processes and the scheduler only (``coordination/memory.py``)."""

from __future__ import annotations

import configparser
import gc
from pathlib import Path

import pytest

from coordination import main
from coordination.memory import freeze_startup_objects
from coordination.reminders import jobs

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def unfrozen():
    assert gc.get_freeze_count() == 0, "something froze the test process's objects"
    yield
    gc.unfreeze()


def test_the_served_application_freezes_what_start_up_made(app_settings, unfrozen):
    app = main({}, **{**app_settings, "gc.freeze": "true"})
    # the modules, mappers, registry and routes: far more than a handful of objects
    assert gc.get_freeze_count() > 20_000
    app.registry["db_engine"].dispose()


def test_nothing_is_frozen_unless_the_settings_ask(app_settings, unfrozen):
    app = main({}, **app_settings)
    assert gc.get_freeze_count() == 0
    assert freeze_startup_objects({"gc.freeze": "false"}) == 0 and gc.get_freeze_count() == 0
    app.registry["db_engine"].dispose()


def test_the_scheduler_freezes_after_building_its_jobs(app_settings, unfrozen, monkeypatch):
    started = []

    class Scheduler:
        def start(self):
            started.append(gc.get_freeze_count())

    monkeypatch.setattr(jobs, "build_scheduler", lambda settings, engine: Scheduler())
    monkeypatch.setattr(jobs, "_runtime", None)  # run_scheduler configures this process's runtime
    assert jobs.run_scheduler({**app_settings, "gc.freeze": "true"}, install_signals=False) == 0
    assert started and started[0] > 20_000  # frozen before the scheduler starts running jobs
    jobs.runtime().engine.dispose()


@pytest.mark.parametrize("name", ["production.ini", "development.ini"])
def test_the_shipped_settings_freeze(name):
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(ROOT / name, encoding="utf-8")
    assert ini["app:main"]["gc.freeze"] == "true"
