"""Engine settings from defaults, a TOML file and --set overrides, with clear errors."""
from __future__ import annotations

import pytest

from gtp.config import EngineConfig, load_config, parse_set_options


def test_set_overrides_rules_and_values(tmp_path):
    config = load_config(None, parse_set_options(["rules.ko=simple", "rules.suicide=true", "komi=6.5",
                                                  "boardsize=9", "visits=800", "rules.scoring=territory"]))
    assert (config.rules.ko, config.rules.suicide, config.rules.scoring) == ("simple", True, "territory")
    assert (config.komi, config.boardsize, config.visits) == (6.5, 9, 800)
    assert load_config(None, {"rules": "japanese"}).rules.ko == "simple"


def test_toml_file_then_overrides(tmp_path):
    path = tmp_path / "tengen.toml"
    path.write_text('komi = 5.5\ntime = 2.0\n[rules]\nko = "situational"\n')
    config = load_config(path, {"komi": "7"})
    assert (config.komi, config.time, config.rules.ko) == (7.0, 2.0, "situational")


@pytest.mark.parametrize("settings, message", [
    ({"colour": "red"}, "unknown setting 'colour'"),
    ({"rules.ko": "japanese"}, "unknown ko rule 'japanese'"),
    ({"rules.suicide": "maybe"}, "rules.suicide must be true or false"),
    ({"visits": "lots"}, "bad value 'lots' for setting 'visits'"),
    ({"boardsize": "30"}, "board size 30 is out of range"),
    ({"visits": "0"}, "visits must be at least 1"),
    ({"rules": "chess"}, "unknown rules 'chess'"),
    ({"resign_threshold": "1"}, r"resign_threshold must be in \[0, 1\)"),
    ({"resign_threshold": "-0.01"}, r"resign_threshold must be in \[0, 1\)"),
    ({"time": "0"}, "time must be positive seconds"),
    ({"player": "MCTS"}, "player must be mcts, policy or flat"),
    ({"rollout_weight": "1.5"}, "rollout_weight must be within 0..1"),
    ({"node_limit": "999"}, "node_limit at least 1000"),
])
def test_bad_settings_say_what_is_wrong(settings, message):
    with pytest.raises(ValueError, match=message):
        load_config(None, settings)


def test_bad_files_and_options(tmp_path):
    with pytest.raises(ValueError, match="cannot read config file"):
        load_config(tmp_path / "missing.toml", {})
    broken = tmp_path / "broken.toml"
    broken.write_text("komi = = 3")
    with pytest.raises(ValueError, match="not valid TOML"):
        load_config(broken, {})
    with pytest.raises(ValueError, match="--set expects key=value"):
        parse_set_options(["komi"])
    assert EngineConfig().to_dict()["rules"]["ko"] == "positional"


def test_none_or_empty_clears_an_optional_setting(tmp_path):
    path = tmp_path / "tengen.toml"
    path.write_text('visits = 800\ntime = 2.0\nweights = "p.safetensors"\n')
    config = load_config(path, {"visits": "none", "time": "", "weights": "None"})
    assert (config.visits, config.time, config.weights) == (None, None, None)
    with pytest.raises(ValueError, match="bad value 'none' for setting 'komi'"):
        load_config(None, {"komi": "none"})  # komi is not optional


def test_a_missing_config_file_is_named_with_the_systems_reason(tmp_path):
    path = tmp_path / "missing.toml"
    with pytest.raises(ValueError) as error:
        load_config(path, {})
    assert str(error.value) == f"cannot read config file {path}: No such file or directory"
