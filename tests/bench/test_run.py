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
CASES = {"inbox_first_page", "inbox_deep_page", "dashboard", "register_search", "task_page", "issue_2000", "sweep",
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


def test_run_builds_measures_reuses_and_restores(tiny):
    url, snapshots = tiny
    rows, log = run(url, snapshots, "--reps", "3", "--clients", "2", "--seconds", "1")
    assert "building the tiny dataset" in log
    assert list(snapshots.glob("tiny-*")), "a snapshot was saved"
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
    assert by_name["sweep"]["due_items"] > 0 and by_name["sweep"]["queued"] > 0
    assert by_name["xlsx_export"]["peak_mb"] > 0 and by_name["xlsx_export"]["rows"] > 0
    for name in THROUGHPUT:
        assert by_name[name]["rps"] > 0 and by_name[name]["raw_rps"] > 0
        assert by_name[name]["ratio"] == pytest.approx(by_name[name]["rps"] / by_name[name]["raw_rps"], rel=0.01)

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


def test_run_refuses_a_database_not_named_bench(tmp_path):
    done = subprocess.run([sys.executable, "bench/run.py", "--scale", "tiny", "--db", f"sqlite:///{tmp_path / 'prod.sqlite'}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "must contain 'bench'" in done.stderr
    assert not (tmp_path / "prod.sqlite").exists()
