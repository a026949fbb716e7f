"""Setting up the game: board size, clearing, komi, rules (``kgs-rules``), handicap stones (fixed,
free placement chosen by the engine, or set by the controller), and SGF files in and out.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from gogame.board_nb import BLACK
from gogame.coords import PASS, CoordinateError, all_points, check_size, from_gtp, row_col, to_gtp
from gogame.game import GameState
from gogame.handicap import HandicapError, check_free_handicap, fixed_handicap_points, max_fixed_handicap
from gogame.rules import NAMED_RULES, Rules, check_komi
from gogame.sgf import SGFError, game_to_record, read_sgf, record_to_game, rules_named_by, write_sgf
from search.result import SearchResult

from .arguments import GtpFailure, parse_float, parse_int
from .timecontrol import TimeManager


class SetupCommands:
    """``boardsize clear_board komi kgs-rules fixed_handicap place_free_handicap set_free_handicap
    loadsgf printsgf``, as a mixin of :class:`gtp.engine.GtpEngine`, whose state they set."""

    size: int
    rules: Rules  # komi included
    game: GameState
    time: TimeManager
    last_result: SearchResult | None
    log: Callable[[str], None]
    max_sgf_bytes: int  # loadsgf refuses larger files

    def cmd_boardsize(self, args: list[str]) -> str:
        if len(args) != 1:
            raise GtpFailure("syntax error")
        try:
            size = check_size(parse_int(args[0]))  # the rules engine's sizes
        except ValueError:
            raise GtpFailure("unacceptable size") from None
        self.size = size
        self._new_game()
        return ""

    def cmd_clear_board(self, args: list[str]) -> str:
        self._new_game()
        return ""

    def _new_game(self) -> None:
        self.game = GameState(self.size, self.rules)
        self.time.set(self.time.settings)
        self.last_result = None

    def cmd_komi(self, args: list[str]) -> str:
        if len(args) != 1:
            raise GtpFailure("syntax error")
        value = parse_float(args[0])
        try:
            check_komi(value)
        except ValueError:
            raise GtpFailure("komi out of range") from None
        self.rules = self.rules.with_changes(komi=value)
        self.game.rules = self.rules  # the game goes on, at the new komi
        return ""

    def cmd_kgs_rules(self, args: list[str]) -> str:
        if len(args) != 1:
            raise GtpFailure("syntax error")
        try:
            self.rules = Rules.named(args[0], self.rules)  # komi is the game's, not the rule set's
        except ValueError:
            raise GtpFailure(f"unknown rules: known are {', '.join(NAMED_RULES)}") from None
        self._new_game()
        return ""

    # --- handicap -------------------------------------------------------------------------

    def _require_empty_board(self) -> None:
        if self.game.moves or self.game.board.stone_count() != (0, 0):
            raise GtpFailure("board not empty")

    def cmd_fixed_handicap(self, args: list[str]) -> str:
        if len(args) != 1:
            raise GtpFailure("syntax error")
        stones = parse_int(args[0])
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
        stones = parse_int(args[0])
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

    # --- SGF files ------------------------------------------------------------------------

    def cmd_loadsgf(self, args: list[str]) -> str:
        """``loadsgf FILE [MOVE_NUMBER | VERTEX]``: the main line, or the position before move
        MOVE_NUMBER (1 = the first move; setup nodes up to it included), or, as GNU Go reads a
        vertex there, before the first move at VERTEX. Replies with the side to move."""
        if not 1 <= len(args) <= 2:
            raise GtpFailure("syntax error")
        path = Path(args[0])
        try:
            if not path.is_file() or path.stat().st_size > self.max_sgf_bytes:
                raise SGFError(str(path), "not a regular file of at most 10 MB")
            record = read_sgf(path)
            moves = self._moves_before(record, args[1]) if len(args) == 2 else None
            named = rules_named_by(record, self.rules)  # RU[Japanese]: the game is scored as it was played
            game = record_to_game(record, named or self.rules, source=str(path), moves=moves)
        except SGFError as error:
            self.log(str(error))
            raise GtpFailure(f"cannot load file: {error.reason}") from None
        for warning in record.warnings:
            self.log(f"{path}: {warning}")
        self.game, self.size, self.rules = game, game.size, game.rules
        self.last_result = None
        return "black" if game.to_move == BLACK else "white"

    @staticmethod
    def _moves_before(record, where: str) -> int:
        try:
            return max(int(where) - 1, 0)
        except ValueError:
            pass
        try:
            target = from_gtp(where, record.size)
        except CoordinateError:
            raise GtpFailure("syntax error") from None
        return next((index for index, (_color, pt) in enumerate(record.moves) if pt == target), len(record.moves))

    def cmd_printsgf(self, args: list[str]) -> str:
        text = write_sgf(game_to_record(self.game, black_name="", white_name="")).decode()
        if args:
            try:
                Path(args[0]).write_text(text)
            except OSError as error:
                raise GtpFailure(f"cannot write file: {error.strerror or error}") from None
            return ""
        return text.replace("\n", " ").strip()
