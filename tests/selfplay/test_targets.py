"""Policy targets: KataGo's pruning takes forced playouts back out and never keeps them where the
move would not have earned them; dense targets are distributions in policy-index order."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gogame.coords import PASS, from_gtp, to_policy_index
from gogame.game import GameState
from gogame.rules import Rules
from nets.evaluator import UniformEvaluator
from search.mcts import MCTS, SearchConfig
from search.result import SearchLimits
from selfplay.targets import dense_policy, prune_forced_visits


def puct(q, prior, total, n, c_puct):
    return q + c_puct * prior * math.sqrt(total) / (1 + n)


def check_pruned(priors, visits, q, c_puct, k):
    pruned = prune_forced_visits(priors, visits, q, c_puct, k)
    total = int(visits.sum())
    best = int(np.argmax(visits))
    assert pruned[best] == visits[best]
    best_score = puct(q[best], priors[best], total, visits[best], c_puct)
    for i in range(len(visits)):
        assert 0 <= pruned[i] <= visits[i]
        if i == best or visits[i] == 0:
            continue
        forced = int(math.sqrt(k * priors[i] * total))
        kept = int(pruned[i])
        if kept == 0:
            continue
        assert kept >= 2  # a single visit left is dropped
        # forced visits stay only where taking one more away would lift the move above the best
        assert kept <= max(visits[i] - forced, 0) or puct(q[i], priors[i], total, kept - 1, c_puct) >= best_score
    return pruned


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(0.001, 1.0), st.integers(0, 300), st.floats(-1, 1)), min_size=2, max_size=12),
       st.floats(0.5, 3.0), st.floats(0.5, 4.0))
def test_pruning_never_keeps_forced_visits_a_move_did_not_earn(moves, c_puct, k):
    priors = np.array([m[0] for m in moves])
    priors /= priors.sum()
    visits = np.array([m[1] for m in moves], np.int64)
    if visits.sum() == 0:
        visits[0] = 1
    check_pruned(priors, visits, np.array([m[2] for m in moves]), c_puct, k)


def test_a_move_that_only_had_its_forced_playouts_is_pruned_to_nothing():
    priors = np.array([0.9, 0.05, 0.05])
    visits = np.array([94, 3, 3])  # 3 = sqrt(2 * 0.05 * 100): all forced
    q = np.array([0.4, -0.8, -0.6])
    pruned = prune_forced_visits(priors, visits, q, 1.5, 2.0)
    assert pruned.tolist() == [94, 0, 0]
    assert prune_forced_visits(priors, visits, q, 1.5, 0.0).tolist() == [94, 3, 3]  # off: untouched
    # a move whose PUCT would pass the best one's with fewer visits keeps them (KataGo's rule)
    assert prune_forced_visits(np.array([0.5, 0.3, 0.2]), np.array([90, 7, 3]), np.array([0.4, -0.6, -0.8]),
                               1.5, 2.0).tolist() == [90, 4, 2]


def test_forced_playouts_reach_every_move_and_the_pruned_target_drops_them():
    game = GameState(5, Rules(komi=0.5))
    search = MCTS(UniformEvaluator(), SearchConfig(forced_playouts_k=2.0, rollout_weight=1.0, batch_size=4, seed=3))
    search.search(game, SearchLimits(visits=300))
    rows = search.root_edges()
    priors = np.array([r[1] for r in rows])
    visits = np.array([r[2] for r in rows])
    total = int(visits.sum())
    # every move got at least about its forced share (the last round may leave one short)
    assert all(v >= int(math.sqrt(2.0 * p * total)) - 1 for p, v in zip(priors, visits))
    pruned = check_pruned(priors, visits, np.nan_to_num(np.array([r[3] for r in rows])), 1.5, 2.0)
    assert pruned.sum() < total


def test_dense_policy_is_a_distribution_in_policy_index_order_with_pass_last():
    points = np.array([from_gtp("A5", 5), PASS, from_gtp("E1", 5)])
    target = dense_policy(points, np.array([3.0, 1.0, 0.0]), 5)
    assert target.dtype == np.float32 and target.shape == (26,)
    assert target[0] == pytest.approx(0.75) and target[25] == pytest.approx(0.25) and target[24] == 0
    assert target.sum() == pytest.approx(1.0)
    assert not dense_policy(points, np.zeros(3), 5).any()


def test_pruning_by_hand_on_three_moves():
    """Move 0 is the best (100 visits, PUCT 0.1 + 1.5 * 0.4 * sqrt(140) / 101 = 0.1703). Move 1
    (prior 0.5, 30 visits, Q -0.2) may lose up to sqrt(2 * 0.5 * 140) = 11 forced playouts while
    its score with one visit fewer, -0.2 + 8.874 / n, stays below: down to 23 (at 23 it is 0.186);
    move 2 (prior 0.1, 10 visits, Q 0.9) scores above the best at once and keeps every visit."""
    priors = np.array([0.4, 0.5, 0.1])
    visits = np.array([100, 30, 10])
    q = np.array([0.1, -0.2, 0.9])
    c_puct = 1.5
    pruned = prune_forced_visits(priors, visits, q, c_puct, forced_k=2.0)
    root = math.sqrt(140)
    best = 0.1 + c_puct * 0.4 * root / 101

    def expected(i: int) -> float:
        n, floor = int(visits[i]), max(int(visits[i]) - int(math.sqrt(2.0 * priors[i] * 140)), 0)
        while n > floor and q[i] + c_puct * priors[i] * root / n < best:
            n -= 1
        return 0.0 if n <= 1 else float(n)

    assert pruned.dtype == np.float64 and pruned[0] == 100
    assert pruned[1] == expected(1) == 23.0 and pruned[2] == expected(2) == 10.0
    assert (prune_forced_visits(priors, visits, q, c_puct, forced_k=0.0) == visits).all()  # k 0: nothing forced
    assert (prune_forced_visits(priors, np.array([0, 1, 0]), q, c_puct, 2.0) == [0, 1, 0]).all()  # one visit, the best


def test_dense_policy_adds_weights_of_a_repeated_point_and_keeps_zeros():
    c3 = from_gtp("C3", 5)
    target = dense_policy(np.array([c3, c3, PASS]), np.array([1.0, 1.0, 2.0]), 5)
    assert target.dtype == np.float32 and target[to_policy_index(c3, 5)] == 0.5 and target[25] == 0.5
    assert not dense_policy(np.array([c3]), np.array([0.0]), 5).any()
    assert dense_policy(np.array([c3]), np.array([0.25]), 5)[to_policy_index(c3, 5)] == 1.0  # below 1 in all
