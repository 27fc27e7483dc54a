"""perspective_ref.py - torchvision's perspective warp coefficients, solved
exactly in float64, for the fixture scripts that build guidance views
(make_view_fixtures.py, make_edit_fixtures.py). Developer tool only."""
import numpy as np


def coeffs64(start, end):
    """The 8x8 system of _get_perspective_coeffs, solved exactly in float64."""
    a = np.zeros((8, 8))
    b = np.zeros(8)
    for i, (p1, p2) in enumerate(zip(end, start)):
        a[2 * i] = [p1[0], p1[1], 1, 0, 0, 0, -p2[0] * p1[0], -p2[0] * p1[1]]
        a[2 * i + 1] = [0, 0, 0, p1[0], p1[1], 1, -p2[1] * p1[0], -p2[1] * p1[1]]
        b[2 * i], b[2 * i + 1] = p2
    return np.linalg.solve(a, b).tolist()


def corners(w, h):
    """A w x h image's corners, top-left first, clockwise, as (x, y)."""
    return [[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]]
