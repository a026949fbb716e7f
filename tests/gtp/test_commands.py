"""Single GTP commands whose answers the golden transcripts cannot pin down: the version (it
changes with each release), files written and read in a temporary folder, and the limits of
what a command accepts."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from gtp import engine as engine_module
from tests.gtp.engines import engine as make_engine
from gtp.engine import GtpEngine
from gtp.protocol import parse

ROOT = Path(__file__).resolve().parents[2]


def run(engine: GtpEngine, line: str) -> str:
    out: list[str] = []
    engine.execute(parse(line), out.append)
    return "".join(out)


@pytest.fixture
def engine() -> GtpEngine:
    return make_engine({"boardsize": 9, "player": "flat", "ownership_playouts": 50})


def test_version_is_the_projects_version(engine):
    expected = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert run(engine, "1 version") == f"=1 {expected}\n\n"


@pytest.mark.parametrize("line", ["kgs-time_settings bogus 60 10 5", "kgs-time_settings canadian 60 10",
                                  "kgs-time_settings byoyomi 60 10", "kgs-time_settings absolute 60 10",
                                  "kgs-time_settings none 5", "kgs-time_settings canadian 60 -10 5"])
def test_kgs_time_settings_refuses_unknown_systems_and_wrong_counts(engine, line):
    assert run(engine, line) == "? syntax error\n\n"
    assert not engine.time.limited  # the earlier settings (none) stay


@pytest.mark.parametrize("line, settings", [
    ("kgs-time_settings canadian 60 10 5", (60.0, 10.0, 5, 0)),
    ("kgs-time_settings byoyomi 60 10 3", (60.0, 10.0, 0, 3)),
    ("kgs-time_settings absolute 300", (300.0, 0.0, 0, 0)),
])
def test_kgs_time_settings_sets_the_time_system(engine, line, settings):
    assert run(engine, line) == "=\n\n"
    s = engine.time.settings
    assert (s.main, s.period, s.stones, s.periods) == settings and engine.time.limited


def test_printsgf_writes_the_game_to_a_file_that_loadsgf_reads_back(engine, tmp_path):
    for move in ("play b E5", "play w C3", "play b pass"):
        assert run(engine, move) == "=\n\n"
    path = tmp_path / "game.sgf"
    assert run(engine, f"printsgf {path}") == "=\n\n"
    assert path.read_text().replace("\n", " ").strip() == run(engine, "printsgf")[2:-2]
    fresh = make_engine({"boardsize": 19, "player": "flat"})
    assert run(fresh, f"loadsgf {path}") == "= white\n\n"
    assert run(fresh, "list_stones black") == "= E5\n\n" and run(fresh, "list_stones white") == "= C3\n\n"


def test_printsgf_to_a_folder_that_does_not_exist_fails(engine, tmp_path):
    assert run(engine, f"printsgf {tmp_path / 'no' / 'game.sgf'}").startswith("? cannot write file: ")


def test_loadsgf_takes_files_up_to_the_size_limit(engine, tmp_path, monkeypatch):
    path = tmp_path / "game.sgf"
    path.write_text("(;GM[1]FF[4]SZ[9]KM[6.5];B[ee];W[cc])")
    monkeypatch.setattr(engine_module, "MAX_SGF_BYTES", path.stat().st_size)
    assert run(engine, f"loadsgf {path}") == "= black\n\n"  # exactly at the limit: loaded
    path.write_text("(;GM[1]FF[4]SZ[9]KM[6.5];B[ee];W[cc]) ")
    assert run(engine, f"loadsgf {path}") == "? cannot load file: not a regular file of at most 10 MB\n\n"  # one byte over
    assert run(engine, f"loadsgf {tmp_path}") == "? cannot load file: not a regular file of at most 10 MB\n\n"  # a folder


def test_is_legal_asks_for_the_colour_given(engine):
    """A point White has surrounded: suicide for Black (with capture none), legal for White."""
    for move in ("play w A2", "play w B1"):
        assert run(engine, move) == "=\n\n"
    assert run(engine, "is_legal b A1") == "= 0\n\n" and run(engine, "is_legal w A1") == "= 1\n\n"
    assert run(engine, "is_legal black E5") == "= 1\n\n"


@pytest.mark.parametrize("line", ["is_legal b", "is_legal b A1 A2", "captures", "captures b w", "is_legal x A1",
                                  "list_stones", "final_status_list"])
def test_scoring_family_commands_with_the_wrong_arguments_are_syntax_errors(engine, line):
    assert run(engine, line) == "? syntax error\n\n"


def test_showboard_says_whose_turn_it_is(engine):
    assert "to move: Black" in run(engine, "showboard")
    run(engine, "play b E5")
    assert "to move: White" in run(engine, "showboard")


@pytest.mark.parametrize("line", ["fixed_handicap", "fixed_handicap 2 3", "place_free_handicap",
                                  "place_free_handicap x"])
def test_handicap_commands_with_the_wrong_arguments_are_syntax_errors(engine, line):
    assert run(engine, line) == "? syntax error\n\n"


def test_free_handicap_takes_from_two_stones_to_all_points_but_one():
    small = make_engine({"boardsize": 3, "player": "flat"})
    assert run(small, "place_free_handicap 1") == "? invalid number of stones\n\n"
    assert run(small, "place_free_handicap 9") == "? invalid number of stones\n\n"
    assert len(run(small, "place_free_handicap 8").split()) == 9  # "=" and eight vertices
    run(small, "clear_board")
    assert len(run(small, "place_free_handicap 2").split()) == 3
