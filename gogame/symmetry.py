"""The 8 symmetries of the square board (the dihedral group D4), for boards, moves and planes.

Symmetry ``k`` (0..7) maps (row, col) by: transpose when ``k & 4``, then flip the rows (top <->
bottom) when ``k & 1``, then flip the columns when ``k & 2``. ``0`` is the identity.
Arrays are transformed on their last two axes, so the same call serves a (size, size) board,
(C, size, size) planes and (B, C, size, size) batches.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .coords import PASS, point, row_col

SYMMETRIES = tuple(range(8))


def transform_row_col(row: int, col: int, size: int, k: int) -> tuple[int, int]:
    """(row, col) under symmetry ``k``."""
    if k & 4:
        row, col = col, row
    if k & 1:
        row = size - 1 - row
    if k & 2:
        col = size - 1 - col
    return row, col


def transform_array(array: np.ndarray, k: int) -> np.ndarray:
    """``array`` (..., size, size) under symmetry ``k`` (a view where numpy allows)."""
    if k & 4:
        array = np.swapaxes(array, -1, -2)
    if k & 1:
        array = array[..., ::-1, :]
    if k & 2:
        array = array[..., :, ::-1]
    return array


def transform_point(pt: int, size: int, k: int) -> int:
    """Padded point (PASS stays PASS) under symmetry ``k``."""
    if pt == PASS:
        return PASS
    return point(*transform_row_col(*row_col(pt, size), size, k), size)


@lru_cache(maxsize=None)
def inverse(k: int) -> int:
    """The symmetry that undoes ``k``."""
    probe = np.arange(9).reshape(3, 3)
    for j in SYMMETRIES:
        if np.array_equal(transform_array(transform_array(probe, k), j), probe):
            return j
    raise AssertionError("D4 is a group")


@lru_cache(maxsize=None)
def policy_index_map(size: int, k: int) -> np.ndarray:
    """``m`` with ``m[i]`` = the policy index that index ``i`` moves to (pass stays last), so
    ``transformed_policy[m] = policy``."""
    mapping = np.empty(size * size + 1, np.int64)
    for row in range(size):
        for col in range(size):
            new_row, new_col = transform_row_col(row, col, size, k)
            mapping[row * size + col] = new_row * size + new_col
    mapping[size * size] = size * size
    mapping.flags.writeable = False
    return mapping


def transform_policy(policy: np.ndarray, size: int, k: int) -> np.ndarray:
    """A policy vector (..., size*size + 1) under symmetry ``k``."""
    out = np.empty_like(policy)
    out[..., policy_index_map(size, k)] = policy
    return out
