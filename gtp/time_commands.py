"""The clock: ``time_settings``, ``time_left`` and ``kgs-time_settings`` (absolute, Japanese
byo-yomi, Canadian) set the :class:`gtp.timecontrol.TimeManager` that budgets each move.
"""
from __future__ import annotations

from .arguments import GtpFailure, parse_color, parse_float, parse_int
from .timecontrol import TimeManager, TimeSettings


class TimeCommands:
    """``time_settings time_left kgs-time_settings``, as a mixin of :class:`gtp.engine.GtpEngine`."""

    time: TimeManager

    def cmd_time_settings(self, args: list[str]) -> str:
        if len(args) != 3:
            raise GtpFailure("syntax error")
        main, period, stones = (parse_int(a) for a in args)
        try:
            self.time.set(TimeSettings.from_gtp(main, period, stones))
        except ValueError:
            raise GtpFailure("syntax error") from None
        return ""

    def cmd_time_left(self, args: list[str]) -> str:
        if len(args) != 3:
            raise GtpFailure("syntax error")
        color = parse_color(args[0])
        seconds = parse_float(args[1])
        stones = parse_int(args[2])
        self.time.time_left(color, seconds, stones)
        return ""

    def cmd_kgs_time_settings(self, args: list[str]) -> str:
        if not args:
            raise GtpFailure("syntax error")
        kind, numbers = args[0].lower(), [parse_int(a) for a in args[1:]]
        if kind == "none" and not numbers:
            settings = TimeSettings()
        elif kind == "absolute" and len(numbers) == 1:
            settings = TimeSettings(float(numbers[0]), 0.0, 0, 0, False)
        elif kind == "byoyomi" and len(numbers) == 3:
            settings = TimeSettings(float(numbers[0]), float(numbers[1]), 0, numbers[2], False)
        elif kind == "canadian" and len(numbers) == 3:
            settings = TimeSettings(float(numbers[0]), float(numbers[1]), numbers[2], 0, False)
        else:
            raise GtpFailure("syntax error")
        if min(numbers, default=0) < 0:
            raise GtpFailure("syntax error")
        self.time.set(settings)
        return ""
