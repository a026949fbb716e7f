"""choose_move beyond the common case: an empty result (nothing but pass) and a temperature near
zero with many visits, where visits ** (1 / temperature) would overflow if not scaled first."""
from __future__ import annotations

import numpy as np

from search.result import MoveStats, SearchResult, choose_move


def result_with(visits: list[int]) -> SearchResult:
    moves = [MoveStats(10 + i, v, 0.5, 0.1, 0.5, [10 + i]) for i, v in enumerate(visits)]
    return SearchResult(1, moves, sum(visits), 0.5, None, 0.0)


def test_no_candidates_means_pass_at_any_temperature():
    rng = np.random.default_rng(0)
    empty = SearchResult(1, [], 0, 0.5, None, 0.0)
    assert choose_move(empty, 0.0, rng) == 0 and choose_move(empty, 1.0, rng) == 0


def test_a_temperature_near_zero_with_many_visits_plays_the_most_visited_move():
    rng = np.random.default_rng(0)
    result = result_with([90_000, 5_000, 4_000, 1_000])
    assert [choose_move(result, 0.01, rng) for _ in range(50)] == [10] * 50
    assert [choose_move(result, 0.05, rng) for _ in range(50)] == [10] * 50
