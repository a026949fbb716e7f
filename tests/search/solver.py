"""An exact solver for tiny endgames (a test oracle): negamax over every legal move and pass,
simple ko with a depth limit (a line still going at the limit counts as a draw, so a
"win" is a forced win within it), area scoring at two passes."""
from __future__ import annotations

from gogame.board_nb import BLACK
from gogame.coords import PASS
from gogame.game import GameState


def solve(game: GameState, max_depth: int = 40) -> dict[int, int]:
    """For each move of the side to move (PASS included): +1 if it wins with best play, -1 if
    it loses, 0 for a draw (or beyond ``max_depth``).

    Under simple ko a position is its stones, the side to move, the ko point and the passes in a
    row, so positions are shared between lines. A win or loss forced within d moves is forced
    within any more, and a draw within d is a draw within any fewer, so each entry keeps the depth
    left when it was found and is reused wherever that makes it still true."""
    if game.rules.ko != "simple":
        raise ValueError("the solver knows simple ko only: history would change what is legal")
    table: dict[tuple, tuple[int, int]] = {}

    def value(state: GameState, depth: int) -> int:
        if state.is_over:
            margin = state.score().margin
            sign = 1 if state.to_move == BLACK else -1
            return 0 if margin == 0 else (sign if margin > 0 else -sign)
        left = max_depth - depth
        if left <= 0:
            return 0
        key = (state.board.hash, state.to_move, state.consecutive_passes, state.board.ko_point)
        known = table.get(key)
        if known is not None:
            result, known_left = known
            if (result != 0 and known_left <= left) or (result == 0 and known_left >= left):
                return result
        best = -1
        for move in [PASS] + [int(p) for p in state.legal_moves()]:
            state.play(move)
            best = max(best, -value(state, depth + 1))
            state.undo()
            if best == 1:
                break
        table[key] = (best, left)
        return best

    results = {}
    for move in [PASS] + [int(p) for p in game.legal_moves()]:
        trial = game.copy()
        trial.play(move)
        results[move] = -value(trial, 1)
    return results


__all__ = ["solve"]
