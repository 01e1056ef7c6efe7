"""The sizes of the generated datasets.

``province`` is one provincial People's Committee for a year: ≈ 60 agencies, 5,000 directives and
≈ 100,000 tasks. ``national`` is 34 provinces (the count after the 2025 merger) in one database:
the home province (Hưng Yên, the demo's codes), built as ``province`` is (its snapshot is reused
when there is one), plus 33 provinces each holding a copy of ``clone_fraction`` of it
(``bench.clone``): ≈ 1M tasks.
``tiny`` is what CI builds to prove the pipeline works (seconds, both databases).

``lifecycle_fraction`` of the tasks are driven through ``coordination.tasks.lifecycle`` one
action at a time; the others get the same plan written by ``bench.bulk`` (the same rows, proved
equal by tests/bench/test_bulk_equivalence.py), because a million tasks through the ORM one action at
a time would take hours on the 2-core machine.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from coordination.clock import LOCAL_TZ

# the data year runs from the first working day of 2026 to the benchmark moment (a Wednesday)
YEAR_START = dt.date(2026, 1, 5)
BENCH_AT = dt.datetime(2026, 12, 16, 8, 0, tzinfo=LOCAL_TZ)


@dataclass(frozen=True)
class Scale:
    name: str
    provinces: int               # 1: the home province only
    home_directives: int         # directives the home province issues over the year
    lifecycle_fraction: float    # share of the home province's tasks driven through the lifecycle functions
    clone_fraction: float = 0.0  # share of the home province's directives each other province copies
    base: str | None = None      # a scale whose dataset is the home province of this one
    communes: int = 17           # communes per province (the rest of the ≈ 60 agencies are fixed)
    seed: int = 20261216
    sweep_weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)  # the daily sweep runs on these days (Monday = 0)


SCALES = {
    "tiny": Scale("tiny", provinces=2, home_directives=40, lifecycle_fraction=0.5, clone_fraction=0.5, communes=4,
                  sweep_weekdays=(0, 3)),
    "province": Scale("province", provinces=1, home_directives=5000, lifecycle_fraction=0.1),
    "national": Scale("national", provinces=34, home_directives=5000, lifecycle_fraction=0.1, clone_fraction=0.3,
                      base="province"),
}
