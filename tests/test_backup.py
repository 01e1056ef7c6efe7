"""``coordination backup``: a consistent copy of a live SQLite database."""

import sqlite3
import threading

import pytest

from coordination.backup import backup_sqlite
from coordination.migrate import upgrade


def test_backup_copies_a_database_being_written_to(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    upgrade(url)
    live = sqlite3.connect(str(tmp_path / "live.sqlite"), check_same_thread=False)
    live.execute("INSERT INTO agency_kinds (code, name, level) VALUES ('k0', 'Kind 0', 0)")
    live.commit()
    stop = threading.Event()

    def writer():
        # bounded: SQLite restarts a backup step whenever another connection writes, so an endless
        # writer on a loaded machine could keep the backup from ever finishing; 300 commits overlap it
        for i in range(1, 301):
            if stop.is_set():
                return
            live.execute("INSERT INTO agency_kinds (code, name, level) VALUES (?, ?, 0)", (f"k{i}", f"Kind {i}"))
            live.commit()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        target = backup_sqlite(url, tmp_path / "copies" / "backup.sqlite", pages_per_step=1)
    finally:
        stop.set()
        thread.join()
    copy = sqlite3.connect(str(target))
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("SELECT count(*) FROM agency_kinds").fetchone()[0] >= 1
    assert copy.execute("SELECT version_num FROM alembic_version").fetchone() is not None
    assert not (tmp_path / "copies" / "backup.sqlite.partial").exists()


def test_backup_refuses_postgresql_with_a_pointer_to_pg_dump(tmp_path):
    with pytest.raises(ValueError, match="pg_dump"):
        backup_sqlite("postgresql://postgres@127.0.0.1/x", tmp_path / "b.sqlite")
