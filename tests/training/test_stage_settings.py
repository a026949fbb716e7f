"""The training stages' configs through the one settings mechanism (:mod:`common.settings`, what
``tengen train ... --config FILE --set key=value`` builds them with): values typed by each field,
errors that name the key and the type it expects, and the settings each stage refuses. What belongs
together is a section (``net.filters``, ``optimizer.learning_rate``, ``game.komi``), set as
``section.key`` or as a ``[section]`` table."""
from __future__ import annotations

from dataclasses import asdict, replace

import pytest

from common.settings import SettingError, apply_settings, known_keys, load_settings, parse_assignments
from training.dataset import ShardConfig
from training.reinforce import RLConfig
from training.sections import SGD, Game, MinibatchSGD, NetShape
from training.supervised import HalvingSGD, SLConfig
from training.value import ValueConfig


def test_every_stage_lists_its_keys_with_the_sections_expanded():
    assert known_keys(SLConfig) == [
        "data", "out", "net.filters", "net.layers", "optimizer.learning_rate", "optimizer.momentum",
        "optimizer.weight_decay", "optimizer.batch_size", "optimizer.lr_halving_steps", "steps", "eval_every",
        "checkpoint_every", "symmetries", "device", "seed", "rollout_policy"]
    assert known_keys(RLConfig) == [
        "sl", "out", "game.size", "game.komi", "iterations", "games_per_iteration", "estimator", "gamma", "n_step",
        "optimizer.learning_rate", "optimizer.momentum", "optimizer.weight_decay", "critic.filters", "critic.layers",
        "critic_optimizer.learning_rate", "critic_optimizer.momentum", "critic_optimizer.weight_decay", "pool_every",
        "eval_every", "eval_games", "temperature", "max_moves", "max_grad_norm", "device", "seed"]
    assert known_keys(ValueConfig) == [
        "sl", "rl", "out", "game.size", "game.komi", "games", "lockstep", "max_u", "temperature", "td_lambda",
        "net.filters", "net.layers", "steps", "optimizer.learning_rate", "optimizer.momentum", "optimizer.weight_decay",
        "optimizer.batch_size", "heldout_fraction", "eval_every", "checkpoint_every", "symmetries", "device", "seed"]


def test_each_stage_gives_the_shared_sections_its_own_defaults():
    assert SLConfig().net == NetShape(filters=64, layers=6)
    assert SLConfig().optimizer == HalvingSGD(learning_rate=0.05, momentum=0.9, weight_decay=1e-4, batch_size=128,
                                              lr_halving_steps=1000)
    rl = RLConfig()
    assert (rl.game, rl.critic) == (Game(size=9, komi=7.5), NetShape(filters=32, layers=3))
    assert (rl.optimizer, rl.critic_optimizer) == (SGD(learning_rate=0.002), SGD(learning_rate=0.01))
    value = ValueConfig()
    assert (value.game, value.net) == (Game(size=9, komi=7.5), NetShape(filters=32, layers=4))
    assert value.optimizer == MinibatchSGD(learning_rate=0.01, momentum=0.9, weight_decay=1e-4, batch_size=128)
    # a key set in a section keeps the stage's defaults of its other keys
    assert apply_settings(ValueConfig(), {"optimizer.batch_size": "8"}).optimizer == replace(value.optimizer,
                                                                                            batch_size=8)
    # config.json holds the settings nested, one object a section
    assert asdict(RLConfig())["critic"] == {"filters": 32, "layers": 3}


def test_values_are_converted_to_each_fields_type():
    config = apply_settings(SLConfig(), {"steps": "25", "optimizer.learning_rate": "1e-3", "symmetries": "False",
                                         "device": "cpu", "rollout_policy": "TRUE", "data": "12"})
    assert config == SLConfig(steps=25, optimizer=replace(SLConfig().optimizer, learning_rate=0.001), symmetries=False,
                              device="cpu", rollout_policy=True, data="12")
    assert type(config.steps) is int and type(config.optimizer.learning_rate) is float and type(config.data) is str
    assert config.symmetries is False and config.rollout_policy is True
    assert apply_settings(SLConfig(), {"symmetries": "true", "rollout_policy": "false"}) == SLConfig(rollout_policy=False)
    momentum = apply_settings(SLConfig(), {"optimizer.momentum": "1"}).optimizer.momentum
    assert type(momentum) is float  # an int-looking float setting


def test_each_stage_applies_its_settings_to_the_base_it_is_given():
    assert apply_settings(SLConfig(), {}) == SLConfig()
    base = SLConfig(net=NetShape(filters=8, layers=2))
    assert apply_settings(base, {"steps": "3"}) == SLConfig(net=NetShape(filters=8, layers=2), steps=3)
    rl = apply_settings(RLConfig(game=Game(size=5)), {"estimator": "nstep", "n_step": "3", "gamma": "0.5",
                                                      "game.komi": "0.5", "critic.filters": "8"})
    assert rl == RLConfig(game=Game(size=5, komi=0.5), estimator="nstep", n_step=3, gamma=0.5,
                          critic=NetShape(filters=8, layers=3))
    assert type(rl.game.komi) is float and type(rl.n_step) is int
    stage3 = apply_settings(ValueConfig(game=Game(size=5)), {"td_lambda": "0", "symmetries": "false", "games": "4"})
    assert stage3 == ValueConfig(game=Game(size=5), td_lambda=0.0, symmetries=False, games=4)
    assert type(stage3.td_lambda) is float and stage3.symmetries is False
    shards = apply_settings(ShardConfig(), {"min_rank": "1d", "heldout_fraction": "0.25", "require_result": "False"})
    assert shards == ShardConfig(min_rank="1d", heldout_fraction=0.25, require_result=False)


def test_a_toml_file_is_read_typed_and_set_overrides_it(tmp_path):
    """What ``tengen train rl --config rl.toml --set ...`` builds: keys and ``[section]`` tables."""
    (tmp_path / "rl.toml").write_text('estimator = "advantage"\nmax_grad_norm = 5\n'
                                      '[game]\nsize = 5\nkomi = 1\n[critic_optimizer]\nlearning_rate = 0.1\n')
    config = load_settings(RLConfig(), tmp_path / "rl.toml", parse_assignments(["game.komi=0.5", "iterations=3"]))
    assert config == RLConfig(game=Game(size=5, komi=0.5), estimator="advantage", max_grad_norm=5.0, iterations=3,
                              critic_optimizer=SGD(learning_rate=0.1))
    assert type(config.max_grad_norm) is float and type(config.game.komi) is float
    (tmp_path / "bad.toml").write_text('steps = "many"\n')
    with pytest.raises(SettingError, match="setting 'steps' expects an integer, got 'many'"):
        load_settings(SLConfig(), tmp_path / "bad.toml")
    (tmp_path / "bad.toml").write_text('[net]\nfilters = "wide"\n')
    with pytest.raises(SettingError, match="setting 'net.filters' expects an integer, got 'wide'"):
        load_settings(SLConfig(), tmp_path / "bad.toml")


def test_an_unknown_setting_is_refused_naming_it_and_the_known_ones():
    with pytest.raises(SettingError) as raised:
        apply_settings(SLConfig(), {"stpes": "10"})
    message = str(raised.value)
    assert message.startswith("unknown setting 'stpes': known settings are data, out, net.filters, net.layers, "
                              "optimizer.learning_rate,")
    assert message.endswith("device, seed, rollout_policy")
    with pytest.raises(SettingError, match="unknown setting 'lr'"):
        apply_settings(RLConfig(), {"estimator": "baseline", "lr": "0.1"})
    for old, new in (("filters", "net.filters"), ("batch_size", "optimizer.batch_size")):  # the flat keys of before
        with pytest.raises(SettingError, match=f"unknown setting '{old}': known settings are .*{new}"):
            apply_settings(ValueConfig(), {old: "8"})
    with pytest.raises(SettingError, match="unknown setting 'value_filters': known settings are .*critic.filters"):
        apply_settings(RLConfig(), {"value_filters": "8"})
    with pytest.raises(SettingError, match="'net' is a section: set its keys, e.g. net.filters"):
        apply_settings(SLConfig(), {"net": "8"})


@pytest.mark.parametrize("key, text, expected", [
    ("steps", "1.5", "an integer"), ("steps", "ten", "an integer"), ("optimizer.learning_rate", "fast", "a number"),
    ("optimizer.learning_rate", "inf", "a number"), ("symmetries", "yes", "true or false"),
    ("symmetries", "1", "true or false"), ("seed", "", "an integer"), ("net.layers", "2.0", "an integer")])
def test_a_bad_value_is_refused_naming_the_setting_its_type_and_the_value(key, text, expected):
    with pytest.raises(SettingError) as raised:
        apply_settings(SLConfig(), {key: text})
    assert str(raised.value) == f"setting {key!r} expects {expected}, got {text!r}"


SECTION_REFUSALS = [  # what every stage's sections refuse, and why
    ({"optimizer.learning_rate": "0"}, "bad optimizer settings"), ({"optimizer.momentum": "-0.1"}, "bad optimizer"),
    ({"optimizer.weight_decay": "-1e-4"}, "bad optimizer settings")]


@pytest.mark.parametrize("settings, reason", [
    ({"steps": "-1"}, "bad training settings"), ({"checkpoint_every": "0"}, "bad training settings"),
    ({"eval_every": "0"}, "bad training settings"),
    ({"optimizer.batch_size": "0"}, "batch_size must be at least 1, got 0"),
    ({"net.filters": "0"}, "network sizes must be positive"),
    ({"net.layers": "1"}, r"network sizes must be positive \(layers >= 2\)"),
    *SECTION_REFUSALS])
def test_supervised_refuses_settings_it_cannot_train_with(settings, reason):
    (key,) = settings
    with pytest.raises(SettingError, match=f"^setting {key}: {reason}"):
        apply_settings(SLConfig(), settings)


def test_supervised_accepts_the_smallest_settings_it_can_train_with():
    config = apply_settings(SLConfig(), {"steps": "0", "optimizer.batch_size": "1", "optimizer.learning_rate": "1e-9",
                                         "optimizer.momentum": "0", "optimizer.weight_decay": "0",
                                         "checkpoint_every": "1", "net.filters": "1", "net.layers": "2"})
    assert (config.steps, config.optimizer.batch_size, config.checkpoint_every) == (0, 1, 1)
    assert config.net == NetShape(filters=1, layers=2)


@pytest.mark.parametrize("settings, reason", [
    ({"estimator": "sarsa"}, "unknown estimator 'sarsa'"), ({"games_per_iteration": "1"}, "bad RL settings"),
    ({"iterations": "-1"}, "bad RL settings"), ({"pool_every": "0"}, "bad RL settings"),
    ({"eval_every": "0"}, "bad RL settings"), ({"max_grad_norm": "-0.5"}, "bad RL settings"),
    ({"game.size": "1"}, "board size 1 is out of range"), ({"game.komi": "1e6"}, "komi 1000000.0 is out of range"),
    ({"critic.layers": "1"}, "network sizes must be positive"),
    ({"critic_optimizer.learning_rate": "-0.01"}, "bad optimizer settings"), *SECTION_REFUSALS])
def test_reinforce_refuses_settings_it_cannot_train_with(settings, reason):
    (key,) = settings
    with pytest.raises(SettingError, match=f"^setting {key}: {reason}"):
        apply_settings(RLConfig(), settings)


def test_reinforce_accepts_the_smallest_settings_it_can_train_with():
    config = apply_settings(RLConfig(), {"games_per_iteration": "2", "iterations": "0", "pool_every": "1",
                                         "eval_every": "1", "max_grad_norm": "0", "game.size": "2",
                                         "game.komi": "-1000", "critic.filters": "1", "critic.layers": "2"})
    assert (config.games_per_iteration, config.iterations, config.pool_every, config.eval_every,
            config.max_grad_norm) == (2, 0, 1, 1, 0.0)
    assert (config.game, config.critic) == (Game(size=2, komi=-1000.0), NetShape(filters=1, layers=2))
    for estimator in ("reinforce", "baseline", "actor_critic", "advantage", "nstep"):
        assert apply_settings(RLConfig(), {"estimator": estimator}).estimator == estimator


@pytest.mark.parametrize("settings, reason", [
    ({"td_lambda": "-0.1"}, "bad value-stage settings"), ({"td_lambda": "1.5"}, "bad value-stage settings"),
    ({"games": "1"}, "bad value-stage settings"), ({"lockstep": "0"}, "bad value-stage settings"),
    ({"max_u": "-1"}, "bad value-stage settings"), ({"game.size": "26"}, "board size 26 is out of range"),
    *[({key: value}, "steps must be at least 0, eval_every and checkpoint_every at least 1")
      for key, value in (("steps", "-1"), ("eval_every", "0"), ("checkpoint_every", "0"))],
    ({"net.filters": "0"}, "network sizes must be positive"),
    ({"optimizer.batch_size": "0"}, "batch_size must be at least 1"), *SECTION_REFUSALS])
def test_the_value_stage_refuses_settings_it_cannot_train_with(settings, reason):
    (key,) = settings
    with pytest.raises(SettingError, match=f"^setting {key}: {reason}"):
        apply_settings(ValueConfig(), settings)


def test_the_value_stage_accepts_the_smallest_settings_it_can_train_with():
    for td_lambda in ("0", "1"):
        assert apply_settings(ValueConfig(), {"td_lambda": td_lambda}).td_lambda == float(td_lambda)
    config = apply_settings(ValueConfig(), {"games": "2", "lockstep": "1", "max_u": "0", "optimizer.batch_size": "1"})
    assert (config.games, config.lockstep, config.max_u, config.optimizer.batch_size) == (2, 1, 0, 1)


@pytest.mark.parametrize("base", [SLConfig(), RLConfig(), ValueConfig()], ids=["sl", "rl", "value"])
def test_the_device_is_one_of_the_three_before_anything_runs(base):
    with pytest.raises(SettingError, match="setting 'device' expects one of auto, cpu, cuda, got 'tpu'"):
        apply_settings(base, {"device": "tpu"})
