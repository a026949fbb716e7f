"""Self-play on a local Ray cluster of 2 CPUs: one actor killed with SIGKILL mid-run is replaced,
every finished game is in the shards exactly once and the run completes. Ray is an optional
extra: without it these tests skip, except under CI, where they fail."""
from __future__ import annotations

import os
import signal
from functools import partial

import pytest

from selfplay.config import GameSetup, PlayoutCap, SelfPlayConfig
from selfplay.records import read_games

if os.environ.get("TENGEN_NO_RAY") and os.environ.get("CI") != "true":
    # mutation runs (scripts/mutation_queue.sh): every mutant would start a cluster
    pytest.skip("Ray switched off by TENGEN_NO_RAY", allow_module_level=True)
if os.environ.get("CI") == "true":
    import ray  # CI installs the extra: its absence is a failure there
else:
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'tengen[ray]')")

from selfplay.ray_cluster import RaySelfPlay, check_address, connect  # noqa: E402
from tengen.wiring import selfplay_evaluator_from, selfplay_weight_files  # noqa: E402

CONFIG = SelfPlayConfig(size=9, playouts=PlayoutCap(full_visits=16, cheap_visits=8, full_fraction=0.25),
                        game=GameSetup(komi_mean=7.5, komi_stdev=0.0), max_moves=20, games_per_thread=2,
                        shard_games=2, ownership_playouts=50)


@pytest.fixture(scope="module")
def cluster():
    connect("local", cpus=2, object_store_bytes=128 * 1024 * 1024)
    yield
    ray.shutdown()


def test_a_killed_actor_loses_only_its_games_in_progress(cluster, tmp_path):
    files = selfplay_weight_files(None, None)
    killed = []

    def on_game(game_id, positions, finished):
        if killed:
            return
        # the actor that reported is idle now: kill the other one, in the middle of its games
        busy = 1 if game_id in (0, 1) else 0
        pid = ray.get(driver.pid_refs[busy])
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    driver = RaySelfPlay(CONFIG, tmp_path, games=6, actors=2, evaluator_factory=partial(selfplay_evaluator_from,
                                                                                         device="cpu"),
                         weight_files=files, meta={"weights": files}, on_game=on_game)
    summary = driver.run()
    assert killed and driver.replaced >= 1 and len(driver.pid_refs) >= 3
    assert summary["games"] == 6 and summary["actors_replaced"] == driver.replaced
    arrays, games = read_games(tmp_path)
    assert sorted(g["game_id"] for g in games) == list(range(6))  # each exactly once
    assert sorted(set(arrays["game_id"].tolist())) == list(range(6))
    assert not list((tmp_path / "pending").iterdir())
    assert len(list((tmp_path / "sgf").glob("*.sgf"))) == 6


def test_an_address_that_does_not_answer_is_a_clear_error():
    with pytest.raises(ValueError, match="no Ray cluster answers at 127.0.0.1:9"):
        check_address("127.0.0.1:9", timeout=2.0)
    with pytest.raises(ValueError, match="expected HOST:PORT"):
        check_address("nowhere")
