"""The whole pipeline end to end on 5x5, as the tengen command runs it: GNU Go games, shards,
then each training stage killed mid-run (SIGKILL) and resumed, keeping its finished work and
writing its checkpoint, log and plot."""
from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gtp.client import find_gnugo
from nets.checkpoint import read_info
from tests.conftest import require_tool


def tengen(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "tengen", *args], capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def kill_when(args: list[str], ready, timeout: float = 300) -> None:
    """Start ``tengen args``, SIGKILL it as soon as ``ready()`` holds."""
    process = subprocess.Popen([sys.executable, "-m", "tengen", *args], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, "the stage ended before it could be killed"
        assert time.monotonic() < deadline, "the stage never reached the point to kill it at"
        time.sleep(0.1)
    process.send_signal(signal.SIGKILL)
    process.wait()


def log_rows(path: Path) -> list[dict]:
    return list(csv.DictReader(path.open())) if path.exists() else []


@pytest.mark.gnugo
def test_pipeline_end_to_end_with_kills(tmp_path):
    gnugo = require_tool(find_gnugo(), "GNU Go (apt-get install gnugo)")
    games, shards = tmp_path / "games", tmp_path / "shards"
    tengen("data", "games", "--engine", f"{gnugo} --mode gtp --chinese-rules --level {{level}} --seed {{seed}}",
           "--size", "5", "--komi", "0.5", "--games", "16", "--levels", "1,2", "--workers", "2", "--out", str(games))
    sidecar = json.loads(tengen("data", "shards", str(games), "--out", str(shards), "--size", "5",
                                "--heldout", "0.2").stdout)
    assert sidecar["positions"]["train"] > 100 and sidecar["positions"]["heldout"] > 0

    common = ["--set", "device=cpu", "--set", "seed=1"]
    sl = tmp_path / "sl"
    sl_args = ["train", "sl", *common, "--set", f"data={shards}", "--set", f"out={sl}", "--set", "net.filters=8",
               "--set", "net.layers=2", "--set", "optimizer.batch_size=16", "--set", "eval_every=5",
               "--set", "checkpoint_every=5"]
    kill_when(sl_args + ["--set", "steps=1000000"], lambda: len(log_rows(sl / "log.csv")) >= 2)
    killed = read_info(sl / "policy.safetensors").step
    tengen(*sl_args, "--set", f"steps={killed + 10}")
    assert [int(r["step"]) for r in log_rows(sl / "log.csv")][-1] == killed + 10
    assert (sl / "sl.png").exists() and (sl / "rollout.safetensors").exists()

    rl = tmp_path / "rl"
    rl_args = ["train", "rl", *common, "--set", f"sl={sl / 'policy.safetensors'}", "--set", f"out={rl}",
               "--set", "game.size=5", "--set", "game.komi=0.5", "--set", "games_per_iteration=4",
               "--set", "pool_every=1", "--set", "eval_every=1", "--set", "eval_games=4",
               "--set", "estimator=advantage", "--set", "critic.filters=8", "--set", "critic.layers=2"]
    kill_when(rl_args + ["--set", "iterations=100000"], lambda: len(log_rows(rl / "log.csv")) >= 2)
    killed = read_info(rl / "policy.safetensors").step
    tengen(*rl_args, "--set", f"iterations={killed + 2}")
    iterations = [int(r["iteration"]) for r in log_rows(rl / "log.csv")]
    assert iterations == list(range(1, killed + 3)) and (rl / "rl.png").exists()

    value = tmp_path / "value"
    value_args = ["train", "value", *common, "--set", f"sl={sl / 'policy.safetensors'}",
                  "--set", f"rl={rl / 'policy.safetensors'}", "--set", f"out={value}", "--set", "game.size=5",
                  "--set", "game.komi=0.5", "--set", "games=40", "--set", "lockstep=8", "--set", "max_u=6",
                  "--set", "net.filters=8", "--set", "net.layers=2", "--set", "optimizer.batch_size=8",
                  "--set", "eval_every=5", "--set", "checkpoint_every=5"]
    kill_when(value_args + ["--set", "steps=1000000"], lambda: len(log_rows(value / "log.csv")) >= 2)
    chunks = sorted((value / "data").glob("chunk-*.npz"))
    stamps = [c.stat().st_mtime_ns for c in chunks]
    killed = read_info(value / "value.safetensors").step
    tengen(*value_args, "--set", f"steps={killed + 5}")
    assert [c.stat().st_mtime_ns for c in sorted((value / "data").glob("chunk-*.npz"))] == stamps  # data kept
    assert [int(r["step"]) for r in log_rows(value / "log.csv")][-1] == killed + 5
    assert (value / "value.png").exists()

    # the trained networks play through the engine
    done = subprocess.run([sys.executable, "-m", "tengen", "gtp", "--weights", str(rl / "policy.safetensors"),
                           "--value-weights", str(value / "value.safetensors"), "--device", "cpu", "--visits", "32"],
                          input="boardsize 5\n1 genmove b\nquit\n", capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "=1 " in done.stdout
