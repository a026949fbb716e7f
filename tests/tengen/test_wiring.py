"""What the engine plays with: the searcher built from its settings (flat Monte Carlo, the MCTS
with the bundled networks and their settings, the MCTS with rollouts when no weights exist) and
what ``tengen gtp`` says about it at start."""
from __future__ import annotations

import numpy as np
import pytest

from tengen import wiring as player
from gtp.config import EngineConfig
from tests.gtp.engines import config as make_config, engine as make_engine
from tengen.wiring import bench_evaluator, build_engine, build_searcher, describe, resolve_weights
from gtp.protocol import parse
from nets.evaluator import RolloutEvaluator, UniformEvaluator
from nets.rollout_policy import RolloutPolicy
from search.flat import FlatMonteCarlo
from search.mcts import MCTS
from search.result import SearchLimits
from gogame.game import GameState

BUNDLED = player.BUNDLED_POLICY.is_file() and player.BUNDLED_VALUE.is_file() and player.BUNDLED_RL_POLICY.is_file()
needs_bundled = pytest.mark.skipif(not BUNDLED, reason="no bundled weights")


@pytest.fixture
def nothing_bundled(tmp_path, monkeypatch):
    for name in ("BUNDLED_POLICY", "BUNDLED_RL_POLICY", "BUNDLED_VALUE", "BUNDLED_ROLLOUT"):
        monkeypatch.setattr(player, name, tmp_path / f"missing-{name}.safetensors")


def test_flat_player_is_named_whatever_weights_exist():
    assert describe(make_config({"player": "flat"})) == "flat Monte Carlo player"
    assert describe(make_config({"player": "flat", "nets.weights": "p.safetensors"})) == "flat Monte Carlo player"


def test_configured_weights_are_named():
    assert describe(make_config({"nets.weights": "p.safetensors"})) == "MCTS with networks p.safetensors"
    assert (describe(make_config({"nets.weights": "p.safetensors", "nets.value_weights": "v.safetensors"}))
            == "MCTS with networks p.safetensors and v.safetensors")
    assert (describe(make_config({"player": "policy", "nets.weights": "p.safetensors"}))
            == "policy network p.safetensors alone (no search)")


def test_without_any_weights_the_search_uses_rollouts(nothing_bundled):
    assert describe(EngineConfig()) == "MCTS with rollouts (no network weights)"
    assert describe(make_config({"player": "flat"})) == "flat Monte Carlo player"


@needs_bundled
def test_bundled_weights_are_named():
    assert describe(EngineConfig()) == f"MCTS with networks {player.BUNDLED_POLICY} and {player.BUNDLED_VALUE}"


def test_the_flat_player_is_flat_monte_carlo():
    assert isinstance(build_searcher(make_config({"boardsize": 9, "player": "flat"})), FlatMonteCarlo)


def test_without_any_weights_the_engine_searches_with_rollouts(nothing_bundled):
    engine = make_engine({"boardsize": 5, "time.visits": 60, "seed": 3})
    assert isinstance(engine.searcher, MCTS) and isinstance(engine.searcher.evaluator, RolloutEvaluator)
    out: list[str] = []
    engine.execute(parse("genmove b"), out.append)
    assert out[0].startswith("= ") and len(engine.game.moves) == 1


@needs_bundled
def test_the_bundled_networks_are_searched_with_the_configured_settings():
    config = make_config({"boardsize": 9, "nets.device": "cpu", "search.rollout_weight": 0.25, "search.node_limit": 5000, "search.batch_size": 4})
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
    assert resolve_weights(make_config({"player": "policy"})) == (str(player.BUNDLED_RL_POLICY), None)
    searcher = build_searcher(make_config({"boardsize": 9, "nets.device": "cpu", "search.rollout_weight": 0.25}))
    assert not searcher.evaluator.has_value and searcher.config.rollout_weight == 1.0


@needs_bundled
def test_a_value_network_alone_goes_with_the_bundled_policy(tmp_path):
    config = make_config({"nets.value_weights": str(tmp_path / "mine.safetensors")})
    assert resolve_weights(config) == (str(player.BUNDLED_POLICY), str(tmp_path / "mine.safetensors"))
    with pytest.raises(ValueError, match="no such checkpoint file"):  # a missing file is said, not skipped
        build_searcher(make_config({"boardsize": 9, "nets.device": "cpu",
                                    "nets.value_weights": str(tmp_path / "mine.safetensors")}))


def test_a_value_network_alone_without_a_bundled_policy_is_refused(nothing_bundled, tmp_path):
    with pytest.raises(ValueError, match="nets.value_weights needs a policy network"):
        resolve_weights(make_config({"nets.value_weights": str(tmp_path / "v.safetensors")}))


@needs_bundled
def test_a_value_network_given_as_the_policy_is_refused():
    with pytest.raises(ValueError, match="a value network cannot be the policy"):
        build_searcher(make_config({"boardsize": 9, "nets.device": "cpu", "nets.weights": str(player.BUNDLED_VALUE)}))


@needs_bundled
def test_the_policy_player_does_not_load_the_rollout_policy(tmp_path):
    config = make_config({"boardsize": 9, "nets.device": "cpu", "player": "policy", "nets.rollout_weights": str(tmp_path / "absent.safetensors")})
    build_searcher(config)  # the file is for the search's rollouts; the policy player has none
    with pytest.raises(ValueError):
        build_searcher(make_config({"boardsize": 9, "nets.device": "cpu", "nets.rollout_weights": str(tmp_path / "absent.safetensors")}))


@needs_bundled
def test_the_policy_player_plays_its_network_within_the_value_networks_scope():
    engine = make_engine({"boardsize": 9, "nets.device": "cpu", "player": "policy", "policy.temperature": 0})
    out: list[str] = []
    engine.execute(parse("genmove b"), out.append)
    assert out[0].startswith("= ") and len(engine.game.moves) == 1
    evaluator = engine.searcher.evaluator
    assert evaluator.value_applies(9, 7.5)
    assert not evaluator.value_applies(19, 7.5) and not evaluator.value_applies(9, 6.5)


def cli_config(*options: str):
    """The engine settings ``tengen gtp OPTIONS`` would run with."""
    from tengen.cli import _engine_config, build_parser

    return _engine_config(build_parser().parse_args(["gtp", *options]))


SEARCH_CHANGES = {"c_puct": 2.0, "fpu_reduction": 0.05, "batch_size": 5, "rollout_weight": 0.25,
                  "dirichlet_alpha": 0.5, "dirichlet_epsilon": 0.25, "forced_playouts_k": 2.0, "node_limit": 5000,
                  "edges_per_node": 90, "reuse_tree": False}


def test_every_search_setting_is_named_here():
    from common.settings import known_keys
    from search.mcts import SearchConfig

    assert set(SEARCH_CHANGES) == set(known_keys(SearchConfig))


@needs_bundled
@pytest.mark.parametrize("name, value", SEARCH_CHANGES.items())
def test_a_search_setting_from_the_command_line_reaches_the_search(name, value):
    config = cli_config("--set", f"search.{name}={value}", "--device", "cpu", "--set", "boardsize=9")
    searcher = build_searcher(config)
    assert isinstance(searcher, MCTS) and getattr(searcher.config, name) == value
    others = {k: v for k, v in vars(searcher.config).items() if k not in (name, "seed")}
    assert others == {k: v for k, v in vars(config.search).items() if k not in (name, "seed")}


def test_the_search_without_networks_takes_its_own_settings(nothing_bundled):
    config = cli_config("--set", "rollout_search.c_puct=2.0", "--set", "rollout_search.batch_size=3",
                        "--set", "seed=7")
    searcher = build_searcher(config)
    assert (searcher.config.c_puct, searcher.config.batch_size, searcher.config.seed) == (2.0, 3, 7)
    assert build_searcher(cli_config("--set", "player=flat", "--set", "flat.exploration=0.3")).config.exploration == 0.3


def test_c_puct_changes_how_the_search_spreads_its_visits(nothing_bundled):
    """The same search at a small and a large exploration constant: the larger spreads its
    visits over more moves (PUCT's exploration term), so the setting is used, not just stored."""
    def moves_tried(c_puct: str) -> int:
        config = cli_config("--set", "boardsize=7", "--set", f"rollout_search.c_puct={c_puct}", "--set", "seed=1")
        result = build_searcher(config).search(GameState(7), SearchLimits(visits=200))
        return len(result.moves)

    assert moves_tried("0.05") < moves_tried("20")


@pytest.mark.parametrize("option, message", [
    ("search.c_puct=abc", "tengen: error: setting 'search.c_puct' expects a number, got 'abc'"),
    ("nosuch=1", "tengen: error: unknown setting 'nosuch': known settings are boardsize, rules, rules.ko"),
])
def test_a_bad_setting_on_the_command_line_is_an_error_naming_the_key(option, message, capsys):
    from tengen.cli import main

    assert main(["gtp", "--set", option]) == 2
    assert message in capsys.readouterr().err


def same_stream(rng: np.random.Generator, seed: int) -> bool:
    """Whether ``rng`` is a fresh generator seeded with ``seed`` (it is consumed by the check)."""
    return rng.integers(1 << 60, size=4).tolist() == np.random.default_rng(seed).integers(1 << 60, size=4).tolist()


@needs_bundled
def test_the_mcts_gets_the_networks_on_the_device_with_the_engine_seed_everywhere():
    searcher = build_searcher(make_config({"boardsize": 9, "nets.device": "cpu", "seed": 5}))
    evaluator = searcher.evaluator
    assert searcher.config.seed == 5 and same_stream(searcher.rng, 5) and same_stream(evaluator.rng, 5)
    assert (evaluator.device.type, evaluator.symmetry, evaluator.cache_size) == ("cpu", "random", 100_000)
    bundled = RolloutPolicy.load(player.BUNDLED_ROLLOUT).weights
    assert np.array_equal(searcher.policy_weights, bundled)  # the bundled rollout policy goes with the bundled nets


@needs_bundled
def test_the_policy_player_runs_its_network_plainly_with_the_engine_seed():
    searcher = build_searcher(make_config({"boardsize": 9, "nets.device": "cpu", "seed": 6, "player": "policy",
                                           "policy.shown": 3}))
    evaluator = searcher.evaluator
    assert (searcher.config.seed, searcher.config.shown) == (6, 3) and same_stream(searcher.rng, 6)
    assert (evaluator.device.type, evaluator.symmetry, evaluator.cache_size) == ("cpu", "none", 0)
    assert same_stream(evaluator.rng, 6)


def test_the_flat_player_gets_the_engine_seed():
    assert build_searcher(make_config({"player": "flat", "seed": 9})).config.seed == 9


@needs_bundled
def test_other_networks_do_not_take_the_bundled_rollout_policy(tmp_path):
    policy = str(player.BUNDLED_POLICY)
    searcher = build_searcher(make_config({"boardsize": 9, "nets.device": "cpu", "nets.weights": policy}))
    assert len(searcher.policy_weights) == 0  # capture-aware random rollouts


def test_a_rollout_policy_file_without_networks_values_by_its_rollouts(nothing_bundled, tmp_path):
    weights = np.linspace(-1, 1, RolloutPolicy().weights.shape[0])
    RolloutPolicy(weights).save(tmp_path / "rollout.safetensors")
    searcher = build_searcher(make_config({"nets.rollout_weights": str(tmp_path / "rollout.safetensors")}))
    assert isinstance(searcher.evaluator, UniformEvaluator) and searcher.config.rollout_weight == 1.0
    assert np.allclose(searcher.policy_weights, weights, atol=1e-6)  # stored as float32
    searcher = build_searcher(make_config({}))
    assert isinstance(searcher.evaluator, RolloutEvaluator) and len(searcher.policy_weights) == 0


def test_the_engine_gets_the_log():
    lines: list[str] = []
    engine = build_engine(make_config({"player": "flat", "boardsize": 9}), log=lines.append)
    engine.log("hello")
    assert lines == ["hello"]


def test_the_benchmark_evaluators():
    from nets.config import NetConfig

    evaluator, networks = bench_evaluator("network", None, None, "cpu", 3)
    assert [n.config for n in networks] == [NetConfig(kind="policy"), NetConfig(kind="value", feature_set="alphago49")]
    assert (evaluator.device.type, evaluator.symmetry, evaluator.cache_size) == ("cpu", "random", 0)
    assert same_stream(evaluator.rng, 3)
    assert isinstance(bench_evaluator("uniform", None, None, "cpu", 0)[0], UniformEvaluator)
    assert isinstance(bench_evaluator("rollout", None, None, "cpu", 0)[0], RolloutEvaluator)
    with pytest.raises(ValueError, match="unknown evaluator 'magic': expected network, uniform or rollout"):
        bench_evaluator("magic", None, None, "cpu", 0)


def test_player_policy_without_weights_is_refused(nothing_bundled):
    with pytest.raises(ValueError, match=r"^player=policy needs policy weights \(--weights\), and none are bundled$"):
        build_searcher(make_config({"player": "policy"}))
