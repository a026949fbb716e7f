"""What the engine says it plays with (``tengen gtp`` logs it at start): the player kind and the
network files it will load, configured or bundled."""
from __future__ import annotations

import pytest

from gtp import player
from gtp.config import EngineConfig
from gtp.player import describe


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


@pytest.mark.skipif(not player.BUNDLED_POLICY.is_file() or not player.BUNDLED_VALUE.is_file(),
                    reason="no bundled weights")
def test_bundled_weights_are_named():
    assert describe(EngineConfig()) == f"MCTS with networks {player.BUNDLED_POLICY} and {player.BUNDLED_VALUE}"
