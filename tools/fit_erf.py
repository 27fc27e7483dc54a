#!/usr/bin/env python3
"""Fits the rational approximation of erf used by rsedit's GELU (tensor.h).

    erf(x) ~= x * P(x^2) / Q(x^2),  |x| <= 3.92 (beyond: +-1, as erf is in float32)

P has 7 coefficients, Q 6 (Q(0) = 1). The fit is a linearised least-squares
(Loeb's iteration: divide by the previous Q) reweighted towards the largest
errors (Lawson), evaluated in float32 Horner form exactly as the C code does,
keeping the coefficient set with the smallest float32 error. Prints the C
arrays and the measured error. Developer tool only (numpy); the build never
runs it.
"""
import math
import numpy as np

XMAX = 3.92
NP, NQ = 7, 6


def eval32(p, q, x):
    x32 = x.astype(np.float32)
    z = x32 * x32
    P = np.float32(0)
    Q = np.float32(0)
    for k in reversed(range(len(p))):
        P = P * z + np.float32(p[k])
    for k in reversed(range(len(q))):
        Q = Q * z + np.float32(q[k])
    return (x32 * P / Q).astype(np.float64)


def main():
    xs = np.linspace(0, XMAX, 40001)[1:]
    f = np.array([math.erf(v) for v in xs])
    z = xs * xs
    w = np.ones_like(xs)
    qprev = np.ones_like(xs)
    best = None
    for _ in range(60):
        for _ in range(3):
            cols = [xs * z**k / qprev for k in range(NP)] + [-f * z**k / qprev for k in range(1, NQ)]
            a = np.array(cols).T * np.sqrt(w)[:, None]
            b = f / qprev * np.sqrt(w)
            c, *_ = np.linalg.lstsq(a, b, rcond=None)
            p, q = c[:NP], np.concatenate([[1.0], c[NP:]])
            qprev = sum(q[k] * z**k for k in range(NQ))
        e = np.abs(xs * sum(p[k] * z**k for k in range(NP)) / qprev - f)
        w = w * e
        w = w / w.sum() * len(w)
        m = np.abs(eval32(p, q, xs) - f).max()
        if best is None or m < best[0]:
            best = (m, p.copy(), q.copy())
    m, p, q = best
    xt = np.linspace(0, 6, 300001)
    ft = np.array([math.erf(v) for v in xt])
    et = np.where(xt < XMAX, eval32(p, q, np.minimum(xt, XMAX)), 1.0)
    print("/* max |error| %.2e on [0, 6] (float32 evaluation) */" % np.abs(et - ft).max())
    print("static const float rse__erf_p[%d] = { %s };" % (NP, ", ".join("%.9ef" % np.float32(v) for v in p)))
    print("static const float rse__erf_q[%d] = { %s };" % (NQ, ", ".join("%.9ef" % np.float32(v) for v in q)))


if __name__ == "__main__":
    main()
