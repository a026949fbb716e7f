"""Reading the position: ``final_score`` and ``final_status_list`` (dead stones estimated by
playouts, gogame.ownership), ``list_stones``, ``captures``, ``is_legal`` and ``showboard`` (drawn by
:mod:`gtp.board_text`).
"""
from __future__ import annotations

from gogame.board_nb import BLACK
from gogame.coords import CoordinateError, all_points, from_gtp, row_col, to_gtp
from gogame.game import GameState
from gogame.ownership import OwnershipConfig, final_status

from .arguments import GtpFailure, parse_color
from .board_text import draw_board
from .config import EngineConfig


class ScoringCommands:
    """``final_score final_status_list list_stones captures is_legal showboard`` and ``_status``
    (also behind the play family's pass when the game is won), as a mixin of
    :class:`gtp.engine.GtpEngine`. None of them changes the game."""

    config: EngineConfig
    size: int
    game: GameState

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

    def cmd_showboard(self, args: list[str]) -> str:
        return draw_board(self.game)
