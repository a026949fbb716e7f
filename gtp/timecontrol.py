"""Clocks and thinking budgets: absolute time, Japanese byo-yomi and Canadian periods.

The controller states the time system (``time_settings`` or ``kgs-time_settings``) and may report
what is left (``time_left``); the engine also charges its own thinking time, so that it keeps a
sane clock when no ``time_left`` arrives. ``budget`` never plans past what is left minus the lag.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class TimeSettings:
    """``main`` seconds, then periods of ``period`` seconds: Canadian when ``stones`` > 0 (that
    many moves per period), Japanese byo-yomi when ``periods`` > 0 (a period is lost when it runs
    out). ``unlimited`` when the controller says there is no limit."""

    main: float = 0.0
    period: float = 0.0
    stones: int = 0
    periods: int = 0
    unlimited: bool = True

    @classmethod
    def from_gtp(cls, main: int, period: int, stones: int) -> "TimeSettings":
        """GTP ``time_settings``: byo-yomi time > 0 with 0 stones means no limit."""
        if min(main, period, stones) < 0:
            raise ValueError("time settings must not be negative")
        unlimited = period > 0 and stones == 0
        return cls(float(main), float(period), stones, 0, unlimited)


@dataclass
class Clock:
    """One player's time: ``seconds`` left in the current stage, ``stones`` (Canadian: moves
    left in the period; Japanese: periods left; 0 while in main time)."""

    seconds: float = 0.0
    stones: int = 0
    in_main_time: bool = True


class TimeManager:
    """Both players' clocks under one TimeSettings."""

    def __init__(self, settings: TimeSettings | None = None, lag: float = 0.3) -> None:
        self.lag = lag
        self.set(settings or TimeSettings())

    def set(self, settings: TimeSettings) -> None:
        self.settings = settings
        self.clocks = {color: Clock(settings.main, 0, settings.main > 0) for color in (1, 2)}
        for clock in self.clocks.values():
            if settings.main <= 0:
                self._enter_overtime(clock)

    def _enter_overtime(self, clock: Clock) -> None:
        clock.in_main_time = False
        clock.seconds = self.settings.period
        clock.stones = self.settings.stones if self.settings.stones > 0 else self.settings.periods

    def time_left(self, color: int, seconds: float, stones: int) -> None:
        """GTP ``time_left``: stones = 0 means main time (KGS byo-yomi: periods left)."""
        clock = self.clocks[color]
        clock.seconds = max(0.0, float(seconds))
        clock.stones = stones
        clock.in_main_time = stones == 0

    @property
    def limited(self) -> bool:
        s = self.settings
        return not s.unlimited and (s.main > 0 or s.period > 0)

    def budget(self, color: int, empty_points: int) -> float | None:
        """Seconds to think for ``color``'s next move, None without a time limit. The plan never
        exceeds what the clock holds now minus the lag."""
        if not self.limited:
            return None
        s, clock = self.settings, self.clocks[color]
        moves_left = max(12, empty_points // 3)
        if clock.in_main_time:
            overtime = self._overtime_share(s.period, s.stones or 1) if s.period > 0 else 0.0
            plan = clock.seconds / moves_left + 0.5 * overtime  # overtime follows: spend a little faster
            hard_limit = clock.seconds + overtime
        else:
            plan = self._overtime_share(clock.seconds, clock.stones or 1)
            hard_limit = clock.seconds
        return max(0.05, min(plan, hard_limit - self.lag))

    def _overtime_share(self, seconds: float, stones: int) -> float:
        if self.settings.stones > 0:  # Canadian: share the period among its stones
            return 0.9 * seconds / max(stones, 1)
        return 0.8 * seconds  # Japanese: each move gets the period

    def charge(self, color: int, seconds: float) -> None:
        """Take ``seconds`` of thinking off ``color``'s clock."""
        if not self.limited:
            return
        clock = self.clocks[color]
        if clock.in_main_time:
            clock.seconds -= seconds
            if clock.seconds > 0:
                return
            overflow = -clock.seconds
            self._enter_overtime(clock)
            seconds = overflow
        if self.settings.stones > 0:
            clock.seconds -= seconds
            clock.stones -= 1
            if clock.stones <= 0:  # period done: a fresh one
                clock.seconds = self.settings.period
                clock.stones = self.settings.stones
        elif self.settings.periods > 0 and seconds > clock.seconds:
            clock.stones = max(0, clock.stones - 1)  # a Japanese period was lost
            clock.seconds = self.settings.period
