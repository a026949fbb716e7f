"""The PNG plots beside each stage's log show the logged numbers: the figures are caught as the
stages close them, and their lines, axes and labels read back."""
from __future__ import annotations

import csv

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from training import reinforce, supervised, value  # noqa: E402


@pytest.fixture
def figures(monkeypatch):
    caught = []
    monkeypatch.setattr(plt, "close", caught.append)
    yield caught
    monkeypatch.undo()
    plt.close("all")


def write_log(path, columns, rows):
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)


def lines(axis):
    return {line.get_label(): (list(line.get_xdata()), list(line.get_ydata())) for line in axis.get_lines()}


def legend(axis):
    return [text.get_text() for text in axis.get_legend().get_texts()]


def test_the_sl_plot_shows_losses_and_held_out_accuracy(tmp_path, figures):
    log = tmp_path / "log.csv"
    write_log(log, supervised.LOG_FIELDS, [
        {"step": 5, "loss": 3.0, "heldout_top1": 0.1, "heldout_top5": 0.3, "heldout_loss": 3.2, "learning_rate": 0.1,
         "seconds": 1.0},
        {"step": 10, "loss": 2.5, "heldout_top1": 0.2, "heldout_top5": 0.5, "heldout_loss": 2.9, "learning_rate": 0.1,
         "seconds": 2.0}])
    supervised.plot_log(log, tmp_path / "sl.png", "SL policy")
    assert (tmp_path / "sl.png").read_bytes().startswith(b"\x89PNG")
    (figure,) = figures
    left, right = figure.axes
    assert lines(left) == {"train loss": ([5, 10], [3.0, 2.5]), "held-out loss": ([5, 10], [3.2, 2.9])}
    assert lines(right) == {"held-out top-1": ([5, 10], [0.1, 0.2]), "held-out top-5": ([5, 10], [0.3, 0.5])}
    assert left.get_xlabel() == right.get_xlabel() == "step" and right.get_ylim() == (0, 1)
    assert legend(left) == ["train loss", "held-out loss"] and legend(right) == ["held-out top-1", "held-out top-5"]
    assert figure._suptitle.get_text() == "SL policy"


def test_an_empty_sl_log_draws_nothing(tmp_path, figures):
    log = tmp_path / "log.csv"
    write_log(log, supervised.LOG_FIELDS, [])
    supervised.plot_log(log, tmp_path / "sl.png", "SL policy")
    assert not (tmp_path / "sl.png").exists() and figures == []


def test_the_rl_plot_shows_the_evaluated_win_rates(tmp_path, figures):
    log = tmp_path / "log.csv"
    row = {"train_win_rate": 0.5, "policy_loss": 0.1, "value_loss": 0.0, "pool_size": 1, "seconds": 1.0}
    write_log(log, reinforce.LOG_FIELDS, [{**row, "iteration": 1, "win_rate_vs_sl": ""},
                                          {**row, "iteration": 2, "win_rate_vs_sl": 0.625},
                                          {**row, "iteration": 3, "win_rate_vs_sl": ""},
                                          {**row, "iteration": 4, "win_rate_vs_sl": 0.75}])
    reinforce.plot_rl(log, tmp_path / "rl.png")
    assert (tmp_path / "rl.png").read_bytes().startswith(b"\x89PNG")
    (figure,) = figures
    (axis,) = figure.axes
    curve, even = axis.get_lines()
    assert (list(curve.get_xdata()), list(curve.get_ydata())) == ([2, 4], [0.625, 0.75])
    assert list(even.get_ydata()) == [0.5, 0.5]  # the line of an even match
    assert axis.get_ylim() == (0, 1)
    assert (axis.get_xlabel(), axis.get_ylabel()) == ("iteration", "win rate against the SL policy")


def test_the_value_plot_shows_train_and_held_out_mse(tmp_path, figures):
    log = tmp_path / "log.csv"
    write_log(log, value.LOG_FIELDS, [{"step": 5, "train_mse": 0.9, "heldout_mse": 1.1, "positions": 9, "seconds": 1},
                                      {"step": 10, "train_mse": 0.7, "heldout_mse": 0.8, "positions": 9, "seconds": 2}])
    value._plot(log, tmp_path / "value.png")
    assert (tmp_path / "value.png").read_bytes().startswith(b"\x89PNG")
    (figure,) = figures
    (axis,) = figure.axes
    assert lines(axis) == {"train MSE": ([5, 10], [0.9, 0.7]), "held-out MSE": ([5, 10], [1.1, 0.8])}
    assert axis.get_xlabel() == "step" and legend(axis) == ["train MSE", "held-out MSE"]
