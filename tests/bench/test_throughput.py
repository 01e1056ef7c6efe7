"""How the throughput benchmark pools its rounds (bench/throughput.py)."""

from __future__ import annotations

import pytest

from bench.throughput import combined


def test_rounds_are_pooled_as_requests_over_the_time_they_took():
    runs = [{"latencies": [10.0] * 100, "elapsed": 1.0, "errors": 0},
            {"latencies": [30.0] * 50, "elapsed": 1.0, "errors": 1}]
    result = combined(runs)
    assert result["rps"] == pytest.approx(75.0)  # 150 requests in 2 s, not the mean of 100 and 50 weighted otherwise
    assert result["requests"] == 150 and result["errors"] == 1
    assert result["round_rps"] == [100.0, 50.0]
    assert result["median_ms"] == 10.0 and result["p95_ms"] == 30.0


def test_no_requests_is_zero_not_an_error():
    result = combined([{"latencies": [], "elapsed": 0.0, "errors": 3}])
    assert result["rps"] == 0.0 and result["median_ms"] == 0.0 and result["errors"] == 3


def test_the_served_process_writes_its_errors_to_a_file_not_a_pipe(db_url):
    """With fewer waitress threads than clients, waitress warns on standard error for nearly every
    request; a pipe read only at the end filled up and stopped the server mid-run (the throughput run
    then failed with timed-out requests). Standard error now goes to a file, which never fills."""
    import os

    from bench.throughput import start_server

    server = start_server(db_url, threads=1)
    try:
        assert os.readlink(f"/proc/{server.process.pid}/fd/2") == server.log
        assert f"Starting server in PID {server.process.pid}" in server.log_tail()
    finally:
        server.stop()
    assert not os.path.exists(server.log)
