"""A slow, obviously correct rules oracle on plain (size, size) grids: flood fills, no state.

Shares no code with the engine; the property tests check the engine against it move by move.
"""
from __future__ import annotations

import numpy as np

EMPTY, BLACK, WHITE = 0, 1, 2


def neighbours(row: int, col: int, size: int):
    for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        r, c = row + dr, col + dc
        if 0 <= r < size and 0 <= c < size:
            yield r, c


def chain_and_liberties(grid: np.ndarray, row: int, col: int) -> tuple[set, set]:
    """The stones of the chain through (row, col) and its liberties."""
    color = grid[row, col]
    size = grid.shape[0]
    chain, liberties, stack = {(row, col)}, set(), [(row, col)]
    while stack:
        r, c = stack.pop()
        for q in neighbours(r, c, size):
            if grid[q] == EMPTY:
                liberties.add(q)
            elif grid[q] == color and q not in chain:
                chain.add(q)
                stack.append(q)
    return chain, liberties


def apply_move(grid: np.ndarray, row: int, col: int, color: int, allow_suicide: bool = False):
    """(new grid, opponent stones captured, own stones lost) or None when occupied or an
    illegal suicide. Ko is not checked here."""
    if grid[row, col] != EMPTY:
        return None
    size = grid.shape[0]
    new = grid.copy()
    new[row, col] = color
    captured = 0
    for q in neighbours(row, col, size):
        if new[q] == 3 - color:
            chain, liberties = chain_and_liberties(new, *q)
            if not liberties:
                for s in chain:
                    new[s] = EMPTY
                captured += len(chain)
    chain, liberties = chain_and_liberties(new, row, col)
    lost = 0
    if not liberties:
        if not allow_suicide or len(chain) == 1:
            return None
        for s in chain:
            new[s] = EMPTY
        lost = len(chain)
    return new, captured, lost


def chains_without_liberties(grid: np.ndarray) -> int:
    size = grid.shape[0]
    count = 0
    for r in range(size):
        for c in range(size):
            if grid[r, c] != EMPTY and not chain_and_liberties(grid, r, c)[1]:
                count += 1
    return count


def area_score(grid: np.ndarray) -> int:
    """Tromp-Taylor: stones plus empty regions reaching one colour only, Black minus White."""
    size = grid.shape[0]
    score = int(np.count_nonzero(grid == BLACK)) - int(np.count_nonzero(grid == WHITE))
    seen = set()
    for r in range(size):
        for c in range(size):
            if grid[r, c] != EMPTY or (r, c) in seen:
                continue
            region, reach, stack = {(r, c)}, set(), [(r, c)]
            while stack:
                p = stack.pop()
                for q in neighbours(*p, size):
                    if grid[q] == EMPTY and q not in region:
                        region.add(q)
                        stack.append(q)
                    elif grid[q] != EMPTY:
                        reach.add(int(grid[q]))
            seen |= region
            if reach == {BLACK}:
                score += len(region)
            elif reach == {WHITE}:
                score -= len(region)
    return score
