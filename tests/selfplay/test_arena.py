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


import pytest  # noqa: E402


@pytest.mark.parametrize("changes", [{"games": 0}, {"visits": 0}, {"opening_moves": -1}, {"max_moves": -1}])
def test_bad_settings_are_refused(changes):
    with pytest.raises(ValueError, match="bad arena settings"):
        ArenaConfig(**changes)
    assert ArenaConfig(games=1, visits=1, opening_moves=0, max_moves=0)  # each at its bound is fine


def test_games_follow_the_settings_and_are_seeded(monkeypatch):
    import selfplay.arena as arena

    finished = []
    real = arena.final_targets

    def recording(game, playouts, seed):
        finished.append((game.size, game.komi, len(game.moves), playouts, seed))
        return real(game, playouts, seed)

    monkeypatch.setattr(arena, "final_targets", recording)
    config = ArenaConfig(games=3, visits=8, size=5, komi=-2.5, opening_moves=3, max_moves=4, ownership_playouts=20,
                         seed=7)
    scores = play_arena(UniformEvaluator(), UniformEvaluator(), config)
    assert len(scores) == 3 and set(scores) <= {0.0, 0.5, 1.0}
    # three random opening moves, then searched moves up to max_moves: 4 moves in all
    assert finished == [(5, -2.5, 4, 20, 7 + number) for number in range(3)]
    unlimited = ArenaConfig(games=1, visits=4, size=5, komi=0.5, opening_moves=0, ownership_playouts=20)
    play_arena(UniformEvaluator(), UniformEvaluator(), unlimited)
    assert 4 < finished[-1][2] <= 3 * 25  # max_moves 0: 3 * size * size, the game ends before
    assert play_arena(UniformEvaluator(), UniformEvaluator(), config) == scores  # the games are seeded
