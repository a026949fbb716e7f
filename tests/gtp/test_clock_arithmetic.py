"""The clock arithmetic of gtp.timecontrol, number by number: GTP's time_settings (negative
values refused, byo-yomi time with no stones means no limit), time_left (never below zero; zero
stones is main time), the budget's overtime share (Canadian: the period over its stones; Japanese:
the period), and charging (main time overflowing into overtime, a Canadian period's stones, a
Japanese period lost only when a move overruns it)."""
from __future__ import annotations

import pytest

from gtp.timecontrol import TimeManager, TimeSettings


@pytest.mark.parametrize("args", [(-1, 0, 0), (0, -1, 0), (0, 0, -1)])
def test_negative_time_settings_are_refused(args):
    with pytest.raises(ValueError, match="time settings must not be negative"):
        TimeSettings.from_gtp(*args)


@pytest.mark.parametrize("main, period, stones, unlimited", [(0, 1, 0, True), (0, 0, 0, False), (60, 0, 0, False),
                                                             (60, 30, 5, False)])
def test_byo_yomi_time_without_stones_means_no_limit(main, period, stones, unlimited):
    settings = TimeSettings.from_gtp(main, period, stones)
    assert settings == TimeSettings(float(main), float(period), stones, 0, unlimited)


def test_time_left_never_goes_below_zero_and_zero_stones_is_main_time():
    manager = TimeManager(TimeSettings.from_gtp(300, 30, 5))
    manager.time_left(1, -3.0, 0)
    assert (manager.clocks[1].seconds, manager.clocks[1].in_main_time) == (0.0, True)
    manager.time_left(1, 0.5, 0)
    assert manager.clocks[1].seconds == 0.5
    manager.time_left(2, 20.0, 1)
    assert (manager.clocks[2].stones, manager.clocks[2].in_main_time) == (1, False)


def test_the_overtime_share_canadian_and_japanese():
    canadian = TimeManager(TimeSettings(0.0, 100.0, 1, 0, False), lag=0.0)
    assert canadian.budget(1, 10) == pytest.approx(min(0.9 * 100 / 1, 100))  # one stone: the whole share
    canadian_five = TimeManager(TimeSettings(0.0, 100.0, 5, 0, False), lag=0.0)
    assert canadian_five.budget(1, 10) == pytest.approx(0.9 * 100 / 5)
    japanese = TimeManager(TimeSettings(0.0, 10.0, 0, 3, False), lag=0.0)
    assert japanese.budget(1, 10) == pytest.approx(0.8 * 10)
    # in main time, a little of the overtime to come is spent too
    main = TimeManager(TimeSettings(120.0, 10.0, 0, 3, False), lag=0.0)
    assert main.budget(1, 36) == pytest.approx(120 / 12 + 0.5 * 8.0)
    no_overtime = TimeManager(TimeSettings(120.0, 0.0, 0, 0, False), lag=0.0)
    assert no_overtime.budget(1, 36) == pytest.approx(120 / 12)


def test_main_time_overflows_into_a_canadian_period():
    manager = TimeManager(TimeSettings(10.0, 60.0, 5, 0, False))
    manager.charge(1, 4.0)
    assert (manager.clocks[1].seconds, manager.clocks[1].in_main_time) == (6.0, True)
    manager.charge(1, 8.0)  # 2 s over: into the first period, one stone played
    clock = manager.clocks[1]
    assert (clock.in_main_time, clock.seconds, clock.stones) == (False, 58.0, 4)
    for _ in range(4):
        manager.charge(1, 1.0)
    assert (clock.seconds, clock.stones) == (60.0, 5)  # the period's stones played: a fresh period


def test_a_japanese_period_is_lost_only_when_a_move_overruns_it():
    manager = TimeManager(TimeSettings(0.0, 10.0, 0, 3, False))
    clock = manager.clocks[2]
    assert (clock.seconds, clock.stones) == (10.0, 3)
    manager.charge(2, 10.0)  # exactly the period: kept
    assert clock.stones == 3
    manager.charge(2, 10.5)
    assert (clock.stones, clock.seconds) == (2, 10.0)
