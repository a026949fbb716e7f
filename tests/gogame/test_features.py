"""Input features: plane contents against trial plays, symmetry equivariance, named sets."""
from __future__ import annotations

import numpy as np
import pytest

from gogame.board_nb import BLACK, EMPTY
from gogame.coords import all_points, from_gtp, row_col
from gogame.features import (FEATURES_ALPHAGO_48, FEATURES_ALPHAGO_49, FEATURES_HISTORY_17, feature_set)
from gogame.features_nb import move_effects_nb
from gogame.game import GameState
from tests.gogame.helpers import random_game
from gogame.symmetry import SYMMETRIES, transform_array, transform_point


def test_named_sets_and_plane_counts():
    assert (FEATURES_ALPHAGO_48.planes, FEATURES_ALPHAGO_49.planes, FEATURES_HISTORY_17.planes) == (48, 49, 17)
    assert feature_set("alphago48") is FEATURES_ALPHAGO_48
    with pytest.raises(KeyError, match="unknown feature set 'nope'"):
        feature_set("nope")


@pytest.mark.parametrize("seed", range(6))
def test_move_planes_agree_with_trial_plays(seed):
    game = random_game(9, 30 + 10 * seed, seed)
    planes = FEATURES_ALPHAGO_48.extract(game)
    me = game.to_move
    grid = game.board.grid()
    assert np.array_equal(planes[0] + planes[1] + planes[2], np.ones((9, 9)))
    assert np.array_equal(planes[0], (grid == me).astype(np.float32)) and planes[3].all() and not planes[47].any()
    for pt in all_points(9):
        r, c = row_col(pt, 9)
        if grid[r, c] != EMPTY:
            liberties = game.board.liberties(pt)
            assert planes[12 + min(liberties, 8) - 1, r, c] == 1 and planes[12:20, r, c].sum() == 1
            assert planes[4:12, r, c].sum() == 1
            continue
        sensible = game.board.legal_reason(pt, me) == 0 and not game.board.is_eye(pt, me)
        assert planes[46, r, c] == sensible
        if not sensible:
            assert not planes[20:46, r, c].any()
            continue
        trial = game.board.copy()
        captured = trial.play(pt, me)
        liberties = trial.liberties(pt)
        assert planes[20 + min(captured, 7), r, c] == 1 and planes[20:28, r, c].sum() == 1
        assert planes[36 + min(liberties, 8) - 1, r, c] == 1
        assert planes[28:36, r, c].sum() == (1 if liberties == 1 else 0)
        if liberties == 1:
            assert planes[28 + min(len(trial.chain(pt)), 8) - 1, r, c] == 1
        effects = move_effects_nb(game.board.array, pt, me, np.zeros(121, np.int64), 1)
        assert effects == (captured, liberties, len(trial.chain(pt)))
    last = game.board.last_move
    if last:
        assert planes[4][row_col(last, 9)] == 1  # the stone played one turn ago


@pytest.mark.parametrize("k", SYMMETRIES)
def test_features_are_equivariant_under_symmetries(k):
    rng = np.random.default_rng(k)
    game, mirrored = GameState(9), GameState(9)
    for _ in range(60):
        legal = game.legal_moves()
        pt = int(rng.choice(legal)) if len(legal) else 0
        game.play(pt)
        mirrored.play(transform_point(pt, 9, k))
    for features in (FEATURES_ALPHAGO_49, FEATURES_HISTORY_17):
        assert np.array_equal(features.extract(mirrored), transform_array(features.extract(game), k))


def test_history_planes_look_back_from_the_side_to_move():
    game = GameState(9)
    game.play_gtp("C3")
    game.play_gtp("D4")
    planes = FEATURES_HISTORY_17.extract(game)  # Black to move
    c3, d4 = row_col(from_gtp("C3", 9), 9), row_col(from_gtp("D4", 9), 9)
    assert planes[0][c3] == 1 and planes[1][d4] == 1  # now: own C3, opponent D4
    assert planes[2][c3] == 1 and planes[3].sum() == 0  # one move back: D4 not yet played
    assert planes[4][c3] == 0 and planes[6:16].sum() == 0  # two moves back: the empty board
    assert planes[16].all() and game.to_move == BLACK
    batch = FEATURES_HISTORY_17.extract_batch([game, game.copy()])
    assert batch.shape == (2, 17, 9, 9) and np.array_equal(batch[0], planes)
