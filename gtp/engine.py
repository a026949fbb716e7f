"""The GTP v2 engine: every command, analysis streams and time management, over a GameState and
a searcher. I/O is injected (``write``, ``input_pending``, ``interrupted``), so tests drive it
without processes; :mod:`gtp.server` connects it to stdin and stdout.
"""
from __future__ import annotations

import math
import time
from importlib.metadata import PackageNotFoundError, version as package_version
from pathlib import Path
from typing import Callable

import numpy as np

from gogame.board_nb import BLACK, WHITE
from gogame.coords import PASS, CoordinateError, all_points, from_gtp, row_col, to_gtp
from gogame.game import GameState, check_komi
from gogame.handicap import HandicapError, check_free_handicap, fixed_handicap_points, max_fixed_handicap
from gogame.ownership import OwnershipConfig, final_status
from gogame.rules import NAMED_RULES, IllegalMove
from gogame.sgf import SGFError, game_to_record, load_game, write_sgf
from search.result import SearchLimits, SearchResult

from .analysis import format_info_line, parse_analyze_args
from .config import DEFAULT_SECONDS_PER_MOVE, EngineConfig
from .player import build_searcher
from .protocol import Command, format_response, header
from .timecontrol import TimeManager, TimeSettings

ENGINE_NAME = "Tengen"
MAX_SGF_BYTES = 10_000_000


class GtpFailure(Exception):
    """A command failed; the message is the GTP error text (``illegal move``, ...)."""


def _version() -> str:
    try:
        return package_version("tengen")
    except PackageNotFoundError:
        return "0.0.0"


def parse_color(text: str) -> int:
    lowered = text.lower()
    if lowered in ("b", "black"):
        return BLACK
    if lowered in ("w", "white"):
        return WHITE
    raise GtpFailure("syntax error")


def _parse_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise GtpFailure("syntax error") from None


def _parse_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise GtpFailure("syntax error") from None
    if not math.isfinite(value):
        raise GtpFailure("syntax error")
    return value


class GtpEngine:
    """State and commands. ``execute`` answers one parsed command through ``write``."""

    def __init__(self, config: EngineConfig = EngineConfig(), log: Callable[[str], None] = lambda text: None) -> None:
        self.config = config
        self.log = log
        self.size = config.boardsize
        self.komi = config.komi
        self.rules = config.rules
        self.searcher = build_searcher(config)
        self.time = TimeManager(lag=config.lag)
        self.game = GameState(self.size, self.komi, self.rules)
        self.last_result: SearchResult | None = None
        self.quit_requested = False
        self._input_pending: Callable[[], bool] = lambda: False
        self._interrupted: Callable[[], bool] = lambda: False
        self.commands: dict[str, Callable[[list[str]], str]] = {
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

    # --- dispatch -------------------------------------------------------------------------

    def execute(self, command: Command, write: Callable[[str], None], input_pending: Callable[[], bool] = lambda: False,
                interrupted: Callable[[], bool] = lambda: False) -> None:
        """Answer ``command``: exactly one response through ``write`` (streamed for analysis)."""
        self._input_pending = input_pending
        self._interrupted = interrupted
        if command.name not in self.commands:
            write(format_response(command.id, False, "unknown command"))
            return
        if command.name in ("lz-analyze", "kata-analyze", "lz-genmove_analyze", "kata-genmove_analyze"):
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

    # --- basic commands -------------------------------------------------------------------

    def cmd_known_command(self, args: list[str]) -> str:
        return "true" if args and args[0].lower() in self.commands else "false"

    def cmd_quit(self, args: list[str]) -> str:
        self.quit_requested = True
        return ""

    def cmd_boardsize(self, args: list[str]) -> str:
        if len(args) != 1:
            raise GtpFailure("syntax error")
        size = _parse_int(args[0])
        if not 2 <= size <= 25:
            raise GtpFailure("unacceptable size")
        self.size = size
        self._new_game()
        return ""

    def cmd_clear_board(self, args: list[str]) -> str:
        self._new_game()
        return ""

    def _new_game(self) -> None:
        self.game = GameState(self.size, self.komi, self.rules)
        self.time.set(self.time.settings)
        self.last_result = None

    def cmd_komi(self, args: list[str]) -> str:
        if len(args) != 1:
            raise GtpFailure("syntax error")
        value = _parse_float(args[0])
        try:
            check_komi(value)
        except ValueError:
            raise GtpFailure("komi out of range") from None
        self.komi = value
        self.game.komi = value
        return ""

    def _vertex(self, text: str) -> int:
        try:
            return from_gtp(text, self.size)
        except CoordinateError as error:
            raise GtpFailure("illegal move" if "off the" in str(error) else "syntax error") from None

    def cmd_play(self, args: list[str]) -> str:
        if len(args) != 2:
            raise GtpFailure("syntax error")
        color = parse_color(args[0])
        pt = self._vertex(args[1])
        try:
            self.game.play(pt, color)
        except IllegalMove as error:
            self.log(str(error))
            raise GtpFailure("illegal move") from None
        return ""

    def cmd_undo(self, args: list[str]) -> str:
        if not self.game.moves:
            raise GtpFailure("cannot undo")
        self.game.undo()
        return ""

    def cmd_showboard(self, args: list[str]) -> str:
        size = self.size
        letters = "ABCDEFGHJKLMNOPQRSTUVWXYZ"[:size]
        grid = self.game.board.grid()
        last = self.game.board.last_move
        last_rc = row_col(last, size) if last else None
        lines = ["   " + " ".join(letters)]
        for r in range(size):
            cells = []
            for c in range(size):
                ch = ".XO"[grid[r, c]]
                cells.append("(" if (r, c) == last_rc else " ")
                cells.append(ch)
            lines.append(f"{size - r:2d}" + "".join(cells) + f" {size - r}")
        lines.append("   " + " ".join(letters))
        black, white = self.game.board.prisoners
        lines.append(f"to move: {'Black' if self.game.to_move == BLACK else 'White'}  komi: {self.komi:g}  "
                     f"captured by Black: {black}  by White: {white}")
        return "\n" + "\n".join(lines)

    def _status(self) -> dict[str, list[int]]:
        config = OwnershipConfig(playouts=self.config.ownership_playouts, seed=self.config.seed)
        return final_status(self.game, config)

    def cmd_final_score(self, args: list[str]) -> str:
        return self.game.score(self._status()["dead"]).result()

    def cmd_final_status_list(self, args: list[str]) -> str:
        if len(args) != 1 or args[0].lower() not in ("alive", "dead", "seki"):
            raise GtpFailure("syntax error")
        points = set(self._status()[args[0].lower()])
        lines, seen = [], set()
        for pt in sorted(points):
            if pt in seen:
                continue
            chain = [s for s in self.game.board.chain(pt) if s in points]
            seen.update(chain)
            lines.append(" ".join(to_gtp(s, self.size) for s in sorted(chain)))
        return "\n".join(lines)

    def _require_empty_board(self) -> None:
        if self.game.moves or self.game.board.stone_count() != (0, 0):
            raise GtpFailure("board not empty")

    def cmd_fixed_handicap(self, args: list[str]) -> str:
        if len(args) != 1:
            raise GtpFailure("syntax error")
        stones = _parse_int(args[0])
        self._require_empty_board()
        try:
            points = fixed_handicap_points(stones, self.size)
        except HandicapError:
            raise GtpFailure("invalid number of stones") from None
        self.game.place_handicap(points)
        return " ".join(to_gtp(p, self.size) for p in points)

    def cmd_place_free_handicap(self, args: list[str]) -> str:
        if len(args) != 1:
            raise GtpFailure("syntax error")
        stones = _parse_int(args[0])
        self._require_empty_board()
        if not 2 <= stones <= self.size * self.size - 1:
            raise GtpFailure("invalid number of stones")
        points = self._free_handicap_points(stones)
        self.game.place_handicap(points)
        return " ".join(to_gtp(p, self.size) for p in points)

    def _free_handicap_points(self, stones: int) -> list[int]:
        """The fixed layout where it exists, then points spread over the 3rd/4th-line lattice,
        then the points farthest from every stone placed so far."""
        limit = max_fixed_handicap(self.size)
        points = fixed_handicap_points(min(stones, limit), self.size) if limit >= 2 else []
        candidates = all_points(self.size)
        while len(points) < stones:
            placed = [row_col(p, self.size) for p in points]
            center = (self.size - 1) / 2

            def spread(pt: int) -> tuple:
                r, c = row_col(pt, self.size)
                nearest = min((abs(r - pr) + abs(c - pc) for pr, pc in placed), default=99)
                edge = min(r, c, self.size - 1 - r, self.size - 1 - c)
                return (nearest, edge >= min(2, self.size // 4), -abs(r - center) - abs(c - center))

            points.append(max((p for p in candidates if p not in points), key=spread))
        return points

    def cmd_set_free_handicap(self, args: list[str]) -> str:
        self._require_empty_board()
        try:
            points = [from_gtp(v, self.size) for v in args]
        except CoordinateError:
            raise GtpFailure("bad vertex list") from None
        if PASS in points:
            raise GtpFailure("bad vertex list")
        try:
            check_free_handicap(points, self.size)
        except HandicapError as error:
            raise GtpFailure("bad vertex list" if "repeated" in str(error) else "invalid number of stones") from None
        self.game.place_handicap(points)
        return ""

    def cmd_time_settings(self, args: list[str]) -> str:
        if len(args) != 3:
            raise GtpFailure("syntax error")
        main, period, stones = (_parse_int(a) for a in args)
        try:
            self.time.set(TimeSettings.from_gtp(main, period, stones))
        except ValueError:
            raise GtpFailure("syntax error") from None
        return ""

    def cmd_time_left(self, args: list[str]) -> str:
        if len(args) != 3:
            raise GtpFailure("syntax error")
        color = parse_color(args[0])
        seconds = _parse_float(args[1])
        stones = _parse_int(args[2])
        self.time.time_left(color, seconds, stones)
        return ""

    def cmd_kgs_time_settings(self, args: list[str]) -> str:
        if not args:
            raise GtpFailure("syntax error")
        kind, numbers = args[0].lower(), [_parse_int(a) for a in args[1:]]
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

    def cmd_kgs_rules(self, args: list[str]) -> str:
        if len(args) != 1:
            raise GtpFailure("syntax error")
        name = args[0].lower().replace("_", "-")
        if name not in NAMED_RULES:
            raise GtpFailure(f"unknown rules: known are {', '.join(NAMED_RULES)}")
        self.rules = NAMED_RULES[name]
        self._new_game()
        return ""

    def cmd_loadsgf(self, args: list[str]) -> str:
        if not 1 <= len(args) <= 2:
            raise GtpFailure("syntax error")
        move_number = _parse_int(args[1]) if len(args) == 2 else None
        path = Path(args[0])
        try:
            if not path.is_file() or path.stat().st_size > MAX_SGF_BYTES:
                raise SGFError(str(path), "not a regular file of at most 10 MB")
            game = load_game(path, self.rules)
        except SGFError as error:
            self.log(str(error))
            raise GtpFailure("cannot load file") from None
        if move_number is not None:  # the position before move_number is played
            while len(game.moves) >= max(move_number, 1):
                game.undo()
        self.game, self.size, self.komi = game, game.size, game.komi
        return "black" if game.to_move == BLACK else "white"

    def cmd_printsgf(self, args: list[str]) -> str:
        text = write_sgf(game_to_record(self.game, black_name="", white_name="")).decode()
        if args:
            try:
                Path(args[0]).write_text(text)
            except OSError as error:
                raise GtpFailure(f"cannot write file: {error.strerror or error}") from None
            return ""
        return text.replace("\n", " ").strip()

    def cmd_is_legal(self, args: list[str]) -> str:
        if len(args) != 2:
            raise GtpFailure("syntax error")
        color = parse_color(args[0])
        try:
            pt = from_gtp(args[1], self.size)
        except CoordinateError:
            return "0"
        return "1" if self.game.is_legal(pt, color) else "0"

    def cmd_list_stones(self, args: list[str]) -> str:
        if len(args) != 1:
            raise GtpFailure("syntax error")
        color = parse_color(args[0])
        grid = self.game.board.grid()
        return " ".join(to_gtp(p, self.size) for p in all_points(self.size) if grid[row_col(p, self.size)] == color)

    def cmd_captures(self, args: list[str]) -> str:
        if len(args) != 1:
            raise GtpFailure("syntax error")
        black, white = self.game.board.prisoners
        return str(black if parse_color(args[0]) == BLACK else white)

    # --- move generation ------------------------------------------------------------------

    def _limits(self, color: int) -> SearchLimits:
        budget = self.time.budget(color, len(self.game.board.empty_points()))
        if budget is not None:
            seconds = budget if self.config.time is None else min(budget, self.config.time)
            return SearchLimits(visits=self.config.visits, seconds=seconds)
        if self.config.visits is not None or self.config.time is not None:
            return SearchLimits(visits=self.config.visits, seconds=self.config.time)
        return SearchLimits(seconds=DEFAULT_SECONDS_PER_MOVE)

    def _passing_wins(self, color: int) -> bool:
        """The opponent has just passed and the game, scored now (dead stones off), is ours."""
        moves = self.game.moves
        if not moves or moves[-1].point != PASS or moves[-1].color == color:
            return False
        winner = self.game.score(self._status()["dead"]).winner
        return winner == color

    def think(self, color: int, cleanup: bool = False, on_progress=None, interval: float = 1.0) -> tuple[int | str, SearchResult | None]:
        """Choose ``color``'s move: a point, PASS or "resign"."""
        self.game.to_move = color
        if not cleanup and self._passing_wins(color):
            return PASS, None
        start = time.perf_counter()
        limits = self._limits(color)
        if hasattr(self.searcher, "tromp_taylor_ends"):  # cleanup: capture the dead, count as it stands
            self.searcher.tromp_taylor_ends = cleanup
        result = self.searcher.search(self.game, limits, should_stop=self._interrupted, on_progress=on_progress,
                                      progress_interval=interval)
        self.time.charge(color, time.perf_counter() - start)
        self.last_result = result
        best = result.best
        if best is None:
            return PASS, result
        if (not cleanup and result.visits >= self.config.resign_min_visits
                and best.winrate < self.config.resign_threshold):
            return "resign", result
        return best.move, result

    def cmd_genmove(self, args: list[str], commit: bool, cleanup: bool = False) -> str:
        if len(args) != 1:
            raise GtpFailure("syntax error")
        color = parse_color(args[0])
        move, _ = self.think(color, cleanup)
        return self._answer_move(color, move, commit)

    def _answer_move(self, color: int, move: int | str, commit: bool) -> str:
        if move == "resign":
            return "resign"
        if commit:
            self.game.play(move, color)
        else:
            self.game.to_move = color
        return to_gtp(move, self.size)

    # --- analysis -------------------------------------------------------------------------

    def _stream(self, command: Command, write: Callable[[str], None]) -> None:
        dialect = "kata" if command.name.startswith("kata") else "lz"
        genmove = command.name.endswith("genmove_analyze")
        try:
            request = parse_analyze_args(command.args, dialect, self.game.to_move)
        except ValueError as error:
            write(format_response(command.id, False, str(error) or "syntax error"))
            return
        write(header(command.id))

        def report(result: SearchResult) -> None:
            write(format_info_line(result, request, dialect, self.size) + "\n")

        if genmove:
            move, _ = self.think(request.color, on_progress=report, interval=request.interval)
            text = self._answer_move(request.color, move, commit=True)
            write(f"play {text}\n\n")
            return
        self.game.to_move = request.color
        stop = self._input_pending
        result = self.searcher.search(self.game, SearchLimits(), should_stop=stop, on_progress=report,
                                      progress_interval=request.interval)
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


__all__ = ["GtpEngine", "GtpFailure", "ENGINE_NAME"]
