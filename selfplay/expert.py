"""Expert games between GTP engines (GNU Go is the local expert), written as SGF for training.

Games differ through their seeds, levels and a few random opening moves. Generation is resumable
(a game whose file exists is not played again; files are written atomically) and runs in worker
processes. Engine command lines may hold ``{seed}`` and ``{level}``, filled in per game.
"""
from __future__ import annotations

import os
import random
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from gogame.game import GameState
from gogame.rules import Rules

from .match import MatchConfig, play_game


@dataclass(frozen=True)
class ExpertGamesConfig:
    """``engine`` / ``opponent`` command lines (templates with {seed} and {level}); ``levels`` to
    draw from; ``opening_moves``: random moves before the engines play (drawn from 0..this)."""

    engine: str
    opponent: str | None = None
    size: int = 9
    komi: float = 7.5
    games: int = 100
    levels: tuple[int, ...] = (8, 10)
    opening_moves: int = 4
    seed: int = 0
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)


def game_path(out: Path, index: int) -> Path:
    return out / f"game-{index:06d}.sgf"


def random_opening(size: int, moves: int, rng: np.random.Generator) -> list[int]:
    """A few uniformly random legal moves from the empty board (never on the first line)."""
    game = GameState(size, Rules(ko="simple"))
    opening = []
    for _ in range(moves):
        legal = [int(p) for p in game.legal_moves() if min(divmod(int(p), size + 2)) >= 2
                 and max(divmod(int(p), size + 2)) <= size - 1]
        if not legal:
            break
        pt = int(rng.choice(legal))
        game.play(pt)
        opening.append(pt)
    return opening


def _play_one(config: ExpertGamesConfig, out: Path, index: int) -> tuple[int, str]:
    rng = np.random.default_rng([config.seed, index])
    fill = lambda template: template.format(seed=int(rng.integers(1, 2**31)), level=int(rng.choice(config.levels)))  # noqa: E731
    black, white = fill(config.engine), fill(config.opponent or config.engine)
    if index % 2:
        black, white = white, black
    opening = random_opening(config.size, int(rng.integers(0, config.opening_moves + 1)), rng)
    rules = Rules(ko="simple", komi=config.komi)
    report = play_game(black, white, MatchConfig(size=config.size, rules=rules), opening=opening)
    if report.disagreements:
        return index, f"skipped: {report.disagreements[0]}"
    path = game_path(out, index)
    temporary = path.with_suffix(f".tmp{random.randrange(1 << 30)}")
    temporary.write_bytes(report.sgf)
    os.replace(temporary, path)
    return index, report.result


def generate_expert_games(config: ExpertGamesConfig, out: Path,
                          progress: Callable[[int, int], None] | None = None) -> list[tuple[int, str]]:
    """Play the games not yet in ``out`` (resuming), ``config.workers`` at a time; returns
    (index, result) per game played now."""
    out.mkdir(parents=True, exist_ok=True)
    todo = [i for i in range(config.games) if not game_path(out, i).exists()]
    done: list[tuple[int, str]] = []
    if config.workers <= 1:
        for i in todo:
            done.append(_play_one(config, out, i))
            if progress:
                progress(len(done), len(todo))
        return done
    with ProcessPoolExecutor(max_workers=config.workers) as pool:
        futures = [pool.submit(_play_one, config, out, i) for i in todo]
        for future in as_completed(futures):
            done.append(future.result())
            if progress:
                progress(len(done), len(todo))
    return sorted(done)
