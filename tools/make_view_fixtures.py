#!/usr/bin/env python3
"""Writes tests/fixtures/views.bin: torchvision 0.14's outputs for the image
augmentations behind SinDDM's CLIP guidance views (clip.c "Guidance views",
tensor.h section 9b), with FIXED parameters, so `make test` can check rsedit
against the reference without Python.

Developer tool only (Debian: python3-torch, python3-torchvision 0.14.1).
Run from the repository root:  /usr/bin/python3 tools/make_view_fixtures.py

Same container as tools/make_op_fixtures.py ("RSEOPS1\\0", named cases of
named float32 tensors), read by tests/test_views.c. Per case:
  in0       the input image (values exactly representable in float32)
  r, out    a random direction and torchvision's output
  gin0      d sum(r * out) / d in0, by autograd through torchvision's code
  p         the op's parameters (see each case below)
plus three table cases: "sizes" (Resize(224, max_size=320) output sizes),
"affine_mats" (_get_inverse_affine_matrix) and "persp_coefs"
(_get_perspective_coeffs, float32 least squares as torchvision solves it,
and the exact float64 solution).

Everything is computed in float64 so the fixture is the exact function; the
C side computes in float32 and the test states its tolerances.
"""
import math
import struct
import sys

import numpy as np
import torch
import torchvision
import torchvision.transforms as T
import torchvision.transforms.functional as F
import torchvision.transforms.functional_tensor as F_t
from torchvision.transforms import InterpolationMode

sys.path.insert(0, __import__('os').path.dirname(__file__))
from perspective_ref import coeffs64, corners  # noqa: E402

assert torchvision.__version__.startswith("0.14"), torchvision.__version__
torch.manual_seed(20261128)
BIL = InterpolationMode.BILINEAR
WHITE = [1.0, 1.0, 1.0]
cases = []


def f32(x):
    """float64 tensor whose values are exact float32 numbers."""
    return x.float().double()


def img(*shape, lo=0.0, hi=1.0):
    return f32(torch.rand(*shape, dtype=torch.float64) * (hi - lo) + lo)


def add(name, fn, x, params=()):
    x = x.clone().requires_grad_(True)
    out = fn(x)
    r = f32(torch.rand_like(out) * 2 - 1)
    (out * r).sum().backward()
    tensors = [("in0", x.detach()), ("r", r), ("out", out.detach()), ("gin0", x.grad)]
    if params:
        tensors.append(("p", torch.tensor(params, dtype=torch.float64)))
    cases.append((name, tensors))


def table(name, tensors):
    cases.append((name, [(n, torch.as_tensor(t, dtype=torch.float64)) for n, t in tensors]))


# ---- single ops ------------------------------------------------------------
add("hflip", F.hflip, img(2, 3, 5, 7))

# affine: p = (angle, tx, ty); the image is h x w = 9 x 11 or 12 x 8.
# Angles are multiples of 1/4 so they are exact in float32.
for k, (ang, tx, ty, h, w) in enumerate([(7.25, 1, -1, 9, 11), (-14.5, -1, 0, 9, 11),
                                         (3.0, 0, 1, 12, 8), (-0.75, 0, 0, 12, 8)]):
    add("affine_%d" % k,
        lambda x, ang=ang, tx=tx, ty=ty: F.affine(x, ang, [tx, ty], 1.0, [0.0, 0.0], BIL, WHITE),
        img(1, 3, h, w), (ang, tx, ty))

# perspective: p = the 4 end points (x, y); start points are the corners.
# torchvision's F.perspective would solve for the coefficients in float32;
# F_t.perspective is given the exact (float64) solution, which is what the C
# side computes, so this case tests the warp, and "persp_coefs" the solve.
for k, (h, w, end) in enumerate([(10, 12, [[1, 2], [10, 0], [11, 8], [0, 9]]),
                                 (11, 9, [[2, 1], [8, 2], [7, 10], [1, 9]]),
                                 (10, 12, [[0, 0], [11, 0], [11, 9], [0, 9]])]):
    c = coeffs64(corners(w, h), end)
    add("persp_%d" % k, lambda x, c=c: F_t.perspective(x, c, "bilinear", WHITE),
        img(1, 3, h, w), sum(end, []))

# colour: factors at both ends of ColorJitter(0.1)'s ranges and beyond, on
# images that reach 0 and 1 so the clamps act
for k, f in enumerate([1.1, 0.9, 1.5]):
    add("brightness_%d" % k, lambda x, f=f: F.adjust_brightness(x, f), img(2, 3, 6, 7), (f,))
    add("contrast_%d" % k, lambda x, f=f: F.adjust_contrast(x, f), img(2, 3, 6, 7), (f,))
    add("saturation_%d" % k, lambda x, f=f: F.adjust_saturation(x, f), img(2, 3, 6, 7), (f,))
contrast_clamp = img(1, 3, 6, 7)
contrast_clamp[:, :, :3] = 1.0  # a white top half: the 1.1 blend clamps there
add("contrast_3", lambda x: F.adjust_contrast(x, 1.1), contrast_clamp, (1.1,))


def hue_image(n, h, w):
    """Random colours plus the tie patterns where HSV's branches meet: two
    channels equal at the max or the min, greys, black, white, saturated."""
    x = img(n, 3, h, w)
    flat = x.view(n, 3, -1)
    flat[:, 1, 0] = flat[:, 0, 0]                       # r == g
    flat[:, 2, 1] = flat[:, 1, 1]                       # g == b
    flat[:, 2, 2] = flat[:, 0, 2]                       # r == b
    flat[:, :, 3] = flat[:, 0:1, 3]                     # grey
    flat[:, :, 4] = 0.0                                 # black
    flat[:, :, 5] = 1.0                                 # white
    flat[:, :, 6] = torch.tensor([1.0, 0.0, 0.25])      # saturated
    flat[:, :, 7] = torch.tensor([0.5, 0.75, 0.75])     # max tie g == b
    flat[:, :, 8] = torch.tensor([0.75, 0.75, 0.25])    # max tie r == g
    flat[:, :, 9] = torch.tensor([0.25, 0.75, 0.25])    # min tie r == b
    return x


# The tie pixels have pure hues (multiples of 1/6, where HSV's sectors meet).
# With a factor that is a multiple of 1/6 too, the shifted hue lands exactly
# on a sector edge, and float32 and float64 round to different sides of it:
# the forward agrees, autograd's one-sided gradients differ. So the float64
# cases avoid such factors, and "hue32" (factor 0.5) is computed by
# torchvision in float32, the arithmetic rsedit follows.
for k, hf in enumerate([0.1, -0.1, 0.0625, -0.4375, 0.3]):
    add("hue_%d" % k, lambda x, hf=hf: F.adjust_hue(x, hf), hue_image(2, 8, 8), (hf,))

# out of [0,1] (torchvision accepts it): s can pass 1 and the p, q, t clamps act
add("hue_wide", lambda x: F.adjust_hue(x, 0.15), img(2, 3, 6, 6, lo=-0.25, hi=1.25), (0.15,))


def add32(name, fn, x, params=()):
    x = x.float().clone().requires_grad_(True)
    out = fn(x)
    r = torch.rand_like(out) * 2 - 1
    (out * r).sum().backward()
    cases.append((name, [("in0", x.detach()), ("r", r), ("out", out.detach()), ("gin0", x.grad),
                         ("p", torch.tensor(params, dtype=torch.float64))]))


add32("hue32", lambda x: F.adjust_hue(x, 0.5), hue_image(2, 8, 8), (0.5,))

add("gray", lambda x: F.rgb_to_grayscale(x, 3), img(2, 3, 5, 6))
clamp_in = img(2, 3, 4, 5, lo=-0.5, hi=1.5)
clamp_in.view(-1)[::7] = 0.0  # exactly at the bounds: torch.clamp passes the gradient there
clamp_in.view(-1)[3::7] = 1.0
add("clamp", lambda x: torch.clamp(x, 0.0, 1.0), clamp_in, (0.0, 1.0))


# ---- whole views: crop, resize, then the augs with fixed parameters ----------
# p = crop y, x, h, w; out h, w; flip; affine, angle, tx, ty; persp, 8 end
# coords; jitter, order[4], bright, contrast, sat, hue; gray  (30 numbers)
def view(x, p):
    cy, cx, ch, cw, oh, ow = p[0:6]
    flip, aff, ang, tx, ty, per = p[6:12]
    end = [[p[12], p[13]], [p[14], p[15]], [p[16], p[17]], [p[18], p[19]]]
    jit, order, fac, gray = p[20], p[21:25], p[25:29], p[29]
    y = x[:, :, cy:cy + ch, cx:cx + cw]
    y = F.resize(y, [oh, ow], BIL)  # tensor resize: bilinear, no antialias in 0.14
    if flip:
        y = F.hflip(y)
    if aff:
        y = F.affine(y, ang, [tx, ty], 1.0, [0.0, 0.0], BIL, WHITE)
    if per:
        y = F_t.perspective(y, coeffs64(corners(ow, oh), end), "bilinear", WHITE)
    if jit:
        for o in order:
            fn = [F.adjust_brightness, F.adjust_contrast, F.adjust_saturation, F.adjust_hue][o]
            y = fn(y, fac[o])
    if gray:
        y = F.rgb_to_grayscale(y, 3)
    return y


for k, p in enumerate([
        [2, 1, 10, 9, 13, 12, 1, 1, 9.5, 1, -1, 1, 1, 2, 10, 0, 11, 11, 0, 12,
         1, 3, 0, 2, 1, 1.0625, 0.9375, 1.09375, 0.0625, 0],
        [0, 0, 14, 11, 8, 7, 0, 1, -12.0, 0, 1, 0, 0, 0, 6, 0, 6, 7, 0, 7,
         1, 1, 3, 0, 2, 0.90625, 1.078125, 0.953125, -0.09375, 1],
        [1, 2, 12, 8, 12, 8, 0, 0, 0.0, 0, 0, 1, 1, 1, 6, 0, 7, 10, 0, 11,
         0, 0, 1, 2, 3, 1.0, 1.0, 1.0, 0.0, 0]]):
    add("view_%d" % k, lambda x, p=p: view(x, p), img(1, 3, 14, 11), p)

# ---- tables ------------------------------------------------------------------
# Resize(224, max_size=320) output sizes (h, w) for input (h, w): rows of
# (H, W, h, w), taken from torchvision's own computation
sizes = []
for H, W in [(223, 223), (200, 249), (167, 298), (256, 256), (64, 64), (10, 7), (7, 10), (224, 320),
             (100, 143), (100, 142), (1, 3), (50, 1000), (480, 640), (333, 500), (97, 211), (211, 97)]:
    oh, ow = T.Resize(224, max_size=320)(torch.zeros(1, 1, H, W)).shape[-2:]
    sizes.append([H, W, oh, ow])
table("sizes", [("hw", sizes)])

# _get_inverse_affine_matrix(center, angle, translate, scale, shear): rows
# of (cx, cy, angle, tx, ty, scale, shx, shy) and the 6 matrix entries
ap, am = [], []
for prm in [(0, 0, 7.25, 1, -1, 1, 0, 0), (0, 0, -15, 22, -11, 1, 0, 0), (0, 0, 90, 0, 0, 1, 0, 0),
            (3.5, -2, 30, 2, 3, 1.25, 10, -5), (0, 0, -0.5, -32, 32, 0.75, 0, 20)]:
    cx, cy, ang, tx, ty, sc, shx, shy = prm
    ap.append(prm)
    am.append(F._get_inverse_affine_matrix([cx, cy], ang, [tx, ty], sc, [shx, shy]))
table("affine_mats", [("params", ap), ("m", am)])

# perspective coefficients for get_params draws at view sizes: rows of
# (w, h, 8 end coords), torchvision's float32 solution, the float64 one
pp, ptv, p64 = [], [], []
for w, h in [(224, 224), (320, 224), (278, 224), (224, 320), (320, 179), (11, 9)]:
    for _ in range(2):
        start, end = T.RandomPerspective.get_params(w, h, 0.4)
        pp.append([w, h] + sum(end, []))
        ptv.append(F._get_perspective_coeffs(start, end))
        p64.append(coeffs64(start, end))
table("persp_coefs", [("params", pp), ("tv", ptv), ("f64", p64)])


def wstr(f, s):
    b = s.encode()
    f.write(struct.pack("<i", len(b)))
    f.write(b)


out = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/views.bin"
with open(out, "wb") as f:
    f.write(b"RSEOPS1\0")
    f.write(struct.pack("<i", len(cases)))
    for name, tensors in cases:
        wstr(f, name)
        f.write(struct.pack("<i", len(tensors)))
        for tname, t in tensors:
            wstr(f, tname)
            t = t.detach().contiguous().float()
            f.write(struct.pack("<i", t.dim()))
            f.write(struct.pack("<%di" % t.dim(), *t.shape))
            f.write(t.numpy().astype("<f4").tobytes())
print("wrote %s: %d cases" % (out, len(cases)))
