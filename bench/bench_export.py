"""Benchmark of the task-sheet exports: 100 000 synthetic tasks to XLSX (and CSV).

Targets (issue 6): XLSX of 100 000 task rows within 5 s and 250 MB peak memory.

Each measurement runs in a fresh child process, so one run's memory cannot flatter the next:

- time: wall-clock seconds of the export alone (rows generated lazily inside it, as a database
  cursor would yield them), without tracemalloc, which slows Python down;
- tracemalloc peak: the most Python memory allocated at once during the export (a second child);
- ru_maxrss: the child's peak resident set size as the kernel reports it through ``wait4`` (whole
  process: interpreter, imported libraries, zlib buffers, everything).

Prints every run and the median of three.

    python bench/bench_export.py [--rows 100000] [--runs 3] [--format xlsx|csv|both]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

TARGET_SECONDS = 5.0
TARGET_MB = 250.0


def child(fmt: str, rows: int, trace: bool) -> None:
    from coordination.reports.csv import iter_csv
    from coordination.reports.sample import sample_report, synthetic_task_rows
    from coordination.reports.xlsx import write_xlsx

    report = sample_report()
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, f"export.{fmt}")
        if trace:
            import tracemalloc

            tracemalloc.start()
        start = time.perf_counter()
        if fmt == "xlsx":
            count = write_xlsx(report, synthetic_task_rows(rows), path)
        else:
            with open(path, "wb") as handle:
                for chunk in iter_csv(synthetic_task_rows(rows)):
                    handle.write(chunk)
            count = rows
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] if trace else None
        size = os.path.getsize(path)
    print(json.dumps({"seconds": seconds, "traced_peak": peak, "rows": count, "bytes": size}))


def run_child(fmt: str, rows: int, trace: bool) -> dict:
    command = [sys.executable, __file__, "--child", "--format", fmt, "--rows", str(rows)]
    if trace:
        command.append("--trace")
    process = subprocess.Popen(command, stdout=subprocess.PIPE)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"benchmark child failed with exit code {process.returncode}")
    result = json.loads(output)
    result["maxrss_mb"] = usage.ru_maxrss / 1024  # Linux reports kilobytes
    return result


def bench(fmt: str, rows: int, runs: int) -> dict:
    timed = [run_child(fmt, rows, trace=False) for _ in range(runs)]
    traced = [run_child(fmt, rows, trace=True) for _ in range(runs)]
    for n, (t, m) in enumerate(zip(timed, traced), start=1):
        print(f"  {fmt} run {n}: {t['seconds']:.2f} s, ru_maxrss {t['maxrss_mb']:.0f} MB, "
              f"tracemalloc peak {m['traced_peak'] / 2**20:.1f} MB (traced run ru_maxrss {m['maxrss_mb']:.0f} MB), "
              f"{t['bytes'] / 2**20:.1f} MB file")
    summary = {
        "seconds": statistics.median(t["seconds"] for t in timed),
        "maxrss_mb": statistics.median(t["maxrss_mb"] for t in timed),
        "traced_peak_mb": statistics.median(m["traced_peak"] for m in traced) / 2**20,
        "file_mb": statistics.median(t["bytes"] for t in timed) / 2**20,
    }
    print(f"{fmt}: {rows} rows, median of {runs}: {summary['seconds']:.2f} s, "
          f"peak RSS {summary['maxrss_mb']:.0f} MB, tracemalloc peak {summary['traced_peak_mb']:.1f} MB, "
          f"file {summary['file_mb']:.1f} MB")
    return summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--format", choices=("xlsx", "csv", "both"), default="both")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.format, args.rows, args.trace)
        return 0
    formats = ("xlsx", "csv") if args.format == "both" else (args.format,)
    ok = True
    for fmt in formats:
        summary = bench(fmt, args.rows, args.runs)
        if fmt == "xlsx":
            within = summary["seconds"] <= TARGET_SECONDS and summary["maxrss_mb"] <= TARGET_MB
            print(f"xlsx target ({TARGET_SECONDS:.0f} s, {TARGET_MB:.0f} MB): {'met' if within else 'MISSED'}")
            ok = ok and within
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
