"""SGF reading and writing through sgfmill, and the errors bad records get."""
from __future__ import annotations

import numpy as np
import pytest

from gogame.board_nb import BLACK, WHITE
from gogame.game import GameState
from tests.gogame.helpers import random_game
from gogame.handicap import fixed_handicap_points
from gogame.rules import Rules
from gogame.sgf import (GameRecord, LoadReport, SGFError, game_to_record, load_collection, load_game, read_sgf,
                        record_to_game, write_sgf)


def test_round_trip_keeps_everything(tmp_path):
    game = random_game(13, 120, 0, komi=6.5)
    record = game_to_record(game, black_name="Tengen", white_name="GNU Go", result="W+R")
    path = tmp_path / "game.sgf"
    path.write_bytes(write_sgf(record))
    again = read_sgf(path)
    assert again == record
    replayed = load_game(path)
    assert np.array_equal(replayed.board.grid(), game.board.grid())
    assert replayed.moves == game.moves and replayed.komi == 6.5


def test_handicap_and_setup_stones():
    game = GameState(9, Rules(komi=0.5))
    game.place_handicap(fixed_handicap_points(3, 9))
    game.play_gtp("E5")
    record = read_sgf(write_sgf(game))
    assert record.handicap == 3 and len(record.setup_black) == 3
    replayed = record_to_game(record)
    assert replayed.handicap == 3 and replayed.to_move == BLACK and replayed.moves[0].color == WHITE
    setup = read_sgf(b"(;GM[1]FF[4]SZ[5]KM[0]AB[aa][bb]AW[cc];W[dd];B[ee])")
    replayed = record_to_game(setup)
    assert replayed.board.stone_count() == (3, 2) and replayed.handicap == 0


@pytest.mark.parametrize("data, message", [
    (b"this is not sgf", "malformed SGF"),
    (b"(;GM[1]SZ[9];B[ee];W[ee])", "move 2 (W) is illegal: illegal move E5: occupied"),
    (b"(;GM[1]SZ[30])", "size"),
    (b"(;GM[1]SZ[1])", "size"),
    (b"(;GM[1]SZ[9]KM[abc])", "KM"),
    (b"(;GM[1]SZ[9]KM[1e9])", "komi"),
    (b"(;GM[1]SZ[5]AB[aa]AW[ab][ba])", "bad setup stones"),
    (b"(;GM[1]SZ[9];B[zz])", "bad move in node 1"),
    (b"(;GM[1]SZ[9];B[ee", "malformed SGF"),
])
def test_bad_records_raise_a_clear_error_naming_the_file(data, message):
    with pytest.raises(SGFError) as error:
        record_to_game(read_sgf(data, source="games/bad.sgf"), source="games/bad.sgf")
    assert str(error.value).startswith("games/bad.sgf: ")
    assert message in str(error.value)


def test_ko_recapture_in_a_record_is_illegal_under_its_rules():
    moves = ";B[bb];W[cb];B[ac];W[dc];B[bd];W[cd];B[cc];W[bc]"
    record = read_sgf(f"(;GM[1]SZ[5]{moves})".encode())
    game = record_to_game(record, Rules(ko="simple"))  # W[bc] captures C3: legal
    with pytest.raises(SGFError, match="move 9 .B. is illegal.*ko"):
        record_to_game(read_sgf(f"(;GM[1]SZ[5]{moves};B[cc])".encode()), Rules(ko="simple"))
    assert game.board.prisoners == (0, 1)


def test_missing_file():
    with pytest.raises(SGFError, match="missing.sgf: cannot read file"):
        read_sgf("missing.sgf")


def test_bulk_loader_skips_and_counts_bad_files(tmp_path):
    good = write_sgf(random_game(9, 40, 1, komi=6.5))
    (tmp_path / "a.sgf").write_bytes(good)
    (tmp_path / "b.sgf").write_bytes(b"(;GM[1]SZ[9];B[ee];W[ee])")
    (tmp_path / "c.sgf").write_bytes(b"\xff\xfe garbage")
    (tmp_path / "d.sgf").write_bytes(good)
    report = LoadReport()
    records = list(load_collection(sorted(tmp_path.glob("*.sgf")), report))
    assert len(records) == 2 and report.loaded == 2
    assert [name.split("/")[-1] for name, _ in report.skipped] == ["b.sgf", "c.sgf"]
    assert isinstance(records[0], GameRecord)
