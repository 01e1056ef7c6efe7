"""Requests per second against the real server: waitress (as production.ini configures it) serving
the application on a loopback port, N client processes with keep-alive connections, each endpoint
for a fixed time. The same server also serves a bare Pyramid view (``bench.app``), through the same
tweens and settings: the inbox's throughput is reported as a share of that view's.

The clients run on the same 2 cores as the server: the absolute figures are what this machine
gives, the share is what carries over.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import multiprocessing
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .context import Context
from .org import PASSWORD
from .scales import BENCH_AT
from .timing import Measurement, p95

ROOT = Path(__file__).resolve().parent.parent


# each page's time split into this many rounds, alternated with the bare view's
ROUNDS = 3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    ini: str
    log: str  # the server's standard error, in a file: a pipe nobody reads fills up and stops the server

    def log_tail(self, size: int = 2000) -> str:
        with open(self.log, "rb") as handle:
            return handle.read().decode("utf-8", "replace")[-size:]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.unlink(self.ini)
        os.unlink(self.log)


def start_server(url: str, threads: int, dashboard: str | None = None, gc_freeze: bool = True) -> Server:
    """pserve on a settings file with production.ini's application and server settings, the
    benchmark's database, and ``bench.app`` included."""
    port = free_port()
    settings = {
        "sqlalchemy.url": url, "sqlalchemy.pool_pre_ping": "true", "sqlalchemy.pool_size": "10",
        "session.secret": "bench-secret-" + "x" * 40, "session.secure": "false", "security.hsts": "false",
        "pyramid.reload_templates": "false", "pyramid.default_locale_name": "vi", "retry.attempts": "3",
        "app.base_url": f"http://127.0.0.1:{port}", "issuer.name": "Ủy ban nhân dân tỉnh Hưng Yên",
        "attachments.dir": tempfile.gettempdir(), "pyramid.includes": "bench.app", "bench.now": BENCH_AT.isoformat(),
        "login.max_failures": "1000", "gc.freeze": "true" if gc_freeze else "false",
    }
    if dashboard:
        settings["bench.dashboard"] = dashboard
    lines = ["[app:main]", "use = egg:coordination", *(f"{k} = {v}" for k, v in settings.items()), "",
             "[server:main]", "use = egg:waitress#main", f"listen = 127.0.0.1:{port}", f"threads = {threads}",
             "connection_limit = 1000", "channel_timeout = 60"]
    handle, ini = tempfile.mkstemp(suffix=".ini", prefix="bench-serve-")
    os.write(handle, "\n".join(lines).encode())
    os.close(handle)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    # waitress logs a warning to standard error for every request that waits for a thread (with fewer
    # threads than clients, nearly every one): into a pipe read only at the end, 64 KB of them filled
    # it and the server stopped mid-run, holding the logging lock. A file never fills.
    handle, log = tempfile.mkstemp(suffix=".log", prefix="bench-serve-")
    with os.fdopen(handle, "wb") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "coordination.scripts.cli", "-c", ini, "serve"], cwd=ROOT, env=env,
                                   stdout=subprocess.DEVNULL, stderr=stderr)
    server = Server(port, process, ini, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = server.log_tail()
            server.stop()
            raise RuntimeError(f"the server stopped: {tail}")
        try:
            with urllib.request.urlopen(f"{server.base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError("the server did not answer within 60 s")


def login(base: str, user: str, password: str = PASSWORD) -> str:
    """Log in through the real form; return the Cookie header of the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "login": user, "password": password, "sign_in": "sign_in"}).encode()
    landed = opener.open(f"{base}/login", data=body).geturl()
    if "/login" in landed:
        raise RuntimeError(f"login as {user} failed")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def _client(args) -> tuple[list[float], int]:
    port, path, cookie, seconds = args
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    latencies, errors = [], 0
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies.append((time.perf_counter() - started) * 1000)
    connection.close()
    return latencies, errors


def warm(server: Server, path: str, cookie: str, timeout: float = 900) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status}")
    finally:
        connection.close()


def load(server: Server, path: str, cookie: str | None, clients: int, seconds: float) -> dict:
    """``clients`` processes GET ``path`` for ``seconds`` (after a short warm-up); rps and latencies."""
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        pool.map(_client, [(server.port, path, cookie, min(2.0, seconds / 5))] * clients)  # warm-up
        started = time.perf_counter()
        results = pool.map(_client, [(server.port, path, cookie, seconds)] * clients)
        elapsed = time.perf_counter() - started
    latencies = [ms for batch, _errors in results for ms in batch]
    errors = sum(e for _batch, e in results)
    return {"latencies": latencies, "elapsed": elapsed, "errors": errors}


def combined(runs: list[dict]) -> dict:
    """The rounds of one page as one run: requests over the time they took, latencies pooled."""
    latencies = [ms for run in runs for ms in run["latencies"]]
    elapsed = sum(run["elapsed"] for run in runs)
    return {"rps": len(latencies) / elapsed if elapsed else 0.0, "requests": len(latencies),
            "median_ms": statistics.median(latencies) if latencies else 0.0,
            "p95_ms": p95(latencies) if latencies else 0.0, "errors": sum(run["errors"] for run in runs),
            "round_rps": [len(run["latencies"]) / run["elapsed"] if run["elapsed"] else 0.0 for run in runs]}


def measure(ctx: Context, clients: int = 8, seconds: float = 10.0, threads: int = 8, dashboard: str | None = None,
            dashboard_url: str = "/dashboard", dashboard_user: str = "lanhdao", gc_freeze: bool = True,
            rounds: int = ROUNDS) -> list[Measurement]:
    """Each page for ``seconds`` in all, split into ``rounds`` that alternate with the bare view's:
    on a shared machine the bare view's rate moves between runs (269–491 req/s on one machine in one
    afternoon), and a ratio is only worth something when both rates saw the same conditions."""
    server = start_server(ctx.url, threads, dashboard, gc_freeze)
    try:
        officer = login(server.base, ctx.officer_login)
        leader = login(server.base, dashboard_user)
        # the first view of the dashboard counts and keeps its figures (the monthly job does it in
        # production); one request first, with time to spare, so the load measures ordinary views
        warm(server, dashboard_url, leader)
        pages = {"bare": ("/_bench/bare", officer), "throughput_inbox": ("/inbox", officer),
                 "throughput_dashboard": (dashboard_url, leader)}
        runs: dict[str, list[dict]] = {name: [] for name in pages}
        rounds = max(1, rounds)
        for _round in range(rounds):
            for name, (path, cookie) in pages.items():
                runs[name].append(load(server, path, cookie, clients, seconds / rounds))
        bare = combined(runs.pop("bare"))
        rows = []
        for name, page_runs in runs.items():
            path = pages[name][0]
            result = combined(page_runs)
            if result["errors"]:
                raise RuntimeError(f"{name}: {result['errors']} requests failed")
            per_round = [r / b for r, b in zip(result["round_rps"], bare["round_rps"]) if b]
            rows.append(Measurement(
                name=name, median_ms=result["median_ms"], p95_ms=result["p95_ms"], raw_median_ms=bare["median_ms"],
                ratio=result["rps"] / bare["rps"], reps=result["requests"],
                note=(f"GET {path}: {result['rps']:.0f} req/s vs {bare['rps']:.0f} req/s for the bare view "
                      f"({clients} clients, {seconds:.0f} s in {len(page_runs)} rounds alternated with the bare view's, "
                      f"waitress threads={threads}); ratio = share of the bare view's rate"
                      + (f" (rounds: {min(per_round):.2f}–{max(per_round):.2f})" if len(per_round) > 1 else "")),
                extra={"rps": round(result["rps"], 1), "raw_rps": round(bare["rps"], 1),
                       "round_ratios": [round(r, 3) for r in per_round]}))
        return rows
    finally:
        server.stop()
