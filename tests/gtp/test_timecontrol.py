"""Thinking budgets under absolute time, Japanese byo-yomi and Canadian periods."""
from __future__ import annotations

import pytest

from gtp.timecontrol import TimeManager, TimeSettings


def test_no_settings_or_unlimited_means_no_budget():
    assert TimeManager().budget(1, 81) is None
    assert TimeManager(TimeSettings.from_gtp(0, 10, 0)).budget(1, 81) is None  # GTP: byo > 0, stones 0


def test_absolute_time_is_spread_over_the_remaining_moves_and_never_overdrawn():
    manager = TimeManager(TimeSettings(60.0, 0.0, 0, 0, False), lag=0.5)
    first = manager.budget(1, 81)
    assert 0.5 < first < 60 / 12
    manager.time_left(1, 1.0, 0)
    assert manager.budget(1, 81) <= 0.5  # one second left: at most that minus the lag


def test_canadian_period_is_shared_by_its_stones():
    manager = TimeManager(TimeSettings.from_gtp(0, 30, 10), lag=0.0)
    assert manager.budget(1, 81) == pytest.approx(0.9 * 30 / 10)
    manager.time_left(1, 6.0, 2)
    assert manager.budget(1, 81) == pytest.approx(0.9 * 6 / 2)
    for _ in range(2):  # two moves use up the period; a fresh one starts
        manager.charge(1, 0.5)
    clock = manager.clocks[1]
    assert (clock.seconds, clock.stones) == (30.0, 10)


def test_japanese_byo_yomi_keeps_each_move_inside_a_period():
    manager = TimeManager(TimeSettings(5.0, 10.0, 0, 3, False), lag=0.5)
    manager.charge(1, 7.0)  # main time gone, 2 s into the first period
    clock = manager.clocks[1]
    assert not clock.in_main_time and clock.stones == 3
    assert clock.seconds == 10.0 and manager.budget(1, 81) == pytest.approx(0.8 * 10.0)


def test_negative_settings_are_refused():
    with pytest.raises(ValueError):
        TimeSettings.from_gtp(-1, 0, 0)


def test_absolute_time_used_up_leaves_the_minimum_budget_and_no_overtime():
    manager = TimeManager(TimeSettings.from_gtp(10, 0, 0), lag=0.0)  # 10 s for the game, no byo-yomi
    assert manager.limited and manager.budget(1, 81) == pytest.approx(10 / 27)
    manager.charge(1, 12.0)  # overdrawn: the clock is empty, no period follows
    clock = manager.clocks[1]
    assert (clock.seconds, clock.stones, clock.in_main_time) == (0.0, 0, False)
    assert manager.budget(1, 81) == 0.05
    manager.charge(1, 1.0)
    assert manager.budget(1, 81) == 0.05 and manager.clocks[2].seconds == 10.0


def test_one_second_of_main_time_is_main_time():
    manager = TimeManager(TimeSettings(1.0, 0.0, 0, 0, False), lag=0.0)  # kgs-time_settings absolute 1
    assert manager.clocks[1].in_main_time and manager.clocks[1].seconds == 1.0
    assert manager.budget(1, 81) == 0.05  # 1/27 s planned, raised to the minimum
    manager.charge(1, 0.5)
    assert manager.clocks[1].in_main_time and manager.clocks[1].seconds == 0.5


def test_a_japanese_period_overrun_is_lost_down_to_the_last():
    manager = TimeManager(TimeSettings(0.0, 10.0, 0, 2, False), lag=0.0)  # byo-yomi only: 2 x 10 s
    clock = manager.clocks[1]
    manager.charge(1, 9.0)  # inside the period: kept, and the next move gets a full period
    assert (clock.stones, clock.seconds) == (2, 10.0)
    manager.charge(1, 12.0)  # overrun: one period lost, a fresh one starts
    assert (clock.stones, clock.seconds) == (1, 10.0)
    manager.charge(1, 11.0)  # the last one overrun too
    assert (clock.stones, clock.seconds) == (0, 10.0) and manager.budget(1, 81) == pytest.approx(8.0)


def test_main_time_used_to_the_second_starts_the_overtime():
    manager = TimeManager(TimeSettings(5.0, 30.0, 10, 0, False), lag=0.0)  # Canadian: 10 stones in 30 s
    manager.charge(1, 5.0)
    clock = manager.clocks[1]
    assert not clock.in_main_time and clock.seconds == 30.0 and 0 < clock.stones <= 10
    assert manager.budget(1, 81) == pytest.approx(0.9 * 30 / clock.stones)  # the period's share, nothing of main


def test_a_single_japanese_period_can_be_lost_too():
    manager = TimeManager(TimeSettings(0.0, 10.0, 0, 1, False), lag=0.0)
    manager.charge(1, 10.5)
    assert (manager.clocks[1].stones, manager.clocks[1].seconds) == (0, 10.0)
