"""Move generation against a recording searcher: each colour's own clock sets its limits and is
charged; the interrupt and the cleanup mode reach the search; resignation needs both enough
visits and a win rate below the threshold (the boundaries included); the move is played for the
colour asked; passing into a won game only after the opponent's pass. Argument errors say
``syntax error``."""
from __future__ import annotations

import pytest

from gogame.board_nb import BLACK, WHITE
from gogame.coords import from_gtp
from gtp.engine import GtpEngine
from gtp.protocol import parse
from search.result import MoveStats, SearchResult
from tests.gtp.engines import config as make_config


class RecordingSearcher:
    """Every search answers D4 with ``visits`` visits at ``winrate``; calls are remembered."""

    def __init__(self, visits: int = 100, winrate: float = 0.5):
        self.visits, self.winrate = visits, winrate
        self.calls = []

    def warm_up(self):
        pass

    def search(self, game, limits, should_stop=lambda: False, on_progress=None, progress_interval=1.0,
               tromp_taylor_ends=False):
        self.calls.append({"to_move": game.to_move, "limits": limits, "stop": should_stop,
                           "cleanup": tromp_taylor_ends})
        d4 = from_gtp("D4", game.size)
        return SearchResult(game.to_move, [MoveStats(d4, self.visits, self.winrate, 0.5, 0.4, [d4])], self.visits,
                            self.winrate, None, 0.0)


def run(engine, line: str, **hooks) -> str:
    out = []
    engine.execute(parse(line), out.append, **hooks)
    return "".join(out)


def make(settings=None, **searcher):
    return GtpEngine(make_config({"boardsize": 9, "time.visits": 100, "resign_min_visits": 100,
                                  "resign_threshold": 0.1, "ownership_playouts": 50, **(settings or {})}),
                     RecordingSearcher(**searcher))


def test_each_colour_thinks_on_its_own_clock_and_pays_for_it():
    engine = make({"time.visits": None})
    assert run(engine, "time_settings 600 0 0") == "=\n\n"
    run(engine, "time_left w 12 0")
    run(engine, "genmove w")
    run(engine, "genmove b")
    white, black = (call["limits"].seconds for call in engine.searcher.calls)
    assert white < 12 / 10 and black > 10 * white  # White's 12 s against Black's 600 s
    assert engine.time.clocks[WHITE].seconds < 12 and engine.time.clocks[BLACK].seconds < 600
    assert engine.time.clocks[WHITE].seconds > 11 and engine.time.clocks[BLACK].seconds > 599  # charged, not drained


def test_the_interrupt_and_the_cleanup_mode_reach_the_search():
    engine = make()
    stop = lambda: True  # noqa: E731
    run(engine, "genmove b", interrupted=stop)
    run(engine, "kgs-genmove_cleanup w", interrupted=stop)
    first, second = engine.searcher.calls
    assert first["stop"] is stop and second["stop"] is stop
    assert first["cleanup"] is False and second["cleanup"] is True


@pytest.mark.parametrize("visits, winrate, answer", [(100, 0.09, "resign"), (99, 0.09, "D4"), (100, 0.1, "D4"),
                                                     (100, 0.5, "D4")])
def test_resignation_needs_enough_visits_and_a_win_rate_below_the_threshold(visits, winrate, answer):
    engine = make(visits=visits, winrate=winrate)
    assert run(engine, "genmove b") == f"= {answer}\n\n"
    cleanup = make(visits=visits, winrate=winrate)
    assert run(cleanup, "kgs-genmove_cleanup b") == "= D4\n\n"  # cleanup never resigns


def test_the_move_is_played_for_the_colour_asked():
    engine = make()
    assert run(engine, "genmove w") == "= D4\n\n"
    assert engine.game.moves[-1].color == WHITE and engine.game.to_move == BLACK
    assert engine.searcher.calls[0]["to_move"] == WHITE
    assert run(engine, "reg_genmove b") == "= D4\n\n"
    assert len(engine.game.moves) == 1 and engine.game.to_move == BLACK  # reg_genmove plays nothing


def test_passing_into_a_won_game_only_after_the_opponents_pass():
    engine = make({"rules.komi": 0.5})
    run(engine, "play b E5")
    run(engine, "play w pass")
    assert run(engine, "genmove b") == "= pass\n\n"  # White passed; Black owns the board
    assert engine.searcher.calls == []
    engine = make({"rules.komi": 0.5})
    run(engine, "play b E5")
    run(engine, "play b pass")  # Black's own pass is not the opponent's
    assert run(engine, "genmove b") == "= D4\n\n"
    engine = make({"rules.komi": 0.5})
    run(engine, "play w E5")
    run(engine, "play w pass")  # White passed, but White is ahead
    assert run(engine, "genmove b") == "= D4\n\n"


@pytest.mark.parametrize("line", ["genmove", "genmove b w", "komi abc", "komi inf", "time_left b x 0"])
def test_argument_errors_say_syntax_error(line):
    assert run(make(), line) == "? syntax error\n\n"


def test_lcb_move_choice_plays_the_move_with_the_best_lower_bound():
    class TwoMoves(RecordingSearcher):
        def search(self, game, limits, **options):
            super().search(game, limits, **options)
            d4, e5 = from_gtp("D4", game.size), from_gtp("E5", game.size)
            return SearchResult(game.to_move, [MoveStats(d4, 100, 0.55, 0.5, 0.50, [d4]),
                                               MoveStats(e5, 60, 0.62, 0.3, 0.54, [e5])], 160, 0.55, None, 0.0)

    by_visits = GtpEngine(make_config({"boardsize": 9, "time.visits": 100}), TwoMoves())
    assert run(by_visits, "genmove b") == "= D4\n\n"
    by_lcb = GtpEngine(make_config({"boardsize": 9, "time.visits": 100, "move_choice": "lcb"}), TwoMoves())
    assert run(by_lcb, "genmove b") == "= E5\n\n"
