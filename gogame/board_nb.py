"""Numba kernels of the fast board: one flat int64 array per board, simple ko only.

Reading guide: the layout constants first, then ``init_board_nb``, the queries (``is_eye_nb``,
``legal_reason_nb``), ``play_nb`` and its helpers, and the move lists at the end. Counting a
board (owners, area, the margin by the rules) is in :mod:`gogame.scoring_nb`. ``board.py`` wraps
these in a thin class; ``game.py`` adds superko, history and scoring on top.

Layout. A board is one ``int64`` array: a header of ``HEADER`` scalars, then ``NFIELDS`` fields of
``W * W`` entries each (``W = size + 2``, points as in :mod:`gogame.coords`). Keeping everything in
one array means a kernel call passes a single array (numba reference-counts every array argument,
and on the playout hot path that bookkeeping costs more than the Go logic) and a copy for search is
one ``memcpy``.

Chains are circular linked lists of stones (``NEXT``) with a head stone (``HEAD``) that keeps the
chain's size and its *pseudo-liberties*: the count, sum and sum of squares of (stone, empty
neighbour) pairs. They are updated incrementally, with no flood fill per move. A chain is in atari
exactly when ``count * sum2 == sum * sum`` (Cauchy-Schwarz: all pseudo-liberties are one point);
exact liberty counts, needed only by the input features, come from ``chain_liberties_nb``.

Colours are absolute: ``BLACK = 1``, ``WHITE = 2``; the opponent of ``c`` is ``3 - c``.
"""
from __future__ import annotations

import numpy as np
from numba import njit

EMPTY = 0
BLACK = 1
WHITE = 2
BORDER = 3

# legality verdicts of legal_reason_nb (superko is the game's business, see game.py)
LEGAL = 0
OCCUPIED = 1
SUICIDE = 2
KO = 3

# header slots
H_SIZE = 0
H_W = 1
H_NP = 2          # W * W, the length of every field
H_NEMPTY = 3      # number of empty on-board points (valid prefix of EMPTY)
H_KO = 4          # point the side to move may not play (simple ko), 0 = none
H_CAPTURED = 5    # stones removed by the last play_nb
H_HASH = 6        # Zobrist hash of the stones (positional)
H_MOVES = 7       # moves played so far (stones and passes), stamps AGE
H_PRISONERS_B = 8  # opponent stones removed by Black's moves
H_PRISONERS_W = 9  # opponent stones removed by White's moves
H_LAST = 10       # point of the last move, 0 for a pass or none
HEADER = 16

# fields, each W * W long, starting at HEADER + field * np
F_COLOR = 0
F_HEAD = 1    # stone -> head stone of its chain
F_NEXT = 2    # stone -> next stone of its chain (circular)
F_SIZE = 3    # head -> stones in the chain
F_LIBS = 4    # head -> pseudo-liberty count
F_LSUM = 5    # head -> sum of pseudo-liberty points
F_LSUM2 = 6   # head -> sum of squared pseudo-liberty points
F_EMPTY = 7   # the empty on-board points, first H_NEMPTY valid, in no particular order
F_EIDX = 8    # empty point -> its index in F_EMPTY
F_AGE = 9     # stone -> value of H_MOVES when it was placed
NFIELDS = 10

MAX_WIDTH = 27  # 25x25 plus the border
MAX_POINTS = MAX_WIDTH * MAX_WIDTH


def _zobrist_keys() -> np.ndarray:
    rng = np.random.default_rng(20261126)
    keys = rng.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max, size=(3, MAX_POINTS), dtype=np.int64)
    keys[EMPTY, :] = 0
    return keys


ZOBRIST = _zobrist_keys()
"""Zobrist keys by (colour, point); constants that numba folds into the kernels."""
SIDE_TO_MOVE_KEY = np.int64(0x5BD1E9955BD1E995)
"""XORed into the hash for White to move, for situational superko."""


def board_length(size: int) -> int:
    """Length of the flat array of a ``size`` x ``size`` board."""
    w = size + 2
    return HEADER + NFIELDS * w * w


@njit(cache=True, nogil=True)
def _add_empty_nb(b, npts, p):
    """Append point ``p`` to the empty list (``F_EMPTY``, ``F_EIDX``, ``H_NEMPTY``) of ``b``, a
    board of ``npts`` = W*W points (passed in: a kernel has it, a reload after a store costs)."""
    n_empty = b[H_NEMPTY]
    b[HEADER + F_EIDX * npts + p] = n_empty
    b[HEADER + F_EMPTY * npts + n_empty] = p
    b[H_NEMPTY] = n_empty + 1


@njit(cache=True, nogil=True)
def _remove_empty_nb(b, npts, p):
    """Take point ``p`` out of the empty list: the list's last point moves into its slot."""
    emp = HEADER + F_EMPTY * npts
    eidx = HEADER + F_EIDX * npts
    i = b[eidx + p]
    n_empty = b[H_NEMPTY] - 1
    q = b[emp + n_empty]
    b[emp + i] = q
    b[eidx + q] = i
    b[H_NEMPTY] = n_empty


@njit(cache=True, nogil=True)
def init_board_nb(b, size):
    """Reset ``b`` (length ``board_length(size)``) to the empty board. Mutates ``b``."""
    w = size + 2
    npts = w * w
    b[:] = 0
    b[H_SIZE] = size
    b[H_W] = w
    b[H_NP] = npts
    col = HEADER + F_COLOR * npts
    for p in range(npts):
        r = p // w
        c = p % w
        if r == 0 or c == 0 or r == w - 1 or c == w - 1:
            b[col + p] = BORDER
        else:
            _add_empty_nb(b, npts, p)


@njit(cache=True, nogil=True)
def chain_in_atari_nb(b, head):
    """True when the chain with head stone ``head`` has exactly one liberty."""
    npts = b[H_NP]
    count = b[HEADER + F_LIBS * npts + head]
    total = b[HEADER + F_LSUM * npts + head]
    squares = b[HEADER + F_LSUM2 * npts + head]
    return count * squares == total * total


@njit(cache=True, nogil=True)
def is_eye_nb(b, p, c):
    """True when empty ``p`` is a true eye of colour ``c``: all four neighbours are ``c`` or
    off-board, and the diagonals hold at most one opponent stone (none when ``p`` is on the edge)."""
    npts = b[H_NP]
    w = b[H_W]
    col = HEADER + F_COLOR * npts
    if not (b[col + p - w] & b[col + p - 1] & b[col + p + 1] & b[col + p + w] & c):
        return False  # c is 1 or 2 and BORDER is 3: "c or border" is "has bit c"
    o = 3 - c
    d0 = b[col + p - w - 1]
    d1 = b[col + p - w + 1]
    d2 = b[col + p + w - 1]
    d3 = b[col + p + w + 1]
    opponents = (d0 == o) + (d1 == o) + (d2 == o) + (d3 == o)
    edge = (d0 == BORDER) | (d1 == BORDER) | (d2 == BORDER) | (d3 == BORDER)
    return opponents + edge < 2


@njit(cache=True, nogil=True)
def legal_reason_nb(b, p, c, allow_suicide):
    """LEGAL, OCCUPIED, KO or SUICIDE for colour ``c`` at on-board point ``p`` under simple ko.

    Suicide of a single stone is always illegal (it changes nothing, like a pass); with
    ``allow_suicide`` a move that removes a chain of two or more own stones is legal."""
    npts = b[H_NP]
    w = b[H_W]
    col = HEADER + F_COLOR * npts
    head = HEADER + F_HEAD * npts
    if b[col + p] != EMPTY:
        return OCCUPIED
    if p == b[H_KO]:
        return KO
    if b[col + p - w] == EMPTY or b[col + p - 1] == EMPTY or b[col + p + 1] == EMPTY or b[col + p + w] == EMPTY:
        return LEGAL
    has_own_neighbour = False
    for k in range(4):
        q = p - w if k == 0 else (p - 1 if k == 1 else (p + 1 if k == 2 else p + w))
        cq = b[col + q]
        if cq == BORDER:
            continue
        if cq == c:
            has_own_neighbour = True
        if (cq == c) != chain_in_atari_nb(b, b[head + q]):
            return LEGAL  # own chain with another liberty, or an opponent chain we capture
    if allow_suicide and has_own_neighbour:
        return LEGAL
    return SUICIDE


@njit(cache=True, nogil=True)
def _add_pseudo_liberty_nb(b, npts, h, p, sign):
    """Count the (stone, empty point ``p``) pair once more (``sign`` 1) or once less (-1) among
    the pseudo-liberties of the chain with head ``h``."""
    b[HEADER + F_LIBS * npts + h] += sign
    b[HEADER + F_LSUM * npts + h] += sign * p
    b[HEADER + F_LSUM2 * npts + h] += sign * p * p


@njit(cache=True, nogil=True)
def _remove_chain_nb(b, h, capturer):
    """Empty the chain with head ``h``; its points become liberties of the adjacent chains,
    which are all of colour ``capturer``. Returns the number of stones removed."""
    npts = b[H_NP]
    w = b[H_W]
    col = HEADER + F_COLOR * npts
    head = HEADER + F_HEAD * npts
    nxt = HEADER + F_NEXT * npts
    victim = b[col + h]
    removed = 0
    s = h
    while True:
        b[col + s] = EMPTY
        b[H_HASH] ^= ZOBRIST[victim, s]
        _add_empty_nb(b, npts, s)
        removed += 1
        for k in range(4):
            t = s - w if k == 0 else (s - 1 if k == 1 else (s + 1 if k == 2 else s + w))
            if b[col + t] == capturer:
                _add_pseudo_liberty_nb(b, npts, b[head + t], s, 1)
        s = b[nxt + s]
        if s == h:
            break
    return removed


@njit(cache=True, nogil=True)
def _merge_chains_nb(b, h1, h2):
    """Join the chains with heads ``h1`` != ``h2``; returns the surviving head (the larger)."""
    npts = b[H_NP]
    head = HEADER + F_HEAD * npts
    nxt = HEADER + F_NEXT * npts
    size = HEADER + F_SIZE * npts
    if b[size + h1] < b[size + h2]:
        h1, h2 = h2, h1
    s = h2
    while True:
        b[head + s] = h1
        s = b[nxt + s]
        if s == h2:
            break
    t = b[nxt + h1]
    b[nxt + h1] = b[nxt + h2]
    b[nxt + h2] = t
    b[size + h1] += b[size + h2]
    for f in range(F_LIBS, F_LSUM2 + 1):
        b[HEADER + f * npts + h1] += b[HEADER + f * npts + h2]
    return h1


@njit(cache=True, nogil=True)
def play_nb(b, p, c):
    """Colour ``c`` plays at empty on-board point ``p``; captures, sets the simple-ko point.

    The caller has checked legality (``legal_reason_nb``); a suicide that legality allowed removes
    the mover's own chain, credited to the opponent. Returns the number of opponent stones
    captured. Mutates ``b``."""
    npts = b[H_NP]
    w = b[H_W]
    col = HEADER + F_COLOR * npts
    head = HEADER + F_HEAD * npts
    nxt = HEADER + F_NEXT * npts
    size = HEADER + F_SIZE * npts
    libs = HEADER + F_LIBS * npts
    lsum = HEADER + F_LSUM * npts
    lsum2 = HEADER + F_LSUM2 * npts
    o = 3 - c

    _remove_empty_nb(b, npts, p)
    b[col + p] = c
    b[H_HASH] ^= ZOBRIST[c, p]
    b[HEADER + F_AGE * npts + p] = b[H_MOVES]
    b[H_MOVES] += 1
    b[H_LAST] = p
    b[head + p] = p
    b[nxt + p] = p
    b[size + p] = 1
    count = 0
    total = 0
    squares = 0
    for k in range(4):
        q = p - w if k == 0 else (p - 1 if k == 1 else (p + 1 if k == 2 else p + w))
        cq = b[col + q]
        if cq == EMPTY:
            count += 1
            total += q
            squares += q * q
        elif cq != BORDER:  # p stops being a pseudo-liberty of every adjacent chain
            _add_pseudo_liberty_nb(b, npts, b[head + q], p, -1)
    b[libs + p] = count
    b[lsum + p] = total
    b[lsum2 + p] = squares

    hp = p
    for k in range(4):
        q = p - w if k == 0 else (p - 1 if k == 1 else (p + 1 if k == 2 else p + w))
        if b[col + q] == c:
            h = b[head + q]
            if h != hp:
                hp = _merge_chains_nb(b, hp, h)

    captured = 0
    captured_point = 0
    for k in range(4):
        q = p - w if k == 0 else (p - 1 if k == 1 else (p + 1 if k == 2 else p + w))
        if b[col + q] == o:
            h = b[head + q]
            if b[libs + h] == 0:
                captured_point = q
                captured += _remove_chain_nb(b, h, c)
    if c == BLACK:
        b[H_PRISONERS_B] += captured
    else:
        b[H_PRISONERS_W] += captured
    b[H_CAPTURED] = captured
    b[H_KO] = 0
    if captured == 1 and b[size + hp] == 1 and b[libs + hp] == 1:
        b[H_KO] = captured_point
    elif b[libs + hp] == 0:  # a suicide that the rules in force allow
        lost = _remove_chain_nb(b, hp, o)
        if c == BLACK:
            b[H_PRISONERS_W] += lost
        else:
            b[H_PRISONERS_B] += lost
    return captured


@njit(cache=True, nogil=True)
def pass_nb(b):
    """The side to move passes: the ko ban is lifted. Mutates ``b``."""
    b[H_KO] = 0
    b[H_CAPTURED] = 0
    b[H_LAST] = 0
    b[H_MOVES] += 1


@njit(cache=True, nogil=True)
def place_stone_nb(b, p, c):
    """Put a setup stone (handicap, SGF AB/AW) of colour ``c`` on empty ``p``: like a move but
    not one (no move number, no ko). Returns the stones it captured (a valid setup captures none)."""
    moves = b[H_MOVES]
    last = b[H_LAST]
    captured = play_nb(b, p, c)
    b[H_MOVES] = moves
    b[H_LAST] = last
    b[H_KO] = 0
    b[H_CAPTURED] = 0
    return captured


@njit(cache=True, nogil=True)
def chain_liberties_nb(b, p, mark):
    """Exact number of liberties of the chain through stone ``p``; ``mark`` is a scratch int64
    array of length W*W, left all zero on return."""
    npts = b[H_NP]
    w = b[H_W]
    col = HEADER + F_COLOR * npts
    nxt = HEADER + F_NEXT * npts
    liberties = 0
    s = p
    while True:  # count each empty neighbour once
        for k in range(4):
            t = s - w if k == 0 else (s - 1 if k == 1 else (s + 1 if k == 2 else s + w))
            if b[col + t] == EMPTY and mark[t] == 0:
                mark[t] = 1
                liberties += 1
        s = b[nxt + s]
        if s == p:
            break
    while True:  # and clear the marks again
        for k in range(4):
            t = s - w if k == 0 else (s - 1 if k == 1 else (s + 1 if k == 2 else s + w))
            mark[t] = 0
        s = b[nxt + s]
        if s == p:
            break
    return liberties


@njit(cache=True, nogil=True)
def first_liberties_nb(b, s, out):
    """Write up to two distinct liberties of the chain through ``s`` into ``out`` (length 2);
    returns how many were found (0, 1 or 2)."""
    npts = b[H_NP]
    w = b[H_W]
    col = HEADER + F_COLOR * npts
    nxt = HEADER + F_NEXT * npts
    n = 0
    t0 = s
    while True:
        for k in range(4):
            t = s - w if k == 0 else (s - 1 if k == 1 else (s + 1 if k == 2 else s + w))
            if b[col + t] == EMPTY and (n == 0 or out[0] != t):
                out[n] = t
                n += 1
                if n == 2:
                    return n
        s = b[nxt + s]
        if s == t0:
            return n


@njit(cache=True, nogil=True)
def hashes_after_nb(b, c, points, scratch, hashes):
    """For each legal (simple-ko) point in ``points``, the Zobrist hash of the stones after ``c``
    plays it, into ``hashes``; ``scratch`` is a work array as long as ``b``. ``b`` is not mutated."""
    for i in range(points.shape[0]):
        scratch[:] = b
        play_nb(scratch, points[i], c)
        hashes[i] = scratch[H_HASH]


@njit(cache=True, nogil=True)
def candidate_mask_nb(b, c, allow_suicide, mask):
    """Set ``mask`` (size*size + 1 bools, policy order, pass last) to the moves legal for ``c``
    under simple ko that do not fill its own true eye; pass only when there is none."""
    size = b[H_SIZE]
    w = b[H_W]
    npts = b[H_NP]
    emp = HEADER + F_EMPTY * npts
    mask[:] = False
    found = False
    for i in range(b[H_NEMPTY]):
        p = b[emp + i]
        if legal_reason_nb(b, p, c, allow_suicide) == LEGAL and not is_eye_nb(b, p, c):
            mask[(p // w - 1) * size + (p % w - 1)] = True
            found = True
    mask[size * size] = not found


@njit(cache=True, nogil=True)
def simple_legal_points_nb(b, c, allow_suicide, out):
    """Write the empty points legal for ``c`` under simple ko into ``out``; returns how many."""
    npts = b[H_NP]
    emp = HEADER + F_EMPTY * npts
    n = 0
    for i in range(b[H_NEMPTY]):
        p = b[emp + i]
        if legal_reason_nb(b, p, c, allow_suicide) == LEGAL:
            out[n] = p
            n += 1
    return n
