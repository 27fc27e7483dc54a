#!/usr/bin/env python3
"""make_edit_fixtures.py - a PyTorch reference of rsedit's WHOLE guided edit
(rse_edit), for tests/test_edit_ref.c.

Developer tool only (Debian: python3-torch, python3-torchvision 0.14,
python3-numpy, python3-pil). Run from the repository root:

    /usr/bin/python3 tools/make_edit_fixtures.py

It writes into tests/fixtures/edit/:

  image.ppm    the image to edit, 123x71: a flat field with two soft blobs.
               Its reference pyramid (sinddm_fixtures.create_img_scales) has
               3 scales, 73x42, 95x55 and 123x71, and its rescale losses
               (uint8 wrap-around included) give the start steps
               t_start = [100, 10, 6], so an edit from scale 1 is 16 steps.
  sinddm.pt    a reference-format trainer checkpoint (torch.save of {'step',
               'model', 'ema'}, make_sinddm_ckpt_fixture.Diffusion's buffers
               and gammas) of a dim-8 denoiser with random weights; rsedit
               reads it with rse_sinddm_import.
  clip.pt      a tiny random open_clip ViT (float32 weights): width 16, two
               layers of 2 heads, patch 12 on a 7x7 grid, embedding 16; a
               text tower of width 8 is there only because the loader needs
               one (rse_clip_options: vision_heads 2, text_heads 1).
  ref.bin      RSEOPS1 (tools/make_op_fixtures.py): a "setup" case and one
               case per mode, described below.

WHAT IS COMPUTED. The edit as rsedit's guided sampler is specified (the
project's docs, sinddm.md sections 3-8, and issue 19), written here with
torch ops and torchvision's functional transforms, independently of the C
code's loops:

  start   s0 = 1 (every mode here). x = sqrt(abar[T0]) orig[s0] +
          sqrt(1-abar[T0]) z, T0 = t_start[s0]. A later scale s: the previous
          result resized bilinearly (torch, align_corners=False), noised at
          T_s, denoised from T_s - 1 (the reference's off-by-one).
  sampler DDPM at every scale when there is text (reblurring off, as in the
          reference's CLIP modes); a content copy alone uses the reblurring
          DDIM (x~ at s0 = orig[s0-1] resized bilinearly).
  x0      eps = denoiser(x, t, s); x0 = predict (DDPM: clamped to [-1,1]).
  copy    every scale s < N-1, each target: boxes at int(v / sf^(N-1-s)),
          x0[target] = eta P + (1 - eta) x0[target], P = the source box of
          orig[s] resized to the target with torch 'nearest'.
  text    at s >= guide_from (= max(s0, 1)) and (s < N-1 or t >= stop):
          x0 = clamp(x0); with a mask M: x0 = (1-M) x0 + M((1-lam) x0_prev +
          lam x0); g = d score / d x0, score = -1.2 (1 - mean_v mean_k
          cos(E_img(view_v((x0+1)/2)), d_k)) over V views and the random
          template subset (the plain mean over k: rsedit's one direction is
          the subset mean, which scales g by a constant the relative step
          removes). First guided step: without a region e = |g| over
          channels, q = torch.quantile(e, 1 - fill, 'nearest'), M = e > q,
          g = max(e - q, 0) g / e (0/0 -> 0); with a region R (the hard box
          mask of the text regions, bilinear from the finest scale): g = g R,
          q over the pixels R > 0, M = R (e > q), the same soft threshold;
          fill = 1: M = R, g as is. Later steps with a region: g = g R.
          k = |x0 M| / |g M|, x0 = clamp(x0 + strength k g M), x0_prev = x0.
          M and x0_prev follow every scale change bilinearly.
  step    x_{t-1} = DDPM posterior mean + sqrt(var) z (or the reblurring
          DDIM step). With a region (text boxes or copy targets): x_{t-1} =
          F x_{t-1} + (1-F)(sqrt(abar[t-1]) orig[s] + sqrt(1-abar[t-1]) z'),
          F the feathered region mask (rse__mask_from_rois' definition:
          1 in a box, 1 - d/feather outside, d the distance of the pixel
          centre), bilinear from the finest scale; after t = 0 x = F x +
          (1-F) orig[s]. The output is (x+1)/2 at the finest scale.

Everything is float64; the C side is float32 and the test states 1e-4
relative.

THE MODES (all from scale 1, seed 1234, strength 0.1, momentum 0.05, stop 3,
feather 8, eta 0.8):
  whole      text on the whole image, fill 0.18, 1 view
  whole_v3   the same with 3 views (crops and augmentations)
  roi        text in one region, fill 0.5 (the quantile inside it)
  rois       text in two regions, fill 1 (M = R)
  copy       a copy alone into two targets (the reblurring sampler)
  copy_text  a copy into one target plus text in one region, fill 0.3
Why these settings:
  - strength 0.1, not the default 0.2: the relative step follows the
    direction of the CLIP gradient, which this random CLIP turns quickly,
    so the edit is ill-conditioned: in the reference itself a 1e-6 change
    of x0 at the first guided step grows to 6e-5 by the last at 0.2, to
    5e-6 at 0.1, and stays below 1e-6 at 0.05. At 0.2 float32 cannot stay
    within 1e-4 of float64, whatever the implementation.
  - one view in the strict modes: with more, the views are augmented, and
    adjust_hue's gradient (torchvision's, which rsedit follows) jumps where
    two channels swap order or the hue crosses a sector edge. float32 and
    float64 fall on different sides of such a near-tie at a few of the
    ~500,000 view pixels of about every other step, which changes g there
    by up to ~1% of its maximum (measured: 0, 3 or 4 pixels per step above
    1e-4 relative, none without the hue step). whole_v3 keeps the views in
    the test, which then allows a few samples off (see the test).
  - fill values whose quantile has no near-tie ("gap" below is above 1e-4;
    fill 0.2 on the whole image would give 4.6e-6).

THE SAME RANDOMNESS (design (a) of issue 19: no library hook for it). The
reference re-implements rsedit's counter-based generator (tensor.h section 5:
SplitMix64 of key + (k+1) golden, streams by rse__rng_seed_stream, uniforms
with 24 bits, rse__rng_below = (u64 >> 32) n >> 32, normals by Box-Muller in
double from pairs of 53-bit uniforms, rounded to float) with Python integers
and glibc's math (the same libm as the C side), and feeds the values into
the reference's formulas:
  - sampler stream (seed, i): the z of q_sample at each scale, then one z
    per step (drawn at t = 0 too);
  - keep-outside stream (seed ^ 0x5eed0fcee9, i): one z' per step with
    t - 1 >= 0, with a region only;
  - guide stream (seed ^ 0x7e47c11b, i), per guided step: n = 1 + below(K),
    n template indices below(K), then RSE__VIEW_DRAWS (32) draws reserved per
    view. Which draw becomes which torchvision parameter (crop scale and
    offsets, flip, affine apply/angle/translation, perspective apply/corner
    moves, jitter apply/order/factors, grayscale) is a port of clip.c's
    rse__view_draw, given to torchvision's functional ops
    (resize/crop/hflip/affine/perspective/adjust_*/rgb_to_grayscale): the
    semantics of the views are torchvision's. The perspective is applied
    with the exact (float64) solution of torchvision's 8x8 system, as in
    tools/make_view_fixtures.py (torchvision solves it in float32).
The seed is recorded in the fixture.

TEXT: no tokenizer. The template embeddings (14 "hr" and 26 "lr" unit rows
around one random direction) are stored in the fixture and the C test gives
them to a text guide directly, so neither side needs the BPE vocabulary.

ref.bin, case "setup": "t_start" (3), "sizes" (3 x [w, h]), "sf",
"dirs_hr" (14 x 16), "dirs_lr" (26 x 16). One case per mode:
  "cfg"    [seed, views, strength, fill, momentum, stop, feather,
            copy_strength, text, copy, nrois, ncopy_to]
  "rois"   nrois x [x, y, w, h]; "copy" (1 + ncopy_to) x [x, y, w, h]
           (source first)
  "steps"  one row per recorded step (every step where guidance or the copy
           acted): [s, t, H, W, oy, ox, sy, sx, offset, count]; "x0" the
           concatenated samples of x0 after that step's edit, x0[:, oy::sy,
           ox::sx] (planar; a rotating lattice keeps the file small)
  "final"  the output (3, 71, 123) on every 4th row and column, the
           lattice [oy, ox, sy, sx] in "final_at"
  "gap"    [relative gap of the quantile to its nearest neighbours among
            the sorted e, or 1 when there is no threshold, number of mask
            pixels]: the test asserts that the gap dwarfs float error, so no
            mask pixel can flip between float32 and float64.
"""
import io
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
import torchvision.transforms.functional as TF
import torchvision.transforms.functional_tensor as F_t
from PIL import Image
from torchvision.transforms import InterpolationMode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_clip_fixtures as mc  # noqa: E402  (encode_vit, tower, rnd)
from make_sinddm_ckpt_fixture import Diffusion, write_ops  # noqa: E402
from perspective_ref import coeffs64, corners  # noqa: E402
from sinddm_fixtures import create_img_scales, gammas_torch, schedule_buffers, t_ideal  # noqa: E402
from sinddm_net import Net  # noqa: E402

assert torchvision.__version__.startswith("0.14"), torchvision.__version__
OUT = os.path.join("tests", "fixtures", "edit")
DIM = 8
SEED = 1234
T = 100
BIL = InterpolationMode.BILINEAR
WHITE = [1.0, 1.0, 1.0]
CLIP_MEAN = torch.tensor([0.48145466, 0.4578275, 0.40821073]).view(1, 3, 1, 1)
CLIP_STD = torch.tensor([0.26862954, 0.26130258, 0.27577711]).view(1, 3, 1, 1)
f32 = np.float32


# ---------------------------------------------------------------------------
# rsedit's random numbers (tensor.h section 5), exactly

M64 = (1 << 64) - 1
GOLDEN = 0x9e3779b97f4a7c15


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M64
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M64
    return z ^ (z >> 31)


def mix64_np(z):
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xbf58476d1ce4e5b9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94d049bb133111eb)
    return z ^ (z >> np.uint64(31))


class Rng:
    """rse__rng_seed_stream(seed, stream) and its draws."""

    def __init__(self, seed, stream):
        self.key = mix64(mix64((seed + GOLDEN) & M64) ^ mix64((stream + 0x632be59bd9b4e019) & M64))
        self.pos = 0

    def at(self, k):
        return mix64((self.key + (k + 1) * GOLDEN) & M64)

    def u64(self):
        v = self.at(self.pos)
        self.pos += 1
        return v

    def uniform(self):
        return f32((self.u64() >> 40) * 2.0 ** -24)

    def below(self, n):
        return ((self.u64() >> 32) * n) >> 32

    def normal(self, n):
        """n normals, element i from the pair at pos + 2 (i // 2)."""
        pairs = (n + 1) // 2
        with np.errstate(over="ignore"):
            k = np.uint64(self.pos) + np.arange(2 * pairs, dtype=np.uint64)
            u = mix64_np(np.uint64(self.key) + (k + np.uint64(1)) * np.uint64(GOLDEN))
        u = (u >> np.uint64(11)).astype(np.float64) * 2.0 ** -53
        out = np.empty(2 * pairs, dtype=np.float32)
        log, cos, sin, sqrt, tau = math.log, math.cos, math.sin, math.sqrt, math.tau
        for j in range(pairs):  # glibc's libm, as the C side
            rad = sqrt(-2.0 * log(1.0 - u[2 * j]))
            th = tau * u[2 * j + 1]
            out[2 * j] = rad * cos(th)
            out[2 * j + 1] = rad * sin(th)
        self.pos += 2 * pairs
        return out[:n]


# ---------------------------------------------------------------------------
# the guidance views: draws ported from clip.c's rse__view_draw, semantics
# from torchvision

VIEW_DRAWS = 32


class Cursor:
    def __init__(self, rng, pos):
        self.r = Rng.__new__(Rng)
        self.r.key, self.r.pos = rng.key, pos

    def uniform(self):
        return self.r.uniform()

    def randint(self, lo, hi):
        return lo + self.r.below(hi - lo)


def view_draw(rng, v, H, W, h, w):
    """Parameters of view v for an H x W input and h x w views (the draws
    at rng.pos + 32 v; rng is not advanced)."""
    base = rng.pos + VIEW_DRAWS * v
    c = Cursor(rng, base)
    p = {"crop": (0, 0, H, W)}
    u = c.uniform()
    if v > 0:  # RandomCrop(int(H s), int(W s)), s ~ U(0.6, 1)
        s = f32(0.6) + f32(0.4) * u
        ch, cw = max(int(H * float(s)), 1), max(int(W * float(s)), 1)
        cy = c.randint(0, H - ch + 1)
        cx = c.randint(0, W - cw + 1)
        p["crop"] = (cy, cx, ch, cw)
    c = Cursor(rng, base + 3)
    p["flip"] = c.uniform() < f32(0.5)
    p["affine"] = not (f32(0.8) < c.uniform())       # RandomApply(p=0.8)
    p["angle"] = -15.0 + 30.0 * float(c.uniform())   # degrees=15
    mx, my = 0.1 * w, 0.1 * h                         # translate=(0.1, 0.1)
    p["tx"] = int(round(-mx + 2.0 * mx * float(c.uniform())))
    p["ty"] = int(round(-my + 2.0 * my * float(c.uniform())))
    p["persp"] = c.uniform() < f32(0.5)               # RandomPerspective(0.4, p=0.5)
    dw, dh = int(0.4 * (w // 2)), int(0.4 * (h // 2))
    tl = [c.randint(0, dw + 1), c.randint(0, dh + 1)]
    tr = [c.randint(w - dw - 1, w), c.randint(0, dh + 1)]
    br = [c.randint(w - dw - 1, w), c.randint(h - dh - 1, h)]
    bl = [c.randint(0, dw + 1), c.randint(h - dh - 1, h)]
    p["end"] = [tl, tr, br, bl]
    p["jitter"] = not (f32(0.7) < c.uniform())       # RandomApply(ColorJitter, p=0.7)
    order = [0, 1, 2, 3]                               # torch.randperm(4)
    for k in range(3, 0, -1):
        j = c.randint(0, k + 1)
        order[k], order[j] = order[j], order[k]
    p["order"] = order
    p["bright"] = float(f32(0.9) + f32(0.2) * c.uniform())
    p["contrast"] = float(f32(0.9) + f32(0.2) * c.uniform())
    p["sat"] = float(f32(0.9) + f32(0.2) * c.uniform())
    p["hue"] = float(f32(-0.1) + f32(0.2) * c.uniform())
    p["gray"] = c.uniform() < f32(0.15)               # RandomGrayscale(0.15)
    return p


def make_view(x, p, h, w, augment):
    """The reference's cutout: crop, Resize (bilinear, no antialias), then
    its augs with the drawn parameters."""
    cy, cx, ch, cw = p["crop"]
    y = x[:, :, cy:cy + ch, cx:cx + cw]
    y = TF.resize(y, [h, w], BIL)
    if not augment:
        return y
    if p["flip"]:
        y = TF.hflip(y)
    if p["affine"]:
        y = TF.affine(y, p["angle"], [p["tx"], p["ty"]], 1.0, [0.0, 0.0], BIL, WHITE)
    if p["persp"]:
        y = F_t.perspective(y, coeffs64(corners(w, h), p["end"]), "bilinear", WHITE)
    if p["jitter"]:
        fns = [TF.adjust_brightness, TF.adjust_contrast, TF.adjust_saturation, TF.adjust_hue]
        fac = [p["bright"], p["contrast"], p["sat"], p["hue"]]
        for o in p["order"]:
            y = fns[o](y, fac[o])
    if p["gray"]:
        y = TF.rgb_to_grayscale(y, 3)
    return y


# ---------------------------------------------------------------------------
# models and the image

def make_image():
    """A flat field with two soft blobs (the one kind of content whose
    rescale losses stay small, hence short start steps)."""
    W, H = 123, 71
    y, x = np.mgrid[0:H, 0:W].astype(np.float64)
    img = np.zeros((H, W, 3)) + np.array([0.35, 0.5, 0.3])
    for cx, cy, r, col in ((35.0, 29.0, 3.04, (-0.02, 0.048, 0.035)),
                           (83.0, 45.0, 2.67, (-0.123, 0.073, -0.041))):
        img += np.array(col) * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r))[:, :, None]
    u8 = np.clip(np.round(img * 255), 0, 255).astype(np.uint8)
    with open(os.path.join(OUT, "image.ppm"), "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (W, H) + u8.tobytes())
    return Image.fromarray(u8)


def clip_model():
    """open_clip ViT key layout, float32: width 16, 2 layers, patch 12,
    grid 7, embed 16; a minimal text tower (width 8, context 8, vocab 64)."""
    sd = {}
    Wv, E, P, G = 16, 16, 12, 7
    sd["visual.conv1.weight"] = mc.rnd(Wv, 3, P, P, s=0.06)
    sd["visual.class_embedding"] = mc.rnd(Wv, s=0.5)
    sd["visual.positional_embedding"] = mc.rnd(1 + G * G, Wv, s=0.5)
    sd["visual.ln_pre.weight"] = mc.rnd(Wv, s=0.1, base=1)
    sd["visual.ln_pre.bias"] = mc.rnd(Wv, s=0.1)
    mc.tower(sd, "visual.transformer.", Wv, 2)
    sd["visual.ln_post.weight"] = mc.rnd(Wv, s=0.1, base=1)
    sd["visual.ln_post.bias"] = mc.rnd(Wv, s=0.1)
    sd["visual.proj"] = mc.rnd(Wv, E, s=0.25)
    mc.text_part(sd, Wt=8, ctx=8, vocab=64, E=E)
    return {k: v.float().contiguous() for k, v in sd.items()}


def directions(E):
    """Template embeddings: unit rows scattered around one direction."""
    base = torch.randn(E)
    rows = []
    for k in (14, 26):
        d = base + 0.4 * torch.randn(k, E)
        rows.append((d / d.norm(dim=1, keepdim=True)).float())
    return rows


# ---------------------------------------------------------------------------
# the edit

def bilinear(x, H, W):
    return F.interpolate(x, size=(H, W), mode="bilinear", align_corners=False)


def mask_from_rois(W, H, boxes, feather):
    """rse__mask_from_rois: 1 inside any box, 1 - d / feather outside (d the
    distance of the pixel centre to the box), 0 beyond."""
    y, x = np.mgrid[0:H, 0:W].astype(np.float64)
    cx, cy = x + 0.5, y + 0.5
    best = np.zeros((H, W))
    for bx, by, bw, bh in boxes:
        dx = np.where(cx < bx, bx - cx, np.where(cx > bx + bw, cx - (bx + bw), 0.0))
        dy = np.where(cy < by, by - cy, np.where(cy > by + bh, cy - (by + bh), 0.0))
        d = np.sqrt(dx * dx + dy * dy)
        v = np.where(d == 0, 1.0, (1.0 - d / feather) if feather > 0 else 0.0)
        best = np.maximum(best, v)
    return torch.tensor(np.clip(best, 0, 1))[None, None]


def box_at(b, f):
    x, y, w, h = (int(v / f) for v in b)
    return x, y, max(w, 1), max(h, 1)


class Edit:
    def __init__(self, net, clip_sd, dirs, pyr, tstart, gam):
        self.net, self.clip_sd, self.dirs = net, clip_sd, dirs
        self.N, self.sf = pyr["n"], pyr["sf"]
        self.sizes = pyr["sizes"]                    # (w, h)
        self.orig = []
        for im in pyr["imgs"]:
            a = np.asarray(im, dtype=np.uint8).transpose(2, 0, 1).astype(np.float32)
            self.orig.append(torch.tensor((a / f32(255.0)) * f32(2.0) - f32(1.0), dtype=torch.float64)[None])
        self.tstart, self.gam = tstart, gam.double()
        self.sc = {k: torch.tensor(v) for k, v in schedule_buffers(T).items()}

    def grad(self, x0, grng, s, nviews):
        """d score / d x0 at one guided step; consumes the guide stream."""
        dirs = self.dirs[0] if s > 0 else self.dirs[1]          # "hr" above scale 0
        K = dirs.shape[0]
        n = 1 + grng.below(K)
        idx = [grng.below(K) for _ in range(n)]
        x = ((x0.detach() + 1) / 2).requires_grad_(True)
        H, W = x.shape[-2:]
        h, w = TF._compute_resized_output_size([H, W], [224], 320)
        views = [make_view(x, view_draw(grng, v, H, W, h, w), h, w, nviews > 1) for v in range(nviews)]
        grng.pos += VIEW_DRAWS * nviews
        e = mc.encode_vit(self.clip_sd, (torch.cat(views) - CLIP_MEAN) / CLIP_STD, 2)
        cos = F.cosine_similarity(e[:, None, :], dirs[idx].double()[None], dim=-1)  # (V, n)
        score = -1.2 * (1 - cos.mean())
        score.backward()
        return x.grad / 2                                        # x = (x0 + 1) / 2

    def run(self, mode, rec):
        N, sc, p = self.N, self.sc, mode
        seed = p["seed"]
        rng, keep, grng = Rng(seed, 0), Rng(seed ^ 0x5eed0fcee9, 0), Rng(seed ^ 0x7e47c11b, 0)
        text, copy = p["text"], p["copy"]
        # s0 = 1 in this script's modes; tools/make_mode_fixtures.py's style
        # modes (SinDDM's clip_style_trans / clip_style_gen) start at the
        # finest scale from the scale below upsampled ("start_below"), or
        # from noise at scale 0, and guide the finest scale only
        s0 = p.get("s0", 1)
        guide_from = p.get("guide_from", max(s0, 1))
        # "reference": SinDDM's samplers (DDPM when text guides, the
        # reblurring DDIM for a copy alone); "reblur": rsedit's default,
        # the reblurring DDIM for every edit
        reblur = not text if p["sampler"] == "reference" else True
        Wf, Hf = self.sizes[N - 1]
        # region masks at the finest scale: R (hard, text boxes) guides, F
        # (feathered, text boxes and copy targets) keeps the outside
        fboxes = list(p["copy_to"]) + list(p["rois"]) if copy else list(p["rois"])
        Ffin = mask_from_rois(Wf, Hf, fboxes, p["feather"]) if fboxes else None
        Rfin = mask_from_rois(Wf, Hf, p["rois"], 0.0) if p["rois"] else None
        M = x0_prev = None
        gap = [1.0, 0.0]
        x = None
        for s in range(s0, N):
            W, H = self.sizes[s]
            n = 3 * H * W
            Fs = bilinear(Ffin, H, W) if Ffin is not None else None
            Rs = bilinear(Rfin, H, W) if Rfin is not None else None
            if s > s0:
                up = bilinear(x, H, W)
                if M is not None:
                    M, x0_prev = bilinear(M, H, W), bilinear(x0_prev, H, W)
                start = up
            else:
                start = self.orig[s]
                if p.get("start_below"):
                    start = bilinear(self.orig[s - 1], H, W)
                if reblur and s > 0:
                    up = bilinear(self.orig[s - 1], H, W)
            T0 = self.tstart[s] if s > 0 else T
            tq = min(T0, T - 1)
            z = torch.tensor(rng.normal(n), dtype=torch.float64).view(1, 3, H, W)
            x = sc["sqrt_alphas_cumprod"][tq] * start + sc["sqrt_one_minus_alphas_cumprod"][tq] * z
            if s == 0 and p.get("from_noise"):
                x = z                                   # x_T: pure noise
            f = self.sf ** (N - 1 - s)
            for t in range(T0 - 1, -1, -1):
                with torch.no_grad():
                    eps = self.net(x, torch.tensor([t]), s)
                xr = sc["sqrt_recip_alphas_cumprod"][t] * x - sc["sqrt_recipm1_alphas_cumprod"][t] * eps
                if reblur and s > 0:
                    g_t = min(float(self.gam[s - 1][t]), 0.55)
                    x0 = (xr - g_t * up) / (1 - g_t)
                else:
                    x0 = xr.clamp(-1, 1)
                acted = False
                if copy and s < N - 1:
                    fx, fy, fw, fh = box_at(p["copy_from"], f)
                    src = self.orig[s][:, :, fy:fy + fh, fx:fx + fw]
                    for b in p["copy_to"]:
                        tx, ty, tw, th = box_at(b, f)
                        P = F.interpolate(src, size=(th, tw), mode="nearest")
                        x0[:, :, ty:ty + th, tx:tx + tw] = p["eta"] * P + (1 - p["eta"]) * x0[:, :, ty:ty + th, tx:tx + tw]
                    acted = True
                if text and s >= guide_from and (s < N - 1 or t >= p["stop"]):
                    x0 = x0.clamp(-1, 1)
                    if M is not None:
                        x0 = (1 - M) * x0 + M * ((1 - p["momentum"]) * x0_prev + p["momentum"] * x0)
                    g = self.grad(x0, grng, s, p["views"])
                    if Rs is not None:
                        g = g * Rs
                    if M is None:
                        if Rs is not None and p["fill"] >= 1:
                            M = Rs.clone()
                        else:
                            e = g.norm(dim=1, keepdim=True)
                            sel = e[Rs > 0] if Rs is not None else e.flatten()
                            q = torch.quantile(sel, 1 - p["fill"], interpolation="nearest")
                            M = (e > q).double()
                            if Rs is not None:
                                M = Rs * M
                            g = torch.where(e > 0, (e - q).clamp(min=0) / e, torch.zeros_like(e)) * g
                            srt = torch.sort(sel).values
                            i = int((srt == q).nonzero()[0])
                            j = int((srt == q).nonzero()[-1])
                            lo = float(q - srt[i - 1]) if i > 0 else float("inf")
                            hi = float(srt[j + 1] - q) if j + 1 < len(srt) else float("inf")
                            gap[0] = min(lo, hi) / float(q) if i == j else 0.0
                        gap[1] = float(M.sum())
                    gm = g * M
                    k = (x0 * M).norm() / gm.norm()
                    x0 = (x0 + p["strength"] * k * gm).clamp(-1, 1)
                    x0_prev = x0.clone()
                    acted = True
                if acted:
                    rec(s, t, x0)
                z = torch.tensor(rng.normal(n), dtype=torch.float64).view(1, 3, H, W)
                if reblur and s > 0:
                    if t > 0:
                        g_t1 = min(float(self.gam[s - 1][t - 1]), 0.55)
                        xmp = (g_t1 * up + (1 - g_t1) * x0).clamp(-1, 1)
                        dirn = torch.sqrt(1 - sc["alphas_cumprod"][t - 1])
                        x = sc["sqrt_alphas_cumprod"][t - 1] * xmp + dirn * \
                            (x - sc["sqrt_alphas_cumprod"][t] * xr.clamp(-1, 1)) / \
                            sc["sqrt_one_minus_alphas_cumprod"][t] + math.exp(0.5 * math.log(1e-20)) * z
                    else:
                        x = x0.clamp(-1, 1)
                else:
                    x = sc["posterior_mean_coef1"][t] * x0.clamp(-1, 1) + sc["posterior_mean_coef2"][t] * x
                    if t > 0:
                        x = x + torch.exp(0.5 * sc["posterior_log_variance_clipped"][t]) * z
                if Fs is not None:
                    if t > 0:
                        zk = torch.tensor(keep.normal(n), dtype=torch.float64).view(1, 3, H, W)
                        o = self.orig[s]
                        if reblur and s > 0:
                            # the reblurring sampler's state is the noised MIX
                            # of the blurry scale below and the image: the
                            # original outside is mixed the same way
                            g_t1 = min(float(self.gam[s - 1][t - 1]), 0.55)
                            o = (g_t1 * bilinear(self.orig[s - 1], H, W) + (1 - g_t1) * o).clamp(-1, 1)
                        o = sc["sqrt_alphas_cumprod"][t - 1] * o + \
                            sc["sqrt_one_minus_alphas_cumprod"][t - 1] * zk
                    else:
                        o = self.orig[s]
                    x = Fs * x + (1 - Fs) * o
        return (x.clamp(-1, 1) + 1) / 2, gap


# ---------------------------------------------------------------------------

def lattice(x, k, sy, sx):
    """x[:, oy::sy, ox::sx] with offsets that move from one step k to the
    next, so the steps together sample many phases of the grid."""
    oy, ox = (3 * k) % sy, (5 * k + 1) % sx
    return x[0, :, oy::sy, ox::sx].contiguous(), (oy, ox, sy, sx)


MODES = [  # boxes are [x, y, w, h] in the image's pixels
    dict(name="whole", text=1, rois=[], fill=0.18),
    dict(name="whole_v3", text=1, rois=[], fill=0.18, views=3),
    dict(name="roi", text=1, rois=[(24, 14, 36, 28)], fill=0.5),
    dict(name="rois", text=1, rois=[(10, 6, 30, 20), (70, 36, 40, 26)], fill=1.0),
    dict(name="copy", text=0, copy_from=(27, 20, 22, 20), copy_to=[(70, 8, 22, 20), (8, 44, 26, 20)]),
    dict(name="copy_text", text=1, rois=[(60, 30, 44, 30)], fill=0.3,
         copy_from=(27, 20, 22, 20), copy_to=[(80, 10, 22, 18)]),
    # rsedit's default sampler (the reblurring DDIM) with a text
    dict(name="roi_rb", text=1, rois=[(24, 14, 36, 28)], fill=0.5, sampler="reblur"),
    dict(name="whole_rb", text=1, rois=[], fill=0.18, sampler="reblur"),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(19)
    img = make_image()
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    buf.seek(0)
    pyr = create_img_scales(buf)
    tstart = t_ideal(pyr["losses"])
    assert pyr["n"] == 3 and tstart == [100, 10, 6], (pyr["n"], tstart)

    # the denoiser, in the reference trainer's checkpoint layout
    ema = Diffusion(Net(DIM), pyr["losses"])
    sd = ema.state_dict()
    torch.save({"step": 120001, "model": sd, "ema": sd}, os.path.join(OUT, "sinddm.pt"))
    clip_sd = clip_model()
    torch.save(clip_sd, os.path.join(OUT, "clip.pt"))
    dirs = directions(16)

    torch.set_default_dtype(torch.float64)
    net = Net(DIM)
    net.load_state_dict({k[len("denoise_fn."):]: v for k, v in sd.items() if k.startswith("denoise_fn.")})
    net.eval()
    clip64 = {k: v.double() for k, v in clip_sd.items()}
    ed = Edit(net, clip64, dirs, pyr, tstart, gammas_torch(pyr["losses"]))

    cases = [("setup", [("t_start", torch.tensor(tstart, dtype=torch.float64)),
                        ("sizes", torch.tensor(pyr["sizes"], dtype=torch.float64)),
                        ("sf", torch.tensor([pyr["sf"]])),
                        ("dirs_hr", dirs[0]), ("dirs_lr", dirs[1])])]
    for m in MODES:
        p = dict(seed=SEED, views=1, strength=0.1, momentum=0.05, stop=3, feather=8.0, eta=0.8,
                 rois=[], copy=0, copy_from=(0, 0, 1, 1), copy_to=[], fill=0.2, sampler="reference")
        p.update(m)
        p["copy"] = 1 if m.get("copy_to") else 0
        rows, xs = [], []

        def rec(s, t, x0):
            sk, (oy, ox, sy, sx) = lattice(x0, len(rows), 8, 8)
            off = sum(v.numel() for v in xs)
            rows.append([s, t, x0.shape[2], x0.shape[3], oy, ox, sy, sx, off, sk.numel()])
            xs.append(sk.flatten())

        out, gap = ed.run(p, rec)
        fin, at = lattice(out, 0, 4, 4)
        cfg = [p["seed"], p["views"], p["strength"], p["fill"], p["momentum"], p["stop"], p["feather"], p["eta"],
               p["text"], p["copy"], len(p["rois"]), len(p["copy_to"]), 1 if p["sampler"] == "reference" else 0]
        ts = [("cfg", torch.tensor(cfg, dtype=torch.float64)),
              ("rois", torch.tensor(p["rois"] or [[0, 0, 0, 0]], dtype=torch.float64)),
              ("copy", torch.tensor([p["copy_from"]] + list(p["copy_to"]), dtype=torch.float64)),
              ("steps", torch.tensor(rows, dtype=torch.float64)), ("x0", torch.cat(xs)),
              ("final", fin.flatten()), ("final_at", torch.tensor(at, dtype=torch.float64)),
              ("gap", torch.tensor(gap))]
        cases.append((m["name"], ts))
        print("%-10s %2d steps recorded, quantile gap %.3g, mask %.0f px, output mean %.4f"
              % (m["name"], len(rows), gap[0], gap[1], float(out.mean())))
    write_ops(os.path.join(OUT, "ref.bin"), cases)
    for n in sorted(os.listdir(OUT)):
        print("%-12s %7d bytes" % (n, os.path.getsize(os.path.join(OUT, n))))


if __name__ == "__main__":
    main()
