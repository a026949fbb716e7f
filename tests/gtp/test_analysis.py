"""Analysis info lines from a search result made by hand, so that every field can be checked:
which candidates are listed, their order, the two dialects' number formats and ownership."""
from __future__ import annotations

import numpy as np

from gogame.board_nb import BLACK, WHITE
from gogame.coords import PASS, from_gtp
from gtp.analysis import AnalyzeRequest, format_info_line
from search.result import MoveStats, SearchResult


def result(moves: list[MoveStats], to_move: int = BLACK, ownership=None) -> SearchResult:
    return SearchResult(to_move, moves, sum(m.visits for m in moves), 0.5, ownership, 0.1)


def stats(vertex: str, visits: int, winrate: float, prior: float, pv: list[str] = ()) -> MoveStats:
    point = PASS if vertex == "pass" else from_gtp(vertex, 5)
    return MoveStats(point, visits, winrate, prior, winrate - 0.1, [from_gtp(v, 5) for v in pv])


CANDIDATES = [stats("C3", 50, 0.625, 0.5, ["C3", "B2", "D4"]), stats("pass", 30, 0.25, 0.1),
              stats("B2", 10, 0.5, 0.25), stats("D4", 0, 0.0, 0.15)]


def test_lz_lists_the_visited_moves_but_pass_in_order():
    line = format_info_line(result(CANDIDATES), AnalyzeRequest(BLACK), "lz", 5)
    assert line == ("info move C3 visits 50 winrate 6250 prior 5000 lcb 5250 order 0 pv C3 B2 D4 "
                    "info move B2 visits 10 winrate 5000 prior 2500 lcb 4000 order 1 pv B2")


def test_kata_with_max_moves_and_ownership_from_the_side_to_move():
    ownership = np.array([[0.5, -0.25, 0, 0, 0]] * 5)
    line = format_info_line(result(CANDIDATES, WHITE, ownership), AnalyzeRequest(WHITE, max_moves=1, ownership=True),
                            "kata", 5)
    head, values = line.split(" ownership ")
    assert head == ("info move C3 visits 50 edgeVisits 50 winrate 0.625000 prior 0.500000 lcb 0.525000 "
                    "order 0 pv C3 B2 D4")
    assert values.split()[:2] == ["-0.500000", "0.250000"]  # Black's view turned to White's
    assert [float(v) for v in values.split()] == [-v for v in ownership.ravel()]


def test_a_pass_is_listed_only_when_nothing_else_was_visited():
    only_pass = [stats("pass", 30, 0.75, 0.2), stats("C3", 0, 0.0, 0.5)]
    line = format_info_line(result(only_pass), AnalyzeRequest(BLACK), "lz", 5)
    assert line == "info move pass visits 30 winrate 7500 prior 2000 lcb 6500 order 0 pv pass"
