"""The self-improvement loop: the four-headed network, its targets under symmetry, its losses,
and a 5x5 loop killed in self-play and in training that resumes losing nothing finished and never
training past its reuse bound."""
from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import re
import sys
import threading
import time

import numpy as np
import pytest
import torch

from gogame.game import GameState
from gogame.rules import Rules
from nets.checkpoint import load_checkpoint, read_metadata
from nets.config import NetConfig
from nets.evaluator import LeafBatch
from nets.models import build_network
from nets.torch_evaluator import TorchEvaluator
from selfplay.records import read_games
from training.zero import ZeroShape, training_batch, zero_losses


def one_position_arrays(size: int, point_index: int) -> dict:
    """A one-row shard: plane 0 marks ``point_index``, the policy target is that point, the
    ownership is +1 there only (Black to move)."""
    planes = np.zeros((1, 50, size, size), bool)
    planes[0, 0].flat[point_index] = True
    policy = np.zeros((1, size * size + 1), np.float32)
    policy[0, point_index] = 1.0
    ownership = np.zeros((1, size, size), np.int8)
    ownership[0].flat[point_index] = 1
    return {"planes": np.packbits(planes.reshape(1, -1), axis=1), "policy": policy, "ownership": ownership,
            "to_move": np.array([1], np.int8), "outcome": np.array([1.0], np.float32),
            "full_search": np.array([True]), "score": np.array([2.5], np.float32)}


@pytest.mark.parametrize("seed", range(8))
def test_targets_turn_with_the_planes_under_every_symmetry(seed):
    size, point = 5, 7  # row 1, column 2: no symmetry keeps it in place... except some
    batch = training_batch(one_position_arrays(size, point), np.zeros(4, np.int64), size, np.random.default_rng(seed))
    for row in range(4):
        marked = int(np.flatnonzero(batch["planes"][row, 0].numpy().reshape(-1))[0])
        assert int(batch["policy"][row].argmax()) == marked
        assert int(np.flatnonzero(batch["ownership"][row].numpy().reshape(-1) > 0)[0]) == marked
    assert batch["value"].tolist() == [0] * 4 and batch["score"].tolist() == [2.5] * 4


def test_white_to_move_sees_ownership_score_and_value_from_its_side():
    arrays = one_position_arrays(5, 0)
    arrays["to_move"] = np.array([2], np.int8)
    arrays["outcome"] = np.array([-1.0], np.float32)
    batch = training_batch(arrays, np.zeros(1, np.int64), 5, np.random.default_rng(0))
    assert batch["value"].tolist() == [1] and batch["score"].tolist() == [-2.5]
    assert batch["ownership"].sum() == -1


def test_losses_prefer_the_truth_and_ignore_the_policy_of_cheap_searches():
    arrays = one_position_arrays(5, 3)
    batch = training_batch(arrays, np.zeros(2, np.int64), 5, np.random.default_rng(1))
    right = {"policy": torch.full((2, 26), -10.0), "value": torch.tensor([[5.0, -5, -5]] * 2),
             "ownership": batch["ownership"].clone(), "score": torch.tensor([[2.5, 0.0]] * 2)}
    for row in range(2):  # each row under its own symmetry
        right["policy"][row, int(batch["policy"][row].argmax())] = 10.0
    wrong = {"policy": torch.zeros((2, 26)), "value": torch.tensor([[-5.0, 5, -5]] * 2),
             "ownership": -batch["ownership"], "score": torch.tensor([[-20.0, 0.0]] * 2)}
    good, bad = zero_losses(right, batch), zero_losses(wrong, batch)
    assert all(good[name] < bad[name] for name in good)
    batch["policy_mask"][:] = 0.0  # cheap searches: no policy target
    assert float(zero_losses(wrong, batch)["policy"]) == 0.0


def test_the_zero_network_has_four_heads_reads_komi_and_says_so_in_its_checkpoint(tmp_path):
    config = ZeroShape(filters=8, blocks=2, value_hidden=8).network()
    torch.manual_seed(0)
    net = build_network(config).eval()
    assert config.heads == ("policy", "value", "ownership", "score")
    game = GameState(5, Rules(komi=0.5))
    evaluator = TorchEvaluator(net, device="cpu", symmetry="none", cache_size=0)
    boards = np.stack([game.board.array])
    _, low = evaluator.evaluate_batch(LeafBatch(boards, np.array([1]), 5, 0.5))
    _, high = evaluator.evaluate_batch(LeafBatch(boards, np.array([1]), 5, 30.5))
    assert low[0] != high[0] and -1 <= low[0] <= 1  # komi is an input
    assert not evaluator.komi_blind and evaluator.value_applies(5, 99.5)
    from nets.checkpoint import CheckpointInfo, save_checkpoint

    save_checkpoint(tmp_path / "z.safetensors", net, CheckpointInfo(config, (5,)))
    assert json.loads(read_metadata(tmp_path / "z.safetensors")["heads"]) == list(config.heads)
    loaded, info = load_checkpoint(tmp_path / "z.safetensors")
    assert info.config == config
    with pytest.raises(ValueError, match="zero50"):
        NetConfig(kind="zero", feature_set="alphago48")


SETTINGS = ["generations=3", "games_per_generation=3", "steps_per_generation=12", "selfplay.size=5",
            "selfplay.playouts.full_visits=16", "selfplay.playouts.cheap_visits=6", "optimizer.batch_size=16",
            "selfplay.games_per_thread=3", "selfplay.ownership_playouts=30", "selfplay.max_moves=30",
            "net.filters=8", "net.blocks=2", "net.value_hidden=8", "device=cpu", "max_reuse=2",
            "evaluation.games=4", "evaluation.visits=8", "evaluation.older=2"]


def zero_command(out):
    return [sys.executable, "-m", "tengen", "train", "zero", "--set", f"out={out}",
            *[arg for setting in SETTINGS for arg in ("--set", setting)]]


def kill_when(out, seen: str, timeout=300) -> str:
    """Start the loop, SIGKILL it as soon as its progress line shows ``seen`` (a regular
    expression); what it had printed."""
    process = subprocess.Popen(zero_command(out), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    printed = []

    def read():
        while chunk := os.read(process.stderr.fileno(), 4096):
            printed.append(chunk.decode(errors="replace"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout
    while not re.search(seen, "".join(printed)) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    assert process.poll() is None, f"the loop ended before the kill: {''.join(printed)[-500:]}"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    reader.join(timeout=5)
    return "".join(printed)


def games_on_disk(out) -> int:
    folder = out / "selfplay" / "sgf"
    return len(list(folder.glob("*.sgf"))) if folder.is_dir() else 0


def generations_done(out) -> int:
    return len(list((out / "generations").glob("gen-*.safetensors"))) if (out / "generations").is_dir() else 0


def test_the_loop_killed_in_self_play_and_in_training_resumes_losing_nothing(tmp_path):
    out = tmp_path / "zero"
    # a worker: generation 2's self-play has finished one of its three games
    kill_when(out, r"games=4/6, generation=2")
    assert generations_done(out) == 1 and 4 <= games_on_disk(out) <= 6
    # the learner: generation 2 is training
    kill_when(out, r"generation=2, loss=\S+, step=\d+/")
    assert generations_done(out) == 1 and games_on_disk(out) == 6
    done = subprocess.run(zero_command(out), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader((out / "log.csv").open()))
    assert [int(r["generation"]) for r in rows] == [1, 2, 3]
    for row in rows:
        assert float(row["reuse"]) <= 2.0  # never more samples than max_reuse per position produced
        assert int(row["games"]) == 3 * int(row["generation"])
    _, games = read_games(out / "selfplay")
    assert sorted(g["game_id"] for g in games) == list(range(9))  # every game once
    state = json.loads(read_metadata(out / "training-state.safetensors", "training state")["extra"])
    assert state == {"generation": 3, "samples_trained": int(rows[-1]["samples_trained"])}
    for generation in (1, 2, 3):
        net, info = load_checkpoint(out / "generations" / f"gen-{generation:04d}.safetensors")
        assert info.config.kind == "zero" and info.board_sizes == (5,)
    assert json.loads(done.stdout.strip().splitlines()[-1])["generation"] == 3
    # every generation after the first was measured against its predecessor, once
    records = [json.loads(line) for line in (out / "ratings.jsonl").read_text().splitlines()]
    assert [(r["generation"], r["opponent"], len(r["scores"])) for r in records] == [(2, 1, 4), (3, 2, 2), (3, 1, 2)]
    elo = list(csv.DictReader((out / "elo.csv").open()))
    assert [int(r["generation"]) for r in elo] == [1, 2, 3] and float(elo[0]["elo"]) == 0.0
    assert all(float(r["low95"]) <= float(r["elo"]) <= float(r["high95"]) for r in elo)
    assert (out / "elo.png").stat().st_size > 0 and (out / "losses.png").stat().st_size > 0


def test_evaluation_opponents_are_the_neighbour_and_an_older_generation():
    from training.zero import Evaluation, evaluation_opponents

    assert evaluation_opponents(2, Evaluation(games=20, older=5)) == [(1, 20)]
    assert evaluation_opponents(3, Evaluation(games=20, older=5)) == [(2, 10), (1, 10)]
    assert evaluation_opponents(9, Evaluation(games=20, older=5)) == [(8, 10), (4, 10)]
    assert evaluation_opponents(9, Evaluation(games=20, older=0)) == [(8, 20)]
    assert evaluation_opponents(9, Evaluation(games=1, older=5)) == [(8, 1)]  # one game: no split
    assert evaluation_opponents(9, Evaluation(games=5, older=5)) == [(8, 3), (4, 2)]


def test_a_warm_start_from_another_engines_self_play_games(tmp_path):
    """The warm start the README describes: games of another engine (here the rollout evaluator)
    recorded with the loop's own self-play settings in ``OUT/selfplay`` are trained on first; the
    loop plays its own games only once its generations ask for more than are there."""
    from common.settings import apply_settings
    from dataclasses import replace

    from nets.evaluator import RolloutEvaluator
    from selfplay.run import run_selfplay
    from training.zero import ZeroConfig, run_zero

    config = apply_settings(ZeroConfig(), dict(s.split("=", 1) for s in SETTINGS if not s.startswith("evaluation"))
                            | {"out": str(tmp_path / "zero"), "generations": 3, "evaluation.games": 0})
    run_selfplay(replace(config.selfplay, seed=config.seed), RolloutEvaluator(seed=9), tmp_path / "zero" / "selfplay",
                 games=5)
    last = run_zero(config)
    rows = list(csv.DictReader((tmp_path / "zero" / "log.csv").open()))
    assert [int(r["games"]) for r in rows] == [5, 6, 9]  # the warm games, then the loop's own from generation 2
    assert int(rows[0]["step"]) > 0 and last["generation"] == 3
    _, games = read_games(tmp_path / "zero" / "selfplay")
    assert sorted(g["game_id"] for g in games) == list(range(9))


def test_held_out_value_and_ownership_checks(tmp_path):
    """The held-out report of acceptance 3: a value that says 0 everywhere scores the mean squared
    outcome; a zero network's value and ownership are scored on the same positions."""
    from nets.evaluator import RolloutEvaluator, UniformEvaluator
    from selfplay.config import GameSetup, PlayoutCap, SelfPlayConfig
    from selfplay.run import run_selfplay
    from training.heldout import heldout_report

    config = SelfPlayConfig(size=5, playouts=PlayoutCap(full_visits=12, cheap_visits=4, full_fraction=0.5),
                            game=GameSetup(komi_mean=0.5, komi_stdev=0.0), feature_set="zero50", ownership_playouts=30)
    run_selfplay(config, RolloutEvaluator(seed=2), tmp_path, games=3)
    arrays, games = read_games(tmp_path)
    torch.manual_seed(1)
    zero = TorchEvaluator(build_network(ZeroShape(filters=8, blocks=2, value_hidden=8).network()), device="cpu",
                          symmetry="none", cache_size=0)

    class Zero(UniformEvaluator):
        has_value = True

    report = heldout_report(tmp_path, {"zero": zero, "flat": Zero()})
    assert report["games"] == 3 and report["positions"] == len(arrays["outcome"])
    assert report["flat"]["value_mse"] == pytest.approx(float((arrays["outcome"] ** 2).mean()), abs=1e-4)
    assert report["flat"]["positions_where_it_applies"] == report["positions"] and "ownership_accuracy" not in report["flat"]
    assert 0 <= report["zero"]["value_mse"] <= 4 and 0 <= report["zero"]["ownership_accuracy"] <= 1
    assert heldout_report(tmp_path, {"flat": Zero()}, max_games=1)["games"] == 1
    with pytest.raises(ValueError, match="no self-play games"):
        heldout_report(tmp_path / "nothing", {"flat": Zero()})
