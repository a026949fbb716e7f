"""GameState: illegal-move reasons, bad sizes and komi, passes, resignation, undo, copies."""
from __future__ import annotations

import math

import pytest

from gogame.board_nb import BLACK, WHITE
from gogame.coords import PASS, from_gtp
from gogame.game import GameState
from gogame.rules import IllegalMove, Rules


@pytest.mark.parametrize("size", [0, 1, 26, 100])
def test_out_of_range_sizes_are_refused(size):
    with pytest.raises(ValueError, match=f"board size {size} is out of range"):
        GameState(size)


@pytest.mark.parametrize("komi", [math.inf, -math.inf, math.nan, 1e6, "seven"])
def test_bad_komi_is_refused(komi):
    with pytest.raises(ValueError, match="komi"):
        GameState(9, Rules(komi=komi))


def test_each_reason_is_reported():
    game = GameState(9)
    game.play_gtp("E5")
    cases = {"E5": "occupied", "Z9": "off board", "A10": "off board", "I3": "wrong format", "": "wrong format"}
    for vertex, reason in cases.items():
        with pytest.raises(IllegalMove) as error:
            game.play_gtp(vertex)
        assert error.value.reason == reason, vertex
    assert len(game.moves) == 1  # nothing was played by the failures


def test_unknown_rules_are_refused():
    with pytest.raises(ValueError, match="unknown ko rule 'japanese'"):
        Rules(ko="japanese")
    with pytest.raises(ValueError, match="unknown scoring"):
        Rules(scoring="stones")


def test_two_passes_end_the_game_and_resignation_stops_play():
    game = GameState(5, Rules(komi=0.5))
    game.play(PASS)
    assert not game.is_over
    game.play(PASS)
    assert game.is_over and game.result() == "W+0.5"
    game.play_gtp("C3")  # play may go on after two passes, as GTP allows; the count restarts
    assert not game.is_over
    game.resign(WHITE)
    assert game.is_over and game.result() == "B+R"
    with pytest.raises(IllegalMove, match="game over"):
        game.play_gtp("A1")
    game.undo()  # takes back the resignation
    game.play_gtp("A1")


def test_undo_to_the_start_and_errors():
    game = GameState(9)
    with pytest.raises(IndexError):
        game.undo()
    for vertex in ("C3", "D4", "pass", "E5"):
        game.play_gtp(vertex)
    for _ in range(4):
        game.undo()
    assert game.board.stone_count() == (0, 0) and game.to_move == BLACK and not game.moves


def test_copy_is_independent():
    game = GameState(9)
    game.play_gtp("C3")
    copy = game.copy()
    copy.play_gtp("D4")
    assert game.board.stone_count() == (1, 0) and copy.board.stone_count() == (1, 1)
    assert len(game.moves) == 1 and game.to_move == WHITE


def test_out_of_turn_moves_follow_gtp():
    game = GameState(9)
    game.play_gtp("C3", BLACK)
    game.play_gtp("D4", BLACK)  # the same colour twice is legal at the protocol level
    assert game.to_move == WHITE and game.board.stone_count() == (2, 0)
    assert game.is_legal(from_gtp("E5", 9), BLACK)
