"""Fixed handicap placement against GNU Go 3.8 (which follows the GTP spec), and its errors."""
from __future__ import annotations

import pytest

from gogame.coords import from_gtp
from gogame.game import GameState
from gogame.handicap import HandicapError, check_free_handicap, fixed_handicap_points, max_fixed_handicap
from gogame.rules import Rules
from gtp.client import GtpClient, find_gnugo
from tests.conftest import require_tool


@pytest.mark.gnugo
def test_fixed_handicap_matches_gnugo_on_every_size_and_count():
    binary = require_tool(find_gnugo(), "GNU Go (apt-get install gnugo)")
    with GtpClient([binary, "--mode", "gtp"]) as gnugo:
        for size in range(2, 20):  # GNU Go stops at 19x19; 20..25 follow the same formula
            gnugo.send(f"boardsize {size}")
            for stones in range(0, 11):
                gnugo.send("clear_board")
                ok, text = gnugo.send_many([f"fixed_handicap {stones}"])[0]
                if ok:
                    ours = fixed_handicap_points(stones, size)
                    assert sorted(ours) == sorted(from_gtp(v, size) for v in text.split()), (size, stones)
                else:
                    with pytest.raises(HandicapError, match="invalid number of stones"):
                        fixed_handicap_points(stones, size)


def test_limits_follow_the_spec():
    assert [max_fixed_handicap(n) for n in (5, 6, 7, 8, 9, 10, 19, 25)] == [0, 0, 4, 4, 9, 4, 9, 9]
    assert fixed_handicap_points(2, 19) == [from_gtp("D4", 19), from_gtp("Q16", 19)]
    assert fixed_handicap_points(3, 9)[2] == from_gtp("C7", 9)  # 3-3 points below 13x13


def test_free_handicap_checks_and_scoring_compensation():
    with pytest.raises(HandicapError, match="invalid number of stones"):
        check_free_handicap([from_gtp("A1", 9)], 9)
    with pytest.raises(HandicapError, match="repeated"):
        check_free_handicap([from_gtp("A1", 9)] * 2, 9)
    game = GameState(9, Rules(komi=0.5))
    game.place_handicap(fixed_handicap_points(4, 9))
    assert game.to_move == 2 and game.handicap == 4 and not game.moves
    black, white = game.board.stone_count()
    assert (black, white) == (4, 0)
    # area scoring: the whole empty board is Black's (81), White gets komi + 4 (Chinese "n")
    assert game.score().margin == 81 - 0.5 - 4
    assert game.rules.with_changes(handicap_compensation="n-1") is not None
    aga = GameState(9, game.rules.with_changes(handicap_compensation="n-1"))
    aga.place_handicap(fixed_handicap_points(4, 9))
    assert aga.score().margin == 81 - 0.5 - 3
    with pytest.raises(ValueError, match="empty board"):
        game.place_handicap(fixed_handicap_points(2, 9))
