"""The RL stage learns in the right direction, with the right weights: ``play_lockstep`` is replaced
by scripted trajectories (a move that always wins, one that always loses, from the same position),
so one iteration of ``train_rl`` must make the winning move likelier and the losing one rarer, the
logged policy loss must be exactly -sum_t G_t log pi(a_t|s_t) / games with the G_t of the chosen
estimator at ``config.gamma`` and ``config.n_step``, and the critic must move toward the outcomes."""
from __future__ import annotations

import copy
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F

import training.reinforce as reinforce
from common.settings import apply_settings
from gogame.board_nb import BLACK, WHITE
from gogame.coords import from_policy_index
from gogame.features import FEATURES_ALPHAGO_49
from gogame.game import GameState
from gogame.rules import Rules
from nets.checkpoint import CheckpointInfo, load_checkpoint, save_checkpoint
from nets.config import NetConfig
from nets.models import build_network
from selfplay.lockstep import Trajectory
from training.reinforce import RLConfig, train_rl
from training.sections import Game

SIZE = 5
WINS, LOSES = 6, 18  # policy indices: (1, 1) always wins, (3, 3) always loses


@pytest.fixture(scope="module")
def sl_checkpoint(tmp_path_factory):
    torch.manual_seed(0)
    config = NetConfig(filters=8, layers=2)
    path = tmp_path_factory.mktemp("sl") / "policy.safetensors"
    save_checkpoint(path, build_network(config), CheckpointInfo(config, (SIZE,)))
    return path


def position(*moves: int) -> GameState:
    """The game after ``moves`` (policy indices) from the empty 5x5 board."""
    game = GameState(SIZE, Rules(ko="simple", komi=0.5))
    for move in moves:
        game.play(from_policy_index(move, SIZE))
    return game


def trajectory(steps: list[tuple[GameState, int]], outcome: float) -> Trajectory:
    """What play_lockstep records: alphago49 planes (bit-packed), actions, candidate masks, outcome."""
    recorded = Trajectory(outcome=outcome)
    for game, action in steps:
        recorded.planes.append(np.packbits(FEATURES_ALPHAGO_49.extract(game).astype(bool)))
        recorded.actions.append(action)
        recorded.masks.append(game.candidate_mask())
    return recorded


class ScoredGame:
    """An evaluation game: train_rl's win_rate reads only its score."""

    def __init__(self, margin: float) -> None:
        self.margin = margin

    def score(self):
        return SimpleNamespace(margin=self.margin)


def script_lockstep(monkeypatch, trajectories: list[Trajectory], margin: float = 1.0) -> list:
    """Replace play_lockstep: the learner's recorded games (as Black) are ``trajectories``, every
    evaluation game ends with ``margin``. Returns the record of calls (record_color, count)."""
    calls = []

    def play(players, count, size, komi, device, rng, record_color=None, **options):
        calls.append((record_color, count))
        if record_color is None:
            return [ScoredGame(margin) for _ in range(count)], []
        return [], copy.deepcopy(trajectories) if record_color == BLACK else []

    monkeypatch.setattr(reinforce, "play_lockstep", play)
    return calls


def tiny(sl, out, **changes) -> RLConfig:
    return apply_settings(RLConfig(), {
        "sl": str(sl), "out": str(out), "game.size": SIZE, "game.komi": 0.5, "iterations": 1, "games_per_iteration": 2,
        "pool_every": 10, "eval_every": 10, "eval_games": 2, "critic.filters": 8, "critic.layers": 2,
        "optimizer.learning_rate": 0.05, "device": "cpu", **changes})


def policy(path, game: GameState) -> np.ndarray:
    """The checkpoint's move probabilities in ``game`` over its candidate moves."""
    model = load_checkpoint(path)[0]
    planes = torch.from_numpy(FEATURES_ALPHAGO_49.extract(game)[None, :48])
    with torch.no_grad():
        logits = model(planes).masked_fill(~torch.from_numpy(game.candidate_mask())[None], -1e9)
    return F.softmax(logits, dim=1)[0].numpy()


@pytest.mark.parametrize("estimator", ["reinforce", "baseline", "advantage", "actor_critic", "nstep"])
def test_one_iteration_makes_the_winning_move_likelier_and_the_losing_move_rarer(sl_checkpoint, tmp_path, monkeypatch,
                                                                                estimator):
    start = position()
    played = [trajectory([(start, WINS)], +1.0), trajectory([(start, LOSES)], -1.0)] * 2
    calls = script_lockstep(monkeypatch, played)
    row = train_rl(tiny(sl_checkpoint, tmp_path, estimator=estimator))
    assert (BLACK, 1) in calls and (WHITE, 1) in calls  # games_per_iteration split between the colours
    before, after = policy(sl_checkpoint, start), policy(tmp_path / "policy.safetensors", start)
    assert after[WINS] > before[WINS] * 1.02, (before[WINS], after[WINS])
    assert after[LOSES] < before[LOSES] * 0.98, (before[LOSES], after[LOSES])
    assert row["train_win_rate"] == 0.5  # two of the four recorded games won
    assert (row["value_loss"] > 0) == (estimator != "reinforce")


class KnownCritic(nn.Module):
    """V(s) = 0.1 * stones on the board + 0.2, so V differs at every step of a trajectory."""

    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.tensor(0.1))
        self.offset = nn.Parameter(torch.tensor(0.2))

    def forward(self, planes: torch.Tensor) -> torch.Tensor:
        return self.scale * planes[:, 0:2].sum(dim=(1, 2, 3)) + self.offset


def expected_weights(kind: str, outcome: float, values: list[float], gamma: float) -> list[float]:
    """G_t by hand for a 3-move game rewarded at its end, V(s_3) = 0, n-step with n = 2."""
    z, (v0, v1, v2), v3 = outcome, values, 0.0
    return {
        "reinforce": [gamma ** 2 * z, gamma * z, z],
        "baseline": [gamma ** 2 * z - v0, gamma * z - v1, z - v2],
        "actor_critic": [gamma * v1, gamma * v2, z + gamma * v3],
        "advantage": [gamma * v1 - v0, gamma * v2 - v1, z + gamma * v3 - v2],
        "nstep": [gamma ** 2 * v2 - v0, gamma * z + gamma ** 2 * v3 - v1, z + gamma * v3 - v2],
    }[kind]


@pytest.mark.parametrize("estimator", ["reinforce", "baseline", "actor_critic", "advantage", "nstep"])
@pytest.mark.parametrize("gamma", [0.5, 0.9])
def test_the_policy_loss_uses_the_estimators_weights_at_the_configured_gamma(sl_checkpoint, tmp_path, monkeypatch,
                                                                             estimator, gamma):
    # the learner plays Black at 6, 8 and 16; White answers at 18 and 12 (0, 2, 4 stones on the board)
    steps = [(position(), 6), (position(6, 18), 8), (position(6, 18, 8, 12), 16)]
    won, lost = trajectory(steps, +1.0), trajectory(steps, -1.0)
    script_lockstep(monkeypatch, [won, lost, won])
    critics = []

    def build(config):
        if config.kind == "value":
            critics.append(KnownCritic())
            return critics[-1]
        return build_network(config)

    monkeypatch.setattr(reinforce, "build_network", build)
    row = train_rl(tiny(sl_checkpoint, tmp_path, estimator=estimator, gamma=gamma, n_step=2))
    assert len(critics) == 1
    log_probs = [np.log(policy(sl_checkpoint, game)[action]) for game, action in steps]
    values = [0.2, 0.4, 0.6]
    total = sum(np.dot(expected_weights(estimator, z, values, gamma), log_probs) for z in (1.0, -1.0, 1.0))
    assert row["policy_loss"] == pytest.approx(-total / 3, abs=2e-5)
    assert row["train_win_rate"] == pytest.approx(2 / 3, abs=1e-4)


def test_the_critic_learns_the_outcomes(sl_checkpoint, tmp_path, monkeypatch):
    black, white = position(), position(12)  # Black to move, then White to move: plane 48 tells them apart
    played = [trajectory([(black, 6)], +1.0), trajectory([(white, 6)], -1.0)] * 2
    script_lockstep(monkeypatch, played)
    critics = []

    def build(config):
        network = build_network(config)
        if config.kind == "value":
            critics.append(network)
        return network

    monkeypatch.setattr(reinforce, "build_network", build)
    train_rl(tiny(sl_checkpoint, tmp_path, estimator="baseline", iterations=10,
                  **{"critic_optimizer.learning_rate": 0.1}))
    planes = torch.from_numpy(np.stack([FEATURES_ALPHAGO_49.extract(g) for g in (black, white)]))
    with torch.no_grad():
        values = critics[0](planes).numpy()
    # Monte Carlo regression on the outcomes: the won position near +1, the lost one near -1
    assert np.abs(values - [1.0, -1.0]).max() < 0.5, values


def test_win_rate_credits_the_learner_by_its_colour(monkeypatch):
    """Half the games with the learner as Black, half as White; a game is won by the side its
    margin (Black minus White) favours, a tie counts half."""
    margins = {BLACK: [2.0, -1.0, 0.0, 5.0], WHITE: [-2.0, -4.0, -1.0, 0.0]}  # learner's wins: 2.5 as Black, 3.5 as White
    seen = []

    def play(players, count, size, komi, device, rng, **options):
        learner_color = BLACK if players[BLACK] == "learner" else WHITE
        assert players[3 - learner_color] == "opponent"
        seen.append((learner_color, count))
        return [ScoredGame(m) for m in margins[learner_color][:count]], []

    monkeypatch.setattr(reinforce, "play_lockstep", play)
    config = RLConfig(game=Game(size=SIZE))
    assert reinforce.win_rate("learner", "opponent", 8, config, "cpu", None) == pytest.approx(6 / 8)
    assert seen == [(BLACK, 4), (WHITE, 4)]
