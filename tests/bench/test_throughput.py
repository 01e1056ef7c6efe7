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
