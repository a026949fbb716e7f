"""The Gumbel root (search.gumbel): sequential halving spends a tiny budget on the sampled moves
and picks the one that wins even when the priors point elsewhere; its improved policy is a
distribution over the root's moves."""
from __future__ import annotations

import numpy as np
import pytest

from gogame.coords import from_gtp, to_gtp, to_policy_index
from gogame.rules import Rules
from gogame.scoring_nb import area_score_nb, result_for_nb, rules_margin_nb
from search.gumbel import GumbelConfig, GumbelRoot
from search.mcts import MCTS, SearchConfig
from search.result import SearchLimits
from tests.gogame.test_fixtures import game_from

# Black to move, White ahead by 3.5 with komi 0.5; D5 takes the two White stones on the right
# edge and is the only move after which Black leads (C5, A3, C3, A2 and pass all lose the count).
CAPTURE = """
X X . . O
X X X X O
. X . O X
. O O O .
O . O O O
"""


class MisleadingEvaluator:
    """Priors of 0.9 on one losing move (A2), the rest spread evenly; the value is the sign of
    the area count as the stones stand (side to move's view): exact one move deep here."""

    has_value = True

    def value_applies(self, size, komi):
        return True

    def evaluate_batch(self, batch):
        actions = batch.size * batch.size + 1
        priors = np.full((len(batch), actions), 0.1 / (actions - 1), np.float32)
        priors[:, to_policy_index(from_gtp("A2", batch.size), batch.size)] = 0.9
        values = np.array([result_for_nb(rules_margin_nb(b, area_score_nb(b), batch.komi, batch.territory), c)
                           for b, c in zip(batch.boards, batch.to_move)], np.float32)
        return priors, values


def gumbel_search(game, simulations: int, seed: int, config: GumbelConfig = GumbelConfig()):
    search = MCTS(MisleadingEvaluator(), SearchConfig(batch_size=4, rollout_weight=0.0, reuse_tree=False))
    search.begin(game)
    root = GumbelRoot(search.root_edges(), simulations, config, np.random.default_rng(seed), search.root_value())
    while not root.done:
        plan = root.plan(search.config.batch_size)
        search.plan_root(plan)
        count, finished = search.select(game, len(plan))
        if count:
            priors, values = search._evaluate(game, search.boards[:count].copy(), search.colors[:count])
            search.finish(game, count, priors, values)
        root.update(search.root_edges(), count + finished)
    return search, root


@pytest.mark.parametrize("seed", range(12))
def test_gumbel_finds_the_winning_capture_at_8_simulations_where_puct_follows_the_prior(seed):
    game = game_from(CAPTURE, komi=0.5, rules=Rules(ko="simple"))
    search, root = gumbel_search(game, 8, seed)
    assert to_gtp(root.choice(), 5) == "D5"
    rows = search.root_edges()
    assert sum(r[2] for r in rows) == 8  # the budget, spent at the root's moves
    policy = root.improved_policy()
    assert policy.sum() == pytest.approx(1.0)
    assert rows[int(np.argmax(policy))][0] == from_gtp("D5", 5)  # the target moves toward the win
    # the same budget through PUCT goes where the prior says
    puct = MCTS(MisleadingEvaluator(), SearchConfig(batch_size=4, rollout_weight=0.0, reuse_tree=False, seed=seed))
    assert to_gtp(puct.search(game, SearchLimits(visits=8)).best.move, 5) != "D5"


def test_sequential_halving_keeps_the_better_half_and_spends_the_budget_exactly():
    rows = [(p, 1 / 6, 0, float("nan")) for p in range(1, 7)]
    root = GumbelRoot(rows, 20, GumbelConfig(considered_moves=4), None, 0.0)  # no noise: the first four
    assert sorted(root.remaining) == [0, 1, 2, 3]
    first = root.plan(100)
    assert sorted(first.tolist()) == [0, 0, 1, 1, 2, 2, 3, 3]  # 20 // (2 phases * 4 moves) each
    # moves 2 and 3 did well
    q = {0: -0.5, 1: -0.4, 2: 0.6, 3: 0.2}
    root.update([(p, 1 / 6, 2 if i < 4 else 0, q.get(i, float("nan"))) for i, (p, *_) in enumerate(rows)], 8)
    last = root.plan(100)
    assert sorted(set(last.tolist())) == [2, 3] and len(last) == 12  # what is left, to the better half
    root.update([(p, 1 / 6, {2: 8, 3: 8}.get(i, 2 if i < 4 else 0), q.get(i, float("nan")))
                 for i, (p, *_) in enumerate(rows)], 12)
    assert root.done and root.plan(4).size == 0
    assert root.choice() == rows[2][0]


def test_completed_q_fills_unvisited_moves_with_the_value_mixture():
    rows = [(1, 0.5, 4, 0.5), (2, 0.25, 0, float("nan")), (3, 0.25, 0, float("nan"))]
    root = GumbelRoot(rows, 4, GumbelConfig(), None, root_value=-0.5)
    completed = root.completed_q()
    # v_mix = (v_hat + N * q_visited) / (1 + N) with win rates: v_hat 0.25, q 0.75, N 4
    assert completed[0] == pytest.approx(0.75)
    assert completed[1] == completed[2] == pytest.approx((0.25 + 4 * 0.75) / 5)
    policy = root.improved_policy()
    assert policy.sum() == pytest.approx(1.0) and policy[0] > 0.5


def test_a_gumbel_root_refuses_an_empty_budget_and_bad_settings():
    with pytest.raises(ValueError, match="at least one simulation"):
        GumbelRoot([(1, 1.0, 0, float("nan"))], 0, GumbelConfig(), None, 0.0)
    with pytest.raises(ValueError, match="considered_moves"):
        GumbelConfig(considered_moves=0)
