"""Shards and supervised learning end to end on a tiny data set: files written, a killed run
resumes without losing finished work, held-out accuracy measured, checkpoint usable by the engine."""
from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import time
import zipfile

import pytest
import torch

from common.settings import apply_settings
from gogame.coords import PASS
from gogame.rules import Rules
from gogame.sgf import start_position, write_sgf
from nets.checkpoint import load_checkpoint, read_info
from nets.rollout_policy import RolloutPolicy
from tests.gogame.helpers import random_game
from training.dataset import DatasetError, ShardConfig, build_shards, iter_games, load_split, rank_value
from training.supervised import SLConfig, accuracy, train_sl

TINY = {"net.filters": 8, "net.layers": 2, "optimizer.batch_size": 16, "eval_every": 5, "checkpoint_every": 5,
        "symmetries": True}


def tiny(data, out, **changes) -> SLConfig:
    """A tiny SL run's settings, through the settings mechanism (dotted keys for the sections)."""
    return apply_settings(SLConfig(), {"data": str(data), "out": str(out), **TINY, **changes})


@pytest.fixture(scope="module")
def shards(tmp_path_factory):
    games = tmp_path_factory.mktemp("sgf")
    for seed in range(24):
        game = random_game(5, 30, seed, komi=0.5)
        game.play(0)
        game.play(0)
        (games / f"g{seed:02d}.sgf").write_bytes(write_sgf(game))
    (games / "broken.sgf").write_bytes(b"(;GM[1]SZ[5];B[cc];W[cc])")
    out = tmp_path_factory.mktemp("shards")
    sidecar = build_shards([games], out, ShardConfig(size=5, heldout_fraction=0.25, shard_positions=200))
    return out, sidecar


def test_shards_split_by_game_and_count_what_they_skip(shards, tmp_path):
    out, sidecar = shards
    assert sum(sidecar["games"].values()) == 24 and sidecar["games"]["heldout"] >= 1
    assert sum(sidecar["skipped"].values()) == 1
    assert sidecar["positions"]["train"] + sidecar["positions"]["heldout"] == 24 * 32
    train = load_split(out, "train")
    assert train.planes.shape[1:] == (48, 5, 5) and len(train.moves) == sidecar["positions"]["train"]
    assert set(train.outcomes.tolist()) <= {-1.0, 0.0, 1.0}
    with pytest.raises(DatasetError, match="feature set 'alphago48', not 'history17'"):
        load_split(out, "train", "history17")
    archive = tmp_path / "games.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("a/one.sgf", write_sgf(random_game(5, 10, 99)))
    again = build_shards([archive], tmp_path / "from-zip", ShardConfig(size=5, heldout_fraction=0.0, require_result=False))
    assert again["games"] == {"train": 1}
    assert (rank_value("3k"), rank_value("2d"), rank_value("1p"), rank_value("?")) == (-3, 2, 11, None)


def test_training_writes_its_files_and_resumes(shards, tmp_path):
    data, _ = shards
    config = tiny(data, tmp_path / "run", steps=10)
    first = train_sl(config)
    assert first["step"] == 10
    # the reported accuracy is the saved network's on the held-out split, and it is what the log says
    model, _ = load_checkpoint(tmp_path / "run" / "policy.safetensors")
    heldout = load_split(data, "heldout")
    measured = accuracy(model, heldout.planes, heldout.moves, torch.device("cpu"))
    assert measured == pytest.approx((first["heldout_top1"], first["heldout_top5"], first["heldout_loss"]), rel=1e-4)
    logged = list(csv.DictReader((tmp_path / "run" / "log.csv").open()))[-1]
    assert [float(logged[k]) for k in ("heldout_top1", "heldout_top5", "heldout_loss")] == pytest.approx(measured, rel=1e-4)
    for name in ("config.json", "log.csv", "sl.png", "policy.safetensors", "training-state.safetensors",
                 "rollout.safetensors", "rollout.json"):
        assert (tmp_path / "run" / name).exists(), name
    rollout = json.loads((tmp_path / "run" / "rollout.json").read_text())
    rollout_policy = RolloutPolicy.load(tmp_path / "run" / "rollout.safetensors")
    played = {split: [pt for record in iter_games(data, split) for _, pt in record.moves if pt != PASS]
              for split in ("train", "heldout")}
    assert rollout["positions"] == len(played["train"]) > 300  # one step per move of the training games
    hits = total = 0  # its held-out top-1, measured again from the saved weights
    for record in iter_games(data, "heldout"):
        game = start_position(record, Rules(ko="simple"))
        for color, pt in record.moves:
            game.to_move = color
            probabilities = rollout_policy.probabilities(game) if pt != PASS else {}
            if probabilities:
                hits += max(probabilities, key=probabilities.get) == pt
                total += 1
            game.play(pt, color)
    assert rollout["heldout_positions"] == total == len(played["heldout"])  # every held-out move but the passes
    assert rollout["heldout_top1"] == pytest.approx(hits / total, abs=1.5 / total)  # the file holds float32 weights
    second = train_sl(tiny(data, tmp_path / "run", steps=20))
    steps = [int(r["step"]) for r in csv.DictReader((tmp_path / "run" / "log.csv").open())]
    assert second["step"] == 20 and steps == [5, 10, 15, 20]
    assert read_info(tmp_path / "run" / "policy.safetensors").step == 20
    model, info = load_checkpoint(tmp_path / "run" / "policy.safetensors", expected_feature_set="alphago48")
    assert info.config.kind == "policy" and info.board_sizes == (5,)
    with pytest.raises(ValueError, match="another network"):
        train_sl(tiny(data, tmp_path / "run", steps=30, **{"net.filters": 16}))


def test_a_killed_run_resumes_from_its_last_checkpoint(shards, tmp_path):
    data, _ = shards
    out = tmp_path / "killed"
    args = [sys.executable, "-m", "tengen", "train", "sl", "--set", f"data={data}", "--set", f"out={out}",
            "--set", "net.filters=8", "--set", "net.layers=2", "--set", "optimizer.batch_size=16",
            "--set", "eval_every=5", "--set", "checkpoint_every=5"]
    process = subprocess.Popen(args + ["--set", "steps=100000"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (out / "log.csv").exists() or len((out / "log.csv").read_text().splitlines()) < 3:
        assert time.monotonic() < deadline, "no checkpoint came"
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = read_info(out / "policy.safetensors").step
    assert killed_at >= 10
    done = subprocess.run(args + ["--set", f"steps={killed_at + 10}"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["step"] == killed_at + 10
    steps = [int(r["step"]) for r in csv.DictReader((out / "log.csv").open())]
    assert steps == sorted(set(steps)) and steps[-1] == killed_at + 10 and killed_at in steps


def test_accuracy_counts_top1_top5_and_the_cross_entropy():
    logits = torch.tensor([[5.0, 4.0, 3.0, 2.0, 1.0, 0.0, -1.0],   # the move (0) ranked 1st
                           [5.0, 4.0, 3.0, 2.0, 1.0, 0.0, -1.0],   # the move (4) ranked 5th
                           [5.0, 4.0, 3.0, 2.0, 1.0, 0.0, -1.0],   # the move (5) ranked 6th
                           [0.0, 0.0, 9.0, 0.0, 0.0, 0.0, 0.0]])  # the move (2) ranked 1st

    class Fixed(torch.nn.Module):
        def forward(self, planes):
            return logits[planes[:, 0, 0, 0].long()]

    planes = torch.arange(4.0).reshape(4, 1, 1, 1).expand(4, 1, 2, 2).numpy().copy()
    moves = torch.tensor([0, 4, 5, 2]).numpy()
    top1, top5, loss = accuracy(Fixed(), planes, moves, torch.device("cpu"), batch=3)  # two batches
    expected_loss = torch.nn.functional.cross_entropy(logits, torch.tensor([0, 4, 5, 2])).item()
    assert (top1, top5) == (0.5, 0.75) and loss == pytest.approx(expected_loss, rel=1e-6)


def test_training_needs_games_in_the_training_split(tmp_path):
    games = tmp_path / "sgf"
    games.mkdir()
    for seed in range(2):
        (games / f"g{seed}.sgf").write_bytes(write_sgf(random_game(5, 6, seed, komi=0.5)))
    data = tmp_path / "shards"
    build_shards([games], data, ShardConfig(size=5, heldout_fraction=1.0, require_result=False))
    with pytest.raises(ValueError, match="the training split is empty"):
        train_sl(tiny(data, tmp_path / "run", steps=2))


def test_progress_reports_every_step_from_the_first_and_the_log_their_mean_loss(shards, tmp_path):
    data, _ = shards
    reports = []
    config = tiny(data, tmp_path / "run", steps=3, rollout_policy=False, eval_every=3, checkpoint_every=3)
    evaluation = train_sl(config, progress=lambda *report: reports.append(report))
    assert [(step, total) for step, total, _ in reports] == [(1, 3), (2, 3), (3, 3)]
    assert evaluation["step"] == 3 and evaluation["loss"] == pytest.approx(sum(r[2] for r in reports) / 3)
    assert not (tmp_path / "run" / "rollout.safetensors").exists()  # rollout_policy=False
