"""Hand-made positions as ASCII boards (X Black, O White, . empty; top row first)."""
from __future__ import annotations

import numpy as np
import pytest

from gogame.board import Board
from gogame.board_nb import BLACK, WHITE
from gogame.coords import from_gtp
from gogame.features import FEATURES_ALPHAGO_48
from gogame.game import GameState
from gogame.playout_nb import make_rng_state, random_move_nb
from gogame.rules import IllegalMove, Rules


def game_from(ascii_board: str, to_move: int = BLACK, rules: Rules = Rules(), komi: float = 0.0) -> GameState:
    board = Board.from_ascii(ascii_board)
    game = GameState(board.size, rules.with_changes(komi=komi))
    black = [p for p in range(len(board.colors)) if board.colors[p] == BLACK]
    white = [p for p in range(len(board.colors)) if board.colors[p] == WHITE]
    game.setup_stones(black, white)
    game.to_move = to_move
    game._reset_positions()
    return game


def play(game: GameState, *vertices: str) -> list[int]:
    return [game.play_gtp(v) for v in vertices]


SNAPBACK = """
. O O O X
O O . X .
. O X O X
X . X O O
. O X . .
"""


def test_snapback_captures_four_after_the_throw_in_is_taken():
    game = game_from(SNAPBACK)
    assert play(game, "E1", "D1") == [0, 1]  # the throw-in is captured...
    assert game.board.ko_point == 0  # ...by a chain of four, so this is no ko
    assert play(game, "E1") == [4]  # ...and Black takes the four back at once
    assert game.board.color_at(from_gtp("D1", 5)) == 0 and game.board.color_at(from_gtp("D2", 5)) == 0


def test_corner_and_edge_captures():
    with pytest.raises(ValueError, match="without liberties"):
        game_from("O X . . .\nX . . . .\n. . . . .\n. . . . .\n. . . . .")  # no liberty: not a position
    game = game_from("""
    O X . . .
    . . . . .
    . . . . .
    . . . O X
    . . . . .
    """)
    assert play(game, "A4") == [1]  # corner stone with one liberty
    assert game.board.color_at(from_gtp("A5", 5)) == 0


def test_edge_capture_of_a_two_stone_chain():
    game = game_from("""
    . . . . .
    . . . . .
    X O O X .
    . X X . .
    . . . . .
    """, to_move=BLACK)
    # the two white stones on the third line still have B4 / C4 (A... ) liberties above
    assert play(game, "B4") == [0]
    assert play(game, "pass", "C4") == [0, 2]
    assert game.board.prisoners == (2, 0)


SEKI = """
X X X X X
X O X X X
X O O . X
X O X X .
X O O O O
"""


def test_seki_points_count_for_neither_under_area_scoring():
    game = game_from(SEKI, komi=0.0)
    black, white = game.board.stone_count()
    assert game.board.area_score() == black - white  # the two shared liberties are nobody's
    for color in (BLACK, WHITE):
        for vertex in ("D3", "E2"):
            reason = game.legal_reason(from_gtp(vertex, 5), color)
            if reason is None:  # legal, but self-atari: the seki would break to the player's loss
                trial = game.copy()
                trial.play_gtp(vertex, color)
                assert trial.board.liberties(from_gtp(vertex, 5)) == 1


def test_single_stone_suicide_is_illegal_and_multi_stone_suicide_optional():
    position = """
    . X . . .
    X . X . .
    O X . . .
    . O . . .
    . . . . .
    """
    game = game_from(position, to_move=WHITE)
    with pytest.raises(IllegalMove) as error:
        game.play_gtp("B4")
    assert error.value.reason == "suicide"
    multi = """
    . O X . .
    O X . . .
    X . . . .
    . . . . .
    . . . . .
    """
    strict = game_from(multi, to_move=WHITE)
    assert strict.legal_reason(from_gtp("A5", 5)) == "suicide"
    loose = game_from(multi, to_move=WHITE, rules=Rules(ko="positional", suicide=True))
    assert loose.legal_reason(from_gtp("A5", 5)) is None
    loose.play_gtp("A5")  # White's three stones (A5, B5, A4) die by their own hand
    assert loose.board.stone_count() == (3, 0) and loose.board.prisoners == (3, 0)
    assert game_from(position, to_move=WHITE, rules=Rules(suicide=True)).legal_reason(from_gtp("B4", 5)) == "suicide"


def test_simple_ko_bans_the_immediate_recapture_only():
    game = game_from("""
    . X O . .
    X O . O .
    . X O . .
    . . . . .
    . . . . .
    """)
    assert play(game, "C4") == [1]
    assert game.legal_reason(from_gtp("B4", 5)) == "ko"
    play(game, "E1", "E2")  # a ko threat and its answer lift the ban
    assert play(game, "B4") == [1]


TRIPLE_KO = """
. X O . . . . . . . .
X O . O . . . . . . .
. X O . . . . . . . .
. . . . . . . . . . .
. O X . . . . . . . .
O X . X . . . . . . .
. O X . . . . . . . .
. . . . . . . . . . .
. X O . . . . . . . .
X O . O . . . . . . .
. X O . . . . . . . .
"""
TRIPLE_KO_CYCLE = ["C10", "C6", "C2", "B10", "B6", "B2"]  # the sixth move restores the start


@pytest.mark.parametrize("ko_rule", ["positional", "situational"])
def test_superko_forbids_closing_a_triple_ko_cycle(ko_rule):
    game = game_from(TRIPLE_KO, rules=Rules(ko=ko_rule))
    assert play(game, *TRIPLE_KO_CYCLE[:5]) == [1] * 5
    with pytest.raises(IllegalMove) as error:
        game.play_gtp(TRIPLE_KO_CYCLE[5])
    assert error.value.reason == "superko"


def test_simple_ko_lets_a_triple_ko_cycle_repeat():
    game = game_from(TRIPLE_KO, rules=Rules(ko="simple"))
    start = game.board.grid()
    assert play(game, *TRIPLE_KO_CYCLE) == [1] * 6
    assert np.array_equal(game.board.grid(), start)


SENDING_TWO_RETURNING_ONE = """
X X . X .
X X O O O
O X X O .
O . X O O
O X . X .
"""


def test_sending_two_returning_one():
    # Black sends two (E1 is self-atari for D1-E1), White takes them, Black takes one back:
    # the board repeats with the other side to move.
    positional = game_from(SENDING_TWO_RETURNING_ONE, rules=Rules(ko="positional"))
    assert play(positional, "E1", "C1") == [0, 2]
    assert positional.legal_reason(from_gtp("D1", 5)) == "superko"
    situational = game_from(SENDING_TWO_RETURNING_ONE, rules=Rules(ko="situational"))
    assert play(situational, "E1", "C1", "D1") == [0, 2, 1]  # other side to move: allowed once
    assert play(situational, "pass") == [0]
    simple = game_from(SENDING_TWO_RETURNING_ONE, rules=Rules(ko="simple"))
    start = simple.board.grid()
    assert play(simple, "E1", "C1", "D1") == [0, 2, 1]
    assert np.array_equal(simple.board.grid(), start)


EYES = """
. X . X . X .
X X X X X X X
X . X X X X X
X X X X X X X
O O O O O O O
O . O O O . O
. O . O . O .
"""

# 5x5, Black everywhere but three points on the top edge, each a true eye of Black's: Black's only
# move is to pass (the searchers' "nothing but pass left" case)
ONLY_OWN_EYES = """
. X . X .
X X X X X
X X X X X
X X X X X
X X X X X
"""


def test_random_moves_never_fill_true_eyes():
    # every empty point is a true eye of one side (edge eyes without opponent diagonals, inner
    # ones with none): neither side may fill its own, the other's are suicide, so both pass
    game = game_from(EYES)
    rng_state = make_rng_state(3)
    for color in (BLACK, WHITE):
        for _ in range(50):
            assert random_move_nb(game.board.array, color, rng_state) == 0
    assert game.board.is_eye(from_gtp("B5", 7), BLACK) and game.board.is_eye(from_gtp("B2", 7), WHITE)
    false_eye = game_from("""
    X . X . .
    . X O . .
    . . . . .
    . . . . .
    . . . . .
    """)
    b5 = from_gtp("B5", 5)
    assert not false_eye.board.is_eye(b5, BLACK)  # edge point with an opponent diagonal
    assert any(random_move_nb(false_eye.board.array, BLACK, rng_state) == b5 for _ in range(500))


LADDER = """
. . . . . . . . .
. . . . . . . . .
. . . . . . . . .
. . . . . . . . .
. . . . . . . . .
. . . . . . . . .
. X O . . . . . .
. . X X . . . . .
. . . . . . . . .
"""
LADDER_BROKEN = LADDER.replace("""
. . . . . . . . .
. . . . . . . . .
. . . . . . . . .""", """
. . . . . . . . .
. . . . . . O . .
. . . . . . . . .""", 1)


def test_ladder_capture_and_escape_planes():
    works = game_from(LADDER, to_move=BLACK)
    planes = FEATURES_ALPHAGO_48.extract(works)
    c4 = (9 - 4, 2)
    assert planes[44][c4] == 1 and planes[44].sum() == 1  # only the atari from above ladders
    broken = game_from(LADDER_BROKEN, to_move=BLACK)
    assert FEATURES_ALPHAGO_48.extract(broken)[44].sum() == 0  # the breaker at G8 saves White
    # White in atari (after Black C4) to move: extending is no escape without the breaker...
    play(works, "C4")
    assert FEATURES_ALPHAGO_48.extract(works)[45].sum() == 0
    play(broken, "C4")
    escape = FEATURES_ALPHAGO_48.extract(broken)[45]
    assert escape[9 - 3, 3] == 1 and escape.sum() == 1  # ...and is one with it (D3)
