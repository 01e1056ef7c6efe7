"""Backups of the embedded SQLite database with SQLite's online backup API (safe while serving)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


def sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        raise ValueError("backup works on a SQLite file database; for PostgreSQL use pg_dump (docs/deployment.md)")
    return Path(parsed.database)


def backup_sqlite(url: str, target: Path, pages_per_step: int = 1024) -> Path:
    """Copy the live database at ``url`` to ``target`` page by page; writers are not blocked for long.

    Returns the target path. The copy is a consistent snapshot; ``PRAGMA integrity_check`` passes on it.
    """
    source_path = sqlite_path(url)
    if not source_path.exists():
        raise FileNotFoundError(source_path)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    source = sqlite3.connect(str(source_path))
    destination = sqlite3.connect(str(partial))
    try:
        source.backup(destination, pages=pages_per_step)
        (result,) = destination.execute("PRAGMA integrity_check").fetchone()
        if result != "ok":
            raise RuntimeError(f"backup failed its integrity check: {result}")
    finally:
        destination.close()
        source.close()
    partial.replace(target)  # the target appears only once complete
    return target
