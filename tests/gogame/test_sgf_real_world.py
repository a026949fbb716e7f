"""What real SGF files hold, read as GUIs read it: setup anywhere in the main line, PL, charsets and
byte-order marks, lenient root values, and a folder of real-world-shaped files (issue 14). Each kind
is built here in its own variants; ``../shared/cases`` holds one file of some kinds."""
from __future__ import annotations

import codecs
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gogame.board_nb import BLACK, EMPTY, WHITE
from gogame.coords import PASS, from_gtp, to_gtp
from gogame.game import GameState, SetupChange
from gogame.handicap import fixed_handicap_points
from gogame.rules import Rules
from gogame.sgf import (LoadReport, SGFError, game_to_record, load_collection, read_sgf, record_to_game, replay,
                        write_sgf)

CASES = Path(__file__).resolve().parents[1] / "cases"  # a copy of ../shared/cases: inputs from real use


def stones(game: GameState, color: int) -> set[str]:
    grid = game.board.grid()
    return {to_gtp(from_gtp(f"{'ABCDEFGHJKLMNOPQRST'[c]}{game.size - r}", game.size), game.size)
            for r, c in zip(*np.nonzero(grid == color))}


# --- PL: the side to move -------------------------------------------------------------------------

@pytest.mark.parametrize("player, expected", [("W", WHITE), ("B", BLACK), ("w", WHITE), ("b", BLACK)])
@pytest.mark.parametrize("setup", ["AB[cc][gg]AW[gc]", "AB[aa]", "AW[ee]", ""])
def test_pl_sets_the_side_to_move_of_a_position_without_moves(player, expected, setup):
    game = record_to_game(read_sgf(f"(;GM[1]FF[4]SZ[9]{setup}PL[{player}])".encode()))
    assert game.to_move == expected
    if setup:  # printsgf keeps who is to move when it is not the default
        again = record_to_game(read_sgf(write_sgf(game)))
        assert again.to_move == expected and np.array_equal(again.board.grid(), game.board.grid())


def test_pl_in_a_setup_node_before_the_first_move_and_over_a_handicap():
    game = record_to_game(read_sgf(b"(;GM[1]SZ[9]AB[cc];AW[gg]PL[W])"))
    assert game.to_move == WHITE and stones(game, WHITE) == {"G3"}
    handicap = record_to_game(read_sgf(b"(;GM[1]SZ[9]HA[2]AB[cc][gg]PL[B])"))
    assert handicap.handicap == 2 and handicap.to_move == BLACK
    assert record_to_game(read_sgf(b"(;GM[1]SZ[9]HA[2]AB[cc][gg])")).to_move == WHITE


def test_white_to_move_superko_history_counts_the_side_to_move():
    # situational superko keys include the side to move: the start position must be White's
    game = record_to_game(read_sgf(b"(;GM[1]SZ[5]AB[aa]PL[W])"), Rules(ko="situational"))
    assert game._position_keys == [game._position_key()]


def test_the_shared_case_setup_then_white_to_move():
    record = read_sgf(CASES / "setup-then-white-to-move.sgf")
    game = record_to_game(record)
    assert game.to_move == WHITE
    assert b"PL[W]" in write_sgf(game)


@pytest.mark.parametrize("value", ["X", "black", "3"])
def test_a_bad_pl_is_refused_naming_the_property(value):
    with pytest.raises(SGFError, match=r"PL\["):
        read_sgf(f"(;GM[1]SZ[9]AB[aa]PL[{value}])".encode())


def test_an_empty_pl_is_read_as_absent():
    assert read_sgf(b"(;GM[1]SZ[9]AB[aa]PL[];W[ee])").to_move is None


# --- setup in later nodes: AE, AB, AW before and after moves --------------------------------------

def test_ae_in_a_later_node_clears_setup_stones():
    record = read_sgf(CASES / "setup-removed-by-ae.sgf")
    game = record_to_game(record)
    assert stones(game, BLACK) == {"C7", "E5", "G3"} and stones(game, WHITE) == {"G7", "F4"}
    assert game.board.color_at(from_gtp("D7", 9)) == EMPTY and game.board.color_at(from_gtp("C3", 9)) == EMPTY


@pytest.mark.parametrize("nodes, black, white", [
    ("AB[aa][bb];AE[aa]", {"B8"}, set()),
    ("AB[aa];AW[aa]", set(), {"A9"}),  # a setup stone replaces the one there
    ("AW[cc];AE[cc];AB[cc]", {"C7"}, set()),
    ("AB[aa:bb]", {"A9", "B9", "A8", "B8"}, set()),  # compressed point lists
])
def test_setup_nodes_before_the_first_move_compose(nodes, black, white):
    game = record_to_game(read_sgf(f"(;GM[1]SZ[9]{nodes};B[ee])".encode()))
    assert stones(game, BLACK) == black | {"E5"} and stones(game, WHITE) == white
    assert sorted(game.setup_black) == sorted(from_gtp(v, 9) for v in black)


def test_setup_after_moves_changes_the_position_and_the_history_restarts_there():
    record = read_sgf(b"(;GM[1]SZ[9]KM[7.5];B[ee];W[cc];AE[ee]AB[gg][gc]AW[cg];W[dd];B[ff])")
    assert list(record.setup_changes) == [2]
    game = record_to_game(record)
    assert stones(game, BLACK) == {"G3", "G7", "F4"} and stones(game, WHITE) == {"C7", "C3", "D6"}
    assert [m.point for m in game.moves] == [from_gtp(v, 9) for v in ("E5", "C7", "D6", "F4")]
    assert len(game.recent_boards(8)) == 3  # history planes stop at the setup
    game.undo()
    game.undo()
    with pytest.raises(IndexError, match="set up after move 2"):
        game.undo()
    assert len(game._position_keys) == 1  # superko counts from the set-up position


def test_setup_after_moves_uses_pl_or_the_next_mover_and_round_trips():
    game = record_to_game(read_sgf(b"(;GM[1]SZ[9];B[ee];W[cc];AB[gg]PL[W])"))
    assert game.to_move == WHITE and len(game.moves) == 2
    text = write_sgf(game)
    again = record_to_game(read_sgf(text))
    assert again.to_move == WHITE and again.setup_changes == game.setup_changes
    assert np.array_equal(again.board.grid(), game.board.grid())
    assert write_sgf(again) == text
    next_mover = record_to_game(read_sgf(b"(;GM[1]SZ[9];B[ee];AB[gg];B[cc])"))
    assert next_mover.moves[-1].color == BLACK and next_mover.to_move == WHITE


def test_setup_after_moves_keeps_prisoners_and_clears_the_ko_ban():
    # Black captures at B8's ko; a setup node after it: White may retake at once
    moves = ";B[bb];W[cb];B[ac];W[dc];B[bd];W[cd];B[cc];W[bc]"
    game = record_to_game(read_sgf(f"(;GM[1]SZ[5]{moves};AB[ee])".encode()), Rules(ko="simple"))
    assert game.board.prisoners == (0, 1) and game.board.ko_point == 0
    assert game.is_legal(from_gtp("C3", 5), BLACK)


@pytest.mark.parametrize("data, message", [
    (b"(;GM[1]SZ[5];B[aa];AW[ab][ba])", "bad setup stones after move 1"),  # A5 left without liberties
    (b"(;GM[1]SZ[5]AB[aa]AW[ab][ba])", "bad setup stones"),
    (b"(;GM[1]SZ[5];B[aa];AB[zz])", "AB"),
])
def test_bad_setup_anywhere_is_refused_with_the_reason(data, message):
    with pytest.raises(SGFError, match=message):
        record_to_game(read_sgf(data))


def test_replay_yields_each_position_with_its_setup():
    record = read_sgf(b"(;GM[1]SZ[9]AB[aa];B[ee];AW[gg];W[cc])")
    seen = [(len(game.moves), color, to_gtp(pt, 9), game.board.color_at(from_gtp("G3", 9)))
            for game, color, pt in replay(record)]
    assert seen == [(0, BLACK, "E5", EMPTY), (1, WHITE, "C7", WHITE)]


# --- charsets and byte-order marks ----------------------------------------------------------------

NAME = "藤沢秀行"  # written by GB18030 and Shift-JIS tools, and in UTF-8 by most
MOVES = ";B[ee];W[cc];B[gg]"


def sgf_bytes(encoding: str, declared: str | None, name: str = NAME, bom: bytes = b"") -> bytes:
    charset = f"CA[{declared}]" if declared else ""
    text = f"(;GM[1]FF[4]{charset}SZ[9]KM[7.5]PB[{name}]PW[{name}]C[{name} comment]{MOVES})"
    return bom + text.encode(encoding)


@pytest.mark.parametrize("encoding, declared", [
    ("utf-8", "UTF-8"), ("utf-8", None), ("gb18030", "GB18030"), ("gb18030", "gb2312"), ("shift_jis", "SJIS"),
    ("euc-jp", "EUC-JP"), ("utf-8", "ISO-8859-1"),  # declared wrongly, but every value is UTF-8
    ("utf-8", "no-such-charset"),
])
def test_names_decode_with_the_declared_charset_or_utf8(encoding, declared):
    record = read_sgf(sgf_bytes(encoding, declared))
    assert record.black_name == NAME and record.comments[-1] == f"{NAME} comment"
    assert len(record.moves) == 3


@pytest.mark.parametrize("encoding, declared", [("gb18030", "UTF-8"), ("shift_jis", "UTF-8"), ("gb18030", "nonsense"),
                                                ("gb18030", "US-ASCII")])
def test_text_that_cannot_be_decoded_is_replaced_and_the_moves_load(encoding, declared):
    record = read_sgf(sgf_bytes(encoding, declared))
    game = record_to_game(record)
    assert [to_gtp(m.point, 9) for m in game.moves] == ["E5", "C7", "G3"]
    assert record.black_name and NAME not in record.black_name
    assert record.warnings and "undecodable bytes replaced" in record.warnings[-1]


def test_latin1_without_a_charset_is_read_as_the_sgf_default():
    record = read_sgf(sgf_bytes("latin-1", None, name="Müller Jérôme"))
    assert record.black_name == "Müller Jérôme"


@pytest.mark.parametrize("bom, encoding", [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                                           (codecs.BOM_UTF16_BE, "utf-16-be")])
@pytest.mark.parametrize("declared", [None, "UTF-8", "ISO-8859-1"])
def test_byte_order_marks_are_read(bom, encoding, declared):
    record = read_sgf(sgf_bytes(encoding, declared, bom=bom))
    assert record.black_name == NAME and len(record.moves) == 3


def test_the_shared_case_names_not_in_the_declared_charset():
    record = read_sgf(CASES / "names-not-in-declared-charset.sgf")
    game = record_to_game(record)
    assert [to_gtp(m.point, 9) for m in game.moves] == ["E5", "C7", "G3"] and game.to_move == WHITE
    assert "\ufffd" in record.black_name


def test_written_files_declare_utf8_and_read_back_names():
    game = record_to_game(read_sgf(sgf_bytes("gb18030", "GB18030")))
    record = game_to_record(game, black_name=NAME, white_name="Lee Sedol")
    text = write_sgf(record)
    assert b"CA[UTF-8]" in text and NAME.encode("utf-8") in text
    assert read_sgf(text).black_name == NAME


# --- lenient root values, and clear errors where the meaning is not clear -------------------------

@pytest.mark.parametrize("value, komi", [("", 0.0), (" ", 0.0), ("6,5", 6.5), ("7.5", 7.5), (" -3 ", -3.0), ("0", 0.0)])
def test_komi_values(value, komi):
    assert read_sgf(f"(;GM[1]SZ[9]KM[{value}];B[ee])".encode()).komi == komi


def test_the_shared_case_komi_empty():
    record = read_sgf(CASES / "komi-empty.sgf")
    assert record.komi == 0.0 and record_to_game(record).komi == 0.0


@pytest.mark.parametrize("value, size", [("19:19", 19), ("9:9", 9), ("13", 13), (" 9 ", 9), ("", 19)])
def test_board_size_values(value, size):
    assert read_sgf(f"(;GM[1]SZ[{value}])".encode()).size == size


@pytest.mark.parametrize("data, message", [
    (b"(;GM[1]SZ[19:13])", r"SZ\[19:13\]: rectangular"),
    (b"(;GM[1]SZ[26])", r"SZ\[26\]: board size 26 is out of range"),
    (b"(;GM[1]SZ[nine])", r"bad board size SZ\[nine\]"),
    (b"(;GM[1]SZ[9]KM[seven])", r"bad komi KM\[seven\]"),
    (b"(;GM[1]SZ[9]HA[two])", r"bad handicap HA\[two\]"),
])
def test_unclear_values_are_refused_naming_the_property(data, message):
    with pytest.raises(SGFError, match=message):
        read_sgf(data)


# --- write -> read -> write, random games ---------------------------------------------------------

@st.composite
def games(draw) -> GameState:
    size = draw(st.sampled_from([5, 7, 9]))
    game = GameState(size, Rules(komi=draw(st.sampled_from([0.0, 6.5, 7.5, -2.5]))))
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    if draw(st.booleans()) and size >= 7:
        game.place_handicap(fixed_handicap_points(draw(st.integers(2, 4)), size))
    elif draw(st.booleans()):
        points = rng.choice(np.array([from_gtp(f"{'ABCDEFGHJ'[c]}{r + 1}", size) for r in range(size) for c in range(size)]),
                            size=4, replace=False)
        game.setup_stones([int(points[0]), int(points[1])], [int(points[2])])
        game.change_setup(SetupChange(to_move=WHITE if draw(st.booleans()) else BLACK))
    for _ in range(draw(st.integers(0, 30))):
        legal = game.legal_moves()
        if len(legal) == 0 or rng.random() < 0.08:
            game.play(PASS)
        else:
            game.play(int(rng.choice(legal)))
        if game.moves and rng.random() < 0.05:  # a setup node in the middle of the game
            empty = game.board.empty_points()
            try:
                game.change_setup(SetupChange(black=(int(rng.choice(empty)),),
                                              to_move=BLACK if rng.random() < 0.5 else None))
            except ValueError:
                pass
    return game


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(games(), st.dictionaries(st.integers(-1, 30), st.text(
    st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from(["\n", "]", "\\", ":"]), max_size=40), max_size=4))
def test_write_read_write_is_stable(game, comments):
    # comments: any text but control characters, which SGF text does not keep (it reads CR as LF)
    record = game_to_record(game, black_name="Tengen", white_name="GNU Go")
    record.comments = {i: text for i, text in comments.items() if i < len(record.moves) and text.strip() == text and text}
    first = write_sgf(record)
    again = read_sgf(first)
    assert again == record
    assert write_sgf(again) == first
    replayed = record_to_game(again)
    assert np.array_equal(replayed.board.grid(), game.board.grid())
    assert replayed.to_move == game.to_move and replayed.moves == game.moves


# --- a folder of real-world-shaped files: each loads or is refused with a reason ------------------

def real_world_files(folder: Path) -> dict[str, bool]:
    """Write files of every shape met in the wild; name -> whether it must load."""
    shapes: dict[str, tuple[bytes, bool]] = {
        "plain.sgf": (b"(;GM[1]FF[4]SZ[19]KM[6.5];B[pd];W[dp];B[pp];W[dd])", True),
        "pass-empty.sgf": (b"(;GM[1]SZ[9];B[ee];W[];B[])", True),
        "pass-tt.sgf": (b"(;GM[1]SZ[19];B[pd];W[tt];B[tt])", True),
        "variations.sgf": (b"(;GM[1]SZ[9];B[ee](;W[cc];B[gg])(;W[gg];B[cc]))", True),
        "huge-comment.sgf": (b"(;GM[1]SZ[9]C[" + b"x" * 2_000_000 + b"];B[ee]C[" + "é".encode() * 50_000 + b"])", True),
        "escaped.sgf": (b"(;GM[1]SZ[9]C[a \\] bracket and \\\\ backslash]PB[a\\]b];B[ee])", True),
        "leading-junk.sgf": (b"Downloaded from a server\r\n(;GM[1]SZ[9];B[ee];W[cc])\r\nend", True),
        "crlf.sgf": (b"(;GM[1]\r\nSZ[9]\r\n;B[ee]\r\n;W[cc]\r\n)", True),
        "handicap.sgf": (b"(;GM[1]SZ[19]HA[2]AB[pd][dp]KM[0.5];W[dd];B[pp])", True),
        "setup-later.sgf": (b"(;GM[1]SZ[9];B[ee];AB[aa]AE[ee]PL[W];W[cc])", True),
        "utf16.sgf": (codecs.BOM_UTF16_LE + "(;GM[1]SZ[9]PB[李昌镐];B[ee])".encode("utf-16-le"), True),
        "wrong-charset.sgf": ("(;GM[1]CA[UTF-8]SZ[9]PB[李昌镐];B[ee])".encode("gb18030"), True),
        "empty-komi.sgf": (b"(;GM[1]SZ[9]KM[];B[ee])", True),
        "square-19.sgf": (b"(;GM[1]SZ[19:19];B[pd])", True),
        "rectangular.sgf": (b"(;GM[1]SZ[19:9];B[aa])", False),
        "huge-board.sgf": (b"(;GM[1]SZ[37];B[aa])", False),
        "truncated.sgf": (b"(;GM[1]SZ[9];B[ee];W[c", False),
        "illegal.sgf": (b"(;GM[1]SZ[9];B[ee];W[ee])", False),
        "not-sgf.sgf": (b"\x00\x01\x02 binary", False),
        "empty.sgf": (b"", False),
    }
    for name, (data, _) in shapes.items():
        (folder / name).write_bytes(data)
    return {name: loads for name, (_, loads) in shapes.items()}


def test_every_real_world_shaped_file_loads_or_is_refused_with_a_reason(tmp_path):
    expected = real_world_files(tmp_path)
    report = LoadReport()
    loaded = list(load_collection(sorted(tmp_path.glob("*.sgf")), report))
    skipped = {Path(name).name: reason for name, reason in report.skipped}
    assert report.loaded == len(loaded) == sum(expected.values())
    assert set(skipped) == {name for name, loads in expected.items() if not loads}
    assert all(reason.strip() for reason in skipped.values())
    assert "rectangular" in skipped["rectangular.sgf"] and "illegal" in skipped["illegal.sgf"]
    variations = record_to_game(read_sgf(tmp_path / "variations.sgf"))
    assert [to_gtp(m.point, 9) for m in variations.moves] == ["E5", "C7", "G3"]  # the main line
    assert record_to_game(read_sgf(tmp_path / "pass-tt.sgf")).moves[-1].point == PASS
