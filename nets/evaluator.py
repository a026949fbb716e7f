"""The evaluator contract, torch-free: a batch of positions in, move priors and values out. The
only thing the search sees (never a network directly); the torch implementation is
:mod:`nets.torch_evaluator`.

A batch is a :class:`LeafBatch`: the flat board arrays of :mod:`gogame.board_nb` (they carry the
stone ages the features need), whose turn it is, the board size and how the game is scored.
Outputs: priors
(B, size*size + 1) over points in policy-index order then pass, not yet masked to legal moves;
values (B,) in [-1, 1] from the side to move's view.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numba import njit

from gogame import board_nb as nb
from gogame.game import GameState
from gogame.playout_nb import capture_aware_playout_nb, make_rng_state
from gogame.scoring_nb import result_for_nb, rules_margin_nb


@dataclass
class LeafBatch:
    """Positions to evaluate: ``boards`` (B, L) int64 board arrays, ``to_move`` (B,) int64;
    ``komi``: the points White gets on top of its count at the end (komi plus any handicap
    compensation, :meth:`GameState.white_bonus`); ``territory``: Japanese counting."""

    boards: np.ndarray
    to_move: np.ndarray
    size: int
    komi: float
    territory: bool = False

    def __len__(self) -> int:
        return int(self.boards.shape[0])

    @classmethod
    def for_game(cls, game: GameState, boards: np.ndarray, to_move: np.ndarray) -> "LeafBatch":
        """Leaves of ``game``'s search, scored as ``game`` is."""
        return cls(boards, to_move, game.size, game.white_bonus(), game.territory_scoring)

    @classmethod
    def from_games(cls, games: list[GameState]) -> "LeafBatch":
        return cls.for_game(games[0], np.stack([g.board.array for g in games]),
                            np.array([g.to_move for g in games], np.int64))


class Evaluator(Protocol):
    """What the search sees of a network (or of its stand-ins).

    ``evaluate_batch(batch) -> (priors (B, A) float32, values (B,) float32)``; ``has_value``:
    whether the values mean anything at all; ``value_applies(size, komi)``: whether they mean
    anything for a game of this board size and komi (``komi`` with any handicap compensation),
    so that the search can fall back to rollouts where they do not.

    Optional, for networks with more heads (the ``zero`` kind): ``heads``, the names of the extra
    outputs (``ownership``, ``score``), and ``evaluate_heads(batch) -> dict`` with ``ownership``
    (B, size, size) in -1..1, +1 the side to move, and ``score_mean``, ``score_stdev`` (B,), the
    final margin in points for the side to move. The search reads them with ``getattr`` (absent:
    no heads)."""

    has_value: bool

    def evaluate_batch(self, batch: LeafBatch) -> tuple[np.ndarray, np.ndarray]: ...

    def value_applies(self, size: int, komi: float) -> bool: ...


class UniformEvaluator:
    """Equal priors and a value of 0: the search alone, for tests and speed measurements."""

    has_value = False

    def value_applies(self, size: int, komi: float) -> bool:
        """Its value of 0 is the search's own choice (no knowledge), taken as it is."""
        return True

    def evaluate_batch(self, batch: LeafBatch) -> tuple[np.ndarray, np.ndarray]:
        actions = batch.size * batch.size + 1
        return (np.full((len(batch), actions), 1.0 / actions, np.float32), np.zeros(len(batch), np.float32))


@njit(cache=True, nogil=True)
def rollout_values_nb(boards, to_move, white_bonus, territory, rng_state, out):
    """One capture-aware playout per board (copies; boards are not mutated), scored by the
    game's rules (:func:`gogame.scoring_nb.rules_margin_nb`): +1 when the side to move wins it,
    -1 when it loses, 0 on a tie."""
    for i in range(boards.shape[0]):
        work = boards[i].copy()
        size = work[nb.H_SIZE]
        score = capture_aware_playout_nb(work, to_move[i], rng_state, 3 * size * size)
        out[i] = result_for_nb(rules_margin_nb(work, score, white_bonus, territory), to_move[i])


class RolloutEvaluator:
    """Equal priors, the value of one random capture-aware playout: play without any network."""

    has_value = True

    def __init__(self, seed: int = 0) -> None:
        self.rng_state = make_rng_state(seed)

    def value_applies(self, size: int, komi: float) -> bool:
        """A playout is scored by the game's own rules: it applies to every game."""
        return True

    def evaluate_batch(self, batch: LeafBatch) -> tuple[np.ndarray, np.ndarray]:
        priors, _ = UniformEvaluator().evaluate_batch(batch)
        values = np.zeros(len(batch), np.float32)
        rollout_values_nb(batch.boards, batch.to_move, batch.komi, batch.territory, self.rng_state, values)
        return priors, values


__all__ = ["LeafBatch", "Evaluator", "UniformEvaluator", "RolloutEvaluator"]
