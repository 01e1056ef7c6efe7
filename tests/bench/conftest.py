"""Fixtures of the benchmark tests: empty databases of their own (the generator commits)."""

from __future__ import annotations

import pytest

from tests.conftest import _create_pg_database, _drop_pg_database


@pytest.fixture
def empty_db(backend, tmp_path):
    """A factory of empty databases on the test's backend, dropped afterwards."""
    made = []

    def make(name: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / (name + '.sqlite')}"
        url = _create_pg_database()
        made.append(url)
        return url

    yield make
    for url in made:
        _drop_pg_database(url)
