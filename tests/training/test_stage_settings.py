"""The training stages' configs through the one settings mechanism (:mod:`common.settings`, what
``tengen train ... --config FILE --set key=value`` builds them with): values typed by each field,
errors that name the key and the type it expects, and the settings each stage refuses."""
from __future__ import annotations

import pytest

from common.settings import SettingError, apply_settings, load_settings, parse_assignments
from training.dataset import ShardConfig
from training.reinforce import RLConfig
from training.supervised import SLConfig
from training.value import ValueConfig


def test_values_are_converted_to_each_fields_type():
    config = apply_settings(SLConfig(), {"steps": "25", "learning_rate": "1e-3", "symmetries": "False",
                                         "device": "cpu", "rollout_policy": "TRUE", "data": "12"})
    assert config == SLConfig(steps=25, learning_rate=0.001, symmetries=False, device="cpu", rollout_policy=True,
                              data="12")
    assert type(config.steps) is int and type(config.learning_rate) is float and type(config.data) is str
    assert config.symmetries is False and config.rollout_policy is True
    assert apply_settings(SLConfig(), {"symmetries": "true", "rollout_policy": "false"}) == SLConfig(rollout_policy=False)
    assert type(apply_settings(SLConfig(), {"momentum": "1"}).momentum) is float  # an int-looking float setting


def test_each_stage_applies_its_settings_to_the_base_it_is_given():
    assert apply_settings(SLConfig(), {}) == SLConfig()
    base = SLConfig(filters=8, layers=2)
    assert apply_settings(base, {"steps": "3"}) == SLConfig(filters=8, layers=2, steps=3)
    rl = apply_settings(RLConfig(size=5), {"estimator": "nstep", "n_step": "3", "gamma": "0.5", "komi": "0.5"})
    assert rl == RLConfig(size=5, estimator="nstep", n_step=3, gamma=0.5, komi=0.5)
    assert type(rl.komi) is float and type(rl.n_step) is int
    stage3 = apply_settings(ValueConfig(size=5), {"td_lambda": "0", "symmetries": "false", "games": "4"})
    assert stage3 == ValueConfig(size=5, td_lambda=0.0, symmetries=False, games=4)
    assert type(stage3.td_lambda) is float and stage3.symmetries is False
    shards = apply_settings(ShardConfig(), {"min_rank": "1d", "heldout_fraction": "0.25", "require_result": "False"})
    assert shards == ShardConfig(min_rank="1d", heldout_fraction=0.25, require_result=False)


def test_a_toml_file_is_read_typed_and_set_overrides_it(tmp_path):
    """What ``tengen train rl --config rl.toml --set ...`` builds."""
    (tmp_path / "rl.toml").write_text('size = 5\nkomi = 1\nestimator = "advantage"\nmax_grad_norm = 5\n')
    config = load_settings(RLConfig(), tmp_path / "rl.toml", parse_assignments(["komi=0.5", "iterations=3"]))
    assert config == RLConfig(size=5, komi=0.5, estimator="advantage", max_grad_norm=5.0, iterations=3)
    assert type(config.max_grad_norm) is float
    (tmp_path / "bad.toml").write_text('steps = "many"\n')
    with pytest.raises(SettingError, match="setting 'steps' expects an integer, got 'many'"):
        load_settings(SLConfig(), tmp_path / "bad.toml")


def test_an_unknown_setting_is_refused_naming_it_and_the_known_ones():
    with pytest.raises(SettingError) as raised:
        apply_settings(SLConfig(), {"stpes": "10"})
    message = str(raised.value)
    assert message.startswith("unknown setting 'stpes': known settings are data, out, filters, layers, batch_size, steps,")
    assert message.endswith("device, seed, rollout_policy")
    with pytest.raises(SettingError, match="unknown setting 'lr'"):
        apply_settings(RLConfig(), {"estimator": "baseline", "lr": "0.1"})


@pytest.mark.parametrize("key, text, expected", [
    ("steps", "1.5", "an integer"), ("steps", "ten", "an integer"), ("learning_rate", "fast", "a number"),
    ("learning_rate", "inf", "a number"), ("symmetries", "yes", "true or false"), ("symmetries", "1", "true or false"),
    ("seed", "", "an integer")])
def test_a_bad_value_is_refused_naming_the_setting_its_type_and_the_value(key, text, expected):
    with pytest.raises(SettingError) as raised:
        apply_settings(SLConfig(), {key: text})
    assert str(raised.value) == f"setting {key!r} expects {expected}, got {text!r}"


@pytest.mark.parametrize("settings", [{"steps": "-1"}, {"batch_size": "0"}, {"learning_rate": "0"},
                                      {"checkpoint_every": "0"}])
def test_supervised_refuses_settings_it_cannot_train_with(settings):
    (key,) = settings
    with pytest.raises(SettingError, match=f"^setting {key}: bad training settings"):
        apply_settings(SLConfig(), settings)


def test_supervised_accepts_the_smallest_settings_it_can_train_with():
    config = apply_settings(SLConfig(), {"steps": "0", "batch_size": "1", "learning_rate": "1e-9",
                                         "checkpoint_every": "1"})
    assert (config.steps, config.batch_size, config.checkpoint_every) == (0, 1, 1)


@pytest.mark.parametrize("settings", [{"estimator": "sarsa"}, {"games_per_iteration": "1"}, {"iterations": "-1"},
                                      {"pool_every": "0"}, {"eval_every": "0"}, {"max_grad_norm": "-0.5"}])
def test_reinforce_refuses_settings_it_cannot_train_with(settings):
    (key,) = settings
    reason = "unknown estimator 'sarsa'" if key == "estimator" else "bad RL settings"
    with pytest.raises(SettingError, match=f"^setting {key}: {reason}"):
        apply_settings(RLConfig(), settings)


def test_reinforce_accepts_the_smallest_settings_it_can_train_with():
    config = apply_settings(RLConfig(), {"games_per_iteration": "2", "iterations": "0", "pool_every": "1",
                                         "eval_every": "1", "max_grad_norm": "0"})
    assert (config.games_per_iteration, config.iterations, config.pool_every, config.eval_every,
            config.max_grad_norm) == (2, 0, 1, 1, 0.0)
    for estimator in ("reinforce", "baseline", "actor_critic", "advantage", "nstep"):
        assert apply_settings(RLConfig(), {"estimator": estimator}).estimator == estimator


@pytest.mark.parametrize("settings", [{"td_lambda": "-0.1"}, {"td_lambda": "1.5"}, {"games": "1"},
                                      {"lockstep": "0"}, {"max_u": "-1"}])
def test_the_value_stage_refuses_settings_it_cannot_train_with(settings):
    (key,) = settings
    with pytest.raises(SettingError, match=f"^setting {key}: bad value-stage settings"):
        apply_settings(ValueConfig(), settings)


def test_the_value_stage_accepts_the_smallest_settings_it_can_train_with():
    for td_lambda in ("0", "1"):
        assert apply_settings(ValueConfig(), {"td_lambda": td_lambda}).td_lambda == float(td_lambda)
    config = apply_settings(ValueConfig(), {"games": "2", "lockstep": "1", "max_u": "0"})
    assert (config.games, config.lockstep, config.max_u) == (2, 1, 0)
