"""The GTP v2 engine: ``GtpEngine`` holds the game state and the searcher, owns the command table
and dispatches each command (``execute``). The commands themselves live with their family, in
mixins the engine is made of:

- :mod:`gtp.setup_commands`: board size, komi, rules, handicap, SGF files;
- :mod:`gtp.play_commands`: play, undo, genmove and its variants, ``think``;
- :mod:`gtp.analysis_commands`: lz/kata analysis streams, GoGui analyze commands;
- :mod:`gtp.scoring_commands`: score, dead stones, stone lists, legality, showboard;
- :mod:`gtp.time_commands`: time settings and time left;
- :mod:`gtp.kata_commands`: KataGo's rules and live parameter commands.

Arguments are parsed by :mod:`gtp.arguments`. I/O is injected (``write``, ``input_pending``,
``interrupted``), so tests drive the engine without processes; :mod:`gtp.server` connects it to
stdin and stdout.
"""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version as package_version
from typing import Callable

import numpy as np

from gogame.game import GameState
from search.result import SearchResult
from search.searcher import Searcher

from .analysis_commands import STREAMED_COMMANDS, AnalysisCommands
from .arguments import GtpFailure
from .config import EngineConfig
from .kata_commands import KataCommands
from .play_commands import PlayCommands
from .protocol import Command, format_response
from .scoring_commands import ScoringCommands
from .setup_commands import SetupCommands
from .time_commands import TimeCommands
from .timecontrol import TimeManager

ENGINE_NAME = "Tengen"
MAX_SGF_BYTES = 10_000_000


def _version() -> str:
    try:
        return package_version("tengen")
    except PackageNotFoundError:
        return "0.0.0"


class GtpEngine(SetupCommands, PlayCommands, AnalysisCommands, ScoringCommands, TimeCommands, KataCommands):
    """State and commands. ``execute`` answers one parsed command through ``write``."""

    def __init__(self, config: EngineConfig, searcher: Searcher, log: Callable[[str], None] = lambda text: None) -> None:
        """``searcher`` plays and analyses (built from ``config`` by :mod:`tengen.wiring`)."""
        self.config = config
        self.log = log
        self.size = config.boardsize
        self.rules = config.rules  # komi included
        self.searcher = searcher
        self.time = TimeManager(lag=config.time.lag)
        self.game = GameState(self.size, self.rules)
        self.last_result: SearchResult | None = None
        self.rng = np.random.default_rng(config.seed)  # move_temperature's draws
        self.ponder_color: int | None = None  # the side to move after the engine's own move (see ponder)
        self.quit_requested = False
        self._input_pending: Callable[[], bool] = lambda: False
        self._interrupted: Callable[[], bool] = lambda: False
        # In this order list_commands shows them. The streamed commands have no handler here:
        # execute sends them to _stream, which writes its own response.
        self.commands: dict[str, Callable[[list[str]], str] | None] = {
            "protocol_version": lambda args: "2",
            "name": lambda args: ENGINE_NAME,
            "version": lambda args: _version(),
            "known_command": self.cmd_known_command,
            "list_commands": lambda args: "\n".join(self.commands),
            "quit": self.cmd_quit,
            "boardsize": self.cmd_boardsize,
            "clear_board": self.cmd_clear_board,
            "komi": self.cmd_komi,
            "play": self.cmd_play,
            "genmove": lambda args: self.cmd_genmove(args, commit=True),
            "reg_genmove": lambda args: self.cmd_genmove(args, commit=False),
            "kgs-genmove_cleanup": lambda args: self.cmd_genmove(args, commit=True, cleanup=True),
            "undo": self.cmd_undo,
            "showboard": self.cmd_showboard,
            "final_score": self.cmd_final_score,
            "final_status_list": self.cmd_final_status_list,
            "fixed_handicap": self.cmd_fixed_handicap,
            "place_free_handicap": self.cmd_place_free_handicap,
            "set_free_handicap": self.cmd_set_free_handicap,
            "time_settings": self.cmd_time_settings,
            "time_left": self.cmd_time_left,
            "kgs-time_settings": self.cmd_kgs_time_settings,
            "kgs-rules": self.cmd_kgs_rules,
            "kata-get-rules": self.cmd_kata_get_rules,
            "kata-set-rules": self.cmd_kata_set_rules,
            "kata-set-rule": self.cmd_kata_set_rule,
            "kata-get-param": self.cmd_kata_get_param,
            "kata-set-param": self.cmd_kata_set_param,
            "kata-list-params": self.cmd_kata_list_params,
            "loadsgf": self.cmd_loadsgf,
            "printsgf": self.cmd_printsgf,
            "is_legal": self.cmd_is_legal,
            "list_stones": self.cmd_list_stones,
            "captures": self.cmd_captures,
            "gogui-analyze_commands": self.cmd_gogui_analyze_commands,
            "gogui-interrupt": lambda args: "",
            "tengen-ownership": self.cmd_ownership_board,
            "tengen-policy": self.cmd_policy_heatmap,
            "tengen-pv": self.cmd_pv,
            "lz-analyze": None,
            "kata-analyze": None,
            "lz-genmove_analyze": None,
            "kata-genmove_analyze": None,
        }

    @property
    def max_sgf_bytes(self) -> int:
        """loadsgf's file size limit, read from this module at each call (tests lower it)."""
        return MAX_SGF_BYTES

    def execute(self, command: Command, write: Callable[[str], None], input_pending: Callable[[], bool] = lambda: False,
                interrupted: Callable[[], bool] = lambda: False) -> None:
        """Answer ``command``: exactly one response through ``write`` (streamed for analysis)."""
        self._input_pending = input_pending
        self._interrupted = interrupted
        if command.name not in self.commands:
            write(format_response(command.id, False, "unknown command"))
            return
        if command.name in STREAMED_COMMANDS:
            self._stream(command, write)
            return
        try:
            text = self.commands[command.name](command.args)
        except GtpFailure as failure:
            write(format_response(command.id, False, str(failure)))
            return
        except Exception as error:  # never die on a command: say what broke, keep serving
            self.log(f"internal error in {command.name}: {error!r}")
            write(format_response(command.id, False, f"internal error: {error}"))
            return
        write(format_response(command.id, True, text))

    def cmd_known_command(self, args: list[str]) -> str:
        return "true" if args and args[0].lower() in self.commands else "false"

    def cmd_quit(self, args: list[str]) -> str:
        self.quit_requested = True
        return ""


__all__ = ["GtpEngine", "GtpFailure", "ENGINE_NAME"]
