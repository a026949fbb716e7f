"""search_many when one game's node pool fills: that game stops at what its pool holds, the
others go on to the visits asked for."""
from __future__ import annotations

from gogame.game import GameState
from gogame.rules import Rules
from nets.evaluator import UniformEvaluator
from search.mcts import MCTS, SearchConfig, search_many


def test_a_full_pool_stops_only_its_own_game():
    evaluator = UniformEvaluator()
    small = MCTS(evaluator, SearchConfig(node_limit=16, batch_size=1, rollout_weight=0.0, edges_per_node=26))
    large = MCTS(evaluator, SearchConfig(node_limit=4096, batch_size=1, rollout_weight=0.0, edges_per_node=26))
    results = search_many([small, large], [GameState(5, Rules(komi=0.5)), GameState(5, Rules(komi=0.5))], visits=40)
    nodes = int(small.tree.counts[0])
    assert nodes == 16 and results[0].visits == nodes - 1  # one node per simulation, the root aside
    assert results[1].visits == 40
    assert not small.tree.vloss[:nodes].any()  # no simulation left pending
