"""GoGui's analyze commands with a recording searcher: the colour argument sets whose analysis it
is, the search is capped at two seconds whatever the time settings, an analysis without ownership
draws an empty board, and a principal variation alternates colours from the side to move."""
from __future__ import annotations

import numpy as np
import pytest

from gogame.board_nb import BLACK, WHITE
from gogame.coords import from_gtp
from gtp.engine import GtpEngine
from search.result import MoveStats, SearchResult
from tests.gtp.engines import config as make_config


class RecordingSearcher:
    """Answers every search with one fixed line of play; remembers who was to move and the limits."""

    def __init__(self, ownership=None):
        self.calls = []
        self.ownership = ownership

    def warm_up(self):
        pass

    def search(self, game, limits, should_stop=lambda: False, on_progress=None, progress_interval=1.0,
               tromp_taylor_ends=False):
        self.calls.append((game.to_move, limits))
        pv = [from_gtp(v, game.size) for v in ("D4", "E5", "F6")]
        moves = [MoveStats(pv[0], 30, 0.6, 0.5, 0.55, pv), MoveStats(from_gtp("C3", game.size), 10, 0.4, 0.2, 0.3,
                                                                    [from_gtp("C3", game.size)])]
        return SearchResult(game.to_move, moves, 40, 0.6, self.ownership, 0.1)


def ask(engine, command: str) -> str:
    name, *args = command.split()
    return getattr(engine, "cmd_" + name.replace("-", "_"))(args)


@pytest.fixture
def engine():
    return GtpEngine(make_config({"boardsize": 9, "time.visits": 50}), RecordingSearcher())


HANDLERS = {"tengen-ownership": "ownership_board", "tengen-policy": "policy_heatmap", "tengen-pv": "pv"}


@pytest.mark.parametrize("command", HANDLERS)
def test_the_colour_argument_says_whose_analysis_it_is(engine, command):
    assert engine.cmd_gogui_analyze_commands([]).count(f"/{command} %m") == 1
    ask(engine, HANDLERS[command] + " w")
    ask(engine, HANDLERS[command])  # no colour: the side to move, which the first call set to White
    assert [color for color, _ in engine.searcher.calls] == [WHITE, WHITE]
    ask(engine, HANDLERS[command] + " b")
    assert engine.searcher.calls[-1][0] == BLACK


@pytest.mark.parametrize("settings, expected", [({"time.visits": 50}, (50, 2.0)),
                                                ({"time.seconds": 10.0}, (None, 2.0)),
                                                ({"time.seconds": 0.5}, (None, 0.5))])
def test_an_analysis_runs_at_most_two_seconds(settings, expected):
    engine = GtpEngine(make_config({"boardsize": 9, **settings}), RecordingSearcher())
    ask(engine, "pv b")
    limits = engine.searcher.calls[0][1]
    assert (limits.visits, limits.seconds) == expected


def test_ownership_without_an_estimate_is_an_empty_board_and_with_one_is_drawn_row_by_row():
    engine = GtpEngine(make_config({"boardsize": 9, "time.visits": 50}), RecordingSearcher())
    rows = ask(engine, "ownership_board b").strip("\n").split("\n")
    assert rows == [" ".join(["0.00"] * 9)] * 9
    ownership = np.linspace(-1, 1, 81).reshape(9, 9)
    engine = GtpEngine(make_config({"boardsize": 9, "time.visits": 50}), RecordingSearcher(ownership))
    rows = ask(engine, "ownership_board b").strip("\n").split("\n")
    assert rows[0].split()[0] == "-1.00" and rows[-1].split()[-1] == "1.00" and rows[4].split()[4] == "0.00"


def test_the_variation_alternates_colours_from_the_side_to_move(engine):
    assert ask(engine, "pv w") == "VAR w D4 b E5 w F6"
    assert ask(engine, "pv b") == "VAR b D4 w E5 b F6"
    heat = ask(engine, "policy_heatmap b").split("\n")
    assert heat == ["INFLUENCE D4 1.00", "INFLUENCE C3 0.33"]
