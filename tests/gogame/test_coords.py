from __future__ import annotations

import pytest

from gogame.coords import (PASS, CoordinateError, all_points, check_size, from_gtp, from_policy_index, from_sgf,
                           point, row_col, to_gtp, to_policy_index, to_sgf)


@pytest.mark.parametrize("size", [2, 9, 19, 25])
def test_every_system_round_trips(size):
    for pt in all_points(size) + [PASS]:
        assert from_gtp(to_gtp(pt, size), size) == pt
        assert from_sgf(to_sgf(pt, size), size) == pt
        assert from_policy_index(to_policy_index(pt, size), size) == pt


def test_conventions():
    assert to_gtp(point(0, 0, 19), 19) == "A19" and to_gtp(point(18, 8, 19), 19) == "J1"  # no I
    assert from_gtp("d4", 19) == from_gtp("D4", 19) == point(15, 3, 19)
    assert to_sgf(point(0, 0, 19), 19) == "aa" and from_sgf("tt", 19) == PASS
    assert to_policy_index(PASS, 9) == 81 and row_col(point(2, 5, 9), 9) == (2, 5)


@pytest.mark.parametrize("text", ["I5", "Z1", "A0", "A20", "", "pas", "5A", "A-1", "AA1"])
def test_bad_vertices_raise(text):
    with pytest.raises(CoordinateError):
        from_gtp(text, 19)


@pytest.mark.parametrize("size", [1, 26, 0, -3, 19.0, True])
def test_bad_sizes_raise_with_the_range(size):
    with pytest.raises(ValueError, match="2..25"):
        check_size(size)
