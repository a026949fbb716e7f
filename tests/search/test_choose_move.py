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


def test_lcb_choice_trusts_a_better_move_only_once_its_lower_bound_says_so():
    from search.result import MoveStats, SearchResult, lcb_choice

    def result(*moves):
        return SearchResult(1, [MoveStats(m, v, w, 0.1, lcb) for m, v, w, lcb in moves], 0, 0.5, None, 0.0)

    most, better, thin = (11, 500, 0.55, 0.52), (12, 300, 0.60, 0.56), (13, 40, 0.90, 0.60)
    assert lcb_choice(result(most, better, thin)).move == 12  # 13 has under a tenth of the most visits
    assert lcb_choice(result(most, (12, 300, 0.58, 0.51))).move == 11
    assert lcb_choice(result(most, better, thin), min_visits_fraction=0.05).move == 13
    assert lcb_choice(result()) is None
