"""Engine settings from defaults, a TOML file and --set overrides (:mod:`common.settings`):
sections for the rules, the search, the networks and the clock, with errors naming the key."""
from __future__ import annotations

import pytest

from common.settings import known_keys, parse_assignments
from gtp.config import ROLLOUT_SEARCH, EngineConfig, load_config
from search.mcts import SearchConfig


def test_set_overrides_rules_and_values():
    config = load_config(None, parse_assignments(["rules.ko=simple", "rules.suicide=true", "rules.komi=6.5",
                                                  "boardsize=9", "time.visits=800", "rules.scoring=territory",
                                                  "search.c_puct=2.5", "nets.device=cpu"]))
    assert (config.rules.ko, config.rules.suicide, config.rules.scoring) == ("simple", True, "territory")
    assert (config.rules.komi, config.boardsize, config.time.visits) == (6.5, 9, 800)
    assert (config.search.c_puct, config.nets.device) == (2.5, "cpu")
    assert load_config(None, {"rules": "japanese"}).rules.ko == "simple"
    assert load_config(None, {"rules": "Japanese", "rules.ko": "positional"}).rules.scoring == "territory"
    assert load_config(None, {"rules.komi": "6.5", "rules": "japanese"}).rules.komi == 6.5  # the name comes first
    assert load_config(None, {"rules": "tromp_taylor"}).rules.suicide  # spelt as GTP kgs-rules spells it


def test_a_rule_set_named_on_the_command_line_keeps_the_komi_of_the_file(tmp_path):
    path = tmp_path / "tengen.toml"
    path.write_text("[rules]\nkomi = 6.5\n")
    config = load_config(path, {"rules": "japanese"})
    assert (config.rules.scoring, config.rules.komi) == ("territory", 6.5)


def test_toml_file_then_overrides(tmp_path):
    path = tmp_path / "tengen.toml"
    path.write_text('[time]\nseconds = 2\n[rules]\nko = "situational"\nkomi = 5.5\n[search]\nfpu_reduction = 0.1\n')
    config = load_config(path, {"rules.komi": "7"})
    assert (config.rules.komi, config.time.seconds, config.rules.ko, config.search.fpu_reduction) == \
        (7.0, 2.0, "situational", 0.1)


def test_the_engine_without_networks_has_its_own_search_settings():
    assert EngineConfig().search == SearchConfig() and EngineConfig().rollout_search == ROLLOUT_SEARCH
    assert load_config(None, {"rollout_search.c_puct": "4"}).rollout_search.c_puct == 4.0


def test_every_search_setting_is_a_key():
    keys = known_keys(EngineConfig)
    for name in ("c_puct", "fpu_reduction", "batch_size", "rollout_weight", "dirichlet_alpha", "dirichlet_epsilon",
                 "node_limit", "edges_per_node", "reuse_tree"):
        assert f"search.{name}" in keys and f"rollout_search.{name}" in keys
    assert {"policy.temperature", "flat.exploration", "time.visits", "time.seconds", "time.lag", "nets.weights",
            "nets.value_weights", "nets.rollout_weights", "nets.device", "rules", "rules.ko"} <= set(keys)
    assert not any(key.endswith(".seed") for key in keys)  # one seed for the whole engine: ``seed``


@pytest.mark.parametrize("settings, message", [
    ({"colour": "red"}, "unknown setting 'colour'"),
    ({"nosuch": "1"}, "unknown setting 'nosuch': known settings are boardsize, rules, rules.ko"),
    ({"search.nosuch": "1"}, "unknown setting 'search.nosuch'"),
    ({"search.seed": "1"}, "unknown setting 'search.seed'"),
    ({"search.c_puct": "abc"}, "setting 'search.c_puct' expects a number, got 'abc'"),
    ({"search.batch_size": "0"}, "setting search.batch_size: batch_size must be at least 1"),
    ({"search.rollout_weight": "1.5"}, "setting search.rollout_weight: rollout_weight must be within 0..1"),
    ({"search.c_puct": "-5"}, "setting search.c_puct: c_puct must be at least 0"),
    ({"search.fpu_reduction": "-0.1"}, "fpu_reduction must be at least 0"),
    ({"search.dirichlet_alpha": "-1"}, "dirichlet_alpha must be positive"),
    ({"search.dirichlet_epsilon": "1.5"}, "dirichlet_epsilon must be within 0..1"),
    ({"search.edges_per_node": "0"}, "edges_per_node must be at least 1"),
    ({"search.node_limit": "15"}, "node_limit must be at least 16"),
    ({"seed": "-1"}, "seed must be at least 0"),
    ({"search.reuse_tree": "maybe"}, "setting 'search.reuse_tree' expects true or false"),
    ({"search": "fast"}, "'search' is a section: set its keys, e.g. search.c_puct"),
    ({"rules.ko": "japanese"}, "unknown ko rule 'japanese'"),
    ({"rules.suicide": "maybe"}, "setting 'rules.suicide' expects true or false, got 'maybe'"),
    ({"time.visits": "lots"}, "setting 'time.visits' expects an integer or none, got 'lots'"),
    ({"visits": "800"}, "unknown setting 'visits'"),
    ({"boardsize": "30"}, "board size 30 is out of range"),
    ({"time.visits": "0"}, "visits must be at least 1"),
    ({"rules": "chess"}, "unknown rules 'chess'"),
    ({"resign_threshold": "1"}, r"resign_threshold must be in \[0, 1\)"),
    ({"resign_threshold": "-0.01"}, r"resign_threshold must be in \[0, 1\)"),
    ({"time.seconds": "0"}, "seconds must be positive"),
    ({"player": "MCTS"}, "setting 'player' expects one of mcts, policy, flat"),
    ({"nets.device": "tpu"}, "setting 'nets.device' expects one of auto, cpu, cuda"),
    ({"policy.temperature": "-1"}, "temperature must be at least 0"),
    ({"rules.komi": "none"}, "setting 'rules.komi' expects a number, got 'none'"),
    ({"rules.komi": "1e9"}, "komi 1000000000.0 is out of range"),
    ({"komi": "6.5"}, "unknown setting 'komi'"),
])
def test_bad_settings_say_what_is_wrong(settings, message):
    with pytest.raises(ValueError, match=message):
        load_config(None, settings)


def test_bad_files(tmp_path):
    with pytest.raises(ValueError, match="cannot read config file"):
        load_config(tmp_path / "missing.toml", {})
    broken = tmp_path / "broken.toml"
    broken.write_text("boardsize = = 3")
    with pytest.raises(ValueError, match="not valid TOML"):
        load_config(broken, {})
    path = tmp_path / "missing.toml"
    with pytest.raises(ValueError) as error:
        load_config(path, {})
    assert str(error.value) == f"cannot read config file {path}: No such file or directory"


def test_none_or_empty_clears_an_optional_setting(tmp_path):
    path = tmp_path / "tengen.toml"
    path.write_text('[time]\nvisits = 800\nseconds = 2.0\n[nets]\nweights = "p.safetensors"\n')
    config = load_config(path, {"time.visits": "none", "time.seconds": "", "nets.weights": "None"})
    assert (config.time.visits, config.time.seconds, config.nets.weights) == (None, None, None)


def test_the_smallest_values_each_check_allows_are_taken():
    config = load_config(None, {"time.visits": "1", "time.seconds": "0.5", "time.lag": "0", "resign_threshold": "0",
                                "ownership_playouts": "1", "seed": "0"})
    assert (config.time.visits, config.time.seconds, config.time.lag) == (1, 0.5, 0.0)
    assert (config.resign_threshold, config.ownership_playouts, config.seed) == (0.0, 1, 0)


@pytest.mark.parametrize("settings, message", [
    ({"time.lag": "-0.1"}, r"^setting time.lag: lag must be at least 0 seconds, got -0.1$"),
    ({"ownership_playouts": "0"}, r"^setting ownership_playouts: ownership_playouts must be at least 1, got 0$"),
    ({"time.seconds": "-1"}, r"^setting time.seconds: seconds must be positive, got -1.0$"),
])
def test_a_range_error_says_the_key_the_limit_and_the_value(settings, message):
    with pytest.raises(ValueError, match=message):
        load_config(None, settings)
