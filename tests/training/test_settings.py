"""``key=value`` settings of the training stages (what ``tengen train ... --set key=value`` and
``tengen data shards`` pass on), the settings each stage refuses, and the CSV log a resumed run
continues."""
from __future__ import annotations

import csv
import re

import pytest

from training import reinforce, supervised, value
from training.dataset import ShardConfig
from training.reinforce import RLConfig
from training.settings import apply_settings, continue_log
from training.supervised import SLConfig
from training.value import ValueConfig


def test_values_are_converted_to_each_fields_type():
    config = supervised.config_from({"steps": "25", "learning_rate": "1e-3", "symmetries": "False", "device": "cpu",
                                     "rollout_policy": "TRUE", "data": "12"})
    assert config == SLConfig(steps=25, learning_rate=0.001, symmetries=False, device="cpu", rollout_policy=True,
                              data="12")
    assert type(config.steps) is int and type(config.learning_rate) is float and type(config.data) is str
    assert config.symmetries is False and config.rollout_policy is True
    assert supervised.config_from({"symmetries": "true", "rollout_policy": "false"}) == SLConfig(rollout_policy=False)
    assert type(supervised.config_from({"momentum": "1"}).momentum) is float  # an int-looking float setting


def test_each_stage_applies_its_settings_to_the_base_it_is_given():
    assert supervised.config_from({}) == SLConfig()
    base = SLConfig(filters=8, layers=2)
    assert supervised.config_from({"steps": "3"}, base) == SLConfig(filters=8, layers=2, steps=3)
    rl = reinforce.config_from({"estimator": "nstep", "n_step": "3", "gamma": "0.5", "komi": "0.5"},
                               RLConfig(size=5))
    assert rl == RLConfig(size=5, estimator="nstep", n_step=3, gamma=0.5, komi=0.5)
    assert type(rl.komi) is float and type(rl.n_step) is int
    assert reinforce.config_from({}) == RLConfig()
    stage3 = value.config_from({"td_lambda": "0", "symmetries": "false", "games": "4"}, ValueConfig(size=5))
    assert stage3 == ValueConfig(size=5, td_lambda=0.0, symmetries=False, games=4)
    assert type(stage3.td_lambda) is float and stage3.symmetries is False
    assert value.config_from({}) == ValueConfig()
    shards = apply_settings(ShardConfig(), {"min_rank": "1d", "heldout_fraction": "0.25", "require_result": "False"})
    assert shards == ShardConfig(min_rank="1d", heldout_fraction=0.25, require_result=False)


def test_an_unknown_setting_is_refused_naming_it_and_the_known_ones():
    with pytest.raises(ValueError) as raised:
        supervised.config_from({"stpes": "10"})
    message = str(raised.value)
    assert message.startswith("unknown setting 'stpes': known are data, out, filters, layers, batch_size, steps,")
    assert message.endswith("device, seed, rollout_policy")
    with pytest.raises(ValueError, match="unknown setting 'lr'"):
        reinforce.config_from({"estimator": "baseline", "lr": "0.1"})


@pytest.mark.parametrize("key, text", [("steps", "1.5"), ("steps", "ten"), ("learning_rate", "fast"),
                                       ("symmetries", "yes"), ("symmetries", "1"), ("seed", "")])
def test_a_bad_value_is_refused_naming_the_value_and_the_setting(key, text):
    with pytest.raises(ValueError, match=f"^bad value {re.escape(repr(text))} for setting {key!r}$"):
        supervised.config_from({key: text})


@pytest.mark.parametrize("settings, message", [
    ({"steps": "-1"}, "bad training settings"), ({"batch_size": "0"}, "bad training settings"),
    ({"learning_rate": "0"}, "bad training settings"), ({"checkpoint_every": "0"}, "bad training settings")])
def test_supervised_refuses_settings_it_cannot_train_with(settings, message):
    with pytest.raises(ValueError, match=message):
        supervised.config_from(settings)


def test_supervised_accepts_the_smallest_settings_it_can_train_with():
    config = supervised.config_from({"steps": "0", "batch_size": "1", "learning_rate": "1e-9", "checkpoint_every": "1"})
    assert (config.steps, config.batch_size, config.checkpoint_every) == (0, 1, 1)


@pytest.mark.parametrize("settings", [{"estimator": "sarsa"}, {"games_per_iteration": "1"}, {"iterations": "-1"},
                                      {"pool_every": "0"}, {"eval_every": "0"}, {"max_grad_norm": "-0.5"}])
def test_reinforce_refuses_settings_it_cannot_train_with(settings):
    with pytest.raises(ValueError, match="unknown estimator 'sarsa'" if "estimator" in settings else "bad RL settings"):
        reinforce.config_from(settings)


def test_reinforce_accepts_the_smallest_settings_it_can_train_with():
    config = reinforce.config_from({"games_per_iteration": "2", "iterations": "0", "pool_every": "1",
                                    "eval_every": "1", "max_grad_norm": "0"})
    assert (config.games_per_iteration, config.iterations, config.pool_every, config.eval_every,
            config.max_grad_norm) == (2, 0, 1, 1, 0.0)
    for estimator in ("reinforce", "baseline", "actor_critic", "advantage", "nstep"):
        assert reinforce.config_from({"estimator": estimator}).estimator == estimator


@pytest.mark.parametrize("settings", [{"td_lambda": "-0.1"}, {"td_lambda": "1.5"}, {"games": "1"},
                                      {"lockstep": "0"}, {"max_u": "-1"}])
def test_the_value_stage_refuses_settings_it_cannot_train_with(settings):
    with pytest.raises(ValueError, match="bad value-stage settings"):
        value.config_from(settings)


def test_the_value_stage_accepts_the_smallest_settings_it_can_train_with():
    for td_lambda in ("0", "1"):
        assert value.config_from({"td_lambda": td_lambda}).td_lambda == float(td_lambda)
    config = value.config_from({"games": "2", "lockstep": "1", "max_u": "0"})
    assert (config.games, config.lockstep, config.max_u) == (2, 1, 0)


COLUMNS = ["step", "loss"]


def write_log(path, steps):
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows({"step": s, "loss": s / 10} for s in steps)


def logged(path):
    return [(int(r["step"]), float(r["loss"])) for r in csv.DictReader(path.open())]


def test_a_new_log_holds_only_the_header(tmp_path):
    path = tmp_path / "log.csv"
    continue_log(path, COLUMNS, "step", 0)
    assert path.read_text().splitlines() == ["step,loss"]
    continue_log(tmp_path / "other.csv", COLUMNS, "step", 20)  # a state but no log: start one
    assert (tmp_path / "other.csv").read_text().splitlines() == ["step,loss"]


def test_a_resumed_log_keeps_the_rows_its_saved_state_holds(tmp_path):
    path = tmp_path / "log.csv"
    write_log(path, [5, 10, 15, 20])  # killed after logging 15 and 20 but before saving their state
    continue_log(path, COLUMNS, "step", 10)
    assert logged(path) == [(5, 0.5), (10, 1.0)]
    with path.open("a", newline="") as handle:  # the run then appends as before
        csv.DictWriter(handle, COLUMNS).writerow({"step": 15, "loss": 9.0})
    assert logged(path) == [(5, 0.5), (10, 1.0), (15, 9.0)]
    continue_log(path, COLUMNS, "step", 15)
    assert logged(path) == [(5, 0.5), (10, 1.0), (15, 9.0)]
    write_log(path, [1, 2])  # the RL stage logs every iteration: resumed after the first
    continue_log(path, COLUMNS, "step", 1)
    assert logged(path) == [(1, 0.1)]


def test_a_run_started_afresh_drops_the_old_log(tmp_path):
    path = tmp_path / "log.csv"
    write_log(path, [5, 10])
    continue_log(path, COLUMNS, "step", 0)
    assert path.read_text().splitlines() == ["step,loss"]
