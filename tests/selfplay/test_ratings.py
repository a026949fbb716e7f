"""Elo with intervals: a score fraction's Elo and its Wilson-based interval; a Bradley-Terry fit
over many players that recovers known strengths from simulated games, whose intervals cover them,
and that stays finite for a clean sweep."""
from __future__ import annotations

import math

import numpy as np
import pytest

from selfplay.match import wilson_interval
from selfplay.ratings import elo_difference, fit_ratings


def test_elo_of_a_score_and_its_interval():
    elo, low, high = elo_difference(75, 100)
    assert elo == pytest.approx(400 * math.log10(3))  # 3:1 odds: +190.8
    w_low, w_high = wilson_interval(75, 100)
    assert low == pytest.approx(-400 * math.log10(1 / w_low - 1)) and high == pytest.approx(-400 * math.log10(1 / w_high - 1))
    assert elo_difference(50, 100)[0] == pytest.approx(0.0)
    sweep = elo_difference(10, 10)
    assert sweep[0] == math.inf and math.isfinite(sweep[1]) and sweep[1] > 0
    with pytest.raises(ValueError):
        elo_difference(0, 0)


def test_the_fit_recovers_known_strengths_and_its_intervals_cover_them():
    rng = np.random.default_rng(0)
    truth = {"gen0": 0.0, "gen1": 150.0, "gen2": 300.0, "gen3": 320.0}
    names = list(truth)
    games = []
    for _ in range(3000):
        a, b = rng.choice(4, 2, replace=False)
        p = 1 / (1 + 10 ** ((truth[names[b]] - truth[names[a]]) / 400))
        games.append((names[a], names[b], float(rng.random() < p)))
    ratings = fit_ratings(names, games)
    assert ratings["gen0"] == (0.0, 0.0, 0.0)  # the anchor
    for name in names[1:]:
        elo, low, high = ratings[name]
        assert low < truth[name] < high and abs(elo - truth[name]) < 60
    assert ratings["gen1"][0] < ratings["gen2"][0]


def test_two_players_agree_with_the_pairwise_estimate_and_a_sweep_stays_finite():
    games = [("a", "b", 1.0)] * 30 + [("a", "b", 0.0)] * 10 + [("b", "a", 0.5)] * 2
    fitted = fit_ratings(["b", "a"], games, prior_games=0.0)["a"][0]
    assert fitted == pytest.approx(elo_difference(31, 42)[0], abs=0.5)
    sweep = fit_ratings(["b", "a"], [("a", "b", 1.0)] * 10)["a"]
    assert all(math.isfinite(v) for v in sweep) and sweep[0] > 200
