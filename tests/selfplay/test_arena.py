"""Evaluation games between two evaluators: colours alternate, every game is counted once, and a
player that knows the position beats one that plays blind."""
from __future__ import annotations

from nets.evaluator import RolloutEvaluator, UniformEvaluator
from selfplay.arena import ArenaConfig, play_arena


def test_a_player_with_rollouts_beats_one_without_and_colours_alternate():
    config = ArenaConfig(games=6, visits=48, size=5, komi=0.5, opening_moves=1, ownership_playouts=50)
    scores = play_arena(RolloutEvaluator(seed=1), UniformEvaluator(), config)
    assert len(scores) == 6 and set(scores) <= {0.0, 0.5, 1.0}
    assert sum(scores) >= 5  # playouts against a search that values nothing
    reverse = play_arena(UniformEvaluator(), RolloutEvaluator(seed=1), config)
    assert sum(reverse) <= 1
