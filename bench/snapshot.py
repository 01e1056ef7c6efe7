"""Snapshots of built datasets, so a rerun restores instead of rebuilding.

Stored under ``bench/snapshots/`` (ignored by git; ``COORDINATION_BENCH_SNAPSHOTS`` moves it) as
``<dataset key>.pgdump`` (``pg_dump -Fc``, restored with ``pg_restore -j 2``) or ``<dataset key>.sqlite``
(a copy made with SQLite's online backup API). The dataset key names the scale, the
generator version and the schema head (``bench.generate.dataset_key``): a snapshot of an older
generator or schema is never restored.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

DEFAULT_DIR = Path(__file__).resolve().parent / "snapshots"


def directory() -> Path:
    return Path(os.environ.get("COORDINATION_BENCH_SNAPSHOTS", DEFAULT_DIR))


def backend(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def path_for(key: str, url: str) -> Path:
    return directory() / f"{key}.{'sqlite' if backend(url) == 'sqlite' else 'pgdump'}"


def sqlite_file(url: str) -> Path:
    return Path(make_url(url).database)


def _pg_args(url: str) -> tuple[list[str], str]:
    """libpq connection options for pg_dump/pg_restore and the database name."""
    u = make_url(url)
    args = ["-h", u.host or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres"]
    return args, u.database


def _pg_env(url: str) -> dict:
    u = make_url(url)
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = u.password
    return env


def save(url: str, key: str) -> Path:
    target = path_for(key, url)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".partial")
    if backend(url) == "sqlite":
        source = sqlite3.connect(sqlite_file(url))
        copy = sqlite3.connect(partial)
        with copy:
            source.backup(copy)
        copy.close()
        source.close()
    else:
        args, name = _pg_args(url)
        subprocess.run(["pg_dump", "-Fc", "-Z", "1", *args, "-d", name, "-f", str(partial)], check=True, env=_pg_env(url))
    partial.replace(target)
    return target


def restore(url: str, key: str) -> bool:
    """Replace the database at ``url`` with the snapshot of ``key``; False if there is none."""
    source = path_for(key, url)
    if not source.exists():
        return False
    if backend(url) == "sqlite":
        target = sqlite_file(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(source, target)
        return True
    recreate(url)
    args, name = _pg_args(url)
    subprocess.run(["pg_restore", "-j", "2", "--no-owner", *args, "-d", name, str(source)], check=True, env=_pg_env(url))
    import psycopg

    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        # statistics and the visibility map (index-only scans), as autovacuum would set them
        conn.execute("VACUUM ANALYZE")
    return True


def _libpq(url: str, database: str | None = None) -> str:
    u = make_url(url).set(drivername="postgresql")
    if database is not None:
        u = u.set(database=database)
    return u.render_as_string(hide_password=False)


def recreate(url: str) -> None:
    """An empty database at ``url`` (dropped first if it exists)."""
    if backend(url) == "sqlite":
        target = sqlite_file(url)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = make_url(url).database
    with psycopg.connect(_libpq(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def exists(url: str) -> bool:
    if backend(url) == "sqlite":
        return sqlite_file(url).exists()
    import psycopg

    name = make_url(url).database
    with psycopg.connect(_libpq(url, "postgres"), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None
