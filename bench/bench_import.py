"""Benchmark of the directive import (Nhập từ văn bản) as a clerk meets it, on SQLite.

For each seed directive: the review page (POST /directives/import: parse against the registry,
map to the directive form, mark the source, render the deform form and the page) and the save of
the reviewed form (POST /directives/import/save: a draft). Median of ``--runs`` requests; the
review page's size is printed too, since the form of a long plan weighs most of it.
Target: the review page of seed 001 (8 tasks) well under a second.

Usage: python bench/bench_import.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import webtest  # noqa: E402
from sqlalchemy import select  # noqa: E402

from coordination import main  # noqa: E402
from coordination.accounts import services as accounts  # noqa: E402
from coordination.accounts.models import User  # noqa: E402
from coordination.db import get_engine, get_session_factory, run_in_transaction  # noqa: E402
from coordination.demo import load_demo  # noqa: E402
from coordination.migrate import upgrade  # noqa: E402

SEEDS = Path(os.environ.get("COORDINATION_SEEDS") or Path(__file__).resolve().parents[1].parent / "shared" / "seeds")


def _app(directory: Path) -> webtest.TestApp:
    url = f"sqlite:///{directory / 'bench.sqlite'}"
    upgrade(url)
    accounts.configure_hasher(time_cost=1, memory_cost=1024, parallelism=1)

    def setup(dbsession):
        load_demo(dbsession)
        clerk = dbsession.scalar(select(User).where(User.login == "chuyenvien"))
        clerk.password_hash = accounts.hash_password("bench-password")

    run_in_transaction(get_session_factory(get_engine({"sqlalchemy.url": url})), setup)
    app = main({}, **{"sqlalchemy.url": url, "session.secret": "bench-" + "x" * 40,
                      "attachments.dir": str(directory / "attachments"),
                      "issuer.name": "Ủy ban nhân dân tỉnh Hưng Yên"})
    client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost"})
    form = client.get("/login").forms["deform"]
    form["login"], form["password"] = "chuyenvien", "bench-password"
    form.submit("sign_in")
    return client


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main_(runs: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        client = _app(Path(directory))
        print(f"{'seed':<8}{'chars':>8}{'tasks':>7}{'review ms':>11}{'page KB':>9}{'save ms':>9}  saved")
        for path in sorted(SEEDS.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            upload = client.get("/directives/import").forms["import"]
            upload["text"] = text
            times, page = [], None
            for _ in range(runs):
                elapsed, page = _timed(lambda: upload.submit("read"))
                times.append(elapsed)
            tasks = len(page.forms["directive"].fields.get("lead", []))
            elapsed, saved = _timed(lambda: page.forms["directive"].submit("save", status="*"))
            outcome = "draft" if saved.status_int == 303 else "the clerk must complete it"
            print(f"{path.name[:3]:<8}{len(text):>8}{tasks:>7}{statistics.median(times) * 1000:>11.0f}"
                  f"{len(page.body) / 1024:>9.0f}{elapsed * 1000:>9.0f}  {outcome}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    main_(parser.parse_args().runs)
