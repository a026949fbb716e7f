"""Who owns each point at the end, estimated by Monte Carlo playouts; dead stones and seki.

GTP's ``final_score`` and ``final_status_list`` need a verdict on every stone. Random playouts
from the current position (``playout_nb``) are a cheap, unbiased-enough referee for finished
games: a stone whose point the opponent owns in most playouts is dead.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .board import Board
from .board_nb import BLACK, EMPTY, WHITE
from .coords import point, row_col
from .game import GameState
from .playout_nb import make_rng_state, ownership_nb


@dataclass(frozen=True)
class OwnershipConfig:
    """``playouts`` per estimate; a chain is dead when its mean ownership, from its owner's
    view, is below ``-dead_threshold``."""

    playouts: int = 400
    dead_threshold: float = 0.0
    seed: int = 0


def estimate_ownership(game: GameState, config: OwnershipConfig = OwnershipConfig()) -> np.ndarray:
    """Mean final owner of every point, (size, size) float64 in [-1, 1]: +1 Black, -1 White."""
    array = game.board.array
    width = game.size + 2
    ownership = np.zeros(width * width, np.float64)
    ownership_nb(array, game.to_move, config.playouts, make_rng_state(config.seed), ownership)
    return ownership.reshape(width, width)[1:-1, 1:-1].copy()


def dead_stones(game: GameState, config: OwnershipConfig = OwnershipConfig(),
                ownership: np.ndarray | None = None, alive: set[int] = frozenset()) -> list[int]:
    """Points of the stones judged dead: whole chains whose mean ownership is the opponent's.
    Stones in ``alive`` (seki, say) are never dead: random playouts break every seki."""
    if ownership is None:
        ownership = estimate_ownership(game, config)
    board = game.board
    grid = board.grid()
    seen: set[int] = set(alive)
    dead: list[int] = []
    for row in range(game.size):
        for col in range(game.size):
            color = int(grid[row, col])
            pt = point(row, col, game.size)
            if color == EMPTY or pt in seen:
                continue
            chain = board.chain(pt)
            seen.update(chain)
            sign = 1.0 if color == BLACK else -1.0
            mean = np.mean([ownership[row_col(s, game.size)] for s in chain])
            if sign * mean < -config.dead_threshold:
                dead.extend(chain)
    return sorted(dead)


def seki_stones(game: GameState, dead: list[int]) -> list[int]:
    """Points of living stones in seki: chains touching an empty point shared with a living
    opponent chain where either side playing would put itself in atari (or is illegal)."""
    grid = game.board.grid().copy()
    for pt in dead:
        grid[row_col(pt, game.size)] = EMPTY
    alive = Board.from_grid(grid)
    owners = alive.owners()
    width = game.size + 2
    seki: set[int] = set()
    for row in range(game.size):
        for col in range(game.size):
            if grid[row, col] != EMPTY or owners[row, col] != EMPTY:
                continue
            pt = point(row, col, game.size)
            neighbours = [pt - width, pt - 1, pt + 1, pt + width]
            colors = {alive.color_at(q) for q in neighbours} & {BLACK, WHITE}
            if colors != {BLACK, WHITE}:
                continue
            if all(_self_atari_or_illegal(alive, pt, color) for color in (BLACK, WHITE)):
                for q in neighbours:
                    if alive.color_at(q) in (BLACK, WHITE):
                        seki.update(alive.chain(q))
    return sorted(seki)


def _self_atari_or_illegal(board: Board, pt: int, color: int) -> bool:
    if board.legal_reason(pt, color) != 0:
        return True
    trial = board.copy()
    trial.play(pt, color)
    return trial.color_at(pt) != color or trial.liberties(pt) <= 1


def final_status(game: GameState, config: OwnershipConfig = OwnershipConfig()) -> dict[str, list[int]]:
    """Every stone's status for GTP ``final_status_list``: ``alive``, ``dead`` and ``seki``
    (seki stones are also alive, as GNU Go reports them). Seki is found first, on the board as
    it stands, then dead stones among the rest, then seki again once the dead are off."""
    seki = set(seki_stones(game, []))
    dead = dead_stones(game, config, alive=seki)
    seki |= set(seki_stones(game, dead))
    dead_set = set(dead)
    grid = game.board.grid()
    alive = [point(r, c, game.size) for r in range(game.size) for c in range(game.size)
             if grid[r, c] in (BLACK, WHITE) and point(r, c, game.size) not in dead_set]
    return {"alive": alive, "dead": dead, "seki": sorted(seki)}


__all__ = ["OwnershipConfig", "estimate_ownership", "dead_stones", "seki_stones", "final_status"]
