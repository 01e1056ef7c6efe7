"""What production.ini promises about its own numbers (docs/deployment.md, "Connections")."""

from __future__ import annotations

import configparser
from pathlib import Path

INI = Path(__file__).resolve().parents[2] / "production.ini"


def test_every_waitress_thread_exporting_at_once_still_gets_a_second_connection():
    """An XLSX export holds its request's connection and borrows another for the task sheet
    (``reports.readahead``): with no more connections than threads, threads that all export at
    once would each wait for a second one until the pool's timeout."""
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(INI, encoding="utf-8")
    app = ini["app:main"]
    connections = int(app["sqlalchemy.pool_size"]) + int(app["sqlalchemy.max_overflow"])
    threads = int(ini["server:main"]["threads"])
    assert connections > threads
