"""The text board that ``showboard`` answers and ``tengen play`` prints: coordinates on all four
sides, ``X`` Black, ``O`` White, ``(`` before the last move, then the side to move, komi and
prisoners."""
from __future__ import annotations

from gogame.board_nb import BLACK
from gogame.coords import row_col
from gogame.game import GameState

COLUMN_LETTERS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"  # GTP skips I


def draw_board(game: GameState) -> str:
    """The board of ``game`` as lines, starting with a newline (GTP puts multi-line answers on
    their own lines)."""
    size = game.size
    letters = COLUMN_LETTERS[:size]
    grid = game.board.grid()
    last = game.board.last_move
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
    black, white = game.board.prisoners
    lines.append(f"to move: {'Black' if game.to_move == BLACK else 'White'}  komi: {game.komi:g}  "
                 f"captured by Black: {black}  by White: {white}")
    return "\n" + "\n".join(lines)
