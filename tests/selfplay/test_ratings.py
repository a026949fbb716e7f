"""Elo with intervals: a score fraction's Elo and its Wilson-based interval; a Bradley-Terry fit
over many players that recovers known strengths from simulated games, whose intervals cover them,
and that stays finite for a clean sweep."""
from __future__ import annotations

import math

import numpy as np
import pytest

from selfplay.match import wilson_interval
from selfplay.ratings import ELO, elo_difference, fit_ratings


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


def test_two_players_match_the_closed_form_with_the_prior_and_the_interval_from_the_information():
    # A beat B 7 times in 10: with 0.5 virtual games drawn, p = 7.25 / 10.5; the maximum-likelihood
    # difference is the log-odds of p, its variance 1 / (games * p * (1 - p))
    games = [("A", "B", 1.0)] * 7 + [("A", "B", 0.0)] * 3
    fitted = fit_ratings(["B", "A"], games)
    p = 7.25 / 10.5
    expected = math.log(p / (1 - p)) * ELO
    spread = 1.96 * math.sqrt(1 / (10.5 * p * (1 - p))) * ELO
    elo, low, high = fitted["A"]
    assert elo == pytest.approx(expected, abs=1e-6)
    assert (low, high) == (pytest.approx(expected - spread, abs=1e-6), pytest.approx(expected + spread, abs=1e-6))
    assert fitted["B"] == (0.0, 0.0, 0.0)
    wider = fit_ratings(["B", "A"], games, z=2.576)["A"]
    assert wider[2] - wider[0] == pytest.approx(spread * 2.576 / 1.96, abs=1e-6)
    more_prior = fit_ratings(["B", "A"], games, prior_games=4.0)["A"][0]
    assert more_prior == pytest.approx(math.log(9 / 5) * ELO, abs=1e-6)  # (7 + 2) / (3 + 2)


def test_three_players_agree_with_a_brute_force_maximum_likelihood_and_its_curvature():
    games = ([("A", "B", 1.0)] * 6 + [("A", "B", 0.0)] * 4 + [("B", "C", 1.0)] * 8 + [("B", "C", 0.0)] * 2
             + [("A", "C", 1.0)] * 3 + [("A", "C", 0.5)] * 2)
    fitted = fit_ratings(["A", "B", "C"], games, anchor="B")

    def log_likelihood(b_minus_a: float, c_minus_a: float) -> float:
        r = {"A": 0.0, "B": b_minus_a, "C": c_minus_a}
        wins = {}
        for first, second, score in games:
            wins[(first, second)] = wins.get((first, second), 0.0) + score
            wins[(second, first)] = wins.get((second, first), 0.0) + 1 - score
        for pair in list(wins):  # the prior: half a virtual game won each way between players that met
            wins[pair] += 0.25
        return sum(w * -math.log1p(math.exp(r[j] - r[i])) for (i, j), w in wins.items())

    # Newton's answer against a grid search of the likelihood, relative to A
    grid = np.linspace(-3, 3, 241)
    best = max(((log_likelihood(b, c), b, c) for b in grid for c in grid))
    assert (fitted["B"][0] - fitted["A"][0]) / ELO == pytest.approx(best[1], abs=0.03)
    assert (fitted["C"][0] - fitted["A"][0]) / ELO == pytest.approx(best[2], abs=0.03)
    assert fitted["B"] == (0.0, 0.0, 0.0) and fitted["A"][0] > 0 > fitted["C"][0]
    for name in ("A", "C"):
        elo, low, high = fitted[name]
        assert low < elo < high and high - elo == pytest.approx(elo - low)


def test_one_game_is_enough_and_a_clean_loss_is_minus_infinity():
    assert elo_difference(1.0, 1)[0] == math.inf and elo_difference(0.0, 1)[0] == -math.inf
    assert elo_difference(0.0, 10)[1] == -math.inf and math.isfinite(elo_difference(0.0, 10)[2])
    with pytest.raises(ValueError, match="^an Elo difference needs at least one game$"):
        elo_difference(0.0, 0)
    assert elo_difference(5.0, 10, z=3.0)[2] > elo_difference(5.0, 10)[2]
