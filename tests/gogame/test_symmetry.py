from __future__ import annotations

import numpy as np

from gogame.coords import all_points, to_policy_index
from gogame.symmetry import (SYMMETRIES, inverse, policy_index_map, transform_array, transform_point,
                             transform_policy)


def test_the_eight_symmetries_are_distinct_and_invertible():
    probe = np.arange(25).reshape(5, 5)
    images = {transform_array(probe, k).tobytes() for k in SYMMETRIES}
    assert len(images) == 8
    for k in SYMMETRIES:
        assert np.array_equal(transform_array(transform_array(probe, k), inverse(k)), probe)


def test_points_policies_and_planes_transform_alike():
    size = 7
    rng = np.random.default_rng(0)
    planes = rng.random((3, size, size))
    policy = rng.random(size * size + 1)
    for k in SYMMETRIES:
        moved = transform_array(planes, k)
        new_policy = transform_policy(policy, size, k)
        assert new_policy[-1] == policy[-1]
        for pt in all_points(size):
            new_pt = transform_point(pt, size, k)
            r, c = divmod(to_policy_index(pt, size), size)
            nr, nc = divmod(to_policy_index(new_pt, size), size)
            assert np.array_equal(moved[:, nr, nc], planes[:, r, c])
            assert new_policy[policy_index_map(size, k)[r * size + c]] == policy[r * size + c]
