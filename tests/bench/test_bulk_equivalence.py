"""The bulk path writes exactly the rows the lifecycle writes.

The same small province is generated twice from the same seed: once with every task's plan carried
out through ``coordination.tasks.lifecycle`` one action at a time, once through ``bench.bulk``. Every
row the tasks produce (tasks, coordinator copies, status and deadline history, progress reports,
extensions, escalations, comments, audit events, and the reminder mails the sweeps queued from them)
must be the same in both databases.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy.orm import Session

from bench import plans as P
from bench.generate import Generator
from bench.scales import Scale
from coordination import clock
from coordination.clock import LOCAL_TZ
from coordination.db import get_engine
from coordination.migrate import upgrade

from .dbcompare import snapshot

START = dt.date(2026, 1, 5)
HORIZON = dt.datetime(2026, 5, 6, 8, 0, tzinfo=LOCAL_TZ)


def _generate(url: str, fraction: float) -> tuple[dict, Counter, Counter]:
    upgrade(url)
    engine = get_engine({"sqlalchemy.url": url})
    try:
        scale = Scale("equivalence", provinces=1, home_directives=16, lifecycle_fraction=fraction,
                      communes=3, seed=7, sweep_weekdays=(0,))
        generator = Generator(engine, scale, horizon=HORIZON, start=START)
        generator.run()
        with Session(engine) as session:
            rows = snapshot(session)
        refused = generator.lifecycle.refused + generator.bulk.refused
        return rows, generator.lifecycle.done + generator.bulk.done, refused
    finally:
        clock.set_now(None)
        engine.dispose()


def test_bulk_path_writes_what_the_lifecycle_writes(empty_db):
    through_lifecycle, done_lifecycle, refused_lifecycle = _generate(empty_db("lifecycle"), 1.0)
    through_bulk, done_bulk, refused_bulk = _generate(empty_db("bulk"), 0.0)

    # every kind of action happened, nothing was refused, both ways did the same actions
    assert set(done_lifecycle) >= {P.ACK, P.PROGRESS, P.CONTRIBUTE, P.COMPLETE, P.ACCEPT, P.RETURN, P.EXTENSION,
                                   P.APPROVE, P.REFUSE, P.ESCALATE, P.DECIDE, P.COMMENT, P.CANCEL}, done_lifecycle
    assert not refused_lifecycle and not refused_bulk
    assert done_lifecycle == done_bulk
    assert len(through_lifecycle["audit_events"]) > 500
    for table, rows in through_lifecycle.items():
        assert through_bulk[table] == rows, table
