"""The value stage labels and learns in the right direction. With a komi no 5x5 game can overcome,
the winner of every game is known in advance, so every recorded position's target is known from
its side to move alone (plane 48 of alphago49: ones when Black is to move): the data must say so,
and a network trained on it must predict it."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from common.settings import apply_settings
from nets.checkpoint import load_checkpoint
from training.value import ValueConfig, generate_chunk, train_value

SIZE = 5


def tiny(policies, out, **changes) -> ValueConfig:
    return apply_settings(ValueConfig(), {
        "sl": str(policies / "sl.safetensors"), "rl": str(policies / "rl.safetensors"), "out": str(out),
        "game.size": SIZE, "game.komi": 100.0, "games": 40, "lockstep": 20, "max_u": 6, "net.filters": 8,
        "net.layers": 2, "steps": 40, "optimizer.batch_size": 16, "eval_every": 1000, "checkpoint_every": 1000,
        "heldout_fraction": 0.25, "device": "cpu", **changes})


def unpack(packed: np.ndarray) -> np.ndarray:
    return np.unpackbits(packed, axis=1)[:, : 49 * SIZE * SIZE].reshape(-1, 49, SIZE, SIZE).astype(np.float32)


def black_to_move(planes: np.ndarray) -> np.ndarray:
    colour = planes[:, 48].reshape(len(planes), -1)
    assert np.all(colour.min(axis=1) == colour.max(axis=1))  # the colour plane is constant
    return colour[:, 0] == 1


@pytest.mark.parametrize("td_lambda", [1.0, 0.5])
@pytest.mark.parametrize("komi, black_wins", [(100.0, False), (-100.0, True)])
def test_each_position_is_labelled_with_the_outcome_for_its_side_to_move(policies, tmp_path, komi, black_wins, td_lambda):
    config = tiny(policies, tmp_path, td_lambda=td_lambda, **{"game.komi": komi})
    sl = load_checkpoint(config.sl)[0]
    rl = load_checkpoint(config.rl)[0]
    chunk = generate_chunk(sl, rl, 12, config, torch.device("cpu"), np.random.default_rng(7))
    black = black_to_move(unpack(chunk["planes"]))
    assert black.any() and not black.all()  # both sides to move are in the data
    expected = np.where(black == black_wins, 1.0, -1.0)
    assert np.array_equal(chunk["outcome"], expected)


def test_the_value_network_learns_who_wins(policies, tmp_path):
    """komi 100: White wins every game, so V = +1 with White to move and -1 with Black to move."""
    row = train_value(tiny(policies, tmp_path))
    assert row["heldout_mse"] < 0.1, row  # predicting 0 everywhere scores 1, the opposite sign about 4
    model, _ = load_checkpoint(tmp_path / "value.safetensors", expected_kind="value")
    chunk = np.load(tmp_path / "data" / "chunk-00000.npz")
    planes = unpack(chunk["planes"])
    with torch.no_grad():
        values = model(torch.from_numpy(planes)).numpy()
    black = black_to_move(planes)
    assert np.all(values[black] < -0.5) and np.all(values[~black] > 0.5), values
