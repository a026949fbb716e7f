"""What the RL stage records around its gradient step: the recorded planes of many games unpacked
with each game's span, the logged share of training games won, and the provenance of the pool
snapshots and of the learner's checkpoint."""
from __future__ import annotations

import csv

import numpy as np

from nets.checkpoint import read_info
from tests.training.test_reinforce_learning import LOSES, WINS, position, script_lockstep, tiny, trajectory
from selfplay.lockstep import Trajectory
from training.reinforce import _unpack, train_rl


def test_recorded_games_are_unpacked_each_with_its_span():
    rng = np.random.default_rng(0)
    shape = (49, 5, 5)
    boards = [[rng.random(shape) < 0.5 for _ in range(length)] for length in (2, 3, 1, 4)]
    recorded = [Trajectory(planes=[np.packbits(b) for b in game], actions=list(range(len(game)))) for game in boards]
    planes, spans = _unpack(recorded, shape)
    assert planes.dtype == np.float32 and planes.shape == (10,) + shape
    assert spans == [slice(0, 2), slice(2, 5), slice(5, 6), slice(6, 10)]
    for game, span in zip(boards, spans):
        assert np.array_equal(planes[span], np.stack(game).astype(np.float32))


def test_the_log_holds_the_share_of_training_games_won_and_checkpoints_say_where_they_come_from(
        sl_checkpoint, tmp_path, monkeypatch):
    start = position()
    script_lockstep(monkeypatch, [trajectory([(start, WINS)], +1.0), trajectory([(start, LOSES)], -1.0),
                                  trajectory([(start, LOSES)], -1.0)])
    row = train_rl(tiny(sl_checkpoint, tmp_path, pool_every=1))
    assert row["train_win_rate"] == 0.3333  # one of the three games won, to 4 decimals
    logged = next(csv.DictReader((tmp_path / "log.csv").open()))
    assert logged["train_win_rate"] == "0.3333" and logged["pool_size"] == "2"
    snapshot = read_info(tmp_path / "pool" / "iteration-000001.safetensors")
    assert snapshot.step == 1 and snapshot.provenance == {"stage": "rl", "pool": True}
    learner = read_info(tmp_path / "policy.safetensors")
    assert learner.provenance == {"stage": "rl", "sl": str(sl_checkpoint), "estimator": "reinforce"}
