"""Repetitions, median and p95, app and raw SQL interleaved so both see the same machine noise."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field


@dataclass
class Measurement:
    """One row of the results (``--json`` prints ``asdict`` of it, one object per line)."""

    name: str
    median_ms: float
    p95_ms: float
    raw_median_ms: float | None = None
    ratio: float | None = None
    peak_mb: float | None = None
    reps: int = 0
    note: str = ""
    extra: dict = field(default_factory=dict)

    def json(self) -> dict:
        out = asdict(self)
        extra = out.pop("extra")
        out.update(extra)
        for key in ("median_ms", "p95_ms", "raw_median_ms", "ratio", "peak_mb"):
            if out[key] is not None:
                out[key] = round(out[key], 3)
        return out


def p95(samples: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def paired(app: Callable[[], object], raw: Callable[[], object] | None, reps: int, warmup: int = 2,
           setup: Callable[[], object] | None = None, teardown: Callable[[], object] | None = None
           ) -> tuple[list[float], list[float]]:
    """Run app and raw alternately ``reps`` times after ``warmup`` unrecorded rounds; ``setup`` and
    ``teardown`` (untimed) run around every single call. Returns the millisecond samples."""
    app_ms: list[float] = []
    raw_ms: list[float] = []

    def one(fn, into):
        if setup:
            setup()
        try:
            elapsed = timed(fn)
        finally:
            if teardown:
                teardown()
        if into is not None:
            into.append(elapsed)

    for round_ in range(warmup + reps):
        keep = round_ >= warmup
        one(app, app_ms if keep else None)
        if raw is not None:
            one(raw, raw_ms if keep else None)
    return app_ms, raw_ms


def measurement(name: str, app_ms: list[float], raw_ms: list[float], **kw) -> Measurement:
    median = statistics.median(app_ms)
    raw_median = statistics.median(raw_ms) if raw_ms else None
    return Measurement(name=name, median_ms=median, p95_ms=p95(app_ms), raw_median_ms=raw_median,
                       ratio=(median / raw_median) if raw_median else None, reps=len(app_ms), **kw)
