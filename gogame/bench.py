"""Speed measurements of the rules engine: random playouts and feature extraction.

The playouts do exactly the work of the C reference ``shared/bench/ref_playout.c`` (see
:mod:`gogame.playout_nb`), so its statistics must agree with ours; ``run_reference`` runs that
program in the same process tree so that the ratio is measured on the same, equally noisy, machine.
"""
from __future__ import annotations

import json
import math
import subprocess
import time

import numpy as np

from . import board_nb as nb
from .features import FEATURES_ALPHAGO_48
from .game import GameState
from .playout_nb import make_rng_state, random_move_nb, run_playouts_nb
from .rules import Rules

KOMI = 7.5


def playout_benchmark(size: int, seconds: float, seed: int = 1, warmup: float = 0.5) -> dict:
    """Random playouts from the empty board for ``seconds`` on one core, after a warm-up that
    also triggers compilation. Returns the figures as a dict (JSON-ready)."""
    template = np.zeros(nb.board_length(size), np.int64)
    nb.init_board_nb(template, size)
    work = template.copy()
    rng_state = make_rng_state(seed)
    totals = np.zeros(6, np.int64)
    chunk = max(1, 20000 // (size * size))
    deadline = time.perf_counter() + warmup
    run_playouts_nb(template, work, 1, KOMI, rng_state, totals)  # compile or load from cache
    while time.perf_counter() < deadline:
        run_playouts_nb(template, work, chunk, KOMI, rng_state, totals)
    totals[:] = 0
    start = time.perf_counter()
    while True:
        run_playouts_nb(template, work, chunk, KOMI, rng_state, totals)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            break
    playouts, stones, stones_sq, passes, black_wins, cap_hits = (int(v) for v in totals)
    mean = stones / playouts
    spread = math.sqrt(max(0.0, stones_sq / playouts - mean * mean))
    win_rate = black_wins / playouts
    return {
        "size": size,
        "playouts": playouts,
        "seconds": round(elapsed, 3),
        "playouts_per_s": round(playouts / elapsed, 1),
        "moves_per_playout": round(mean, 3),
        "moves_per_playout_stderr": round(spread / math.sqrt(playouts), 3),
        "black_win_rate": round(win_rate, 4),
        "black_win_rate_stderr": round(math.sqrt(win_rate * (1 - win_rate) / playouts), 4),
        "passes_per_playout": round(passes / playouts, 3),
        "cap_hits": cap_hits,
        "moves_per_s": round(stones / elapsed),
        "komi": KOMI,
        "seed": seed,
    }


def random_positions(size: int, count: int, moves: int, seed: int = 0) -> list[GameState]:
    """``count`` positions reached by ``moves`` random eye-avoiding moves from the empty board."""
    rng_state = make_rng_state(seed)
    positions = []
    for _ in range(count):
        game = GameState(size, Rules(komi=KOMI))
        for _ in range(moves):
            pt = int(random_move_nb(game.board.array, game.to_move, rng_state))
            if not game.is_legal(pt):
                pt = 0
            game.play(pt)
        positions.append(game)
    return positions


def feature_benchmark(size: int, seconds: float, seed: int = 1) -> dict:
    """48-plane AlphaGo feature extraction per second on mid-game random positions."""
    positions = random_positions(size, 16, size * size // 2, seed)
    out = np.zeros((FEATURES_ALPHAGO_48.planes, size, size), np.float32)
    FEATURES_ALPHAGO_48.fill(positions[0], out)
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for game in positions:
            FEATURES_ALPHAGO_48.fill(game, out)
        done += len(positions)
    elapsed = time.perf_counter() - start
    return {"size": size, "feature_set": FEATURES_ALPHAGO_48.name, "positions": done,
            "features_per_s": round(done / elapsed, 1)}


def run_reference(binary: str, size: int, seconds: float) -> dict:
    """Run the C reference playout program for one size and parse its JSON line."""
    completed = subprocess.run([binary, "-t", str(seconds), "-s", str(size)], capture_output=True,
                               text=True, check=True, timeout=seconds * 4 + 30)
    return json.loads(completed.stdout.strip().splitlines()[-1])
