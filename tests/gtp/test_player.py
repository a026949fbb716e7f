"""What the engine plays with: the searcher built from its settings (flat Monte Carlo, the MCTS
with the bundled networks and their settings, the MCTS with rollouts when no weights exist) and
what ``tengen gtp`` says about it at start."""
from __future__ import annotations

import pytest

from gtp import player
from gtp.config import EngineConfig
from gtp.engine import GtpEngine
from gtp.player import build_searcher, describe, resolve_weights
from gtp.protocol import parse
from nets.evaluator import RolloutEvaluator
from search.flat import FlatMonteCarlo
from search.mcts import MCTS

BUNDLED = player.BUNDLED_POLICY.is_file() and player.BUNDLED_VALUE.is_file() and player.BUNDLED_RL_POLICY.is_file()
needs_bundled = pytest.mark.skipif(not BUNDLED, reason="no bundled weights")


@pytest.fixture
def nothing_bundled(tmp_path, monkeypatch):
    for name in ("BUNDLED_POLICY", "BUNDLED_RL_POLICY", "BUNDLED_VALUE", "BUNDLED_ROLLOUT"):
        monkeypatch.setattr(player, name, tmp_path / f"missing-{name}.safetensors")


def test_flat_player_is_named_whatever_weights_exist():
    assert describe(EngineConfig(player="flat")) == "flat Monte Carlo player"
    assert describe(EngineConfig(player="flat", weights="p.safetensors")) == "flat Monte Carlo player"


def test_configured_weights_are_named():
    assert describe(EngineConfig(weights="p.safetensors")) == "MCTS with networks p.safetensors"
    assert (describe(EngineConfig(weights="p.safetensors", value_weights="v.safetensors"))
            == "MCTS with networks p.safetensors and v.safetensors")
    assert (describe(EngineConfig(player="policy", weights="p.safetensors"))
            == "policy network p.safetensors alone (no search)")


def test_without_any_weights_the_search_uses_rollouts(nothing_bundled):
    assert describe(EngineConfig()) == "MCTS with rollouts (no network weights)"
    assert describe(EngineConfig(player="flat")) == "flat Monte Carlo player"


@needs_bundled
def test_bundled_weights_are_named():
    assert describe(EngineConfig()) == f"MCTS with networks {player.BUNDLED_POLICY} and {player.BUNDLED_VALUE}"


def test_the_flat_player_is_flat_monte_carlo():
    assert isinstance(build_searcher(EngineConfig(boardsize=9, player="flat")), FlatMonteCarlo)


def test_without_any_weights_the_engine_searches_with_rollouts(nothing_bundled):
    engine = GtpEngine(EngineConfig(boardsize=5, visits=60, seed=3))
    assert isinstance(engine.searcher, MCTS) and isinstance(engine.searcher.evaluator, RolloutEvaluator)
    out: list[str] = []
    engine.execute(parse("genmove b"), out.append)
    assert out[0].startswith("= ") and len(engine.game.moves) == 1


@needs_bundled
def test_the_bundled_networks_are_searched_with_the_configured_settings():
    config = EngineConfig(boardsize=9, device="cpu", rollout_weight=0.25, node_limit=5000, batch_size=4)
    searcher = build_searcher(config)
    assert isinstance(searcher, MCTS) and searcher.evaluator.has_value
    assert (searcher.config.rollout_weight, searcher.config.node_limit, searcher.config.batch_size) == (0.25, 5000, 4)
    # the value network learned 9x9 games at komi 7.5: elsewhere the rollouts value alone
    assert searcher.evaluator.value_applies(9, 7.5)
    assert not searcher.evaluator.value_applies(19, 7.5) and not searcher.evaluator.value_applies(9, 6.5)


@needs_bundled
def test_without_a_value_network_the_rollouts_value_every_position(monkeypatch, tmp_path):
    monkeypatch.setattr(player, "BUNDLED_VALUE", tmp_path / "absent.safetensors")
    assert resolve_weights(EngineConfig()) == (str(player.BUNDLED_POLICY), None)
    assert resolve_weights(EngineConfig(player="policy")) == (str(player.BUNDLED_RL_POLICY), None)
    searcher = build_searcher(EngineConfig(boardsize=9, device="cpu", rollout_weight=0.25))
    assert not searcher.evaluator.has_value and searcher.config.rollout_weight == 1.0


@needs_bundled
def test_a_value_network_given_as_the_policy_is_refused():
    with pytest.raises(ValueError, match="a value network cannot be the policy"):
        build_searcher(EngineConfig(boardsize=9, device="cpu", weights=str(player.BUNDLED_VALUE)))


@needs_bundled
def test_the_policy_player_does_not_load_the_rollout_policy(tmp_path):
    config = EngineConfig(boardsize=9, device="cpu", player="policy", rollout_weights=str(tmp_path / "absent.safetensors"))
    build_searcher(config)  # the file is for the search's rollouts; the policy player has none
    with pytest.raises(ValueError):
        build_searcher(EngineConfig(boardsize=9, device="cpu", rollout_weights=str(tmp_path / "absent.safetensors")))


@needs_bundled
def test_the_policy_player_plays_its_network_within_the_value_networks_scope():
    engine = GtpEngine(EngineConfig(boardsize=9, device="cpu", player="policy", policy_temperature=0))
    out: list[str] = []
    engine.execute(parse("genmove b"), out.append)
    assert out[0].startswith("= ") and len(engine.game.moves) == 1
    evaluator = engine.searcher.evaluator
    assert evaluator.value_applies(9, 7.5)
    assert not evaluator.value_applies(19, 7.5) and not evaluator.value_applies(9, 6.5)
