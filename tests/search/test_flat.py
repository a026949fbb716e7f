"""Flat Monte Carlo's result: candidates most visited first with the uniform prior, the visits
asked for, ownership per point in -1..1, progress snapshots, the time within the wall clock, and
a result without candidates when only pass is left."""
from __future__ import annotations

import time

import numpy as np
import pytest

from gogame.coords import from_gtp
from gogame.game import GameState
from gogame.rules import Rules
from search.flat import FlatConfig, FlatMonteCarlo
from search.result import SearchLimits
from tests.gogame.test_fixtures import ONLY_OWN_EYES, game_from


def test_a_search_reports_its_candidates_most_visited_first_with_uniform_priors():
    game = GameState(5, Rules(komi=0.5))
    game.play(from_gtp("C3", 5))
    flat = FlatMonteCarlo(FlatConfig(seed=1))
    candidates = len(flat.candidates(game))
    start = time.perf_counter()
    result = flat.search(game, SearchLimits(visits=300))
    wall = time.perf_counter() - start
    assert result.visits == 300 == sum(m.visits for m in result.moves)
    assert 0 <= result.seconds <= wall
    assert candidates == 24 and len(result.moves) == 24  # every candidate pulled at least once
    assert all(m.prior == pytest.approx(1 / 24) for m in result.moves)
    keys = [(m.visits, m.winrate) for m in result.moves]
    assert keys == sorted(keys, reverse=True) and result.moves[0].visits > result.moves[-1].visits
    assert result.best is result.moves[0]
    assert all(0 <= m.winrate <= 1 and m.lcb <= m.winrate and m.pv == [m.move] for m in result.moves)
    # the root value is the visit-weighted mean of the moves' win rates
    assert result.winrate == pytest.approx(sum(m.winrate * m.visits for m in result.moves) / 300)
    assert result.ownership.shape == (5, 5)
    assert np.all(np.abs(result.ownership) <= 1) and result.ownership[2, 2] > 0  # C3 stays Black's more often than not


def test_progress_snapshots_and_a_stop_request():
    flat = FlatMonteCarlo(FlatConfig(seed=2, chunk_seconds=0.001))
    snapshots = []
    result = flat.search(GameState(5, Rules(komi=0.5)), SearchLimits(visits=2000), on_progress=snapshots.append,
                         progress_interval=0.0, should_stop=lambda: len(snapshots) >= 2)
    assert len(snapshots) == 2 and result.visits >= snapshots[-1].visits > snapshots[0].visits > 0
    for snapshot in snapshots:
        assert snapshot.ownership.shape == (5, 5) and np.all(np.abs(snapshot.ownership) <= 1)
        assert snapshot.visits == sum(m.visits for m in snapshot.moves)


def test_nothing_but_pass_left_gives_an_empty_result():
    game = game_from(ONLY_OWN_EYES)
    result = FlatMonteCarlo().search(game, SearchLimits(visits=10))
    assert result.moves == [] and result.best is None and result.visits == 0
    assert result.winrate == 0.5 and result.ownership is None and result.seconds >= 0


def test_warm_up_leaves_a_working_searcher():
    flat = FlatMonteCarlo(FlatConfig(seed=0))
    flat.warm_up()
    assert flat.search(GameState(5, Rules(komi=0.5)), SearchLimits(visits=30)).visits == 30
