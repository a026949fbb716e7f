"""``tengen bench selfplay``: one JSON line per thread count, consistent rates, the network alone
measured as the run called it, and the speed-up against the first count (small settings: the
figures themselves come from the benchmark run, README "Benchmarks")."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest


def bench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tengen", "bench", "selfplay", "--device", "cpu", *args],
                          capture_output=True, text=True, timeout=600)


def test_each_thread_count_reports_consistent_rates_and_a_speedup():
    done = bench("--threads", "1,2", "--seconds", "2", "--visits", "16", "--size", "7", "--games", "2", "--json",
                 "--set", "nn_seconds=0.5")
    assert done.returncode == 0, done.stderr
    runs = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["threads"] for r in runs] == [1, 2]
    for run in runs:
        assert run["size"] == 7 and run["visits"] == 16 and run["games_per_thread"] == 2
        assert run["sims_per_s"] == pytest.approx(run["simulations"] / run["seconds"], rel=0.01)
        assert run["moves_per_s"] == pytest.approx(run["moves"] / run["seconds"], rel=0.01)
        assert run["moves"] > 0 and 0 < run["mean_batch"] <= 2 * 8
        assert run["ratio"] == pytest.approx(run["sims_per_s"] / run["nn_positions_per_s"], rel=0.01)
        assert run["peak_rss_mib"] > 0 and run["joined"] is False
    assert "speedup" not in runs[0]
    assert runs[1]["speedup"] == pytest.approx(runs[1]["sims_per_s"] / runs[0]["sims_per_s"], rel=0.01)


def test_the_search_only_benchmark_and_bad_settings():
    done = bench("--evaluator", "uniform", "--threads", "1", "--seconds", "1", "--visits", "8", "--size", "5")
    assert done.returncode == 0, done.stderr
    assert "5x5 uniform on cpu, 1 thread(s) x 8 games" in done.stdout and "ratio" not in done.stdout
    refused = bench("--threads", "0")
    assert refused.returncode == 2 and "threads must be positive" in refused.stderr
