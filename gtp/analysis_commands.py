"""Analysis: the streamed ``lz-analyze``/``kata-analyze`` commands and their genmove variants
(grammar and info lines in :mod:`gtp.analysis`), and GoGui's analyze commands with the
``tengen-ownership``, ``tengen-policy`` and ``tengen-pv`` commands behind them.
"""
from __future__ import annotations

import time
from typing import Callable

import numpy as np

from gogame.board_nb import BLACK
from gogame.coords import PASS, to_gtp
from gogame.game import GameState
from search.result import SearchLimits, SearchResult
from search.searcher import Searcher

from .analysis import format_info_line, parse_analyze_args
from .arguments import parse_color
from .protocol import Command, format_response, header

STREAMED_COMMANDS = ("lz-analyze", "kata-analyze", "lz-genmove_analyze", "kata-genmove_analyze")


class AnalysisCommands:
    """The analysis streams (``_stream``) and ``gogui-analyze_commands tengen-ownership
    tengen-policy tengen-pv``, as a mixin of :class:`gtp.engine.GtpEngine`. Uses the play
    family's ``think``, ``_answer_move`` and ``_limits``."""

    size: int
    game: GameState
    searcher: Searcher
    last_result: SearchResult | None
    _input_pending: Callable[[], bool]
    _interrupted: Callable[[], bool]
    log: Callable[[str], None]

    def _stream(self, command: Command, write: Callable[[str], None]) -> None:
        dialect = "kata" if command.name.startswith("kata") else "lz"
        genmove = command.name.endswith("genmove_analyze")
        try:
            request = parse_analyze_args(command.args, dialect, self.game.to_move, self.size)
        except ValueError as error:
            write(format_response(command.id, False, str(error) or "syntax error"))
            return
        write(header(command.id))

        def report(result: SearchResult) -> None:
            line = format_info_line(result, request, dialect, self.size)
            if line:  # an empty line would end the response (maxmoves 0: nothing to list)
                write(line + "\n")

        try:
            self._run_stream(request, genmove, report, write)
        except Exception as error:  # after the header: end the stream, as KataGo does, the reason on stderr
            self.log(f"{command.name} stopped: {error!r}")
            write("\n")

    def _run_stream(self, request, genmove: bool, report, write: Callable[[str], None]) -> None:
        if genmove:
            move, _ = self.think(request.color, on_progress=report, interval=request.interval,
                                 move_filter=request.move_filter)
            text = self._answer_move(request.color, move, commit=True)
            write(f"play {text}\n\n")
            return
        self.game.to_move = request.color
        stop = self._input_pending
        options = {"move_filter": request.move_filter} if request.move_filter else {}
        result = self.searcher.search(self.game, SearchLimits(), should_stop=stop, on_progress=report,
                                      progress_interval=request.interval, **options)
        self.last_result = result
        while not stop():  # the search may end on its own (memory bound): the stream ends on input only
            time.sleep(0.02)
        write("\n")

    # --- GoGui analyze commands -----------------------------------------------------------

    def cmd_gogui_analyze_commands(self, args: list[str]) -> str:
        return "\n".join([
            "dboard/Ownership/tengen-ownership %m",
            "gfx/Search heat map/tengen-policy %m",
            "gfx/Principal variation/tengen-pv %m",
        ])

    def _analysis_for(self, args: list[str]) -> SearchResult:
        color = parse_color(args[0]) if args else self.game.to_move
        self.game.to_move = color
        limits = self._limits(color)
        seconds = min(limits.seconds, 2.0) if limits.seconds is not None else 2.0
        result = self.searcher.search(self.game, SearchLimits(visits=limits.visits, seconds=seconds),
                                      should_stop=self._interrupted)
        self.last_result = result
        return result

    def cmd_ownership_board(self, args: list[str]) -> str:
        result = self._analysis_for(args)
        ownership = result.ownership if result.ownership is not None else np.zeros((self.size, self.size))
        return "\n" + "\n".join(" ".join(f"{v:.2f}" for v in row) for row in ownership)

    def cmd_policy_heatmap(self, args: list[str]) -> str:
        result = self._analysis_for(args)
        if not result.moves:
            return ""
        most = max(m.visits for m in result.moves)
        return "\n".join(f"INFLUENCE {to_gtp(m.move, self.size)} {m.visits / most:.2f}"
                         for m in result.moves if m.move != PASS)

    def cmd_pv(self, args: list[str]) -> str:
        result = self._analysis_for(args)
        if result.best is None:
            return ""
        color, parts = result.to_move, []
        for pt in result.best.pv:
            parts += ["b" if color == BLACK else "w", to_gtp(pt, self.size)]
            color = 3 - color
        return "VAR " + " ".join(parts)
