"""Area and territory scoring, dead stones from Monte Carlo ownership, seki status."""
from __future__ import annotations

import numpy as np
import pytest

from gogame.board_nb import BLACK
from gogame.coords import from_gtp
from gogame.game import GameState
from gogame.ownership import OwnershipConfig, dead_stones, estimate_ownership, final_status
from gogame.rules import JAPANESE, Rules
from tests.gogame.test_fixtures import SEKI, game_from

# Black owns the left, White the right; a dead white stone sits in Black's area (B3) and a dead
# black stone in White's (H7).
FINISHED = """
. . . X O . . . .
. . . X O . . . .
. . . X O . X . .
. . . X O . . . .
. . . X O . . . .
. . . X O . . . .
. O . X O . . . .
. . . X O . . . .
. . . X O . . . .
"""


def test_area_score_counts_stones_and_surrounded_points():
    game = game_from(FINISHED, komi=7.5)
    # without removing dead stones the dead ones count as alive and spoil their regions
    assert game.score().margin == game.board.area_score() - 7.5
    dead = [from_gtp("B3", 9), from_gtp("G7", 9)]
    score = game.score(dead)
    assert (score.black, score.white) == (36.0, 45.0 + 7.5) and score.result() == "W+16.5"


def test_territory_score_counts_prisoners_and_dead_stones():
    game = game_from(FINISHED, komi=6.5, rules=JAPANESE)
    dead = [from_gtp("B3", 9), from_gtp("G7", 9)]
    score = game.score(dead)
    # territory: Black 27 empty points (the dead stone's included) + 1 prisoner; White 36 + 1
    assert score.black == 27 + 1 and score.white == 36 + 1 + 6.5


def test_monte_carlo_ownership_finds_the_dead_stones():
    game = game_from(FINISHED, komi=7.5)
    ownership = estimate_ownership(game, OwnershipConfig(playouts=300, seed=1))
    assert ownership.shape == (9, 9) and np.all(np.abs(ownership) <= 1)
    assert ownership[:, :4].mean() > 0.2 and ownership[:, 4:].mean() < -0.2
    assert dead_stones(game, OwnershipConfig(playouts=300, seed=1)) == sorted([from_gtp("B3", 9), from_gtp("G7", 9)])
    status = final_status(game, OwnershipConfig(playouts=300, seed=1))
    assert len(status["alive"]) == 18 and not status["seki"]


def test_seki_stones_are_reported_and_alive():
    game = game_from(SEKI, komi=0.0, rules=Rules())
    status = final_status(game, OwnershipConfig(playouts=300, seed=2))
    black, white = game.board.stone_count()
    assert not status["dead"]
    assert len(status["seki"]) == black + white  # the whole board is one seki
    assert game.score().margin == black - white  # the shared points count for nobody
    assert game.board.color_at(status["seki"][0]) in (BLACK, 2)


@pytest.mark.parametrize("handicap", [0, 2, 3])
@pytest.mark.parametrize("compensation", ["n", "n-1", "none"])
@pytest.mark.parametrize("scoring", ["area", "territory"])
def test_the_kernel_margin_is_the_rules_engine_score_under_every_rule(scoring, compensation, handicap):
    """rules_margin_nb (what the search and the playouts score by) against GameState.score, on
    random games with captures, handicap stones, every compensation and both countings."""
    from gogame import scoring_nb as nb
    from gogame.coords import PASS, all_points

    for seed in range(3):
        rng = np.random.default_rng([seed, handicap, len(compensation), len(scoring)])
        size = int(rng.choice([5, 7, 9]))
        game = GameState(size, Rules(scoring=scoring, handicap_compensation=compensation, komi=float(rng.choice([-3.5, 0.0, 0.5, 7.5]))))
        if handicap:
            game.place_handicap([int(p) for p in rng.choice(all_points(size), handicap, replace=False)])
        for _ in range(int(rng.integers(size * size, 3 * size * size))):
            legal = game.legal_moves()
            game.play(int(rng.choice(legal)) if len(legal) and rng.random() > 0.05 else PASS)
            if game.is_over:
                break
        array = game.board.array
        margin = nb.rules_margin_nb(array, nb.area_score_nb(array), game.white_bonus(), game.territory_scoring)
        assert margin == game.score().margin
        for color in (BLACK, 3 - BLACK):
            expected = 0.0 if margin == 0 else (1.0 if (margin > 0) == (color == BLACK) else -1.0)
            assert nb.result_for_nb(margin, color) == expected
