"""``loadsgf`` and ``printsgf`` with the files GUIs write (issue 14): PL, setup after moves, AE,
charsets, and ``loadsgf FILE MOVE_NUMBER`` as the GTP spec says it (the position before that move)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.gtp.engines import engine as make_engine
from tests.gtp.test_engine import run, streamed

CASES = Path(__file__).resolve().parents[1] / "cases"  # a copy of ../shared/cases: inputs from real use


@pytest.fixture(scope="module")
def engine():
    engine = make_engine({"boardsize": 9, "player": "flat", "time.visits": 100, "ownership_playouts": 20})
    engine.searcher.warm_up()
    return engine


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "game.sgf"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def stones(engine, color: str) -> set[str]:
    return set(run(engine, f"list_stones {color}")[2:].split())


def test_a_position_with_white_to_move_is_analysed_for_white(engine):
    assert run(engine, f"loadsgf {CASES / 'setup-then-white-to-move.sgf'}") == "= white\n\n"
    line = [line for line in streamed(engine, "kata-analyze 10 rootInfo true").split("\n") if line.startswith("info")][-1]
    assert " currentPlayer W" in line
    assert "PL[W]" in run(engine, "printsgf") and "AB[cc][cg][gg]" in run(engine, "printsgf")


def test_the_shared_cases_load(engine):
    assert run(engine, f"loadsgf {CASES / 'setup-removed-by-ae.sgf'}") == "= black\n\n"
    assert stones(engine, "black") == {"C7", "E5", "G3"} and stones(engine, "white") == {"G7", "F4"}
    for name in ("komi-empty.sgf", "names-not-in-declared-charset.sgf"):
        assert run(engine, f"loadsgf {CASES / name}") == "= white\n\n"
        assert stones(engine, "black") == {"E5", "G3"} and stones(engine, "white") == {"C7"}
    assert run(engine, f"loadsgf {CASES / 'komi-empty.sgf'}") and engine.game.komi == 0.0


@pytest.mark.parametrize("number, black, white, to_move", [
    (1, set(), set(), "black"), (2, {"E5"}, set(), "white"), (3, {"E5"}, {"C7"}, "black"),
    (4, {"E5", "G3"}, {"C7"}, "white"), (99, {"E5", "G3"}, {"C7"}, "white"), (0, set(), set(), "black"),
])
def test_loadsgf_move_number_is_the_position_before_that_move(engine, tmp_path, number, black, white, to_move):
    path = write(tmp_path, "(;GM[1]FF[4]SZ[9]KM[7.5];B[ee];W[cc];B[gg])")
    assert run(engine, f"loadsgf {path} {number}") == f"= {to_move}\n\n"
    assert stones(engine, "black") == black and stones(engine, "white") == white


@pytest.mark.parametrize("number, black, white, to_move", [
    (1, {"C7", "G3"}, set(), "white"), (2, {"C7", "G3"}, {"E5"}, "black"), (3, {"C7", "G3", "D4"}, {"E5"}, "white"),
])
def test_loadsgf_move_number_in_a_handicap_game(engine, tmp_path, number, black, white, to_move):
    path = write(tmp_path, "(;GM[1]FF[4]SZ[9]HA[2]AB[cc][gg]KM[0.5];W[ee];B[df];W[ff])")
    assert run(engine, f"loadsgf {path} {number}") == f"= {to_move}\n\n"
    assert stones(engine, "black") == black and stones(engine, "white") == white
    assert engine.game.handicap == 2


def test_loadsgf_move_number_with_setup_after_moves(engine, tmp_path):
    path = write(tmp_path, "(;GM[1]SZ[9];B[ee];W[cc];AE[ee]AB[aa]PL[W];W[gg];B[dd])")
    assert run(engine, f"loadsgf {path} 3") == "= white\n\n"  # the setup node comes before move 3
    assert stones(engine, "black") == {"A9"} and stones(engine, "white") == {"C7"}
    assert run(engine, f"loadsgf {path} 2") == "= white\n\n"
    assert stones(engine, "black") == {"E5"}
    assert run(engine, f"loadsgf {path}") == "= white\n\n"
    assert run(engine, "undo") == "=\n\n" and run(engine, "undo") == "=\n\n"
    assert run(engine, "undo") == "? cannot undo\n\n"  # the history starts at the setup
    assert run(engine, "play w g3") == "=\n\n" and run(engine, "genmove b").startswith("= ")
    text = run(engine, "printsgf")
    assert "AB[aa]AE[ee]PL[W]" in text.replace("\n", "")


def test_loadsgf_takes_the_rules_the_file_names(engine, tmp_path):
    assert run(engine, "kata-set-rules chinese") == "=\n\n"
    assert run(engine, f"loadsgf {write(tmp_path, '(;GM[1]SZ[9]KM[6.5]RU[Japanese];B[ee])')}") == "= white\n\n"
    assert engine.rules.scoring == "territory" and engine.game.komi == 6.5
    assert "RU[Japanese]" in run(engine, "printsgf")
    assert run(engine, f"loadsgf {write(tmp_path, '(;GM[1]SZ[9]RU[Go for fun];B[ee])')}") == "= white\n\n"
    assert engine.rules.scoring == "territory"  # an unknown name: the engine's rules stay
    assert run(engine, "kata-set-rules tromp-taylor") == "=\n\n" and "RU[Tromp-Taylor]" in run(engine, "printsgf")


def test_loadsgf_vertex_stops_before_the_first_move_there(engine, tmp_path):
    path = write(tmp_path, "(;GM[1]SZ[9];B[ee];W[cc];B[gg];W[dd])")
    assert run(engine, f"loadsgf {path} G3") == "= black\n\n"
    assert stones(engine, "black") == {"E5"} and stones(engine, "white") == {"C7"}
    assert run(engine, f"loadsgf {path} A1") == "= black\n\n" and len(stones(engine, "white")) == 2  # never played
    assert run(engine, f"loadsgf {path} Z") == "? syntax error\n\n"


@pytest.mark.parametrize("text, reason", [
    ("(;GM[1]SZ[19:9];B[aa])", "SZ[19:9]: rectangular boards are not supported"),
    ("(;GM[1]SZ[9]KM[seven])", "bad komi KM[seven]"),
    ("(;GM[1]SZ[9];B[ee];AW[ef][de][fe][ed])", "bad setup stones after move 1: setup stone at"),
    ("(;GM[2]SZ[9];B[ee])", "GM[2]: not a game of Go"),
])
def test_a_refused_file_leaves_the_game_as_it_was(engine, tmp_path, text, reason):
    assert run(engine, "clear_board") == "=\n\n" and run(engine, "play b c3") == "=\n\n"
    logged: list[str] = []
    engine.log = logged.append
    answer = run(engine, f"loadsgf {write(tmp_path, text)}")
    assert answer.startswith("? cannot load file: ") and reason in answer  # the reason, the property named
    assert stones(engine, "black") == {"C3"} and logged and "game.sgf" in logged[-1]
