"""The RL stage on a tiny board: every estimator runs, the pool grows, the win rate against the SL
network is logged and plotted, and a second run resumes where the first stopped."""
from __future__ import annotations

import csv

import pytest
import torch

from common.settings import apply_settings
from nets.checkpoint import read_info
from training.reinforce import RLConfig, train_rl


def tiny(sl, out, **changes):
    return apply_settings(RLConfig(), {
        "sl": str(sl), "out": str(out), "game.size": 5, "game.komi": 0.5, "iterations": 2, "games_per_iteration": 4,
        "pool_every": 1, "eval_every": 2, "eval_games": 4, "critic.filters": 8, "critic.layers": 2, "device": "cpu",
        **changes})


@pytest.mark.parametrize("estimator", ["reinforce", "baseline", "actor_critic", "advantage", "nstep"])
def test_every_estimator_trains(sl_checkpoint, tmp_path, estimator):
    row = train_rl(tiny(sl_checkpoint, tmp_path, estimator=estimator))
    assert row["iteration"] == 2 and (row["value_loss"] > 0) == (estimator != "reinforce")
    logged = list(csv.DictReader((tmp_path / "log.csv").open()))
    assert [r["win_rate_vs_sl"] for r in logged] == ["", str(row["win_rate_vs_sl"])]  # evaluated every 2nd iteration
    assert float(logged[-1]["policy_loss"]) == row["policy_loss"] and float(logged[-1]["value_loss"]) == row["value_loss"]
    assert (row["win_rate_vs_sl"] * 8) % 1 == 0  # 4 games (2 per colour), a tie counting half
    assert (row["train_win_rate"] * 4) % 1 == 0  # the share of the 4 training games won


def test_rl_writes_pool_log_plot_and_resumes(sl_checkpoint, tmp_path):
    train_rl(tiny(sl_checkpoint, tmp_path, estimator="advantage"))
    assert len(list((tmp_path / "pool").glob("*.safetensors"))) == 2
    for name in ("policy.safetensors", "log.csv", "rl.png", "training-state.safetensors", "config.json"):
        assert (tmp_path / name).exists(), name
    row = train_rl(tiny(sl_checkpoint, tmp_path, estimator="advantage", iterations=3))
    iterations = [int(r["iteration"]) for r in csv.DictReader((tmp_path / "log.csv").open())]
    assert iterations == [1, 2, 3] and row["pool_size"] == 4  # the SL net and three snapshots
    assert read_info(tmp_path / "policy.safetensors").step == 3
    with pytest.raises(ValueError, match="unknown estimator"):
        tiny(sl_checkpoint, tmp_path, estimator="q-learning")


def test_max_grad_norm_bounds_the_policy_step(sl_checkpoint, tmp_path):
    from nets.checkpoint import load_checkpoint

    start = load_checkpoint(sl_checkpoint)[0].state_dict()

    def moved(out, **changes) -> float:
        train_rl(tiny(sl_checkpoint, out, iterations=1, estimator="reinforce", **{"optimizer.learning_rate": 0.05},
                      **changes))
        after = load_checkpoint(out / "policy.safetensors")[0].state_dict()
        return float(torch.sqrt(sum(((after[k] - start[k]) ** 2).sum() for k in start)))

    free, clipped = moved(tmp_path / "free"), moved(tmp_path / "clipped", max_grad_norm=1e-3)
    # one SGD step moves the weights by lr * |g|; the clipped gradient's norm is at most 1e-3
    assert clipped <= 0.05 * 1e-3 * 1.001 and free > 10 * clipped
    with pytest.raises(ValueError, match="bad RL settings"):
        tiny(sl_checkpoint, tmp_path, max_grad_norm=-1)
