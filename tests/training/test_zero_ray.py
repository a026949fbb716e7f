"""The self-improvement loop with its self-play on Ray actors (a local cluster of 2 CPUs): the
actors stay up across generations and play each generation with the network published for it.
Ray is an optional extra: these tests skip without it, except under CI, where they fail."""
from __future__ import annotations

import csv
import os

import pytest

from common.settings import apply_settings
from selfplay.records import read_games
from training.zero import ZeroConfig, run_zero

if os.environ.get("TENGEN_NO_RAY") and os.environ.get("CI") != "true":
    # mutation runs (scripts/mutation_queue.sh): every mutant would start a cluster
    pytest.skip("Ray switched off by TENGEN_NO_RAY", allow_module_level=True)
if os.environ.get("CI") == "true":
    import ray  # CI installs the extra: its absence is a failure there
else:
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'tengen[ray]')")


def test_two_generations_with_self_play_on_ray_actors(tmp_path, monkeypatch):
    import selfplay.ray_cluster as cluster

    drivers = []
    original = cluster.RaySelfPlay.__init__

    def remember(self, *args, **kwargs):
        original(self, *args, **kwargs)
        drivers.append(self)

    monkeypatch.setattr(cluster.RaySelfPlay, "__init__", remember)
    config = apply_settings(ZeroConfig(), {
        "out": str(tmp_path / "zero"), "generations": 2, "games_per_generation": 4, "steps_per_generation": 4,
        "threads": 2, "ray": "local", "device": "cpu", "selfplay.size": 5, "selfplay.playouts.full_visits": 12,
        "selfplay.playouts.cheap_visits": 4, "selfplay.games_per_thread": 2, "selfplay.ownership_playouts": 20,
        "selfplay.max_moves": 24, "net.filters": 8, "net.blocks": 2, "net.value_hidden": 8,
        "optimizer.batch_size": 16, "evaluation.games": 2, "evaluation.visits": 4})
    try:
        row = run_zero(config)
    finally:
        ray.shutdown()
    assert row["generation"] == 2 and row["games"] == 8
    assert len(drivers) == 1 and drivers[0].version == 1  # one driver; the second generation's network published
    assert len(drivers[0].pid_refs) == 2  # the same two actors throughout
    _, games = read_games(tmp_path / "zero" / "selfplay")
    assert sorted(g["game_id"] for g in games) == list(range(8))
    assert [int(r["generation"]) for r in csv.DictReader((tmp_path / "zero" / "log.csv").open())] == [1, 2]
