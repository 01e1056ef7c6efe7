"""The ``coordination`` command, run as a real process against a database of its own."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import webtest

from coordination import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(fresh_db_url, tmp_path):
    ini = tmp_path / "test.ini"
    ini.write_text((ROOT / "development.ini").read_text(encoding="utf-8"), encoding="utf-8")
    env = {**os.environ, "COORDINATION_DATABASE_URL": fresh_db_url}

    def run(*args, stdin=None, check=True):
        result = subprocess.run(
            [sys.executable, "-m", "coordination.scripts.cli", "-c", str(ini), *args],
            input=stdin, capture_output=True, text=True, env=env, timeout=120,
        )
        if check:
            assert result.returncode == 0, result.stderr
        return result

    run.url = fresh_db_url
    return run


def test_initdb_demo_add_user_and_token_end_to_end(run):
    run("initdb")
    run("initdb")  # safe to run twice
    first = run("demo")
    assert "lanhdao" in first.stdout and "26 agencies created" in first.stdout
    second = run("demo")
    assert "0 agencies created" in second.stdout and "lanhdao" not in second.stdout

    run("add-user", "canbo.bhxh", "--name", "Nguyễn Văn An", "--email", "an@bhxh.gov.vn",
        "--agency", "BHXH", "--role", "agency_officer", "--role", "agency_head", "--password-stdin",
        stdin="mot-mat-khau-dai\n")
    token_run = run("create-token", "canbo.bhxh")
    token = token_run.stdout.strip()
    assert token_run.stdout == token + "\n"  # only the token on standard output
    assert len(token) >= 40

    app = webtest.TestApp(main({}, **{"sqlalchemy.url": run.url, "session.secret": "s" * 40}))
    agencies = app.get("/api/v1/agencies", headers={"Authorization": f"Bearer {token}"}).json
    assert "BHXH" in {a["code"] for a in agencies}
    page = app.get("/login")
    form = page.forms["deform"]
    form["login"], form["password"] = "canbo.bhxh", "mot-mat-khau-dai"
    assert form.submit("sign_in").status_int == 303
    app.app.registry["db_engine"].dispose()


def test_add_user_refuses_unknown_agency_duplicate_login_and_bad_role(run):
    run("initdb")
    run("demo")
    bad_agency = run("add-user", "x.y", "--name", "X", "--agency", "NOPE", "--role", "clerk", check=False)
    assert bad_agency.returncode != 0 and "NOPE" in bad_agency.stderr
    duplicate = run("add-user", "lanhdao", "--name", "X", "--agency", "UBND", "--role", "leader", check=False)
    assert duplicate.returncode == 2 and "taken" in duplicate.stderr
    bad_role = run("add-user", "x.z", "--name", "X", "--agency", "UBND", "--role", "king", check=False)
    assert bad_role.returncode == 2 and "unknown roles" in bad_role.stderr
    short = run("add-user", "x.w", "--name", "X", "--agency", "UBND", "--role", "clerk", "--password-stdin",
                stdin="short\n", check=False)
    assert short.returncode == 2


def test_create_token_for_unknown_user_fails_without_output(run):
    run("initdb")
    result = run("create-token", "nobody", check=False)
    assert result.returncode != 0 and result.stdout == ""


def test_task_counts_reports_a_drifted_count_and_repairs_it(run):
    from sqlalchemy import text

    from coordination.db import get_engine

    run("initdb")
    run("demo")
    assert run("task-counts").stdout.strip() == "the kept counts match the tasks"
    engine = get_engine({"sqlalchemy.url": run.url})
    try:
        with engine.begin() as connection:  # a count the triggers never saw
            connection.execute(text("INSERT INTO agency_task_counts (agency_id, role, status, task_count) "
                                    "SELECT id, 'lead', 'assigned', 4 FROM agencies WHERE code = 'STC'"))
    finally:
        engine.dispose()
    drifted = run("task-counts", check=False)
    assert drifted.returncode == 1 and drifted.stdout.split("\n")[0].split("\t") == [
        "STC", "lead", "assigned", "kept 4", "counted 0"]
    repaired = run("task-counts", "--repair")
    assert repaired.stdout.strip().endswith("repaired: 1")
    assert run("task-counts").stdout.strip() == "the kept counts match the tasks"


def test_demo_workload_gives_the_demo_province_its_work_once(run):
    """`coordination up` (the README's first command) loads the demo province with eight months of
    work, so that the inbox, the task pages and the reports show something on first sight."""
    from sqlalchemy import func, select, text

    from coordination.db import get_engine

    run("initdb")
    first = run("demo", "--workload")
    assert "demo work loaded: eight months of directives, 45 tasks" in first.stdout
    assert run("demo", "--workload").stdout.strip().endswith("demo work already loaded")
    assert run("task-counts").stdout.strip() == "the kept counts match the tasks"
    engine = get_engine({"sqlalchemy.url": run.url})
    try:
        with engine.connect() as connection:
            statuses = dict(connection.execute(text("SELECT status, count(*) FROM tasks GROUP BY status")).all())
            directives = connection.scalar(select(func.count()).select_from(text("directives")))
    finally:
        engine.dispose()
    assert directives == 5 and sum(statuses.values()) == 45
    # tasks in several states, as a province's would be
    assert {"completed", "in_progress"} <= set(statuses) and len(statuses) >= 3

    password = "mot-mat-khau-dai"
    run("add-user", "xem.sldtbxh", "--name", "Trần Thị Bình", "--email", "binh@sldtbxh.gov.vn", "--agency", "SLDTBXH",
        "--role", "agency_officer", "--password-stdin", stdin=password + "\n")
    app = webtest.TestApp(main({}, **{"sqlalchemy.url": run.url, "session.secret": "s" * 40}))
    form = app.get("/login").forms["deform"]
    form["login"], form["password"] = "xem.sldtbxh", password
    form.submit("sign_in")
    inbox = app.get("/inbox?status=completed")
    assert inbox.html.select("a[href*='/tasks/']"), "the labour department's inbox lists its tasks"
    app.app.registry["db_engine"].dispose()
