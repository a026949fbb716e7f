"""Named, versioned sets of network input planes, built from a GameState.

========================  ======  ==================================================================
set                       planes  contents
========================  ======  ==================================================================
``alphago48``             48      AlphaGo's policy-network planes (table in :mod:`features_nb`)
``alphago49``             49      the same plus the player-colour plane (AlphaGo's value network)
``history17``             17      own / opponent stones now and 7 positions back (16 planes, most
                                  recent first, empty before the game began), then ones when Black
                                  is to move (the AlphaGo Zero input)
``zero50``                50      ``alphago49`` plus the komi plane: the points the side to move
                                  gets at the end (komi and handicap compensation, negative for
                                  Black) divided by ``KOMI_SCALE``, so that value and score
                                  learn any komi (KataGo's practice)
========================  ======  ==================================================================

Every set is computed from the side to move's view; arrays are float32 ``(planes, size, size)``.
Loaders compare ``FeatureSet.name`` and ``planes`` against a checkpoint's and refuse a mismatch.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .board_nb import BLACK
from .features_nb import ALPHAGO_PLANES, alphago_planes_nb, stone_planes_nb
from .game import GameState

HISTORY_POSITIONS = 8
KOMI_SCALE = 15.0


def komi_plane_value(white_bonus: float, to_move: int) -> float:
    """The komi plane's value: the side to move's end-of-game bonus, scaled."""
    return (white_bonus if to_move != BLACK else -white_bonus) / KOMI_SCALE


def _alphago48(game: GameState, out: np.ndarray) -> None:
    alphago_planes_nb(game.board.array, game.to_move, out)


def _alphago49(game: GameState, out: np.ndarray) -> None:
    alphago_planes_nb(game.board.array, game.to_move, out)
    out[ALPHAGO_PLANES] = 1.0 if game.to_move == BLACK else 0.0


def _zero50(game: GameState, out: np.ndarray) -> None:
    _alphago49(game, out)
    out[ALPHAGO_PLANES + 1] = komi_plane_value(game.white_bonus(), game.to_move)


def _history17(game: GameState, out: np.ndarray) -> None:
    out[:] = 0.0
    boards = game.recent_boards(HISTORY_POSITIONS)
    for age, array in enumerate(boards):
        stone_planes_nb(array, game.to_move, out, 2 * age, 2 * age + 1)
    out[2 * HISTORY_POSITIONS] = 1.0 if game.to_move == BLACK else 0.0


@dataclass(frozen=True)
class FeatureSet:
    """A named set of input planes: ``fill(game, out)`` writes ``planes`` planes into ``out``."""

    name: str
    planes: int
    fill: Callable[[GameState, np.ndarray], None]

    def extract(self, game: GameState) -> np.ndarray:
        """The planes of ``game``, float32 (planes, size, size)."""
        out = np.zeros((self.planes, game.size, game.size), np.float32)
        self.fill(game, out)
        return out

    def extract_batch(self, games: list[GameState]) -> np.ndarray:
        """Planes of several games of one size, float32 (batch, planes, size, size)."""
        size = games[0].size
        out = np.zeros((len(games), self.planes, size, size), np.float32)
        for i, game in enumerate(games):
            self.fill(game, out[i])
        return out


FEATURES_ALPHAGO_48 = FeatureSet("alphago48", 48, _alphago48)
FEATURES_ALPHAGO_49 = FeatureSet("alphago49", 49, _alphago49)
FEATURES_HISTORY_17 = FeatureSet("history17", 17, _history17)
FEATURES_ZERO_50 = FeatureSet("zero50", 50, _zero50)
FEATURE_SETS = {fs.name: fs for fs in (FEATURES_ALPHAGO_48, FEATURES_ALPHAGO_49, FEATURES_HISTORY_17, FEATURES_ZERO_50)}


def feature_set(name: str) -> FeatureSet:
    """The feature set called ``name``; raises KeyError listing the known ones."""
    try:
        return FEATURE_SETS[name]
    except KeyError:
        raise KeyError(f"unknown feature set {name!r}: known sets are {', '.join(FEATURE_SETS)}") from None
