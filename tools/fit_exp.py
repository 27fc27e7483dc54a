#!/usr/bin/env python3
"""Fits the polynomial of rsedit's exp without libm (rse__exp_approx, tensor.h).

    exp(x) = 2^n exp(r),  n = round(x / ln 2),  |r| <= ln2 / 2
    exp(r) ~= 1 + r + r^2 P(r),  P of degree 5

The fit is least squares of P against (expm1(r) - r) / r^2 at Chebyshev
nodes, weighted by r^2 / exp(r) (so the residual is the relative error of
exp), then reweighted towards the largest errors (Lawson's iteration, near
minimax). The coefficients are rounded to float32 and the whole function is
evaluated in float32 exactly as the C code does it (same operations, same
order, no fused multiply-add) over [-87, 88]; prints the C literals and the
measured maximum relative error. Developer tool only (numpy); the build
never runs it.
"""
import numpy as np

H = np.log(2.0) / 2
BIG = np.float32(12582912.0)        # 1.5 * 2^23
LN2_HI = np.float32(0.693359375)    # 355/512: n * LN2_HI is exact for |n| < 2^15
LN2_LO = np.float32(np.log(2.0) - 0.693359375)


def fit():
    k = np.arange(4000)
    r = H * np.cos(np.pi * (k + 0.5) / len(k))
    g = (np.expm1(r) - r) / r ** 2
    w = r ** 2 / np.exp(r)
    v = np.vander(r, 6, increasing=True)
    c = None
    for _ in range(60):
        c, *_ = np.linalg.lstsq(v * w[:, None], g * w, rcond=None)
        e = np.abs((v @ c - g) * r ** 2 / np.exp(r))
        w = w * np.sqrt(e / e.max() + 1e-3)
    return c.astype(np.float32)


def exp32(x, c):
    x = np.clip(x.astype(np.float32), np.float32(-87), np.float32(88))
    t = x * np.float32(1.44269504) + BIG
    n = t - BIG
    r = x - n * LN2_HI
    r = r - n * LN2_LO
    p = c[5]
    for j in range(4, -1, -1):
        p = p * r + c[j]
    y = np.float32(1) + r + r * r * p
    return y * np.ldexp(np.float32(1), n.astype(np.int32))


def main():
    c = fit()
    x = np.linspace(-87, 88, 4000001).astype(np.float32)
    ref = np.exp(x.astype(np.float64))
    rel = np.abs(exp32(x, c).astype(np.float64) - ref) / ref
    print("P (r^0 .. r^5):", ", ".join("%.9e" % v for v in c))
    print("ln2_lo: %.9e" % LN2_LO)
    print("max relative error over [-87, 88]: %.3g" % rel.max())


if __name__ == "__main__":
    main()
