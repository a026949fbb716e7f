"""Elo ratings with 95% intervals.

- :func:`elo_difference`: the Elo difference a score fraction means, ``-400 log10(1/p - 1)``;
  with its interval from the Wilson interval of the score (a monotone map keeps the coverage).
- :func:`fit_ratings`: a Bradley-Terry fit over every game among many players at once (as
  BayesElo does, without its prior and draw model: draws count half a win each way), by
  maximum likelihood with Newton's method; intervals from the observed information, with one
  player held at 0 (the anchor). Not a chain of pairwise guesses: every game informs every rating.
"""
from __future__ import annotations

import math

import numpy as np

ELO = 400 / math.log(10)  # Elo points per natural-log unit of the odds


def elo_difference(score: float, games: int, z: float = 1.96) -> tuple[float, float, float]:
    """(Elo, low, high) of a player who scored ``score`` (wins + draws / 2) in ``games``. A
    clean sweep has an infinite estimate (+-inf) with a finite bound on the other side."""
    from .match import wilson_interval

    if games < 1:
        raise ValueError("an Elo difference needs at least one game")
    low, high = wilson_interval(score, games, z)
    return _elo(score / games), _elo(low), _elo(high)


def _elo(p: float) -> float:
    if p <= 0:
        return -math.inf
    if p >= 1:
        return math.inf
    return -400 * math.log10(1 / p - 1)


def fit_ratings(players: list[str], games: list[tuple[str, str, float]], anchor: str | None = None,
                z: float = 1.96, prior_games: float = 0.5) -> dict[str, tuple[float, float, float]]:
    """Elo ratings of ``players`` from ``games`` (first player, second player, the first's score
    1, 0.5 or 0): {player: (Elo, low, high)}, ``anchor`` (default the first player) at 0.
    ``prior_games``: each pair of players that met also gets this many virtual drawn games, which
    keeps a clean sweep finite (BayesElo's prior does the same job)."""
    index = {name: i for i, name in enumerate(players)}
    anchor_index = index[anchor if anchor is not None else players[0]]
    n = len(players)
    wins = np.zeros((n, n))
    for first, second, score in games:
        i, j = index[first], index[second]
        wins[i, j] += score
        wins[j, i] += 1 - score
    met = (wins + wins.T) > 0
    wins = wins + np.where(met, prior_games / 2, 0.0)
    totals = wins + wins.T
    free = [i for i in range(n) if i != anchor_index]
    ratings = np.zeros(n)  # natural-log units
    for _ in range(100):
        diff = ratings[:, None] - ratings[None, :]
        expected = 1 / (1 + np.exp(-diff))
        gradient = (wins - totals * expected).sum(axis=1)
        weight = totals * expected * (1 - expected)
        hessian = -np.diag(weight.sum(axis=1)) + weight
        step = np.linalg.solve(hessian[np.ix_(free, free)], gradient[free])
        ratings[free] -= step
        if np.abs(step).max() < 1e-10:
            break
    diff = ratings[:, None] - ratings[None, :]
    expected = 1 / (1 + np.exp(-diff))
    weight = totals * expected * (1 - expected)
    information = np.diag(weight.sum(axis=1)) - weight
    covariance = np.zeros((n, n))
    covariance[np.ix_(free, free)] = np.linalg.inv(information[np.ix_(free, free)])
    result = {}
    for name, i in index.items():
        spread = z * math.sqrt(max(covariance[i, i], 0.0)) * ELO
        result[name] = (ratings[i] * ELO, ratings[i] * ELO - spread, ratings[i] * ELO + spread)
    return result


__all__ = ["elo_difference", "fit_ratings"]
