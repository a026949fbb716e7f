"""MCTS progress snapshots (what analysis streams show): results for the position searched,
their visits growing up to the final result's."""
from __future__ import annotations

from gogame.game import GameState
from gogame.rules import Rules
from nets.evaluator import UniformEvaluator
from search.mcts import MCTS, SearchConfig
from search.result import SearchLimits


def test_progress_snapshots_are_results_of_the_search_so_far():
    game = GameState(5, Rules(komi=0.5))
    game.play(game.legal_moves()[6])
    search = MCTS(UniformEvaluator(), SearchConfig(batch_size=4, rollout_weight=0.0, node_limit=4096, edges_per_node=26))
    snapshots = []
    result = search.search(game, SearchLimits(visits=40), on_progress=snapshots.append, progress_interval=0.0)
    assert len(snapshots) == 10  # one per batch of 4
    assert [s.visits for s in snapshots] == list(range(4, 41, 4)) and snapshots[-1].visits == result.visits == 40
    assert all(s.to_move == game.to_move and s.moves for s in snapshots)
