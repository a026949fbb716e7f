"""The raw policy player: the most probable legal move at temperature 0, draws that follow the
network's distribution at temperature 1, never its own eye, pass only when nothing is left; and
through GTP with ``--set player=policy``."""
from __future__ import annotations

import numpy as np
import pytest

from gogame.board_nb import BLACK
from gogame.coords import from_gtp, to_policy_index
from gogame.game import GameState
from gogame.rules import Rules
from nets.config import NetConfig
from nets.torch_evaluator import TorchEvaluator
from nets.models import build_network
from search.policy_player import PolicyPlayer, PolicyPlayerConfig
from search.result import SearchLimits
from tests.gogame.test_fixtures import ONLY_OWN_EYES, game_from


class FixedPriors:
    """An evaluator whose priors are given per policy index (the same for every position)."""

    has_value = False

    def __init__(self, priors: np.ndarray) -> None:
        self.priors = priors.astype(np.float32)

    def evaluate_batch(self, batch):
        return np.tile(self.priors, (len(batch), 1)), np.zeros(len(batch), np.float32)

    def value_applies(self, size: int, komi: float) -> bool:
        return True


def priors_on(size: int, weights: dict[str, float]) -> np.ndarray:
    priors = np.zeros(size * size + 1)
    for vertex, weight in weights.items():
        index = size * size if vertex == "pass" else to_policy_index(from_gtp(vertex, size), size)
        priors[index] = weight
    return priors


def test_temperature_zero_plays_the_most_probable_legal_move():
    game = GameState(5, Rules(komi=0.5))
    game.play(from_gtp("C3", 5), BLACK)
    # C3 is occupied and pass is never chosen while moves are left: the best legal move is B2
    player = PolicyPlayer(FixedPriors(priors_on(5, {"C3": 0.6, "pass": 0.3, "B2": 0.07, "D4": 0.03})),
                          PolicyPlayerConfig(temperature=0))
    reports = []
    result = player.search(game, SearchLimits(), on_progress=reports.append)
    assert reports == [result]  # an analysis stream gets the network's view
    assert result.best.move == from_gtp("B2", 5)
    assert [m.move for m in result.moves][:2] == [from_gtp("B2", 5), from_gtp("D4", 5)]


def test_sampling_follows_the_distribution_over_legal_moves():
    game = GameState(5, Rules(komi=0.5))
    player = PolicyPlayer(FixedPriors(priors_on(5, {"A1": 0.6, "E5": 0.3, "C3": 0.1})), PolicyPlayerConfig(temperature=1, seed=3))
    draws = [player.search(game, SearchLimits()).best.move for _ in range(3000)]
    shares = {v: draws.count(from_gtp(v, 5)) / len(draws) for v in ("A1", "E5", "C3")}
    assert shares["A1"] == pytest.approx(0.6, abs=0.04)
    assert shares["E5"] == pytest.approx(0.3, abs=0.04)
    assert shares["C3"] == pytest.approx(0.1, abs=0.03)


def test_never_fills_its_own_eye_and_passes_when_nothing_is_left():
    game = game_from(ONLY_OWN_EYES)
    # every empty point is Black's own eye: the only move left is to pass
    player = PolicyPlayer(FixedPriors(priors_on(5, {"A5": 0.9, "C5": 0.05, "pass": 0.05})), PolicyPlayerConfig(temperature=0))
    result = player.search(game, SearchLimits())
    assert result.moves == [] and result.best is None


def test_a_real_network_gives_a_legal_move_and_no_value_without_a_value_net():
    policy = build_network(NetConfig(kind="policy", filters=8, layers=2))
    player = PolicyPlayer(TorchEvaluator(policy, device="cpu", symmetry="none", cache_size=0), PolicyPlayerConfig(seed=1))
    game = GameState(9)
    for _ in range(30):
        move = player.search(game, SearchLimits()).best.move
        assert game.is_legal(move)
        game.play(move)
    assert player.search(game, SearchLimits()).winrate == 0.5


def test_bad_temperature_is_refused():
    with pytest.raises(ValueError, match="temperature"):
        PolicyPlayer(FixedPriors(np.ones(26)), PolicyPlayerConfig(temperature=-1))


def test_the_engine_builds_the_policy_player_from_its_settings(monkeypatch, tmp_path):
    from tengen import wiring as player_module
    from tests.gtp.engines import config as make_config

    config = make_config({"boardsize": 9, "player": "policy", "policy.temperature": 0, "nets.device": "cpu"})
    searcher = player_module.build_searcher(config)
    assert isinstance(searcher, PolicyPlayer) and searcher.config.temperature == 0
    # the raw player plays the bundled RL policy; the search takes the SL policy's priors
    assert player_module.resolve_weights(config)[0] == str(player_module.BUNDLED_RL_POLICY)
    assert player_module.resolve_weights(make_config({"boardsize": 9}))[0] == str(player_module.BUNDLED_POLICY)
    monkeypatch.setattr(player_module, "BUNDLED_POLICY", tmp_path / "absent.safetensors")
    monkeypatch.setattr(player_module, "BUNDLED_RL_POLICY", tmp_path / "absent-rl.safetensors")
    with pytest.raises(ValueError, match="player=policy needs policy weights"):
        player_module.build_searcher(make_config({"boardsize": 9, "player": "policy", "nets.device": "cpu"}))
    with pytest.raises(ValueError, match="policy.temperature"):
        make_config({"player": "policy", "policy.temperature": -0.5})


class FixedPriorsAndValue(FixedPriors):
    """FixedPriors with a value head: every position is valued ``value`` (-1..1, side to move)."""

    has_value = True

    def __init__(self, priors: np.ndarray, value: float) -> None:
        super().__init__(priors)
        self.value = value

    def evaluate_batch(self, batch):
        priors, values = super().evaluate_batch(batch)
        return priors, np.full(len(batch), self.value, np.float32)


def test_the_result_lists_the_candidates_with_their_share_of_the_legal_moves_prior():
    game = GameState(5, Rules(komi=0.5))
    game.play(from_gtp("C3", 5), BLACK)
    # C3 is occupied and pass is left out: B2 and D4 share the legal prior 3 to 1
    evaluator = FixedPriorsAndValue(priors_on(5, {"C3": 0.5, "B2": 0.3, "D4": 0.1, "pass": 0.1}), value=0.2)
    result = PolicyPlayer(evaluator, PolicyPlayerConfig(temperature=0, shown=3)).search(game, SearchLimits())
    assert result.to_move == game.to_move and result.visits == 1 and result.winrate == pytest.approx(0.6)
    assert result.seconds >= 0 and result.ownership is None
    moves = result.moves
    assert len(moves) == 3 and [m.move for m in moves[:2]] == [from_gtp("B2", 5), from_gtp("D4", 5)]
    assert [m.prior for m in moves] == pytest.approx([0.75, 0.25, 0.0])
    assert [m.visits for m in moves] == [1, 0, 0]  # the move played is the one "visited"
    assert all(m.winrate == pytest.approx(0.6) and m.lcb == pytest.approx(0.6) for m in moves)
    assert [m.pv for m in moves] == [[m.move] for m in moves]


def test_a_sampled_move_comes_first_with_the_only_visit():
    game = GameState(5, Rules(komi=0.5))
    player = PolicyPlayer(FixedPriors(priors_on(5, {"A1": 0.5, "E5": 0.5})), PolicyPlayerConfig(temperature=1, seed=0, shown=2))
    firsts = set()
    for _ in range(40):
        result = player.search(game, SearchLimits())
        assert [m.visits for m in result.moves] == [1, 0]
        assert {m.move for m in result.moves} == {from_gtp("A1", 5), from_gtp("E5", 5)}
        firsts.add(result.best.move)
    assert firsts == {from_gtp("A1", 5), from_gtp("E5", 5)}


def test_passing_is_a_result_without_moves_or_visits_but_with_the_value():
    game = game_from(ONLY_OWN_EYES)
    result = PolicyPlayer(FixedPriorsAndValue(priors_on(5, {"A5": 1.0}), value=-0.5),
                          PolicyPlayerConfig(temperature=0)).search(game, SearchLimits())
    assert result.moves == [] and result.visits == 0
    assert result.winrate == pytest.approx(0.25)
    assert isinstance(result.seconds, float) and result.seconds >= 0


def test_warm_up_runs_the_network_once():
    calls = []

    class Counting(FixedPriors):
        def evaluate_batch(self, batch):
            calls.append(len(batch))
            return super().evaluate_batch(batch)

    player = PolicyPlayer(Counting(np.ones(82)), PolicyPlayerConfig(seed=0))
    player.warm_up()
    assert calls == [1]
