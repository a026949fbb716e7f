"""Fixed handicap placement as the GTP specification lays it out, and free placement checks.

Fixed handicap: 2..9 stones on odd board sizes from 9x9 up, 2..4 on even sizes from 8x8 up and on
7x7, none below 7x7. Stones sit on the 3-3 points up to 11x11, else on the 4-4 points; the order
(lower-left, upper-right, upper-left, lower-right, centre or the side points) is the spec's, so the
first ``n`` points of the list are the ``n``-stone handicap. Where sources differ (the 4-4 points on
12x12, handicaps on 7x7), this follows GNU Go 3.8, the GTP reference implementation; the test
``tests/gogame/test_handicap.py`` compares every size and count with it.
"""
from __future__ import annotations

from .coords import point

# (vertical, horizontal) positions: 0 = near Black's side / left, 1 = middle, 2 = far side / right,
# as the GTP spec lists them for 2..9 stones
_PATTERNS = {
    2: ("00", "22"),
    3: ("00", "22", "20"),
    4: ("00", "22", "20", "02"),
    5: ("00", "22", "20", "02", "11"),
    6: ("00", "22", "20", "02", "10", "12"),
    7: ("00", "22", "20", "02", "10", "12", "11"),
    8: ("00", "22", "20", "02", "10", "12", "01", "21"),
    9: ("00", "22", "20", "02", "10", "12", "01", "21", "11"),
}


class HandicapError(ValueError):
    """An invalid handicap request; the message says why (``invalid number of stones`` ...)."""


def max_fixed_handicap(size: int) -> int:
    """Largest fixed handicap the GTP spec defines for ``size`` (0: none)."""
    if size < 7:
        return 0
    return 9 if size % 2 == 1 and size >= 9 else 4


def fixed_handicap_points(stones: int, size: int) -> list[int]:
    """Padded points of a fixed handicap of ``stones`` on ``size``; raises HandicapError."""
    limit = max_fixed_handicap(size)
    if not 2 <= stones <= limit:
        allowed = f"2..{limit}" if limit else "none"
        raise HandicapError(f"invalid number of stones: {stones} (fixed handicap on {size}x{size}: {allowed})")
    edge = 2 if size < 12 else 3  # 0-based line of the 3-3 or 4-4 points
    line = {"0": edge, "1": (size - 1) // 2, "2": size - 1 - edge}
    points = []
    for pattern in _PATTERNS[stones]:
        from_bottom = line[pattern[0]]
        col = line[pattern[1]]
        points.append(point(size - 1 - from_bottom, col, size))
    return points


def check_free_handicap(points: list[int], size: int) -> None:
    """Raise HandicapError unless ``points`` are 2 or more distinct points, leaving one empty."""
    if len(points) < 2 or len(points) > size * size - 1:
        raise HandicapError(f"invalid number of stones: {len(points)} (2..{size * size - 1})")
    if len(set(points)) != len(points):
        raise HandicapError("bad vertex list: a point is repeated")
