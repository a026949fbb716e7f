"""The value stage's data and bookkeeping on 5x5 boards with tiny networks: games numbered across
chunk files, progress reported for the games and the steps (a resumed run only for what is left),
the policies' temperature, TD(lambda) targets from the first step, and a run whose games never
reach their random move."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import torch
from torch.nn import functional as F

import training.value as value
from common.settings import apply_settings
from nets.checkpoint import load_checkpoint
from training.value import ValueConfig, generate_chunk, train_value


def tiny(policies, out, **changes) -> ValueConfig:
    return apply_settings(ValueConfig(), {
        "sl": str(policies / "sl.safetensors"), "rl": str(policies / "rl.safetensors"), "out": str(out), "game.size": 5,
        "game.komi": 0.5, "games": 6, "lockstep": 4, "max_u": 2, "net.filters": 8, "net.layers": 2, "steps": 3,
        "optimizer.batch_size": 8, "eval_every": 3, "checkpoint_every": 3, "heldout_fraction": 0.25, "device": "cpu",
        **changes})


def test_games_are_numbered_across_chunks_and_progress_is_reported(policies, tmp_path):
    reports = []
    train_value(tiny(policies, tmp_path), progress=lambda *report: reports.append(report))
    assert reports == [("games", 1, 2), ("games", 2, 2), ("steps", 1, 3), ("steps", 2, 3), ("steps", 3, 3)]
    first, second = (np.load(tmp_path / "data" / f"chunk-{c:05d}.npz") for c in (0, 1))
    assert first["game"].tolist() == [0, 1, 2, 3] and second["game"].tolist() == [4, 5]  # one position per game
    reports.clear()
    train_value(tiny(policies, tmp_path, steps=5), progress=lambda *report: reports.append(report))
    assert reports == [("games", 1, 2), ("games", 2, 2), ("steps", 4, 5), ("steps", 5, 5)]


def test_at_temperature_zero_the_policies_play_their_best_moves(policies):
    """max_u 0: the first move is the random one, then the RL policy plays on; at temperature 0
    two games that start with the same random move are the same game."""
    config = tiny(policies, "unused", max_u=0, td_lambda=0.5, temperature=0.0)
    sl, rl = (load_checkpoint(path)[0] for path in (config.sl, config.rl))
    chunk = generate_chunk(sl, rl, 30, config, torch.device("cpu"), np.random.default_rng(0))
    games = {}
    for i in range(30):
        rows = chunk["game"] == i
        assert chunk["ply"][rows].tolist() == list(range(rows.sum()))
        games.setdefault(chunk["planes"][rows][0].tobytes(), []).append((chunk["planes"][rows], chunk["outcome"][rows]))
    repeated = [same for same in games.values() if len(same) > 1]
    assert repeated  # 30 games, 25 first moves
    for same in repeated:
        for planes, outcomes in same[1:]:
            assert np.array_equal(planes, same[0][0]) and np.array_equal(outcomes, same[0][1])


def test_td_lambda_targets_the_networks_own_estimates_from_the_first_step(policies, tmp_path, monkeypatch):
    computed, trained_towards = [], []

    def lambda_targets(*args):
        computed.append(value.lambda_targets.__wrapped__(*args))
        return computed[-1]

    lambda_targets.__wrapped__ = value.lambda_targets
    monkeypatch.setattr(value, "lambda_targets", lambda_targets)

    def mse_loss(prediction, target):
        trained_towards.append(target.numpy().copy())
        return F.mse_loss(prediction, target)

    monkeypatch.setattr(value, "F", SimpleNamespace(mse_loss=mse_loss))
    train_value(tiny(policies, tmp_path, td_lambda=0.0, games=4, steps=1, eval_every=1000, checkpoint_every=1000))
    first = trained_towards[0]
    assert computed and np.all(np.isin(first, computed[0]))
    assert np.any(~np.isin(first, [-1.0, 0.0, 1.0]))  # -V(next position), not only outcomes


@pytest.mark.parametrize("td_lambda", [1.0, 0.5])
def test_games_that_end_before_their_random_move_leave_nothing_to_train_on(policies, tmp_path, td_lambda):
    config = tiny(policies, tmp_path, max_u=10_000, td_lambda=td_lambda)  # U beyond the 50-move limit
    sl, rl = (load_checkpoint(path)[0] for path in (config.sl, config.rl))
    chunk = generate_chunk(sl, rl, 2, config, torch.device("cpu"), np.random.default_rng(0))
    assert chunk["planes"].shape == (0, 154) and [len(chunk[k]) for k in ("game", "ply", "outcome")] == [0, 0, 0]
    with pytest.raises(ValueError, match="no training positions: generate more games"):
        train_value(config)
