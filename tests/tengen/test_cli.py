"""The ``tengen`` command: bench rules output and errors."""
from __future__ import annotations

import json
import shutil
import os
import subprocess
import sys
from pathlib import Path

import pytest

REFERENCE_SOURCE = Path(__file__).resolve().parents[2].parent / "shared" / "bench" / "ref_playout.c"


def tengen(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tengen", *args], capture_output=True, text=True, timeout=300)


def test_bench_rules_json_has_the_figures():
    done = tengen("bench", "rules", "--size", "5", "--size", "9", "--seconds", "0.3", "--json")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["size"] for line in lines] == [5, 9]
    for line in lines:
        assert line["playouts_per_s"] > 0 and line["playouts"] > 0
        assert 0 < line["black_win_rate"] < 1 and line["moves_per_playout"] > line["size"]
    assert abs(lines[1]["moves_per_playout"] - 107.37) < 5


@pytest.mark.parametrize("args, message", [
    (["--size", "30"], "board size 30 is out of range"),
    (["--seconds", "0"], "--seconds must be positive"),
])
def test_bench_rules_bad_arguments(args, message):
    done = tengen("bench", "rules", *args)
    assert done.returncode == 2 and message in done.stderr and done.stdout == ""


def test_bench_rules_with_the_c_reference(tmp_path):
    if not REFERENCE_SOURCE.exists() or not shutil.which("gcc"):
        pytest.skip("the C reference (../shared/bench/ref_playout.c) or gcc is not here; it is a measuring tool only")
    binary = tmp_path / "ref_playout"
    subprocess.run(["gcc", "-O3", "-o", str(binary), str(REFERENCE_SOURCE), "-lm"], check=True)
    done = tengen("bench", "rules", "--size", "9", "--seconds", "0.5", "--reference", str(binary), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["ratio"] == pytest.approx(result["playouts_per_s"] / result["reference_playouts_per_s"], rel=1e-2)
    assert abs(result["reference_moves_per_playout"] - result["moves_per_playout"]) < 2


def test_gtp_with_network_weights_and_bad_weights(tmp_path):
    import torch

    from nets.checkpoint import CheckpointInfo, save_checkpoint
    from nets.config import NetConfig
    from nets.models import build_network

    torch.manual_seed(0)
    policy, value = tmp_path / "policy.safetensors", tmp_path / "value.safetensors"
    save_checkpoint(policy, build_network(NetConfig(filters=8, layers=2)), CheckpointInfo(NetConfig(filters=8, layers=2)))
    value_config = NetConfig(kind="value", feature_set="alphago49", filters=8, layers=2)
    save_checkpoint(value, build_network(value_config), CheckpointInfo(value_config))
    done = subprocess.run([sys.executable, "-m", "tengen", "gtp", "--weights", str(policy), "--value-weights", str(value),
                           "--device", "cpu", "--visits", "64"], input="boardsize 9\n1 genmove b\n2 kata-genmove_analyze w 1\nquit\n",
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "MCTS with networks" in done.stderr
    assert done.stdout.startswith("=\n\n=1 ") and "\nplay " in done.stdout
    from nets.rollout_policy import RolloutPolicy

    RolloutPolicy().save(tmp_path / "rollout.safetensors")
    with_rollouts = subprocess.run([sys.executable, "-m", "tengen", "gtp", "--visits", "64", "--set",
                                    f"nets.rollout_weights={tmp_path / 'rollout.safetensors'}"],
                                   input="boardsize 9\n1 genmove b\nquit\n", capture_output=True, text=True, timeout=300)
    assert with_rollouts.returncode == 0 and "=1 " in with_rollouts.stdout
    bad_rollouts = tengen("gtp", "--set", f"nets.rollout_weights={tmp_path / 'nothing.safetensors'}")
    assert bad_rollouts.returncode == 2 and "no such rollout policy file" in bad_rollouts.stderr
    missing = tengen("gtp", "--weights", str(tmp_path / "nope.safetensors"))
    assert missing.returncode == 2 and "nope.safetensors: no such checkpoint file" in missing.stderr
    wrong = tengen("gtp", "--weights", str(value))
    assert wrong.returncode == 2 and "a value network cannot be the policy" in wrong.stderr


def test_idle_openmp_threads_sleep_unless_the_user_says_otherwise():
    code = "import os, tengen.cli; print(os.environ['OMP_WAIT_POLICY'])"
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    assert subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=60).stdout.strip() == "PASSIVE"
    kept = subprocess.run([sys.executable, "-c", code], env={**env, "OMP_WAIT_POLICY": "ACTIVE"},
                          capture_output=True, text=True, timeout=60)
    assert kept.stdout.strip() == "ACTIVE"
