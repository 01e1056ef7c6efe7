"""Build or reuse a benchmark dataset and time what the application does against raw SQL.

    python bench/run.py --scale tiny|province|national --db URL [--json] [--only a,b] [--reps N]

``--db`` names the benchmark's own database (its name must contain "bench": it is dropped and
recreated when the dataset has to be restored or built): ``postgresql://postgres@127.0.0.1/coordination_bench_province``
or ``sqlite:////tmp/coordination-bench-province.sqlite``. The dataset is reused when the database
already holds it (``bench_meta``), restored from ``bench/snapshots/`` when a snapshot exists, and
built (then saved) otherwise.

Prints one row per measurement: name, median ms, p95 ms, the raw SQL's median ms, the ratio, peak
memory where it applies; with ``--json`` one JSON object per line with the keys ``name``,
``median_ms``, ``p95_ms``, ``raw_median_ms``, ``ratio``, ``peak_mb`` (and a few more).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench import context, snapshot, throughput  # noqa: E402
from bench.cases import CASES  # noqa: E402
from bench.generate import build, dataset_key, read_meta, say  # noqa: E402
from bench.scales import SCALES  # noqa: E402
from coordination.db import get_engine  # noqa: E402
from coordination.memory import SETTING, freeze_startup_objects  # noqa: E402

DEFAULT_REPS = {"issue_2000": 10, "sweep": 10, "sweep_again": 10, "xlsx_export": 3}


def ensure_dataset(url: str, scale: str, rebuild: bool = False) -> dict:
    """The dataset of ``scale`` in ``url``: kept, restored from a snapshot, or built and saved."""
    name = make_url(url).database or ""
    if "bench" not in Path(name).name:
        raise SystemExit(f"refusing to use {name!r}: the benchmark database's name must contain 'bench' "
                         "(it is dropped and recreated)")
    key = dataset_key(scale)
    if not rebuild and snapshot.exists(url):
        engine = get_engine({"sqlalchemy.url": url})
        meta = read_meta(engine)
        engine.dispose()
        if meta.get("key") == key:
            say(f"reusing the {scale} dataset in {name}")
            return meta
        if upgrade_in_place(url, meta, key):
            say(f"upgraded the {scale} dataset in {name} from schema {meta['key'].rpartition('-m')[2]} to {key}")
            return read_meta_of(url)
    started = time.perf_counter()
    if not rebuild and snapshot.restore(url, key):
        say(f"restored the {scale} dataset from {snapshot.path_for(key, url)} in {time.perf_counter() - started:.0f} s")
    else:
        snapshot.recreate(url)
        say(f"building the {scale} dataset in {name} (see bench/RESULTS.md for how long that takes)")
        build(url, scale)
        say(f"built in {time.perf_counter() - started:.0f} s; saved {snapshot.save(url, key)}")
    engine = get_engine({"sqlalchemy.url": url})
    meta = read_meta(engine)
    engine.dispose()
    return meta


def read_meta_of(url: str) -> dict:
    engine = get_engine({"sqlalchemy.url": url})
    try:
        return read_meta(engine)
    finally:
        engine.dispose()


def upgrade_in_place(url: str, meta: dict, key: str) -> bool:
    """A dataset of the same scale and generator built at an older schema: run the migrations on it,
    as a production upgrade would (``coordination initdb``), instead of rebuilding it (half an hour
    for the national one). Its snapshot keeps the old key; ``--rebuild`` makes a fresh dataset."""
    stored_scale, _, stored_head = meta.get("key", "").rpartition("-m")
    wanted_scale, _, head = key.rpartition("-m")
    if not stored_head or stored_scale != wanted_scale or stored_head == head:
        return False
    from coordination.migrate import upgrade

    from bench.generate import analyse, write_meta

    upgrade(url)
    engine = get_engine({"sqlalchemy.url": url})
    try:
        analyse(engine)
        write_meta(engine, {"key": key, "upgraded_from": stored_head})
    finally:
        engine.dispose()
    return True


def machine() -> str:
    load = os.getloadavg()
    return (f"{platform.node()}: {os.cpu_count()} CPUs, {platform.python_implementation()} {platform.python_version()}, "
            f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def row(m) -> str:
    def num(value, width, digits=1):
        return f"{value:>{width}.{digits}f}" if value is not None else " " * (width - 1) + "–"

    return (f"{m.name:<22} {num(m.median_ms, 10)} {num(m.p95_ms, 10)} {num(m.raw_median_ms, 11)} "
            f"{num(m.ratio, 7, 2)} {num(m.peak_mb, 8, 0)}  {m.note}")


def markdown_row(m) -> str:
    def num(value, digits=1):
        return f"{value:,.{digits}f}" if value is not None else "–"

    return (f"| {m.name} | {num(m.median_ms)} | {num(m.p95_ms)} | {num(m.raw_median_ms)} | {num(m.ratio, 2)} "
            f"| {num(m.peak_mb, 0)} | {m.note} |")


def settle(ctx) -> None:
    """On PostgreSQL, VACUUM: the measurements that write roll back (issuing, sweeps, a recount), and an
    aborted insert leaves dead rows and clears the visibility-map bits of the pages it touched, so the
    reads measured after it would do heap fetches that the dataset as built does not need (measured:
    the inbox's status counts 2.3 → 1.4 ms). Each measurement starts from the dataset as it was built,
    whatever ran before it. Nothing to do on SQLite (no visibility map)."""
    if ctx.dialect != "postgresql":
        return
    with ctx.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=sorted(SCALES), required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--markdown", action="store_true", help="a Markdown table (for bench/RESULTS.md)")
    parser.add_argument("--reps", type=int, default=30, help="repetitions of each timed call (default 30)")
    parser.add_argument("--only", help="comma-separated measurement names (default: all)")
    parser.add_argument("--rebuild", action="store_true", help="build the dataset even if a snapshot exists")
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each throughput run")
    parser.add_argument("--rounds", type=int, default=throughput.ROUNDS,
                        help="rounds each page's time is split into, alternated with the bare view's (default 3)")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads (production.ini: 8)")
    parser.add_argument("--dashboard", help="module:function of the dashboard, called as fn(dbsession, ctx)")
    parser.add_argument("--dashboard-url", default="/dashboard", help="the dashboard page for the throughput run")
    parser.add_argument("--gc-freeze", action=argparse.BooleanOptionalAction, default=True,
                        help="freeze start-up's objects out of the garbage collector's full passes, in this process "
                             "and the served one, as production.ini does (coordination/memory.py; default: on)")
    args = parser.parse_args(argv)

    meta = ensure_dataset(args.db, args.scale, args.rebuild)
    counts = json.loads(meta.get("counts", "{}"))
    wanted = set(args.only.split(",")) if args.only else None
    ctx = context.load(args.db)
    frozen = freeze_startup_objects({SETTING: args.gc_freeze})
    say(machine())
    say(f"{args.scale} on {ctx.dialect}: {counts.get('tasks', 0):,} tasks, {counts.get('directives', 0):,} directives, "
        f"{counts.get('agencies', 0):,} agencies; built in {meta.get('build_seconds', '?')} s; "
        f"{f'{frozen:,} start-up objects frozen' if frozen else 'gc.freeze off'}")
    fmt = (lambda m: json.dumps(m.json(), ensure_ascii=False)) if args.json else markdown_row if args.markdown else row
    if args.markdown:
        print("| measurement | median ms | p95 ms | raw SQL median ms | ratio | peak MB | what |")
        print("|---|---:|---:|---:|---:|---:|---|")
    elif not args.json:
        print(f"{'name':<22} {'median ms':>10} {'p95 ms':>10} {'raw med ms':>11} {'ratio':>7} {'peak MB':>8}  note")
    results = []
    if ctx.dialect == "postgresql":
        say("VACUUM before each measurement: what the earlier ones' rolled-back writes left is cleaned first")
    for name, case in CASES.items():
        if wanted and name not in wanted:
            continue
        settle(ctx)
        reps = DEFAULT_REPS.get(name, args.reps) if args.reps >= 10 else min(args.reps, DEFAULT_REPS.get(name, args.reps))
        m = case(ctx, reps, args.dashboard) if name == "dashboard" else case(ctx, reps)
        results.append(m)
        print(fmt(m), flush=True)
    if not args.no_throughput and (not wanted or wanted & {"throughput", "throughput_inbox", "throughput_dashboard"}):
        settle(ctx)
        for m in throughput.measure(ctx, clients=args.clients, seconds=args.seconds, threads=args.threads,
                                    dashboard=args.dashboard, dashboard_url=args.dashboard_url, gc_freeze=args.gc_freeze, rounds=args.rounds):
            results.append(m)
            print(fmt(m), flush=True)
    ctx.engine.dispose()
    say(machine())
    return 0


if __name__ == "__main__":
    sys.exit(main())
