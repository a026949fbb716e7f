"""MCTS correctness with a fixed seed: tactical positions (rollouts only), the 5x5 opening,
visit accounting, virtual loss, tree reuse, noise and memory bounds."""
from __future__ import annotations

import numpy as np
import pytest

from gogame.board_nb import BLACK, WHITE
from gogame.coords import from_gtp, to_gtp
from gogame.game import GameState
from gogame.rules import Rules
from nets.evaluator import RolloutEvaluator, UniformEvaluator
from search import tree_nb as t
from search.mcts import MCTS, SearchConfig
from search.result import SearchLimits
from tests.gogame.test_fixtures import game_from
from tests.search.solver import solve

# rollouts with equal priors need more exploration than a network's priors
ROLLOUTS_ONLY = dict(batch_size=8, rollout_weight=0.0, c_puct=3.0, fpu_reduction=0.0)

# White's top group and Black's top-left group are both in atari: capturing first (D5) wins.
CAPTURE_RACE = """
. X O . O
X X O O O
O O X X X
. O X . X
. O X X .
"""
# D2 is a throw-in: White takes it at E2, which leaves its six stones in atari, and Black takes
# it back at D2. Every other Black move loses (checked with long searches when the fixture was made).
SNAPBACK = """
. . O X .
X X X O X
O O X O O
O O O . .
. X X O O
"""


# D4 puts E4 in atari; White extends to E5 (two liberties), Black D5, White E6, Black D6 takes
# all three at the top edge: a ladder. Every other Black move loses (checked as above).
LADDER = """
X X . . . X
. O O . . X
O . O . O X
. O . X X .
X O X . . X
O . . X X X
"""


@pytest.mark.parametrize("position, expected", [(CAPTURE_RACE, "D5"), (SNAPBACK, "D2"), (LADDER, "D4")],
                         ids=["race", "snapback", "ladder"])
@pytest.mark.parametrize("seed", [0, 1])
def test_rollouts_find_the_single_winning_move(position, expected, seed):
    game = game_from(position, komi=0.5, rules=Rules(ko="simple"))
    search = MCTS(RolloutEvaluator(seed=seed), SearchConfig(seed=seed, **ROLLOUTS_ONLY))
    result = search.search(game, SearchLimits(visits=4000))
    best = result.best
    assert to_gtp(best.move, game.size) == expected
    assert best.winrate > 0.75
    assert all(m.winrate < 0.5 for m in result.moves[1:] if m.visits >= 20)


def test_empty_5x5_prefers_the_centre():
    search = MCTS(RolloutEvaluator(seed=3), SearchConfig(seed=3, **ROLLOUTS_ONLY))
    result = search.search(GameState(5, Rules(komi=0.5)), SearchLimits(visits=20000))
    assert to_gtp(result.best.move, 5) == "C3"


@pytest.mark.parametrize("batch_size", [1, 7, 32])
def test_visits_sum_to_the_budget_and_no_virtual_loss_is_left(batch_size):
    search = MCTS(UniformEvaluator(), SearchConfig(batch_size=batch_size, rollout_weight=0.5))
    game = GameState(9)
    result = search.search(game, SearchLimits(visits=1000))
    assert result.visits == 1000 == sum(m.visits for m in search.result(game, 0).moves)
    tree = search.tree
    used = int(tree.counts[0])
    assert not tree.vloss[:used].any()
    assert not np.any(tree.state[:used] == t.PENDING)
    assert tree.visits[search.root] == 1001  # the root's own evaluation plus every simulation


def test_tree_reuse_keeps_the_subtree_statistics():
    search = MCTS(UniformEvaluator(), SearchConfig(batch_size=8, rollout_weight=1.0, seed=2))
    game = GameState(9)
    first = search.search(game, SearchLimits(visits=3000))
    best, reply = first.best.pv[0], first.best.pv[1]
    node = search.tree.child_along(search.tree.child_along(search.root, best), reply)
    kept_visits = int(search.tree.visits[node])
    kept_value = float(search.tree.value[node])
    assert kept_visits > 10
    game.play(best)
    game.play(reply)
    search.search(game, SearchLimits(visits=0))
    assert search.root == 0 and int(search.tree.visits[0]) == kept_visits
    assert float(search.tree.value[0]) == pytest.approx(kept_value)
    assert int(search.tree.counts[0]) < 3000  # the branches not taken were dropped
    other = GameState(9)
    other.play(from_gtp("A1", 9))  # not a continuation: a fresh tree
    search.search(other, SearchLimits(visits=0))
    assert int(search.tree.visits[search.root]) == 1


@pytest.mark.parametrize("change", [
    lambda game: setattr(game, "rules", game.rules.with_changes(komi=6.5)),
    lambda game: setattr(game, "rules", game.rules.with_changes(ko="positional")),
    lambda game: setattr(game, "rules", game.rules.with_changes(scoring="territory")),
    lambda game: setattr(game, "rules", game.rules.with_changes(suicide=True)),
], ids=["komi", "ko", "scoring", "suicide"])
def test_the_tree_is_reused_for_the_same_game_and_dropped_when_komi_or_rules_change(change):
    search = MCTS(UniformEvaluator(), SearchConfig(batch_size=8, rollout_weight=1.0, node_limit=50_000, seed=0))
    game = game_from("""
    . . . . .
    . . X . .
    . . . O .
    . . . . .
    . . . . .
    """, komi=0.5, rules=Rules(ko="simple"))
    game.play(from_gtp("B4", 5))
    assert search.search(game, SearchLimits(visits=200)).visits == 200
    assert int(search.tree.visits[search.root]) == 201  # its own evaluation and 200 simulations
    assert search.search(game, SearchLimits(visits=100)).visits == 300  # unchanged: the tree is kept
    assert int(search.tree.visits[search.root]) == 301
    change(game)
    result = search.search(game, SearchLimits(visits=100))
    assert result.visits == 100 and int(search.tree.visits[search.root]) == 101  # afresh
    assert int(search.tree.counts[0]) <= 101  # one node per simulation at most: the old ones are gone


def test_root_noise_keeps_a_distribution():
    search = MCTS(UniformEvaluator(), SearchConfig(dirichlet_epsilon=0.25, rollout_weight=0.0, seed=4))
    search.search(GameState(9), SearchLimits(visits=1))
    priors = search.tree.prior[list(search.tree.edges(search.root))]
    assert priors.sum() == pytest.approx(1.0) and priors.std() > 0


def test_a_full_node_pool_ends_the_search_cleanly():
    search = MCTS(UniformEvaluator(), SearchConfig(node_limit=200, batch_size=8, rollout_weight=0.0))
    result = search.search(GameState(9), SearchLimits(visits=10_000))
    nodes, edges, full = (int(c) for c in search.tree.counts)
    assert full == 1 and (nodes == 200 or edges + 82 > 200 * 64)  # no room for another 9x9 expansion
    # every simulation (no game ended) made one node and is counted once, up to the full pool
    assert result.visits == nodes - 1 == int(search.tree.visits[search.root]) - 1
    assert not search.tree.vloss[: int(search.tree.counts[0])].any()


def test_a_second_pass_is_scored_exactly():
    game = game_from("""
    . X . X .
    X X X X X
    . . . . .
    . . . . .
    . . . . .
    """, komi=0.5)
    game.to_move = 2
    game.play(0)  # White passes; Black owns the board
    search = MCTS(RolloutEvaluator(seed=0), SearchConfig(seed=0, **ROLLOUTS_ONLY))
    result = search.search(game, SearchLimits(visits=2000))
    passing = [m for m in result.moves if m.move == 0]
    assert passing and passing[0].winrate == 1.0  # two passes: scored exactly, a win every time


# From a match against GNU Go (session 3): Black passed here. White's E8-E7 are dead in Black's
# area, so GNU Go scores B+15.5; counted as the stones stand (Tromp-Taylor) White wins by 16.5.
DEAD_INVADERS = """
. . . . . . . . .
. . . . O . X . .
. . X X O . . . .
. X X O X X . . .
X . X O O X X . .
X X O . O O X X X
X O O O O X X O O
X X O . . O O O .
O O O . . . . . .
"""


def test_a_second_pass_with_dead_stones_on_the_board_is_valued_by_playing_on():
    game = game_from(DEAD_INVADERS, komi=7.5)
    game.to_move = 1
    game.play(0)  # Black passes
    assert game.score().winner == 2  # Tromp-Taylor: White, with the dead stones counted alive
    search = MCTS(UniformEvaluator(), SearchConfig(seed=0, batch_size=8, rollout_weight=1.0, c_puct=3.0,
                                                   fpu_reduction=0.0))
    result = search.search(game, SearchLimits(visits=3000))
    passing = [m for m in result.moves if m.move == 0]
    # scored on the board as it stands, passing won every simulation (win rate 1.0)
    assert passing and passing[0].winrate < 0.6 and result.winrate < 0.6


def test_settled_means_no_neutral_point():
    assert t.settled_nb(game_from(DEAD_INVADERS, komi=7.5).board.array) is False
    settled = game_from("""
    . X O . .
    X X O . .
    . X O . .
    X X O O O
    . X O . .
    """)
    assert t.settled_nb(settled.board.array) is True


def test_search_many_evaluates_the_leaves_of_all_games_together():
    from search.mcts import search_many

    class Counting(UniformEvaluator):
        def __init__(self):
            self.batches = []

        def evaluate_batch(self, batch):
            self.batches.append(len(batch))
            return super().evaluate_batch(batch)

    evaluator = Counting()
    games = [GameState(9) for _ in range(6)]
    for i, game in enumerate(games):
        game.play(from_gtp(["E5", "C3", "G7", "D4", "F6", "A1"][i], 9))
    searches = [MCTS(evaluator, SearchConfig(batch_size=8, rollout_weight=0.5, seed=i)) for i in range(6)]
    evaluator.batches.clear()
    results = search_many(searches, games, visits=400)
    assert [r.visits for r in results] == [400] * 6
    rounds = [b for b in evaluator.batches if b > 1]
    assert max(rounds) == 48 and len(evaluator.batches) <= 6 + 60  # the root evaluations, then 6 x 8 per round
    for search in searches:
        assert not search.tree.vloss[: int(search.tree.counts[0])].any()


def test_rollouts_can_draw_from_the_fast_rollout_policy():
    from nets import rollout_nb
    from nets.rollout_policy import RolloutPolicy

    weights = np.zeros(rollout_nb.WEIGHTS)
    weights[rollout_nb.CAPTURE] = 3.0
    game = game_from(CAPTURE_RACE, komi=0.5, rules=Rules(ko="simple"))
    search = MCTS(UniformEvaluator(), SearchConfig(seed=0, **{**ROLLOUTS_ONLY, "rollout_weight": 1.0}),
                  rollout_weights=RolloutPolicy(weights).weights)
    result = search.search(game, SearchLimits(visits=3000))
    assert to_gtp(result.best.move, 5) == "D5" and search.ownership_count > 2000  # terminal leaves need none


def test_temperature_move_choice():
    from search.result import MoveStats, SearchResult, choose_move

    result = SearchResult(1, [MoveStats(10, 300, 0.5, 0.1, 0.4), MoveStats(20, 100, 0.5, 0.1, 0.4)], 400, 0.5, None, 0.0)
    rng = np.random.default_rng(0)
    assert choose_move(result, 0.0, rng) == 10
    draws = [choose_move(result, 1.0, rng) for _ in range(4000)]
    assert abs(draws.count(10) / 4000 - 0.75) < 0.03  # proportional to visits at temperature 1
    cold = [choose_move(result, 0.25, rng) for _ in range(1000)]
    assert cold.count(10) / 1000 > 0.97  # 3**4 : 1


def test_cleanup_scores_game_ends_as_the_stones_stand():
    """kgs-genmove_cleanup: with White's dead stones still in Black's area after White's pass,
    Black passing would count them alive (White wins by 16.5), so the cleanup search captures."""
    game = game_from(DEAD_INVADERS, komi=7.5)
    game.to_move = 2
    game.play(0)  # White passes; Black to move
    search = MCTS(UniformEvaluator(), SearchConfig(seed=0, batch_size=8, rollout_weight=1.0, c_puct=3.0,
                                                   fpu_reduction=0.0))
    result = search.search(game, SearchLimits(visits=3000), tromp_taylor_ends=True)
    passing = [m for m in result.moves if m.move == 0]
    assert result.best.move != 0 and (not passing or passing[0].winrate < 0.05)
    # and back: the tree of the other valuation is not reused
    result = search.search(game, SearchLimits(visits=3000))
    passing = [m for m in result.moves if m.move == 0]
    assert passing and passing[0].winrate > 0.5


# Win-rate perspective on 4x4 boards the exact solver settles (tests/search/solver.py). RACE: four
# chains in atari; whoever moves captures first and wins. AHEAD and SETTLED: Black wins whoever
# moves. SWAPPED: the same boards with the colours exchanged, where White wins.
PERSPECTIVE_BOARDS = {
    "race": """
    . X O .
    X X O O
    O O X X
    . O X .
    """,
    "ahead": """
    . X . X
    X X . .
    O O X X
    . O X .
    """,
    "settled": """
    . X . X
    X X X X
    O O O X
    . O . O
    """,
}


def swap_colours(board: str) -> str:
    return board.replace("X", "#").replace("O", "X").replace("#", "O")


@pytest.mark.parametrize("to_move", [BLACK, WHITE], ids=["black-to-move", "white-to-move"])
@pytest.mark.parametrize("swapped", [False, True], ids=["as-drawn", "swapped"])
@pytest.mark.parametrize("name", list(PERSPECTIVE_BOARDS))
def test_root_and_move_winrates_are_from_the_side_to_moves_view(name, swapped, to_move):
    board = swap_colours(PERSPECTIVE_BOARDS[name]) if swapped else PERSPECTIVE_BOARDS[name]
    game = game_from(board, to_move=to_move, komi=0.5, rules=Rules(ko="simple"))
    exact = solve(game, max_depth=8)  # +1 / -1: a win / loss forced within 8 moves
    mover_wins = max(exact.values()) == 1
    # what the boards were drawn for, confirmed by the solver
    assert mover_wins == (True if name == "race" else (to_move == BLACK) != swapped)
    search = MCTS(RolloutEvaluator(seed=0), SearchConfig(seed=0, **ROLLOUTS_ONLY))
    # the root's own evaluation alone (a playout, decided here whatever the playout does)
    root_only = search.search(game, SearchLimits(visits=0))
    assert root_only.to_move == to_move and root_only.winrate == (1.0 if mover_wins else 0.0)
    result = search.search(game, SearchLimits(visits=400))
    assert result.to_move == to_move
    assert (result.winrate > 0.5) == mover_wins and abs(result.winrate - 0.5) > 0.3
    best = result.best
    assert (best.winrate > 0.5) == mover_wins and abs(best.winrate - 0.5) > 0.3
    if mover_wins:
        assert exact[best.move] == 1  # and it plays a winning move
    assert all((m.winrate > 0.5) == (exact[m.move] == 1) for m in result.moves if m.visits >= 5 and exact[m.move])


def test_search_speed_searches_every_game_for_its_visits_with_any_evaluator():
    from search.bench import search_speed

    figures = search_speed(UniformEvaluator(), SearchConfig(batch_size=4), size=5, visits=24, seed=3, games=3)
    assert figures["search"]["seed"] == 3
    assert (figures["size"], figures["games"], figures["visits"], figures["batch"]) == (5, 3, 72, 4)
    seconds = figures["seconds"]  # rounded to the millisecond
    assert 72 / (seconds + 0.0006) - 0.1 <= figures["sims_per_s"] <= 72 / max(seconds - 0.0006, 1e-9) + 0.1
