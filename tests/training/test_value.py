"""The value stage on a tiny board: AlphaGo's value data, Monte Carlo and TD(lambda) regression,
logs, plots, checkpoints, resume."""
from __future__ import annotations

import csv
import json

import numpy as np
import pytest
import torch

from common.settings import apply_settings
from nets.checkpoint import load_checkpoint, read_info
from training.value import ValueConfig, lambda_targets, train_value


def tiny(policies, out, **changes):
    return apply_settings(ValueConfig(), {
        "sl": str(policies / "sl.safetensors"), "rl": str(policies / "rl.safetensors"), "out": str(out), "game.size": 5,
        "game.komi": 0.5, "games": 24, "lockstep": 12, "max_u": 6, "net.filters": 8, "net.layers": 2, "steps": 10,
        "optimizer.batch_size": 8, "eval_every": 5, "checkpoint_every": 5, "heldout_fraction": 0.25, "device": "cpu",
        **changes})


def test_lambda_returns():
    games = np.array([0, 0, 0, 1])
    plies = np.array([0, 1, 2, 0])
    outcomes = np.array([1.0, -1.0, 1.0, -1.0])  # side to move's view, alternating along a game
    values = np.array([0.0, 0.2, -0.4, 0.0])
    assert np.allclose(lambda_targets(values, outcomes, games, plies, 1.0), outcomes)
    half = lambda_targets(values, outcomes, games, plies, 0.5)
    assert half[2] == 1.0 and half[1] == pytest.approx(0.5 * 0.4 + 0.5 * -1.0)
    assert half[0] == pytest.approx(0.5 * -0.2 + 0.5 * -half[1]) and half[3] == -1.0


def heldout_mse(out, config) -> float:
    """The saved network's MSE against the outcome on the first recorded position of each held-out
    game (a game is held out when its draw from the seed's generator is below heldout_fraction)."""
    chunks = [np.load(path) for path in sorted((out / "data").glob("chunk-*.npz"))]
    planes = np.unpackbits(np.concatenate([c["planes"] for c in chunks]), axis=1)[:, : 49 * config.game.size ** 2]
    planes = planes.reshape(-1, 49, config.game.size, config.game.size).astype(np.float32)
    games, plies = np.concatenate([c["game"] for c in chunks]), np.concatenate([c["ply"] for c in chunks])
    outcomes = np.concatenate([c["outcome"] for c in chunks])
    held = (np.random.default_rng(config.seed).random(config.games) < config.heldout_fraction)[games] & (plies == 0)
    assert 0 < held.sum() < config.games
    model, _ = load_checkpoint(out / "value.safetensors", expected_kind="value")
    with torch.no_grad():
        predicted = model(torch.from_numpy(planes[held])).numpy()
    return float(np.mean((predicted - outcomes[held]) ** 2))


@pytest.mark.parametrize("td_lambda", [1.0, 0.5])
def test_value_stage_runs_and_resumes(policies, tmp_path, td_lambda):
    config = tiny(policies, tmp_path, td_lambda=td_lambda)
    row = train_value(config)
    assert row["step"] == 10
    logged = list(csv.DictReader((tmp_path / "log.csv").open()))[-1]
    assert {k: float(v) for k, v in logged.items()} == pytest.approx({k: float(v) for k, v in row.items()})
    assert row["heldout_mse"] == pytest.approx(heldout_mse(tmp_path, config), abs=1e-5)
    chunks = sorted((tmp_path / "data").glob("chunk-*.npz"))
    assert len(chunks) == 2
    first = np.load(chunks[0])
    assert set(first["outcome"].tolist()) <= {-1.0, 0.0, 1.0}
    if td_lambda == 1.0:
        assert np.all(first["ply"] == 0) and len(first["game"]) == 12  # one position per game
    else:
        assert first["ply"].max() > 0  # the RL continuation is kept for TD(lambda)
    for name in ("value.safetensors", "log.csv", "value.png", "training-state.safetensors", "config.json"):
        assert (tmp_path / name).exists(), name
    stamp = chunks[0].stat().st_mtime_ns
    train_value(tiny(policies, tmp_path, td_lambda=td_lambda, steps=15))
    assert chunks[0].stat().st_mtime_ns == stamp  # finished data is not generated again
    steps = [int(r["step"]) for r in csv.DictReader((tmp_path / "log.csv").open())]
    assert steps == [5, 10, 15] and read_info(tmp_path / "value.safetensors").step == 15
    model, info = load_checkpoint(tmp_path / "value.safetensors", expected_kind="value")
    assert info.config.feature_set == "alphago49"
    # the komi the engine believes the network at stays a top-level key of the provenance
    assert info.provenance["komi"] == 0.5 and info.provenance["td_lambda"] == td_lambda
    assert json.loads((tmp_path / "config.json").read_text())["value"]["game"] == {"size": 5, "komi": 0.5}
