"""Numba kernels that count a board as its stones stand: Tromp-Taylor owners and area, the margin
by the game's rules, the result for a colour, and ownership summed over finished boards.

They read the flat board of :mod:`gogame.board_nb` (its layout is described there) and never
mutate it. Dead stones are not these kernels' business: :class:`gogame.game.GameState` takes
them off before scoring; playouts and the search score game ends as they stand.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .board_nb import (
    BLACK,
    BORDER,
    EMPTY,
    F_COLOR,
    F_EMPTY,
    H_NEMPTY,
    H_NP,
    H_PRISONERS_B,
    H_PRISONERS_W,
    H_W,
    HEADER,
    WHITE,
)


@njit(cache=True, nogil=True)
def region_owners_nb(b, owner):
    """Tromp-Taylor owner of every point into ``owner`` (length W*W): the stone's colour, or for
    an empty point the one colour its empty region touches (EMPTY when it touches both or none).
    Returns (black area, white area)."""
    npts = b[H_NP]
    w = b[H_W]
    col = HEADER + F_COLOR * npts
    emp = HEADER + F_EMPTY * npts
    stack = np.empty(npts, np.int64)
    region = np.empty(npts, np.int64)
    for p in range(npts):
        owner[p] = b[col + p] if b[col + p] != BORDER else EMPTY
        if b[col + p] == EMPTY:
            owner[p] = -1  # not yet visited
    black = 0
    white = 0
    for p in range(npts):
        cp = b[col + p]
        if cp == BLACK:
            black += 1
        elif cp == WHITE:
            white += 1
    for i in range(b[H_NEMPTY]):
        p = b[emp + i]
        if owner[p] != -1:
            continue
        touches = 0
        region_size = 0
        top = 0
        owner[p] = EMPTY
        stack[top] = p
        top += 1
        while top > 0:
            top -= 1
            q = stack[top]
            region[region_size] = q
            region_size += 1
            for k in range(4):
                r = q - w if k == 0 else (q - 1 if k == 1 else (q + 1 if k == 2 else q + w))
                cr = b[col + r]
                if cr == EMPTY:
                    if owner[r] == -1:
                        owner[r] = EMPTY
                        stack[top] = r
                        top += 1
                elif cr != BORDER:
                    touches |= cr
        if touches == BLACK or touches == WHITE:
            for j in range(region_size):
                owner[region[j]] = touches
            if touches == BLACK:
                black += region_size
            else:
                white += region_size
    return black, white


@njit(cache=True, nogil=True)
def add_ownership_nb(b, owner, ownership):
    """Add the Tromp-Taylor owners of finished board ``b`` to ``ownership`` (float64, length
    W*W): +1 for each Black-owned point, -1 for each White-owned one. ``owner`` is int64 scratch
    of the same length (left holding ``region_owners_nb``'s owners). Mutates ``ownership``."""
    region_owners_nb(b, owner)
    for p in range(owner.shape[0]):
        if owner[p] == BLACK:
            ownership[p] += 1.0
        elif owner[p] == WHITE:
            ownership[p] -= 1.0


@njit(cache=True, nogil=True)
def area_score_nb(b):
    """Tromp-Taylor area score, Black minus White, komi not included."""
    owner = np.empty(b[H_NP], np.int64)
    black, white = region_owners_nb(b, owner)
    return black - white


@njit(cache=True, nogil=True)
def rules_margin_nb(b, area_score, white_bonus, territory):
    """The final margin, Black minus White, of the game ending on ``b`` as its stones stand,
    counted by the game's rules: ``area_score`` is ``area_score_nb(b)`` (passed in because a
    playout already has it), ``white_bonus`` what White gets on top of its count (komi, plus the
    handicap compensation under area scoring: ``GameState.white_bonus``). With ``territory``
    (Japanese counting) stones on the board do not count and prisoners do: the area margin less
    the stone difference plus the prisoner difference, exactly ``GameState.score`` with no dead
    stones."""
    margin = area_score - white_bonus
    if territory:
        npts = b[H_NP]
        col = HEADER + F_COLOR * npts
        stones = 0
        for p in range(npts):
            if b[col + p] == BLACK:
                stones += 1
            elif b[col + p] == WHITE:
                stones -= 1
        margin += -stones + b[H_PRISONERS_B] - b[H_PRISONERS_W]
    return margin


@njit(cache=True, nogil=True)
def result_for_nb(margin, color):
    """The result of a game with final ``margin`` (Black minus White) for ``color``: +1 a win,
    -1 a loss, 0 a tie."""
    if margin == 0:
        return 0.0
    return 1.0 if (margin > 0) == (color == BLACK) else -1.0
