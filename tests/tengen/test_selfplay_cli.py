"""``tengen selfplay`` as a user runs it: killed with SIGKILL and restarted it loses no finished
game and writes none twice; bad input (missing or mismatched weights, an unwritable folder, a
folder of other settings) is a clear error that leaves what is on disk alone."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from selfplay.records import ShardStore, read_games
from tengen.wiring import BUNDLED_VALUE

FAST = ["--size", "9", "--device", "cpu", "--set", "playouts.full_visits=16", "--set", "playouts.cheap_visits=8",
        "--set", "game.komi_stdev=0", "--set", "game.komi_mean=7.5", "--set", "max_moves=24",
        "--set", "games_per_thread=2", "--set", "shard_games=2", "--set", "ownership_playouts=50"]


def selfplay(out: Path, games: int, *extra: str, wait: bool = True):
    command = [sys.executable, "-m", "tengen", "selfplay", "--games", str(games), "--out", str(out), *FAST, *extra]
    if wait:
        return subprocess.run(command, capture_output=True, text=True, timeout=600)
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def finished_on_disk(out: Path) -> int:
    """Games journaled (pending or merged), read without touching the folder. Not the SGFs: a
    game's SGF is written just before its record, so a kill between them leaves an SGF of a game
    that is played again."""
    pending = len(list((out / "pending").glob("game-*.json"))) if (out / "pending").is_dir() else 0
    merged = sum(len(json.loads(p.read_text())["game_ids"]) for p in (out / "shards").glob("shard-*.json")) \
        if (out / "shards").is_dir() else 0
    return pending + merged


def test_a_run_killed_with_sigkill_and_restarted_loses_no_game_and_writes_none_twice(tmp_path):
    out = tmp_path / "run"
    process = selfplay(out, 6, wait=False)
    deadline = time.monotonic() + 300
    while finished_on_disk(out) < 3 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    before = ShardStore(out, 9, 48).finished_ids()
    assert 3 <= len(before) < 6, "the kill should land mid-run"
    done = selfplay(out, 6, "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["games"] == 6
    arrays, games = read_games(out)
    ids = [g["game_id"] for g in games]
    assert sorted(ids) == list(range(6))  # every game once, the ones finished before the kill among them
    assert before <= set(ids)
    assert sorted(set(arrays["game_id"].tolist())) == list(range(6))
    assert not list((out / "pending").iterdir())
    assert finished_on_disk(out) == 6 and len(list((out / "sgf").glob("game-*.sgf"))) == 6


def test_missing_or_mismatched_weights_are_named(tmp_path):
    missing = selfplay(tmp_path / "a", 1, "--weights", str(tmp_path / "nope.safetensors"))
    assert missing.returncode == 2 and "nope.safetensors" in missing.stderr
    mismatched = selfplay(tmp_path / "b", 1, "--weights", str(BUNDLED_VALUE))
    assert mismatched.returncode == 2 and "value network cannot be the policy" in mismatched.stderr
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_an_unwritable_folder_and_a_folder_of_other_settings_are_refused_before_any_game(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    unwritable = selfplay(blocker / "run", 1)
    assert unwritable.returncode == 2 and "cannot create the self-play folder" in unwritable.stderr
    out = tmp_path / "run"
    assert selfplay(out, 1).returncode == 0
    shards = {p.name: p.read_bytes() for p in (out / "shards").iterdir()}
    other = selfplay(out, 2, "--set", "playouts.full_visits=32")
    assert other.returncode == 2 and "other settings (these differ: playouts;" in other.stderr
    assert {p.name: p.read_bytes() for p in (out / "shards").iterdir()} == shards


def test_a_ray_address_that_does_not_answer_is_refused_and_plain_self_play_never_imports_ray(tmp_path):
    dead = selfplay(tmp_path / "run", 1, "--ray", "127.0.0.1:9")
    assert dead.returncode == 2 and "no Ray cluster answers at 127.0.0.1:9" in dead.stderr
    assert not (tmp_path / "run").exists()
    code = "import sys, selfplay.run, selfplay.worker, tengen.cli; assert 'ray' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], timeout=120).returncode == 0
