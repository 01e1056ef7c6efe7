"""Benchmarks of the directives domain, on SQLite and PostgreSQL.

1. Issuing one directive to 100 agencies with 20 written tasks (2,000 task rows, with coordinators
   and audit rows): the time of ``issue_directive`` and the commit. Target ≤ 300 ms.
2. The register over 100,000 issued directives (bodies made of paragraphs of the seed documents):
   the first page, a deep page by cursor, and accent-free phrase searches, common and rare.
   Target: well under a second.

Usage: python bench/bench_directives.py [--backend sqlite|postgresql|both] [--directives 100000]
PostgreSQL: COORDINATION_BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/postgres); a
throwaway database is created and dropped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import insert, select, text
from zope.sqlalchemy import mark_changed

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coordination import clock  # noqa: E402
from coordination.db import get_engine, get_session_factory, run_in_transaction  # noqa: E402
from coordination.demo import load_demo  # noqa: E402
from coordination.directives import queries, services  # noqa: E402
from coordination.directives.models import Directive, DirectiveType  # noqa: E402
from coordination.directives.payload import draft_from_json  # noqa: E402
from coordination.directives.search import directive_key  # noqa: E402
from coordination.migrate import upgrade  # noqa: E402
from coordination.organizations.models import Agency, AgencyGroup, AgencyKind  # noqa: E402

SEEDS = Path(os.environ.get("COORDINATION_SEEDS") or Path(__file__).resolve().parents[1].parent / "shared" / "seeds")
PG_URL = os.environ.get("COORDINATION_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_database() -> tuple[str, callable]:
    import psycopg

    name = f"coordination_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return PG_URL.rsplit("/", 1)[0] + f"/{name}", drop


def _user(dbsession, login):
    from coordination.accounts.models import User

    return dbsession.scalar(select(User).where(User.login == login))


def _prepare_agencies(dbsession) -> None:
    load_demo(dbsession)
    kind = dbsession.scalar(select(AgencyKind).where(AgencyKind.code == "commune"))
    agencies = [Agency(code=f"X-{i:03d}", name=f"Ủy ban nhân dân xã số {i}", kind=kind) for i in range(100)]
    dbsession.add_all(agencies)
    dbsession.add(AgencyGroup(code="BENCH-100", name="Một trăm cơ quan", members=agencies))


def _draft_payload(i: int) -> dict:
    return {
        "type": "cong-van", "subject": f"V/v đo thời gian ban hành số {i}", "body": "Nội dung.\n" * 20,
        "signer": {"name": "Nguyễn Duy Hưng", "capacity": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"},
        "addressees": ["BENCH-100"],
        "tasks": [{"paragraph": str(n + 1), "content": f"Nhiệm vụ {n + 1}: triển khai, báo cáo kết quả.",
                   "lead": "BENCH-100", "coordinating": ["STC", "SKHDT"],
                   "deadline": {"kind": "date", "date": "2026-12-31"}} for n in range(20)],
    }


def bench_issue(factory, rounds: int = 5) -> list[float]:
    timings = []
    for i in range(rounds):
        def draft(dbsession):
            clerk = _user(dbsession, "chuyenvien")
            directive = services.create_draft(dbsession, draft_from_json(_draft_payload(i)), clerk)
            services.submit_directive(dbsession, directive, clerk)
            return directive.id

        directive_id = run_in_transaction(factory, draft)

        def issue(dbsession):
            result = services.issue_directive(dbsession, dbsession.get(Directive, directive_id), _user(dbsession, "lanhdao"))
            assert len(result.task_ids) == 2000, len(result.task_ids)

        started = time.perf_counter()
        run_in_transaction(factory, issue)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _corpus() -> list[str]:
    paragraphs = []
    for path in sorted(SEEDS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = " ".join(line.split())
            if len(line) > 60:
                paragraphs.append(line)
    return paragraphs


def fill_register(factory, count: int) -> None:
    rng = random.Random(20221)
    corpus = _corpus()
    words = " ".join(corpus).split()

    def load(dbsession):
        type_ids = list(dbsession.scalars(select(DirectiveType.id)))
        issuer_id = dbsession.scalar(select(Agency.id).where(Agency.code == "UBND"))
        start = dt.date(2016, 1, 1)
        numbers: dict[tuple[int, int], int] = {}
        batch = []
        for i in range(count):
            day = start + dt.timedelta(days=rng.randrange(3650))
            type_id = rng.choice(type_ids)
            key = (type_id, day.year)
            numbers[key] = numbers.get(key, 0) + 1
            subject = "V/v " + " ".join(rng.sample(words, 14))
            body = "\n".join(rng.sample(corpus, rng.randint(3, 8)))
            if i % 20000 == 7:
                body += "\nRiêng trường hợp kiểm định cầu treo Khe Bố thực hiện theo phương án riêng."
            number = numbers[key]
            batch.append({
                "type_id": type_id, "issuer_id": issuer_id, "status": "issued", "register": f"UBND/{type_id}",
                "symbol": "UBND-VX", "year": day.year, "number": number, "place": "Hưng Yên", "issued_on": day,
                "dated_on": day, "subject": subject, "urgency": "thuong", "body": body,
                "signer_name": rng.choice(["Nguyễn Duy Hưng", "Trần Quốc Toản", "Đặng Ngọc Quỳnh"]),
                "signer_capacity": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
                "search_key": directive_key(f"{number}/UBND-VX", subject, body),
                "created_at": clock.now(), "version": 1,
            })
            if len(batch) == 5000:
                dbsession.execute(insert(Directive.__table__), batch)
                batch = []
        if batch:
            dbsession.execute(insert(Directive.__table__), batch)
        mark_changed(dbsession)  # Core inserts only: tell the transaction there is something to commit

    run_in_transaction(factory, load)


def bench_register(factory, engine) -> dict[str, list[float]]:
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    cases = {
        "first page, no filter": queries.RegisterFilter(),
        "search, common phrase ('ho tro nguoi lao dong')": queries.RegisterFilter(q="ho tro nguoi lao dong"),
        "search, accented ('bảo hiểm thất nghiệp')": queries.RegisterFilter(q="bảo hiểm thất nghiệp"),
        "search, rare phrase ('cau treo khe bo')": queries.RegisterFilter(q="cau treo khe bo"),
        "search, no match ('tau ngam hat nhan')": queries.RegisterFilter(q="tau ngam hat nhan"),
        "search + type + date range": queries.RegisterFilter(q="lao dong", type="ke-hoach",
                                                             date_from=dt.date(2020, 1, 1), date_to=dt.date(2021, 12, 31)),
        "signer filter": queries.RegisterFilter(signer="Trần Quốc Toản"),
    }
    results: dict[str, list[float]] = {}
    session = factory()
    try:
        for name, wanted in cases.items():
            runs = []
            for _ in range(5):
                started = time.perf_counter()
                page = queries.register(session, wanted)
                runs.append((time.perf_counter() - started) * 1000)
            results[name] = runs
            results[name + f" [{len(page.items)} rows]"] = results.pop(name)
        # a deep page: follow the cursor 40 pages down
        wanted = queries.RegisterFilter()
        for _ in range(40):
            wanted.cursor = queries.register(session, wanted).next_cursor
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            queries.register(session, wanted)
            runs.append((time.perf_counter() - started) * 1000)
        results["page 41 by cursor"] = runs
    finally:
        session.close()
    return results


def run(backend: str, count: int) -> None:
    cleanup = None
    if backend == "sqlite":
        folder = tempfile.mkdtemp(prefix="coordination-bench-")
        url = f"sqlite:///{folder}/bench.sqlite"
    else:
        url, cleanup = _pg_database()
    try:
        upgrade(url)
        engine = get_engine({"sqlalchemy.url": url})
        factory = get_session_factory(engine)
        run_in_transaction(factory, _prepare_agencies)
        timings = bench_issue(factory)
        print(f"\n== {backend}")
        print(f"issue 1 directive → 2,000 tasks: median {statistics.median(timings):.0f} ms "
              f"(runs: {', '.join(f'{t:.0f}' for t in timings)})")
        started = time.perf_counter()
        fill_register(factory, count)
        print(f"loaded {count:,} directives in {time.perf_counter() - started:.0f} s")
        for name, runs in bench_register(factory, engine).items():
            print(f"register {name}: median {statistics.median(runs):.1f} ms, max {max(runs):.1f} ms")
        engine.dispose()
    finally:
        if cleanup:
            cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--directives", type=int, default=100_000)
    args = parser.parse_args()
    clock.set_now(dt.datetime(2026, 6, 1, 9, 0))
    for backend in (("sqlite", "postgresql") if args.backend == "both" else (args.backend,)):
        run(backend, args.directives)


if __name__ == "__main__":
    main()
