"""Games played in lockstep by two networks: each colour's moves come from its own network (at
temperature 0, its best candidate), the recorded trajectories are the recording colour's positions,
moves and candidate masks, and a game stops at two passes or at the move limit (2 * size * size
unless ``max_moves`` says otherwise)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from gogame.board_nb import BLACK, WHITE
from gogame.coords import PASS, from_policy_index, to_policy_index
from gogame.features import feature_set
from gogame.game import GameState
from gogame.rules import Rules
from nets.config import NetConfig
from nets.models import build_network
from selfplay.lockstep import outcome_for, play_lockstep, sample_moves

SIZE = 5
CPU = torch.device("cpu")


class Scripted(torch.nn.Module):
    """A policy network whose logits are the same in every position."""

    def __init__(self, logits: torch.Tensor, feature_set_name: str = "alphago48") -> None:
        super().__init__()
        self.config = NetConfig(feature_set=feature_set_name)
        self.logits = logits

    def forward(self, planes: torch.Tensor) -> torch.Tensor:
        return self.logits.expand(len(planes), -1)


LOWEST = Scripted(-torch.arange(SIZE * SIZE + 1.0))  # plays its candidate with the lowest index
HIGHEST = Scripted(torch.arange(SIZE * SIZE + 1.0))  # the highest (pass is a candidate only when alone)


def chosen(game: GameState, prefer_lowest: bool) -> int:
    candidates = np.flatnonzero(game.candidate_mask())
    return int(candidates[0] if prefer_lowest else candidates[-1])


@pytest.mark.parametrize("record_color", [BLACK, WHITE])
def test_each_colour_plays_its_own_network_and_the_recorded_side_is_kept(record_color):
    games, trajectories = play_lockstep({BLACK: LOWEST, WHITE: HIGHEST}, 3, SIZE, 0.5, CPU, np.random.default_rng(0),
                                        record_color=record_color, temperature=0.0, max_moves=6)
    features = feature_set("alphago48")
    for game, trajectory in zip(games, trajectories):
        assert [m.color for m in game.moves] == [BLACK, WHITE] * 3
        replay = GameState(SIZE, Rules(ko="simple", komi=0.5))
        expected_planes, expected_actions, expected_masks = [], [], []
        for move in game.moves:
            action = chosen(replay, prefer_lowest=move.color == BLACK)
            assert to_policy_index(move.point, SIZE) == action
            if move.color == record_color:
                expected_planes.append(np.packbits(features.extract(replay).astype(bool)))
                expected_actions.append(action)
                expected_masks.append(replay.candidate_mask())
            replay.play(from_policy_index(action, SIZE) if action < SIZE * SIZE else PASS)
        assert trajectory.actions == expected_actions and len(expected_actions) == 3
        assert all(np.array_equal(a, b) for a, b in zip(trajectory.planes, expected_planes))
        assert all(np.array_equal(a, b) for a, b in zip(trajectory.masks, expected_masks))
        assert trajectory.outcome == outcome_for(game, record_color)
    nothing = play_lockstep({BLACK: LOWEST, WHITE: HIGHEST}, 2, SIZE, 0.5, CPU, np.random.default_rng(0),
                            temperature=0.0, max_moves=2)[1]
    assert [t.actions for t in nothing] == [[], []]  # no recording colour: empty trajectories


def test_recorded_planes_can_use_another_feature_set():
    _, trajectories = play_lockstep({BLACK: LOWEST, WHITE: HIGHEST}, 1, SIZE, 0.5, CPU, np.random.default_rng(0),
                                    record_color=WHITE, temperature=0.0, max_moves=4, record_features="alphago49")
    replay = GameState(SIZE, Rules(ko="simple", komi=0.5))
    replay.play(from_policy_index(0, SIZE))
    expected = np.packbits(feature_set("alphago49").extract(replay).astype(bool))
    assert np.array_equal(trajectories[0].planes[0], expected)


def test_a_game_ends_at_two_passes_or_at_twice_the_points_of_the_board():
    torch.manual_seed(0)
    black, white = build_network(NetConfig(filters=8, layers=2)), build_network(NetConfig(filters=8, layers=2))
    games, _ = play_lockstep({BLACK: black, WHITE: white}, 48, 4, 0.5, CPU, np.random.default_rng(1), temperature=2.0)
    assert all(g.is_over or len(g.moves) == 32 for g in games)
    assert max(len(g.moves) for g in games) == 32 and not all(g.is_over for g in games)
    assert all(g.moves[-1].point == PASS and g.moves[-2].point == PASS for g in games if g.is_over)


def frequencies(choices: np.ndarray, columns: int) -> np.ndarray:
    return np.bincount(choices, minlength=columns) / len(choices)


def test_moves_are_drawn_from_the_softmax_at_the_temperature():
    rows = 20_000
    logits = np.tile(np.log([1.0, 3.0, 6.0, 100.0]), (rows, 1))
    masks = np.tile([True, True, True, False], (rows, 1))  # the last is no candidate, however likely
    rng = np.random.default_rng(0)
    assert frequencies(sample_moves(logits, masks, rng, 1.0), 4) == pytest.approx([0.1, 0.3, 0.6, 0.0], abs=0.015)
    sharper = np.array([1.0, 9.0, 36.0]) / 46.0  # p ** 2 at temperature 0.5
    assert frequencies(sample_moves(logits, masks, rng, 0.5), 4)[:3] == pytest.approx(sharper, abs=0.015)
    assert sample_moves(logits[:3], masks[:3], rng, 0.0).tolist() == [2, 2, 2]  # the best candidate


def test_each_row_is_drawn_from_its_own_softmax_whatever_the_scale_of_the_others():
    rows = 10_000
    logits = np.concatenate([np.tile([1000.0, 1001.0], (rows, 1)), np.tile([0.0, 1.0], (rows, 1))])
    choices = sample_moves(logits, np.ones_like(logits, bool), np.random.default_rng(1), 1.0)
    likelier = np.e / (1 + np.e)
    assert choices[:rows].mean() == pytest.approx(likelier, abs=0.02)
    assert choices[rows:].mean() == pytest.approx(likelier, abs=0.02)
