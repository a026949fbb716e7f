"""Every scorer agrees with the rules engine in handicap games: the search's exactly scored game
ends, its rollouts (tree and rollout evaluator), the flat player and GTP ``final_score``, under
every handicap-compensation setting and under territory scoring.

The position (5x5, handicap stones B2 and B4, White's first move after them): Black owns the
A and B files and C1-C3, White the rest. Every empty point is a one-point eye, so the count is
fixed: Black 13 (10 stones, 3 eyes), White 12 (9 stones, 3 eyes), no prisoners.

    5 . X O O .        Black 13 - White 12 on the board, komi 0.5:
    4 X X O O O          compensation n (2 points): W+1.5
    3 . X X O .          compensation n-1 (1 point): W+0.5
    2 X X X O O          no compensation:           B+0.5
    1 . X X O .          territory (3 - 3, no compensation): W+0.5
      A B C D E
"""
from __future__ import annotations

import numpy as np
import pytest

from gogame.board_nb import BLACK, WHITE
from gogame.coords import PASS, from_gtp, to_gtp
from gogame.game import GameState
from gogame.rules import Rules
from tests.gtp.engines import engine as make_engine
from gtp.protocol import parse
from nets.evaluator import LeafBatch, RolloutEvaluator, UniformEvaluator
from search.flat import FlatConfig, FlatMonteCarlo
from search.mcts import MCTS, SearchConfig
from search.result import SearchLimits

HANDICAP = ("B2", "B4")
# White moves first after the handicap; Black passes once on the way, White passes last
MOVES = ["D1", "A2", "D2", "A4", "D3", "B1", "D4", "B3", "D5", "pass", "C4", "B5", "C5", "C1", "E2", "C2", "E4",
         "C3", "pass"]
SETTINGS = {  # rules, komi -> the result a referee announces when Black passes now (by hand)
    "n": (Rules(handicap_compensation="n"), 0.5, "W+1.5"),
    "n-1": (Rules(handicap_compensation="n-1"), 0.5, "W+0.5"),
    "none": (Rules(handicap_compensation="none"), 0.5, "B+0.5"),
    "n, komi -2.5": (Rules(handicap_compensation="n"), -2.5, "B+1.5"),
    "territory": (Rules(scoring="territory", handicap_compensation="n"), 0.5, "W+0.5"),
    "territory, komi -0.5": (Rules(scoring="territory", handicap_compensation="n"), -0.5, "B+0.5"),
}


def handicap_game(rules: Rules, komi: float, moves: list[str] = MOVES) -> GameState:
    game = GameState(5, rules.with_changes(komi=komi))
    game.place_handicap([from_gtp(v, 5) for v in HANDICAP])
    for vertex in moves:
        game.play(from_gtp(vertex, 5))
    return game


def black_wins(result: str) -> bool:
    return result.startswith("B+")


@pytest.mark.parametrize("setting", SETTINGS)
def test_the_rules_engine_scores_the_position_as_the_rules_say(setting):
    rules, komi, result = SETTINGS[setting]
    game = handicap_game(rules, komi)
    assert game.to_move == BLACK and game.consecutive_passes == 1
    game.play(PASS)
    assert game.is_over and game.result() == result


# the same final position with White to move and Black having just passed (Black's C3 earlier)
WHITE_ENDS_MOVES = MOVES[:9] + ["C3"] + MOVES[10:17] + ["pass"]


@pytest.mark.parametrize("to_move", [BLACK, WHITE], ids=["black", "white"])
@pytest.mark.parametrize("setting", SETTINGS)
def test_the_search_values_the_ending_pass_by_the_rules(setting, to_move):
    rules, komi, result = SETTINGS[setting]
    game = handicap_game(rules, komi, MOVES if to_move == BLACK else WHITE_ENDS_MOVES)
    assert game.to_move == to_move and game.consecutive_passes == 1
    search = MCTS(UniformEvaluator(), SearchConfig(batch_size=4, rollout_weight=0.0))
    outcome = search.search(game, SearchLimits(visits=64))
    assert [to_gtp(m.move, 5) for m in outcome.moves] == ["pass"]  # every empty point is an eye
    mover_wins = black_wins(result) == (to_move == BLACK)
    assert outcome.best.winrate == (1.0 if mover_wins else 0.0)


# the same board with C3 still empty (a neutral point): whoever is to move fills it in any
# playout, then both pass, so every rollout ends on the position above, or its mirror when
# White fills C3 (Black 12 - White 13)
OPEN_MOVES = MOVES[:-2]


def finished_by_rollout(game: GameState) -> str:
    """The result of the only way a playout can go from ``game``: the side to move takes C3."""
    done = game.copy()
    done.play(from_gtp("C3", 5))
    done.play(PASS)
    done.play(PASS)
    return done.result()


@pytest.mark.parametrize("to_move", [BLACK, WHITE], ids=["black", "white"])
@pytest.mark.parametrize("setting", SETTINGS)
def test_rollouts_score_by_the_rules(setting, to_move):
    rules, komi, _ = SETTINGS[setting]
    game = handicap_game(rules, komi, OPEN_MOVES)
    game.to_move = to_move
    wins = black_wins(finished_by_rollout(game)) == (to_move == BLACK)
    expected = 1.0 if wins else -1.0
    boards = np.repeat(game.board.array[None, :], 6, axis=0)
    colors = np.full(6, to_move, np.int64)
    # the rollout evaluator
    _, values = RolloutEvaluator(seed=3).evaluate_batch(LeafBatch.for_game(game, boards.copy(), colors))
    assert values.tolist() == [expected] * 6
    # the tree's rollouts (AlphaGo's mixing, all weight on the rollout)
    search = MCTS(UniformEvaluator(), SearchConfig(rollout_weight=1.0))
    mixed = search._mix_rollouts(game, boards.copy(), colors, np.zeros(6, np.float32))
    assert mixed.tolist() == [expected] * 6
    # the flat player: its one candidate, C3, wins every playout or none
    flat = FlatMonteCarlo(FlatConfig(seed=1)).search(game, SearchLimits(visits=20))
    assert [to_gtp(m.move, 5) for m in flat.moves] == ["C3"]
    assert flat.best.winrate == (1.0 if wins else 0.0)


@pytest.mark.parametrize("setting", SETTINGS)
def test_gtp_final_score_follows_the_rules(setting):
    rules, komi, result = SETTINGS[setting]
    engine = make_engine({"boardsize": 5, "rules": rules.with_changes(komi=komi), "player": "flat", "ownership_playouts": 50})
    commands = [f"set_free_handicap {' '.join(HANDICAP)}"]
    color = "w"
    for vertex in MOVES + ["pass"]:
        commands.append(f"play {color} {vertex}")
        color = "b" if color == "w" else "w"
    for line in commands:
        out: list[str] = []
        engine.execute(parse(line), out.append)
        assert out == ["=\n\n"], (line, out)
    out = []
    engine.execute(parse("final_score"), out.append)
    assert out == [f"= {result}\n\n"]
