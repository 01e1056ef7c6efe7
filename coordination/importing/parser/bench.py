"""Time the parser: median milliseconds per directive over N runs.

    python -m coordination.importing.parser.bench [FILE ...] [--runs 50] [--registry registry.json]

Without FILE, the longest ``*.txt`` in ../shared/seeds is used; the registry defaults to
tests/fixtures/seeds/registry.json when it exists. The compiled registry is reused between runs
(as in the application); the first, cold run is reported separately. CPU time is printed beside
wall time because a busy machine inflates the latter.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from . import parse_directive, recognizer_for
from .score import load_registry

DEFAULT_SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"
DEFAULT_REGISTRY = Path("tests/fixtures/seeds/registry.json")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m coordination.importing.parser.bench")
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--registry", type=Path, default=DEFAULT_REGISTRY)
    args = ap.parse_args(argv)
    files = args.files or [max(DEFAULT_SEEDS.glob("*.txt"), key=lambda p: p.stat().st_size)]
    registry = load_registry(args.registry) if args.registry.exists() else None
    for path in files:
        text = path.read_text(encoding="utf-8")
        t0 = time.perf_counter()
        recognizer_for(registry)
        parse_directive(text, registry)
        cold = (time.perf_counter() - t0) * 1000
        times, cpu = [], []
        for _ in range(args.runs):
            t0, c0 = time.perf_counter(), time.process_time()
            parsed = parse_directive(text, registry)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        print(f"{path.name}: {len(text)} chars, {len(parsed.tasks)} tasks, median {statistics.median(times):.1f} ms "
              f"wall / {statistics.median(cpu):.1f} ms CPU over {args.runs} runs (wall min {min(times):.1f}, "
              f"max {max(times):.1f}; first run incl. registry compile {cold:.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
